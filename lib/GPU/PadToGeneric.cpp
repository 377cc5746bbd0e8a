//===- PadToGeneric.cpp - tensor.pad as a gathering linalg.generic --------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
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

/// Elements of a 16-byte vector of f32.
constexpr int64_t kRowElements = 4;

/// Where element `index` (along one dimension) of a gathered tensor comes
/// from in the source: whether it does at all, and the source index to read
/// (clamped into bounds, so that the read is safe where it does not).
struct SourceIndex {
  Value valid;
  Value index;
};
using SourceIndexFn =
    function_ref<SourceIndex(OpBuilder &, Location, unsigned dim, Value index)>;

/// A linalg.generic filling `init` with `source` read at the indices
/// `sourceIndex` gives, and with `fillValue` where one of them is invalid.
static Value createGather(OpBuilder &builder, Location loc, Value init,
                          Value source, Value fillValue,
                          SourceIndexFn sourceIndex) {
  auto type = cast<RankedTensorType>(init.getType());
  unsigned rank = type.getRank();
  AffineMap id = builder.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             builder, loc, type, ValueRange(), init, ArrayRef<AffineMap>{id},
             parallel,
             [&](OpBuilder &b, Location nestedLoc, ValueRange) {
               Value valid;
               SmallVector<Value> indices;
               for (unsigned dim = 0; dim < rank; ++dim) {
                 SourceIndex read = sourceIndex(
                     b, nestedLoc, dim, linalg::IndexOp::create(b, nestedLoc, dim));
                 valid = valid ? arith::AndIOp::create(b, nestedLoc, valid,
                                                       read.valid)
                                     .getResult()
                               : read.valid;
                 indices.push_back(read.index);
               }
               Value element =
                   tensor::ExtractOp::create(b, nestedLoc, source, indices);
               linalg::YieldOp::create(
                   b, nestedLoc,
                   arith::SelectOp::create(b, nestedLoc, valid, element,
                                           fillValue)
                       .getResult());
             })
      .getResult(0);
}

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

    // Rows of a whole number of 16-byte vectors: the innermost dimension
    // is padded further, with the padding value, to a multiple of 4
    // elements and the result is the slice that the pad defines. Then
    // every row of the padded tensor starts where a vector load may start
    // (a 3x3 convolution reads its 58-wide padded rows with 16-byte loads
    // from a 60-wide buffer instead of 8-byte ones).
    RankedTensorType bufferType = resultType;
    int64_t width = resultType.getRank() ? resultType.getShape().back()
                                         : ShapedType::kDynamic;
    if (!ShapedType::isDynamic(width) && width % kRowElements != 0) {
      SmallVector<int64_t> shape(resultType.getShape());
      shape.back() = llvm::alignTo(width, kRowElements);
      bufferType = resultType.clone(shape);
    }
    Value empty = tensor::EmptyOp::create(rewriter, loc, bufferType,
                                          dynamicSizes);
    Value result = createGather(
        rewriter, loc, empty, source, padValue,
        [&](OpBuilder &b, Location nestedLoc, unsigned dim, Value index) {
          Value lo = getValueOrCreateConstantIndexOp(b, nestedLoc, low[dim]);
          Value size =
              getValueOrCreateConstantIndexOp(b, nestedLoc, sourceSizes[dim]);
          Value shifted = arith::SubIOp::create(b, nestedLoc, index, lo);
          // 0 <= shifted < size, as one unsigned comparison.
          Value ok = arith::CmpIOp::create(
              b, nestedLoc, arith::CmpIPredicate::ult, shifted, size);
          Value zero = arith::ConstantIndexOp::create(b, nestedLoc, 0);
          Value one = arith::ConstantIndexOp::create(b, nestedLoc, 1);
          Value last = arith::SubIOp::create(b, nestedLoc, size, one);
          Value clamped = arith::MinSIOp::create(
              b, nestedLoc, arith::MaxSIOp::create(b, nestedLoc, shifted, zero),
              last);
          return SourceIndex{ok, clamped};
        });
    if (bufferType != resultType) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, result);
      sizes.back() = rewriter.getIndexAttr(width);
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      result = tensor::ExtractSliceOp::create(rewriter, loc, resultType,
                                              result, offsets, sizes, strides);
    }
    rewriter.replaceOp(pad, result);
    return success();
  }
};

