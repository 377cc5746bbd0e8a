//===- ConvBNCanonicalization.cpp - canonicalization of convbn ops --------===//

#include "ConvBN/IR/ConvBNOps.h"
#include "ConvBN/IR/LinalgConv.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// A `deploy` ConvBN block whose filter, bias and batch-norm parameters are
/// constants is a plain convolution with folded constants: evaluate the fold
/// now and emit the linalg convolution, leaving no normalisation arithmetic.
struct FoldConstantDeployConvBN : OpRewritePattern<ConvBNOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvBNOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getMode() != Mode::Deploy)
      return rewriter.notifyMatchFailure(op, "not in deploy mode");
    // Check before creating anything: a pattern that fails must leave the
    // IR untouched.
    auto isDenseConstant = [](Value value) {
      Attribute attr;
      return matchPattern(value, m_Constant(&attr)) &&
             getFloatConstantValues(attr).has_value();
    };
    if (!llvm::all_of(op->getOperands().drop_front(), isDenseConstant))
      return rewriter.notifyMatchFailure(op, "parameters are not constants");
    Location loc = op.getLoc();
    SmallVector<Value> folded;
    rewriter.createOrFold<FoldWeightsOp>(
        folded, loc, op.getLayoutAttr(), op.getFilter(), op.getBias(),
        op.getScale(), op.getOffset(), op.getMean(), op.getVariance(),
        op.getEpsilonAttr());
    assert(!folded.front().getDefiningOp<FoldWeightsOp>() &&
           "fold_weights folds dense constants");
    ConvParams params{op.getLayout(), op.getStrideValues(),
                      op.getDilationValues(), op.getPaddingValues()};
    rewriter.replaceOp(
        op, createConvWithBias(rewriter, loc, params, op.getInput(), folded[0],
                               folded[1], op.getOutput().getType()));
    return success();
  }
};

} // namespace

void ConvBNOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                           MLIRContext *context) {
  patterns.add<FoldConstantDeployConvBN>(context);
}
