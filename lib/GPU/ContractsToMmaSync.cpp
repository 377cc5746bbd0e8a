//===- ContractsToMmaSync.cpp - warp contractions as nvgpu.mma.sync -------===//
//
// Upstream's convert-vector-to-gpu{use-nvgpu=true} roots a conversion at
// every op it could apply to matrix fragments, scalar arithmetic included,
// and then fails on those roots ("unhandled vector to mma type"): no real
// kernel, whose index computations and epilogue are scalar arithmetic,
// gets through it. This pass calls the same conversion rooted at one
// contraction at a time. f32 contractions become TF32 mma.sync, and only
// when asked (allow-tf32).
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Conversion/VectorToGPU/VectorToGPU.h"
#include "mlir/Dialect/NVGPU/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUCONTRACTSTOMMASYNC
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

/// The first contraction of f32 operands under `root`, if any.
static vector::ContractionOp findF32Contraction(Operation *root) {
  vector::ContractionOp found;
  root->walk([&](vector::ContractionOp contract) {
    if (!contract.getLhsType().getElementType().isF32())
      return WalkResult::advance();
    found = contract;
    return WalkResult::interrupt();
  });
  return found;
}

namespace {
struct GPUContractsToMmaSyncPass
    : convbn::impl::GPUContractsToMmaSyncBase<GPUContractsToMmaSyncPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    Operation *root = getOperation();
    // Tensor cores multiply f32 as TF32: only when asked.
    if (!allowTf32)
      if (vector::ContractionOp contract = findF32Contraction(root)) {
        contract.emitError("an f32 contraction multiplies on tensor cores as "
                           "TF32 only with allow-tf32");
        return signalPassFailure();
      }
    RewritePatternSet prepare(context);
    populatePrepareVectorToMMAPatterns(prepare, /*useNvGpu=*/true);
    if (failed(applyPatternsGreedily(root, std::move(prepare))))
      return signalPassFailure();

    // A conversion leaves the chain it replaced in place (the old
    // accumulators still cycle through the loop that carried them): the
    // loop canonicalizations and dead-code removal take it away before the
    // next chain, so that no contraction is converted twice.
    RewritePatternSet cleanupPatterns(context);
    scf::ForOp::getCanonicalizationPatterns(cleanupPatterns, context);
    FrozenRewritePatternSet cleanup(std::move(cleanupPatterns));

    // One function at a time (chains do not cross functions), so that the
    // walks and cleanups below cost its size times its chains, not the
    // module's. Contractions whose chain mma.sync cannot express are left as
    // they are.
    IRRewriter rewriter(context);
    SmallVector<FunctionOpInterface> functions(
        root->getRegion(0).getOps<FunctionOpInterface>());
    for (FunctionOpInterface function : functions) {
      DenseSet<Operation *> unconverted;
      while (true) {
        vector::ContractionOp next;
        int64_t before = 0;
        function->walk([&](vector::ContractionOp contract) {
          ++before;
          if (!next && !unconverted.contains(contract))
            next = contract;
        });
        if (!next)
          break;
        if (failed(convertVectorToNVVMCompatibleMMASync(rewriter, next)) ||
            failed(applyPatternsGreedily(function, cleanup)))
          return signalPassFailure();
        int64_t after = 0;
        function->walk([&](vector::ContractionOp) { ++after; });
        // Nothing converted: the conversion rejected the chain and changed
        // nothing, so `next` is still there.
        if (after >= before)
          unconverted.insert(next);
      }
    }
    // What the conversion made of f32 contractions: TF32 mma.sync.
    if (allowTf32) {
      RewritePatternSet tf32(context);
      nvgpu::populateMmaSyncF32ToTF32Patterns(tf32,
                                              nvgpu::MmaSyncF32Lowering::TF32);
      if (failed(applyPatternsGreedily(root, std::move(tf32))))
        return signalPassFailure();
    }

    // Chains that share a fragment without a loop joining them (a K loop
    // of one slice, folded away) each loaded it: one ldmatrix is enough.
    DominanceInfo dominance(root);
    eliminateCommonSubExpressions(rewriter, dominance, root);

    // Halves of a fragment register (two 8 x 16 operands out of one
    // ldmatrix.x4) are 2-D strided slices, which the LLVM lowering takes
    // only as 1-D: rows extracted and inserted.
    RewritePatternSet slices(context);
    vector::populateVectorInsertExtractStridedSliceDecompositionPatterns(
        slices);
    if (failed(applyPatternsGreedily(root, std::move(slices))))
      return signalPassFailure();
  }
};
} // namespace