/// `tensor.insert_slice %src into <splat constant>` (torch's slice_scatter
/// into zeros; max-pool backward scatters each window position's gradient
/// this way) as one generic over the destination that gathers from `%src`
/// where the index lies on the slice and yields the splat elsewhere. A fill
/// followed by a copy into a strided slice of it would give every such
/// insert the same fill, which CSE merges: the shared destination then
/// bufferizes out of place, with a strided copy of it on the host.
struct InsertIntoSplatAsGather : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr splat;
    RankedTensorType destType = insert.getDestType();
    if (!matchPattern(insert.getDest(), m_Constant(&splat)) ||
        !splat.isSplat() || !destType.hasStaticShape())
      return rewriter.notifyMatchFailure(insert, "not into a splat constant");
    RankedTensorType sourceType = insert.getSourceType();
    if (sourceType.getRank() != destType.getRank())
      return rewriter.notifyMatchFailure(insert, "rank-reducing");
    // An empty source inserts nothing (and has no element to read).
    if (llvm::is_contained(sourceType.getShape(), 0))
      return rewriter.notifyMatchFailure(insert, "empty source");
    // The gather divides by the strides.
    if (!llvm::all_of(insert.getStaticStrides(),
                      [](int64_t stride) { return stride > 0; }))
      return rewriter.notifyMatchFailure(insert, "not static positive strides");
    Location loc = insert.getLoc();
    Value source = insert.getSource();
    SmallVector<OpFoldResult> offsets = insert.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = insert.getMixedSizes();
    SmallVector<OpFoldResult> strides = insert.getMixedStrides();
    Value value =
        arith::ConstantOp::create(rewriter, loc, splat.getSplatValue<TypedAttr>());
    Value empty = tensor::EmptyOp::create(rewriter, loc, destType.getShape(),
                                          destType.getElementType());
    Value gathered = createGather(
        rewriter, loc, empty, source, value,
        [&](OpBuilder &b, Location nestedLoc, unsigned dim, Value i) {
          auto index = [&](OpFoldResult ofr) {
            return getValueOrCreateConstantIndexOp(b, nestedLoc, ofr);
          };
          Value stride = index(strides[dim]);
          Value size = index(sizes[dim]);
          // d = i - offset lies on the slice when d = k * stride with
          // 0 <= k < size; as unsigned values a negative d is too large.
          Value d = arith::SubIOp::create(b, nestedLoc, i, index(offsets[dim]));
          Value k = arith::DivUIOp::create(b, nestedLoc, d, stride);
          Value rem = arith::RemUIOp::create(b, nestedLoc, d, stride);
          Value zero = arith::ConstantIndexOp::create(b, nestedLoc, 0);
          Value ok = arith::AndIOp::create(
              b, nestedLoc,
              arith::CmpIOp::create(b, nestedLoc, arith::CmpIPredicate::ult, k,
                                    size),
              arith::CmpIOp::create(b, nestedLoc, arith::CmpIPredicate::eq,
                                    rem, zero));
          // Clamped, so that the read stays in bounds off the slice too.
          Value one = arith::ConstantIndexOp::create(b, nestedLoc, 1);
          Value last = arith::SubIOp::create(b, nestedLoc, size, one);
          return SourceIndex{ok, arith::MinUIOp::create(b, nestedLoc, k, last)};
        });
    rewriter.replaceOp(insert, gathered);
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
    // A constant destination (torch's slice_scatter into zeros) bufferizes
    // to a read-only global: the copy could not write into it, and a
    // strided host copy would be left. A splat becomes a fill of a new
    // tensor, which the copy then writes in place.
    Value dest = insert.getDest();
    DenseElementsAttr splat;
    if (matchPattern(dest, m_Constant(&splat)) && splat.isSplat() &&
        insert.getDestType().hasStaticShape()) {
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, insert.getDestType().getShape(),
          insert.getDestType().getElementType());
      Value value = arith::ConstantOp::create(
          rewriter, loc, splat.getSplatValue<TypedAttr>());
      dest = linalg::FillOp::create(rewriter, loc, value, empty).getResult(0);
      rewriter.modifyOpInPlace(insert,
                               [&] { insert.getDestMutable().assign(dest); });
    }
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, dest, insert.getMixedOffsets(),
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
    // The gather first: it replaces what the copy would rewrite.
    patterns.add<InsertIntoSplatAsGather>(&getContext(), /*benefit=*/2);
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
