//===- LowerVectorMatrices.cpp - warp-level vector code for the CPU -------===//
//
// Upstream lowers vector.contract only through pattern sets; this pass
// applies them, with the n-D transfer lowering, to the functions that have
// such ops, so that host runs of tensor-core warp code lower to LLVM.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_LOWERVECTORMATRICES
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;

/// Whether `op` is a contraction or a transfer of a vector of rank 2 or
/// more.
static bool isMatrixOp(Operation *op) {
  if (isa<vector::ContractionOp>(op))
    return true;
  if (auto transfer = dyn_cast<VectorTransferOpInterface>(op))
    return transfer.getVectorType().getRank() > 1;
  return false;
}

namespace {
struct LowerVectorMatricesPass
    : convbn::impl::LowerVectorMatricesBase<LowerVectorMatricesPass> {
  void runOnOperation() override {
    bool any = getOperation()
                   .walk([](Operation *op) {
                     return isMatrixOp(op) ? WalkResult::interrupt()
                                           : WalkResult::advance();
                   })
                   .wasInterrupted();
    if (!any)
      return;
    RewritePatternSet patterns(&getContext());
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    populateVectorToSCFConversionPatterns(
        patterns, VectorTransferToSCFOptions().enableFullUnroll());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
