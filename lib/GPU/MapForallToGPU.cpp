//===- MapForallToGPU.cpp - mapped scf.forall to mapped scf.parallel ------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUMAPFORALL
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// The parallel-loop processor for a forall mapping attribute: x, y and z
/// of blocks or threads; everything else runs sequentially.
static std::optional<gpu::Processor> getProcessor(Attribute attr) {
  auto index = [](gpu::MappingId id) -> std::optional<int> {
    switch (id) {
    case gpu::MappingId::DimX:
      return 0;
    case gpu::MappingId::DimY:
      return 1;
    case gpu::MappingId::DimZ:
      return 2;
    default:
      return std::nullopt;
    }
  };
  if (auto block = dyn_cast<gpu::GPUBlockMappingAttr>(attr)) {
    std::optional<int> i = index(block.getBlock());
    return i ? gpu::Processor(static_cast<int>(gpu::Processor::BlockX) + *i)
             : gpu::Processor::Sequential;
  }
  if (auto thread = dyn_cast<gpu::GPUThreadMappingAttr>(attr)) {
    std::optional<int> i = index(thread.getThread());
    return i ? gpu::Processor(static_cast<int>(gpu::Processor::ThreadX) + *i)
             : gpu::Processor::Sequential;
  }
  return std::nullopt;
}

struct GPUMapForallPass : convbn::impl::GPUMapForallBase<GPUMapForallPass> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation().walk([&](scf::ForallOp op) {
      if (op.getMapping())
        loops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    MLIRContext *ctx = &getContext();
    for (scf::ForallOp forall : loops) {
      SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
      ArrayAttr forallMapping = *forall.getMapping();
      for (Attribute attr : forallMapping) {
        std::optional<gpu::Processor> processor = getProcessor(attr);
        if (!processor) {
          forall.emitError("unsupported mapping ") << attr;
          return signalPassFailure();
        }
        AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
        mapping.push_back(
            gpu::ParallelLoopDimMappingAttr::get(ctx, *processor, id, id));
      }
      rewriter.setInsertionPoint(forall);
      Location loc = forall.getLoc();
      scf::ParallelOp parallel;
      if (failed(scf::forallToParallelLoop(rewriter, forall, &parallel))) {
        forall.emitError("could not map this loop to the GPU (loops must "
                         "work on buffers)");
        return signalPassFailure();
      }
      if (failed(gpu::setMappingAttr(parallel, mapping))) {
        emitError(loc, "invalid GPU mapping of this loop");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
