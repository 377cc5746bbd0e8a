//===- PadToGeneric.cpp - tensor.pad as a gathering linalg.generic --------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_PADTOGENERIC
#define GEN_PASS_DEF_INSERTSLICETOCOPY
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

struct PadAsGather : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value padValue = pad.getConstantPaddingValue();
    if (!padValue)
      return rewriter.notifyMatchFailure(pad, "padding value not constant");
    Location loc = pad.getLoc();
    RankedTensorType resultType = pad.getResultType();
    Value source = pad.getSource();
    unsigned rank = resultType.getRank();

    // Padded sizes: low + source + high.
    SmallVector<Value> dynamicSizes;
    SmallVector<OpFoldResult> low = pad.getMixedLowPad();
    SmallVector<OpFoldResult> sourceSizes =
        tensor::getMixedSizes(rewriter, loc, source);
    SmallVector<OpFoldResult> high = pad.getMixedHighPad();
    for (unsigned dim = 0; dim < rank; ++dim) {
      if (!resultType.isDynamicDim(dim))
        continue;
      auto toValue = [&](OpFoldResult ofr) {
        return getValueOrCreateConstantIndexOp(rewriter, loc, ofr);
      };
      Value size = arith::AddIOp::create(rewriter, loc, toValue(low[dim]),
                                         toValue(sourceSizes[dim]));
      dynamicSizes.push_back(
          arith::AddIOp::create(rewriter, loc, size, toValue(high[dim])));
    }

    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType,
                                          dynamicSizes);
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange(), empty,
        ArrayRef<AffineMap>{id}, parallel,
        [&](OpBuilder &b, Location nestedLoc, ValueRange) {
          Value zero = arith::ConstantIndexOp::create(b, nestedLoc, 0);
          Value one = arith::ConstantIndexOp::create(b, nestedLoc, 1);
          Value inBounds;
          SmallVector<Value> indices;
          for (unsigned dim = 0; dim < rank; ++dim) {
            Value index = linalg::IndexOp::create(b, nestedLoc, dim);
            Value lo = getValueOrCreateConstantIndexOp(b, nestedLoc, low[dim]);
            Value size = getValueOrCreateConstantIndexOp(b, nestedLoc,
                                                         sourceSizes[dim]);
            Value shifted = arith::SubIOp::create(b, nestedLoc, index, lo);
            // 0 <= shifted < size, as one unsigned comparison.
            Value ok = arith::CmpIOp::create(
                b, nestedLoc, arith::CmpIPredicate::ult, shifted, size);
            inBounds = inBounds ? arith::AndIOp::create(b, nestedLoc,
                                                        inBounds, ok)
                                      .getResult()
                                : ok;
            // A clamped index keeps the read in bounds everywhere.
            Value last = arith::SubIOp::create(b, nestedLoc, size, one);
            Value clamped = arith::MinSIOp::create(
                b, nestedLoc,
                arith::MaxSIOp::create(b, nestedLoc, shifted, zero), last);
            indices.push_back(clamped);
          }
          Value element =
              tensor::ExtractOp::create(b, nestedLoc, source, indices);
          Value result = arith::SelectOp::create(b, nestedLoc, inBounds,
                                                 element, padValue);
          linalg::YieldOp::create(b, nestedLoc, result);
        });
    rewriter.replaceOp(pad, generic.getResult(0));
    return success();
  }
};

struct InsertSliceThroughCopy : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    if (insert.getSource().getDefiningOp<linalg::CopyOp>())
      return rewriter.notifyMatchFailure(insert, "already a copy");
    Location loc = insert.getLoc();
    // Rank-reducing inserts would need the reduced slice type; rare here.
    if (insert.getSourceType().getRank() != insert.getDestType().getRank())
      return rewriter.notifyMatchFailure(insert, "rank-reducing");
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, insert.getDest(), insert.getMixedOffsets(),
        insert.getMixedSizes(), insert.getMixedStrides());
    Value copy =
        linalg::CopyOp::create(rewriter, loc, insert.getSource(), slice)
            .getResult(0);
    rewriter.modifyOpInPlace(
        insert, [&] { insert.getSourceMutable().assign(copy); });
    return success();
  }
};

struct InsertSliceToCopyPass
    : convbn::impl::InsertSliceToCopyBase<InsertSliceToCopyPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<InsertSliceThroughCopy>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct PadToGenericPass
    : convbn::impl::PadToGenericBase<PadToGenericPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PadAsGather>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
