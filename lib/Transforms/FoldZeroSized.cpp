//===- FoldZeroSized.cpp - computations on zero-sized tensors -------------===//
//
// A zero-sized tensor has no elements: the ops that compute one are dead
// weight, and a linalg op with an empty loop never runs its body. Folding
// them before bufferization and tiling keeps upstream passes away from
// empty iteration spaces, on which some of them crash or emit invalid IR.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_FOLDZEROSIZED
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;

/// Whether `type` is a statically shaped tensor with no elements.
static bool isStaticZeroSized(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getNumElements() == 0;
}

/// The values that replace `op`'s results, or an empty vector when `op`
/// computes something (or has effects).
static SmallVector<Value> getZeroSizedReplacement(RewriterBase &rewriter,
                                                  Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (linalgOp.hasPureTensorSemantics() &&
        llvm::is_contained(linalgOp.getStaticLoopRanges(), 0))
      return linalgOp.getDpsInits();
    return {};
  }
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
    if (isStaticZeroSized(insert.getSource().getType()))
      return {insert.getDest()};
    return {};
  }
  // (Ops with regions, such as tensor.pad, count when nothing inside them
  // has effects.)
  if (isa<tensor::EmptyOp>(op) || op->getNumResults() == 0 ||
      !isMemoryEffectFree(op) ||
      !llvm::all_of(op->getResultTypes(), isStaticZeroSized))
    return {};
  rewriter.setInsertionPoint(op);
  SmallVector<Value> empties;
  for (Type type : op->getResultTypes()) {
    auto tensor = cast<RankedTensorType>(type);
    empties.push_back(tensor::EmptyOp::create(rewriter, op->getLoc(),
                                              tensor.getShape(),
                                              tensor.getElementType(),
                                              tensor.getEncoding()));
  }
  return empties;
}

namespace {
struct FoldZeroSizedPass
    : convbn::impl::FoldZeroSizedBase<FoldZeroSizedPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (op != getOperation())
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      SmallVector<Value> replacement = getZeroSizedReplacement(rewriter, op);
      if (replacement.empty())
        continue;
      rewriter.replaceAllOpUsesWith(op, replacement);
      if (isMemoryEffectFree(op) || isa<linalg::LinalgOp>(op))
        rewriter.eraseOp(op);
    }
  }
};
} // namespace
