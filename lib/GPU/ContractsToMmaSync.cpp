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
// The conversion has no register layout for bf16 fragments, which
// mma.sync's m16n8k16 lays out as f16 ones. convbn-gpu-implicit-gemm reads
// bf16 fragments as the bits of f16 ones and bitcasts them back before the
// contraction; this pass converts such a chain as f16 and gives the
// resulting mma.sync ops their bf16 operands back (the bitcasts are
// register renamings). convbn-gpu-mma-sync-bf16-to-nvvm lowers them, which
// convert-nvgpu-to-nvvm does not.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Conversion/VectorToGPU/VectorToGPU.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
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

/// The f16 fragments of a bf16 contraction whose operands are both bitcast
/// from f16 ones, if it is one.
static std::optional<std::pair<Value, Value>>
getF16Fragments(vector::ContractionOp contract) {
  if (!contract.getLhsType().getElementType().isBF16())
    return std::nullopt;
  auto lhs = contract.getLhs().getDefiningOp<arith::BitcastOp>();
  auto rhs = contract.getRhs().getDefiningOp<arith::BitcastOp>();
  if (!lhs || !rhs || !getElementTypeOrSelf(lhs.getIn()).isF16() ||
      !getElementTypeOrSelf(rhs.getIn()).isF16())
    return std::nullopt;
  return std::make_pair(lhs.getIn(), rhs.getIn());
}

/// `contract` with operands `lhs` and `rhs` (of another element type)
/// instead of its own; the old operands' bitcasts go if dead.
static vector::ContractionOp
replaceOperands(RewriterBase &rewriter, vector::ContractionOp contract,
                Value lhs, Value rhs) {
  Operation *oldLhs = contract.getLhs().getDefiningOp();
  Operation *oldRhs = contract.getRhs().getDefiningOp();
  rewriter.setInsertionPoint(contract);
  auto replacement = vector::ContractionOp::create(
      rewriter, contract.getLoc(), lhs, rhs, contract.getAcc(),
      contract.getIndexingMaps(), contract.getIteratorTypes(),
      contract.getKind());
  rewriter.replaceOp(contract, replacement);
  for (Operation *old : {oldLhs, oldRhs})
    if (old && isa<arith::BitcastOp>(old) && old->use_empty())
      rewriter.eraseOp(old);
  return replacement;
}

/// Prepares `function`'s bf16 contractions for the f16 conversion: each
/// takes its f16 fragments (`getF16Fragments`). Fails, with an error at the
/// contraction, where a bf16 contraction reads bf16 fragments or f16 ones
/// are multiplied in the same function, by a contraction or an mma.sync
/// already there (the mma.sync ops could not be told apart afterwards).
/// Returns whether there were any.
static FailureOr<bool> retypeBF16Contractions(RewriterBase &rewriter,
                                              FunctionOpInterface function) {
  // Each bf16 contraction with its f16 fragments.
  SmallVector<std::pair<vector::ContractionOp, std::pair<Value, Value>>> bf16;
  Operation *f16 = nullptr;
  WalkResult walk = function->walk([&](Operation *op) {
    if (auto mma = dyn_cast<nvgpu::MmaSyncOp>(op);
        mma && mma.getMatrixA().getType().getElementType().isF16())
      f16 = mma;
    auto contract = dyn_cast<vector::ContractionOp>(op);
    if (!contract)
      return WalkResult::advance();
    Type element = contract.getLhsType().getElementType();
    if (element.isF16())
      f16 = contract;
    if (!element.isBF16())
      return WalkResult::advance();
    std::optional<std::pair<Value, Value>> fragments =
        getF16Fragments(contract);
    if (!fragments) {
      contract.emitError("a bf16 contraction reaches mma.sync only with its "
                         "fragments read as f16 and bitcast (upstream's "
                         "conversion has no bf16 fragments)");
      return WalkResult::interrupt();
    }
    bf16.push_back({contract, *fragments});
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (bf16.empty())
    return false;
  if (f16) {
    f16->emitError("f16 and bf16 matrix products in one function cannot "
                   "both become mma.sync");
    return failure();
  }
  for (auto &[contract, fragments] : bf16)
    replaceOperands(rewriter, contract, fragments.first, fragments.second);
  return true;
}

/// After the conversion of a function whose bf16 contractions were
/// converted as f16: mma.sync ops take bf16 operands, and contractions the
/// conversion left take bf16 ones again.
static void restoreBF16(RewriterBase &rewriter, FunctionOpInterface function) {
  auto asBF16 = [&](Value f16) -> Value {
    auto type = cast<VectorType>(f16.getType());
    return arith::BitcastOp::create(rewriter, f16.getLoc(),
                                    type.clone(rewriter.getBF16Type()), f16);
  };
  SmallVector<nvgpu::MmaSyncOp> mmas;
  SmallVector<vector::ContractionOp> contracts;
  function->walk([&](Operation *op) {
    if (auto mma = dyn_cast<nvgpu::MmaSyncOp>(op);
        mma && mma.getMatrixA().getType().getElementType().isF16())
      mmas.push_back(mma);
    if (auto contract = dyn_cast<vector::ContractionOp>(op);
        contract && contract.getLhsType().getElementType().isF16())
      contracts.push_back(contract);
  });
  for (nvgpu::MmaSyncOp mma : mmas) {
    rewriter.setInsertionPoint(mma);
    rewriter.replaceOpWithNewOp<nvgpu::MmaSyncOp>(
        mma, mma.getRes().getType(), asBF16(mma.getMatrixA()),
        asBF16(mma.getMatrixB()), mma.getMatrixC(), mma.getMmaShape(),
        mma.getTf32EnabledAttr());
  }
  for (vector::ContractionOp contract : contracts) {
    rewriter.setInsertionPoint(contract);
    replaceOperands(rewriter, contract, asBF16(contract.getLhs()),
                    asBF16(contract.getRhs()));
  }
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
      FailureOr<bool> bf16 = retypeBF16Contractions(rewriter, function);
      if (failed(bf16))
        return signalPassFailure();
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
      if (*bf16)
        restoreBF16(rewriter, function);
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
