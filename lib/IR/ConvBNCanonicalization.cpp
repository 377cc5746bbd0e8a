//===- ConvBNCanonicalization.cpp - canonicalization of convbn ops --------===//

#include "ConvBN/IR/ConvBNOps.h"
#include "ConvBN/IR/LinalgConv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::convbn;

FailureOr<Value> mlir::convbn::buildFoldedDeployConv(OpBuilder &b,
                                                     ConvBNOp op) {
  if (op.getMode() != Mode::Deploy)
    return failure();
  auto constantOf = [](Value value) {
    Attribute attr;
    if (value)
      matchPattern(value, m_Constant(&attr));
    return attr;
  };
  FoldWeightsConstants constants;
  constants.filter = constantOf(op.getFilter());
  constants.bias = constantOf(op.getBias());
  constants.scale = constantOf(op.getScale());
  constants.offset = constantOf(op.getOffset());
  constants.mean = constantOf(op.getMean());
  constants.variance = constantOf(op.getVariance());
  constants.hasBias = !!op.getBias();
  constants.hasScale = !!op.getScale();
  constants.hasOffset = !!op.getOffset();
  // Narrow types (f16, bf16) otherwise normalise in their f32 accumulator
  // (see ConvBNToLinalg): folding into the narrow filter must not turn a
  // finite product w·s into an infinity that path would not produce.
  auto filterType = cast<RankedTensorType>(op.getFilter().getType());
  bool narrow = getAccumulatorType(filterType.getElementType()) !=
                filterType.getElementType();
  auto folded = foldConstantWeights(op.getLayout(), filterType, constants,
                                    op.getEpsilon().convertToDouble(), narrow);
  if (failed(folded))
    return failure();

  Location loc = op.getLoc();
  Value filter = arith::ConstantOp::create(b, loc, folded->first);
  Value bias = arith::ConstantOp::create(b, loc, folded->second);
  ConvParams params{op.getLayout(), op.getStrideValues(),
                    op.getDilationValues(), op.getPaddingValues()};
  return createConvWithBias(b, loc, params, op.getInput(), filter, bias,
                            op.getOutput().getType());
}

namespace {

/// A `deploy` ConvBN block whose filter, bias and batch-norm parameters are
/// constants is a plain convolution with folded constants: evaluate the fold
/// now and emit the linalg convolution, leaving no normalisation arithmetic.
struct FoldConstantDeployConvBN : OpRewritePattern<ConvBNOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvBNOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Value> conv = buildFoldedDeployConv(rewriter, op);
    if (failed(conv))
      return rewriter.notifyMatchFailure(
          op, "not deploy, or parameters that are not constants, too large "
              "to fold, or overflow the element type when folded");
    rewriter.replaceOp(op, *conv);
    return success();
  }
};

} // namespace

void ConvBNOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                           MLIRContext *context) {
  patterns.add<FoldConstantDeployConvBN>(context);
}
