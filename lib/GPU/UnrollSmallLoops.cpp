//===- UnrollSmallLoops.cpp - unroll short loops in GPU kernels -----------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUUNROLLSMALLLOOPS
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {
struct GPUUnrollSmallLoopsPass
    : convbn::impl::GPUUnrollSmallLoopsBase<GPUUnrollSmallLoopsPass> {
  using GPUUnrollSmallLoopsBase::GPUUnrollSmallLoopsBase;

  void runOnOperation() override {
    // Post-order: inner loops first, so that an outer loop unrolls copies of
    // already unrolled bodies.
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (!loop->getParentOfType<gpu::LaunchOp>())
        return;
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
      std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      if (!lb || !ub || !step || *step <= 0)
        return;
      int64_t tripCount = llvm::divideCeil(std::max<int64_t>(*ub - *lb, 0),
                                           *step);
      bool synchronises =
          loop.getBody()
              ->walk([](gpu::BarrierOp) { return WalkResult::interrupt(); })
              .wasInterrupted();
      if (tripCount <= maxTripCount && !synchronises)
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      if (failed(loopUnrollFull(loop)))
        return signalPassFailure();
  }
};
} // namespace
