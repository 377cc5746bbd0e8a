//===- LaunchToHostLoops.cpp - gpu.launch as host loops, for testing ------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPULAUNCHTOHOSTLOOPS
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// Why `launch` cannot run as independent sequential threads, if it cannot.
static std::optional<StringRef> getCooperation(gpu::LaunchOp launch) {
  if (!launch.getBody().hasOneBlock())
    return StringRef("its body has several blocks");
  if (launch.getNumWorkgroupAttributions() != 0 ||
      launch.getDynamicSharedMemorySize())
    return StringRef("it uses workgroup memory");
  if (launch.hasClusterSize())
    return StringRef("it has clusters");
  if (!launch.getAsyncDependencies().empty() || launch.getAsyncToken())
    return StringRef("it is asynchronous");
  WalkResult cooperating = launch.walk([](Operation *op) {
    if (isa<gpu::BarrierOp, gpu::ShuffleOp, gpu::SubgroupReduceOp,
            gpu::AllReduceOp>(op))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (cooperating.wasInterrupted())
    return StringRef("its threads synchronise or exchange values");
  return std::nullopt;
}

static LogicalResult runOnHost(RewriterBase &rewriter, gpu::LaunchOp launch,
                               Block &entry) {
  if (std::optional<StringRef> why = getCooperation(launch))
    return launch.emitError("cannot run this launch on the host: ") << *why;
  Location loc = launch.getLoc();
  rewriter.setInsertionPoint(launch);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
  // Outermost first: blocks z, y, x, then threads z, y, x.
  SmallVector<Value> bounds = {grid.z, grid.y, grid.x,
                               block.z, block.y, block.x};
  SmallVector<Value> ivs;
  for (Value bound : bounds) {
    auto loop = scf::ForOp::create(rewriter, loc, zero, bound, one);
    ivs.push_back(loop.getInductionVar());
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
  }

  IRMapping mapping;
  gpu::KernelDim3 blockIds = launch.getBlockIds();
  gpu::KernelDim3 threadIds = launch.getThreadIds();
  gpu::KernelDim3 gridSize = launch.getGridSize();
  gpu::KernelDim3 blockSize = launch.getBlockSize();
  mapping.map(blockIds.z, ivs[0]);
  mapping.map(blockIds.y, ivs[1]);
  mapping.map(blockIds.x, ivs[2]);
  mapping.map(threadIds.z, ivs[3]);
  mapping.map(threadIds.y, ivs[4]);
  mapping.map(threadIds.x, ivs[5]);
  mapping.map(gridSize.x, grid.x);
  mapping.map(gridSize.y, grid.y);
  mapping.map(gridSize.z, grid.z);
  mapping.map(blockSize.x, block.x);
  mapping.map(blockSize.y, block.y);
  mapping.map(blockSize.z, block.z);
  for (Operation &op : launch.getBody().front().without_terminator())
    rewriter.clone(op, mapping);
  rewriter.eraseOp(launch);

  // Id and dimension queries inside the body.
  auto dimension = [](gpu::Dimension d, Value x, Value y, Value z) {
    return d == gpu::Dimension::x ? x : d == gpu::Dimension::y ? y : z;
  };
  SmallVector<Operation *> queries;
  Operation *outermost = ivs.front().getParentBlock()->getParentOp();
  outermost->walk([&](Operation *op) {
    if (isa<gpu::ThreadIdOp, gpu::BlockIdOp, gpu::BlockDimOp, gpu::GridDimOp>(
            op))
      queries.push_back(op);
  });
  for (Operation *op : queries) {
    Value value;
    if (auto id = dyn_cast<gpu::ThreadIdOp>(op))
      value = dimension(id.getDimension(), ivs[5], ivs[4], ivs[3]);
    else if (auto id = dyn_cast<gpu::BlockIdOp>(op))
      value = dimension(id.getDimension(), ivs[2], ivs[1], ivs[0]);
    else if (auto dim = dyn_cast<gpu::BlockDimOp>(op))
      value = dimension(dim.getDimension(), block.x, block.y, block.z);
    else
      value = dimension(cast<gpu::GridDimOp>(op).getDimension(), grid.x,
                        grid.y, grid.z);
    rewriter.replaceOp(op, value);
  }

  // One private buffer for all the threads, which run one after another (an
  // alloca in the loop would grow the stack on every iteration).
  SmallVector<memref::AllocaOp> allocas;
  outermost->walk([&](memref::AllocaOp alloca) {
    if (alloca.getType().hasStaticShape())
      allocas.push_back(alloca);
  });
  for (memref::AllocaOp alloca : allocas)
    alloca->moveBefore(&entry, entry.begin());
  return success();
}

struct GPULaunchToHostLoopsPass
    : convbn::impl::GPULaunchToHostLoopsBase<GPULaunchToHostLoopsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isDeclaration())
      return;
    IRRewriter rewriter(&getContext());
    SmallVector<gpu::LaunchOp> launches;
    func.walk([&](gpu::LaunchOp launch) { launches.push_back(launch); });
    for (gpu::LaunchOp launch : launches)
      if (failed(runOnHost(rewriter, launch, func.getBody().front())))
        return signalPassFailure();

    WalkResult result = func.walk([&](Operation *op) {
      rewriter.setInsertionPoint(op);
      if (auto alloc = dyn_cast<gpu::AllocOp>(op)) {
        if (alloc.getAsyncToken() || alloc.getHostShared()) {
          alloc.emitError("cannot run an asynchronous or host-shared "
                          "gpu.alloc on the host");
          return WalkResult::interrupt();
        }
        // cuMemAlloc's alignment, which alignment proofs may have used.
        rewriter.replaceOpWithNewOp<memref::AllocOp>(
            alloc, alloc.getType(), alloc.getDynamicSizes(),
            alloc.getSymbolOperands(), rewriter.getI64IntegerAttr(256));
      } else if (auto dealloc = dyn_cast<gpu::DeallocOp>(op)) {
        if (dealloc.getAsyncToken()) {
          dealloc.emitError("cannot run an asynchronous gpu.dealloc on the "
                            "host");
          return WalkResult::interrupt();
        }
        // Dropped: the buffer lives until the (short) test process exits.
        // A memref.dealloc would be rejected by the one-shot bufferization
        // that --lower-to-cpu runs.
        rewriter.eraseOp(dealloc);
      } else if (isa<memref::DeallocOp>(op)) {
        // Host buffers (copies passed to external functions): dropped too.
        rewriter.eraseOp(op);
      } else if (auto copy = dyn_cast<gpu::MemcpyOp>(op)) {
        if (copy.getAsyncToken()) {
          copy.emitError("cannot run an asynchronous gpu.memcpy on the host");
          return WalkResult::interrupt();
        }
        rewriter.replaceOpWithNewOp<memref::CopyOp>(copy, copy.getSrc(),
                                                    copy.getDst());
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
