//===- LaunchToHostLoops.cpp - gpu.launch as host loops, for testing ------===//
//
// Runs a kernel's blocks and threads one after another on the host. Threads
// that synchronise with gpu.barrier run in phases: the thread loops are
// split at every barrier, so each phase runs for all threads of a block
// before the next one starts, which is what the barrier guarantees on a GPU.
// What a thread keeps across a barrier is either recomputed (pure values,
// typically indices) or lives in its private buffers, which get one copy per
// thread; workgroup memory gets one copy per block. Values a loop around a
// barrier carries (a warp's matrix accumulators) are moved into private
// buffers first.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPULAUNCHTOHOSTLOOPS
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// Alignment of every host buffer standing in for device memory: what
/// cuMemAlloc gives, and more than any vector load of a kernel assumes.
constexpr int64_t kHostBufferAlignment = 256;
/// Alignment of each thread's copy of a private buffer.
constexpr int64_t kPrivateCopyAlignment = 64;
/// Per-thread copies of a private buffer this large or larger go on the
/// heap: a function's launches may hold many (a warp's accumulators across
/// an unrolled K loop), and the JIT inlines functions into their callers.
constexpr int64_t kMaxStackThreadCopyBytes = 64 * 1024;

static bool containsBarrier(Operation *op) {
  return op
      ->walk([](gpu::BarrierOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

/// Why `launch` cannot run on the host, if it cannot.
static std::optional<StringRef> getUnsupportedFeature(gpu::LaunchOp launch) {
  if (!launch.getBody().hasOneBlock())
    return StringRef("its body has several blocks");
  if (launch.getDynamicSharedMemorySize())
    return StringRef("it uses dynamic shared memory");
  if (launch.hasClusterSize())
    return StringRef("it has clusters");
  if (!launch.getAsyncDependencies().empty() || launch.getAsyncToken())
    return StringRef("it is asynchronous");
  WalkResult exchanging = launch.walk([](Operation *op) {
    if (isa<gpu::ShuffleOp, gpu::SubgroupReduceOp, gpu::AllReduceOp>(op))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (exchanging.wasInterrupted())
    return StringRef("its threads exchange values");
  return std::nullopt;
}

/// `type` without a GPU address space: the host has one memory.
static Type withoutGPUAddressSpace(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !isa_and_nonnull<gpu::AddressSpaceAttr>(memref.getMemorySpace()))
    return type;
  return MemRefType::get(memref.getShape(), memref.getElementType(),
                         memref.getLayout());
}

/// Whether `alloca` is workgroup memory (one buffer per block) rather than a
/// thread's own.
static bool isWorkgroupAlloca(memref::AllocaOp alloca) {
  auto space =
      dyn_cast_or_null<gpu::AddressSpaceAttr>(alloca.getType().getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

/// Makes every asynchronous copy in `launch` (nvgpu.device_async_copy) a
/// synchronous one, element by element, and drops the groups and waits.
/// Copies then land earlier than on a GPU, which a correct kernel cannot
/// tell: it reads a copy's destination only after waiting for it and a
/// barrier, and does not write it in between.
static void completeAsyncCopiesAtOnce(RewriterBase &rewriter,
                                      gpu::LaunchOp launch) {
  SmallVector<Operation *> waits, groups;
  SmallVector<nvgpu::DeviceAsyncCopyOp> copies;
  launch.walk([&](Operation *op) {
    if (isa<nvgpu::DeviceAsyncWaitOp>(op))
      waits.push_back(op);
    else if (isa<nvgpu::DeviceAsyncCreateGroupOp>(op))
      groups.push_back(op);
    else if (auto copy = dyn_cast<nvgpu::DeviceAsyncCopyOp>(op))
      copies.push_back(copy);
  });
  for (Operation *op : llvm::concat<Operation *>(waits, groups))
    rewriter.eraseOp(op);
  for (nvgpu::DeviceAsyncCopyOp copy : copies) {
    // dst[.., j + i] = i < srcElements ? src[.., k + i] : 0, i < dstElements.
    Location loc = copy.getLoc();
    rewriter.setInsertionPoint(copy);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value count = arith::ConstantIndexOp::create(
        rewriter, loc, copy.getDstElements().getZExtValue());
    Value sourceCount = copy.getSrcElements() ? copy.getSrcElements() : count;
    auto loop = scf::ForOp::create(rewriter, loc, zero, count, one);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
    Value i = loop.getInductionVar();
    auto shift = [&](ValueRange indices) {
      SmallVector<Value> shifted(indices);
      shifted.back() = arith::AddIOp::create(rewriter, loc, shifted.back(), i);
      return shifted;
    };
    SmallVector<Value> sourceIndices = shift(copy.getSrcIndices());
    SmallVector<Value> destinationIndices = shift(copy.getDstIndices());
    Type elementType = copy.getDst().getType().getElementType();
    Value read = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                       i, sourceCount);
    auto branch = scf::IfOp::create(rewriter, loc, elementType, read,
                                    /*withElseRegion=*/true);
    OpBuilder thenBuilder = branch.getThenBodyBuilder();
    scf::YieldOp::create(thenBuilder, loc,
                         memref::LoadOp::create(thenBuilder, loc, copy.getSrc(),
                                                sourceIndices)
                             .getResult());
    OpBuilder elseBuilder = branch.getElseBodyBuilder();
    scf::YieldOp::create(
        elseBuilder, loc,
        arith::ConstantOp::create(elseBuilder, loc,
                                  elseBuilder.getZeroAttr(elementType))
            .getResult());
    memref::StoreOp::create(rewriter, loc, branch.getResult(0), copy.getDst(),
                            destinationIndices);
    rewriter.eraseOp(copy);
  }
}

/// Emits one launch as host loops.
class HostLaunchEmitter {
public:
  HostLaunchEmitter(RewriterBase &rewriter, gpu::LaunchOp launch, Block &entry)
      : rewriter(rewriter), launch(launch), entry(entry) {}

  LogicalResult emit();

private:
  /// Rewrites the loops around barriers that carry values to keep them in
  /// private buffers instead: a thread's SSA values do not survive the
  /// phases such a loop is split into.
  LogicalResult demoteLoopCarriedValues();
  /// Keeps values that a thread computes before a barrier and uses after
  /// it, and that cannot be recomputed there (loaded values, results of
  /// ops with regions), in private buffers: stored where computed, loaded
  /// where used.
  void demoteValuesAcrossBarriers();
  /// Emits `ops` (a block's, without its terminator) at the current
  /// insertion point, where `uniform` maps what every thread of a block
  /// agrees on (block ids, sizes, uniform loop variables).
  LogicalResult emitOps(iterator_range<Block::iterator> ops, IRMapping uniform);
  /// Emits `phase` (ops without barriers) in loops over the block's threads.
  LogicalResult emitPhase(ArrayRef<Operation *> phase, const IRMapping &uniform);
  /// Emits `op`, which contains barriers, once per block.
  LogicalResult emitUniform(Operation *op, const IRMapping &uniform);
  /// `value` where `mapping` applies, recomputing pure values defined in an
  /// earlier phase; null (with an error) if it cannot be.
  Value materialize(Value value, IRMapping &mapping, bool perThread);
  /// This thread's copy of the private buffer `alloca`.
  Value getThreadCopy(memref::AllocaOp alloca, IRMapping &mapping);
  /// Replaces id and size queries in the body with the launch's own block
  /// arguments, which the emitter maps.
  void bindIdQueries();
  /// The thread's linear id within its block, in `mapping`'s loops.
  Value getLinearThreadId(IRMapping &mapping);

  RewriterBase &rewriter;
  gpu::LaunchOp launch;
  Block &entry;
  Location loc = launch.getLoc();
  bool phased = false;
  Value blockSize[3];
  std::optional<int64_t> threadsPerBlock;
  /// Host buffers standing in for workgroup memory.
  IRMapping workgroup;
  /// Per private buffer: one byte buffer holding every thread's copy, and
  /// the (aligned) bytes of each copy.
  DenseMap<Operation *, std::pair<Value, int64_t>> threadCopies;
};

} // namespace

LogicalResult HostLaunchEmitter::emit() {
  if (std::optional<StringRef> why = getUnsupportedFeature(launch))
    return launch.emitError("cannot run this launch on the host: ") << *why;
  phased = containsBarrier(launch);
  bindIdQueries();
  completeAsyncCopiesAtOnce(rewriter, launch);
  if (failed(demoteLoopCarriedValues()))
    return failure();
  if (phased)
    demoteValuesAcrossBarriers();

  rewriter.setInsertionPoint(launch);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
  blockSize[0] = block.x;
  blockSize[1] = block.y;
  blockSize[2] = block.z;
  std::optional<int64_t> x = getConstantIntValue(block.x);
  std::optional<int64_t> y = getConstantIntValue(block.y);
  std::optional<int64_t> z = getConstantIntValue(block.z);
  if (x && y && z)
    threadsPerBlock = *x * *y * *z;

  // Outermost first: blocks z, y, x.
  SmallVector<Value> blockIvs;
  Operation *outermost = nullptr;
  for (Value bound : {grid.z, grid.y, grid.x}) {
    auto loop = scf::ForOp::create(rewriter, loc, zero, bound, one);
    outermost = outermost ? outermost : loop.getOperation();
    blockIvs.push_back(loop.getInductionVar());
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
  }

  IRMapping uniform;
  gpu::KernelDim3 blockIds = launch.getBlockIds();
  gpu::KernelDim3 gridSize = launch.getGridSize();
  gpu::KernelDim3 blockSizeArgs = launch.getBlockSize();
  uniform.map(blockIds.z, blockIvs[0]);
  uniform.map(blockIds.y, blockIvs[1]);
  uniform.map(blockIds.x, blockIvs[2]);
  uniform.map(gridSize.x, grid.x);
  uniform.map(gridSize.y, grid.y);
  uniform.map(gridSize.z, grid.z);
  uniform.map(blockSizeArgs.x, block.x);
  uniform.map(blockSizeArgs.y, block.y);
  uniform.map(blockSizeArgs.z, block.z);

  // Workgroup memory: one buffer, reused by the blocks run one after
  // another (their contents do not outlive a block on a GPU either).
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&entry);
    for (BlockArgument attribution : launch.getWorkgroupAttributions()) {
      auto type = cast<MemRefType>(withoutGPUAddressSpace(attribution.getType()));
      if (!type.hasStaticShape())
        return launch.emitError("cannot run this launch on the host: its "
                                "workgroup memory has a dynamic shape");
      Value buffer = memref::AllocaOp::create(
          rewriter, loc, type, ValueRange(),
          rewriter.getI64IntegerAttr(kPrivateCopyAlignment));
      uniform.map(attribution, buffer);
    }
    if (!launch.getPrivateAttributions().empty())
      return launch.emitError("cannot run this launch on the host: it has "
                              "private attributions");
  }
  SmallVector<memref::AllocaOp> workgroupAllocas;
  launch.walk([&](memref::AllocaOp alloca) {
    if (isWorkgroupAlloca(alloca))
      workgroupAllocas.push_back(alloca);
  });
  for (memref::AllocaOp alloca : workgroupAllocas) {
    if (alloca->getParentOp() != launch || !alloca.getType().hasStaticShape())
      return alloca.emitError("cannot run this launch on the host: workgroup "
                              "memory must be allocated statically at the "
                              "kernel's top level");
  }

  Block &body = launch.getBody().front();
  if (failed(emitOps(body.without_terminator(), uniform)))
    return failure();
  rewriter.eraseOp(launch);

  // The host has one address space.
  outermost->walk([&](Operation *op) {
    for (Value result : op->getResults())
      result.setType(withoutGPUAddressSpace(result.getType()));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(withoutGPUAddressSpace(arg.getType()));
  });

  // Buffers allocated inside the loops (workgroup memory, private buffers
  // of threads that do not synchronise, temporaries of a phase) serve every
  // iteration from the function's entry: an alloca in a loop would grow the
  // stack on every iteration.
  SmallVector<memref::AllocaOp> allocas;
  outermost->walk([&](memref::AllocaOp alloca) {
    if (alloca.getType().hasStaticShape())
      allocas.push_back(alloca);
  });
  for (memref::AllocaOp alloca : allocas)
    alloca->moveBefore(&entry, entry.begin());
  return success();
}

/// The private buffer type holding a value of `type`, or null if none does.
static MemRefType getPrivateBufferType(Type type) {
  if (auto vector = dyn_cast<VectorType>(type)) {
    if (vector.isScalable())
      return {};
    return MemRefType::get(vector.getShape(), vector.getElementType());
  }
  if (type.isIntOrIndexOrFloat())
    return MemRefType::get({}, type);
  return {};
}

/// Stores `value` into `buffer`, its private buffer (getPrivateBufferType).
static void storePrivate(OpBuilder &b, Location loc, Value value,
                         Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<Value> zeros(type.getRank(),
                           arith::ConstantIndexOp::create(b, loc, 0));
  if (!isa<VectorType>(value.getType())) {
    memref::StoreOp::create(b, loc, value, buffer, zeros);
    return;
  }
  SmallVector<bool> inBounds(type.getRank(), true);
  vector::TransferWriteOp::create(b, loc, value, buffer, zeros,
                                  ArrayRef<bool>(inBounds));
}

/// The value of `type` kept in `buffer`, its private buffer.
static Value loadPrivate(OpBuilder &b, Location loc, Type type, Value buffer) {
  auto bufferType = cast<MemRefType>(buffer.getType());
  SmallVector<Value> zeros(bufferType.getRank(),
                           arith::ConstantIndexOp::create(b, loc, 0));
  auto vector = dyn_cast<VectorType>(type);
  if (!vector)
    return memref::LoadOp::create(b, loc, buffer, zeros);
  SmallVector<bool> inBounds(bufferType.getRank(), true);
  return vector::TransferReadOp::create(b, loc, vector, buffer, zeros,
                                        /*padding=*/std::nullopt,
                                        ArrayRef<bool>(inBounds));
}

LogicalResult HostLaunchEmitter::demoteLoopCarriedValues() {
  SmallVector<scf::ForOp> loops;
  launch.walk([&](scf::ForOp loop) {
    if (loop.getNumRegionIterArgs() != 0 && containsBarrier(loop))
      loops.push_back(loop);
  });
  // Innermost first (the walk is post-order).
  for (scf::ForOp loop : loops) {
    Location loopLoc = loop.getLoc();
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(loop);
    SmallVector<Value> buffers;
    for (Value init : loop.getInitArgs()) {
      Type type = init.getType();
      MemRefType bufferType = getPrivateBufferType(type);
      if (!bufferType)
        return loop.emitError("cannot run this launch on the host: a loop "
                              "around a barrier carries a value of type ")
               << type;
      Value buffer = memref::AllocaOp::create(rewriter, loopLoc, bufferType);
      storePrivate(rewriter, loopLoc, init, buffer);
      buffers.push_back(buffer);
    }
    auto hostLoop =
        scf::ForOp::create(rewriter, loopLoc, loop.getLowerBound(),
                           loop.getUpperBound(), loop.getStep());
    Block *body = hostLoop.getBody();
    rewriter.setInsertionPointToStart(body);
    SmallVector<Value> arguments = {hostLoop.getInductionVar()};
    for (auto [buffer, arg] : llvm::zip(buffers, loop.getRegionIterArgs()))
      arguments.push_back(loadPrivate(rewriter, loopLoc, arg.getType(), buffer));
    auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
    rewriter.inlineBlockBefore(loop.getBody(), body->getTerminator(),
                               arguments);
    // (Read after inlining: a yielded block argument is a load now.)
    SmallVector<Value> yielded(yield.getOperands());
    // Each carried value is stored where it is computed, in the phase that
    // computes it (the next iteration reads it back at its start); values
    // from elsewhere are stored at the end of the iteration.
    for (auto [value, buffer, arg] :
         llvm::zip(yielded, buffers, ArrayRef<Value>(arguments).drop_front())) {
      if (value == arg)
        continue;
      Operation *def = value.getDefiningOp();
      if (def && def->getBlock() == body)
        rewriter.setInsertionPointAfter(def);
      else
        rewriter.setInsertionPoint(yield);
      storePrivate(rewriter, loopLoc, value, buffer);
    }
    rewriter.eraseOp(yield);
    rewriter.setInsertionPointAfter(hostLoop);
    SmallVector<Value> results;
    for (auto [buffer, result] : llvm::zip(buffers, loop.getResults()))
      results.push_back(loadPrivate(rewriter, loopLoc, result.getType(), buffer));
    rewriter.replaceOp(loop, results);
  }
  return success();
}

void HostLaunchEmitter::demoteValuesAcrossBarriers() {
  // Per block: for each op, how many of the block's ops up to it (itself
  // included) contain a barrier. A use in op A of the value of op D of the
  // same block is in a later phase iff A's count exceeds D's.
  DenseMap<Block *, DenseMap<Operation *, unsigned>> barriersUpTo;
  auto getBarriersUpTo = [&](Operation *op) {
    Block *block = op->getBlock();
    auto [it, inserted] = barriersUpTo.try_emplace(block);
    if (inserted) {
      unsigned count = 0;
      for (Operation &other : *block) {
        if (containsBarrier(&other))
          ++count;
        it->second[&other] = count;
      }
    }
    return it->second.lookup(op);
  };
  DenseMap<Value, bool> recomputable;
  std::function<bool(Value)> isRecomputable = [&](Value value) {
    Operation *def = value.getDefiningOp();
    if (!def || !launch.getBody().isAncestor(def->getParentRegion()))
      return true;
    if (auto it = recomputable.find(value); it != recomputable.end())
      return it->second;
    bool result = def->getNumRegions() == 0 && isMemoryEffectFree(def) &&
                  llvm::all_of(def->getOperands(), isRecomputable);
    recomputable[value] = result;
    return result;
  };

  SmallVector<std::pair<Value, SmallVector<OpOperand *>>> demoted;
  launch.getBody().walk([&](Operation *def) {
    if (def->getNumRegions() != 0 && containsBarrier(def))
      return; // Its results are handled (or rejected) where it is emitted.
    for (Value result : def->getResults()) {
      if (!getPrivateBufferType(result.getType()))
        continue;
      SmallVector<OpOperand *> later;
      for (OpOperand &use : result.getUses()) {
        Operation *user =
            def->getBlock()->findAncestorOpInBlock(*use.getOwner());
        if (user && getBarriersUpTo(user) > getBarriersUpTo(def))
          later.push_back(&use);
      }
      if (!later.empty() && !isRecomputable(result))
        demoted.push_back({result, std::move(later)});
    }
  });

  OpBuilder::InsertionGuard guard(rewriter);
  for (auto &[value, uses] : demoted) {
    Location valueLoc = value.getLoc();
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    Value buffer = memref::AllocaOp::create(
        rewriter, valueLoc, getPrivateBufferType(value.getType()));
    rewriter.setInsertionPointAfterValue(value);
    storePrivate(rewriter, valueLoc, value, buffer);
    for (OpOperand *use : uses) {
      // Right before its user: in the user's phase.
      rewriter.setInsertionPoint(use->getOwner());
      Value loaded = loadPrivate(rewriter, valueLoc, value.getType(), buffer);
      use->set(loaded);
    }
  }
}

void HostLaunchEmitter::bindIdQueries() {
  auto dimension = [](gpu::Dimension d, gpu::KernelDim3 values) {
    return d == gpu::Dimension::x   ? values.x
           : d == gpu::Dimension::y ? values.y
                                    : values.z;
  };
  SmallVector<Operation *> queries;
  launch.getBody().walk([&](Operation *op) {
    if (isa<gpu::ThreadIdOp, gpu::BlockIdOp, gpu::BlockDimOp, gpu::GridDimOp>(
            op))
      queries.push_back(op);
  });
  for (Operation *op : queries) {
    Value value;
    if (auto id = dyn_cast<gpu::ThreadIdOp>(op))
      value = dimension(id.getDimension(), launch.getThreadIds());
    else if (auto id = dyn_cast<gpu::BlockIdOp>(op))
      value = dimension(id.getDimension(), launch.getBlockIds());
    else if (auto dim = dyn_cast<gpu::BlockDimOp>(op))
      value = dimension(dim.getDimension(), launch.getBlockSize());
    else
      value = dimension(cast<gpu::GridDimOp>(op).getDimension(),
                        launch.getGridSize());
    rewriter.replaceOp(op, value);
  }
}

LogicalResult HostLaunchEmitter::emitOps(iterator_range<Block::iterator> ops,
                                         IRMapping uniform) {
  SmallVector<Operation *> phase;
  for (Operation &op : ops) {
    if (!containsBarrier(&op)) {
      phase.push_back(&op);
      continue;
    }
    if (failed(emitPhase(phase, uniform)))
      return failure();
    phase.clear();
    if (!isa<gpu::BarrierOp>(op) && failed(emitUniform(&op, uniform)))
      return failure();
  }
  return emitPhase(phase, uniform);
}

LogicalResult HostLaunchEmitter::emitPhase(ArrayRef<Operation *> phase,
                                           const IRMapping &uniform) {
  // Workgroup allocations are made once per block, where first used.
  auto isThreadCode = [](Operation *op) {
    auto alloca = dyn_cast<memref::AllocaOp>(op);
    return !alloca || !isWorkgroupAlloca(alloca);
  };
  if (llvm::none_of(phase, isThreadCode))
    return success();
  OpBuilder::InsertionGuard guard(rewriter);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  // Threads z, y, x.
  SmallVector<Value> threadIvs;
  for (Value bound : {blockSize[2], blockSize[1], blockSize[0]}) {
    auto loop = scf::ForOp::create(rewriter, loc, zero, bound, one);
    threadIvs.push_back(loop.getInductionVar());
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
  }
  IRMapping mapping = uniform;
  gpu::KernelDim3 threadIds = launch.getThreadIds();
  mapping.map(threadIds.z, threadIvs[0]);
  mapping.map(threadIds.y, threadIvs[1]);
  mapping.map(threadIds.x, threadIvs[2]);

  for (Operation *op : llvm::make_filter_range(phase, isThreadCode)) {
    // What the op and its regions read from earlier phases or the launch.
    SetVector<Value> used(op->operand_begin(), op->operand_end());
    getUsedValuesDefinedAbove(op->getRegions(), used);
    for (Value value : used)
      if (!materialize(value, mapping, /*perThread=*/true))
        return failure();
    if (auto alloca = dyn_cast<memref::AllocaOp>(op); alloca && phased) {
      if (!materialize(alloca.getResult(), mapping, /*perThread=*/true))
        return failure();
      continue;
    }
    rewriter.clone(*op, mapping);
  }
  return success();
}

LogicalResult HostLaunchEmitter::emitUniform(Operation *op,
                                             const IRMapping &uniform) {
  IRMapping mapping = uniform;
  auto materializeAll = [&](ValueRange values, SmallVectorImpl<Value> &out) {
    for (Value value : values) {
      out.push_back(materialize(value, mapping, /*perThread=*/false));
      if (!out.back())
        return false;
    }
    return true;
  };
  SmallVector<Value> operands;
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    // (Carried values were moved to private buffers: no iter_args here.)
    if (!materializeAll({loop.getLowerBound(), loop.getUpperBound(),
                         loop.getStep()},
                        operands))
      return failure();
    auto hostLoop = scf::ForOp::create(rewriter, loop.getLoc(), operands[0],
                                       operands[1], operands[2]);
    mapping.map(loop.getInductionVar(), hostLoop.getInductionVar());
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(hostLoop.getBody()->getTerminator());
    return emitOps(loop.getBody()->without_terminator(), mapping);
  }
  if (auto branch = dyn_cast<scf::IfOp>(op)) {
    if (branch.getNumResults() != 0)
      return branch.emitError("cannot run this launch on the host: a branch "
                              "around a barrier yields values");
    if (!materializeAll(branch.getCondition(), operands))
      return failure();
    auto hostBranch =
        scf::IfOp::create(rewriter, branch.getLoc(), operands[0],
                          /*withElseRegion=*/!branch.getElseRegion().empty());
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(hostBranch.thenBlock()->getTerminator());
    if (failed(emitOps(branch.thenBlock()->without_terminator(), mapping)))
      return failure();
    if (branch.getElseRegion().empty())
      return success();
    rewriter.setInsertionPoint(hostBranch.elseBlock()->getTerminator());
    return emitOps(branch.elseBlock()->without_terminator(), mapping);
  }
  return op->emitError("cannot run this launch on the host: a barrier inside "
                       "'")
         << op->getName() << "' (only scf.for and scf.if may contain one)";
}

Value HostLaunchEmitter::materialize(Value value, IRMapping &mapping,
                                     bool perThread) {
  if (Value mapped = mapping.lookupOrNull(value))
    return mapped;
  // Defined outside the launch.
  if (!launch.getBody().isAncestor(value.getParentRegion()))
    return value;
  Operation *def = value.getDefiningOp();
  if (!def) {
    // Only the thread ids are not mapped: a value every thread of a block
    // must agree on depends on them.
    launch.emitError("cannot run this launch on the host: a barrier "
                     "depends on the thread id");
    return Value();
  }
  if (auto alloca = dyn_cast<memref::AllocaOp>(def)) {
    if (isWorkgroupAlloca(alloca)) {
      if (Value buffer = workgroup.lookupOrNull(value)) {
        mapping.map(value, buffer);
        return buffer;
      }
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&entry);
      auto type = cast<MemRefType>(withoutGPUAddressSpace(alloca.getType()));
      Value buffer = memref::AllocaOp::create(
          rewriter, alloca.getLoc(), type, ValueRange(),
          rewriter.getI64IntegerAttr(kPrivateCopyAlignment));
      workgroup.map(value, buffer);
      mapping.map(value, buffer);
      return buffer;
    }
    if (!perThread) {
      alloca.emitError("cannot run this launch on the host: a thread's "
                       "buffer is used where every thread must agree");
      return Value();
    }
    return getThreadCopy(alloca, mapping);
  }
  if (def->getNumRegions() != 0 || !isMemoryEffectFree(def)) {
    def->emitError("cannot run this launch on the host: this value is "
                   "computed before a barrier and used after it (keep it in "
                   "memory, or recompute it)");
    return Value();
  }
  for (Value operand : def->getOperands())
    if (!materialize(operand, mapping, perThread))
      return Value();
  Operation *clone = rewriter.clone(*def, mapping);
  return clone->getResult(cast<OpResult>(value).getResultNumber());
}

Value HostLaunchEmitter::getLinearThreadId(IRMapping &mapping) {
  gpu::KernelDim3 ids = launch.getThreadIds();
  Value x = mapping.lookup(ids.x), y = mapping.lookup(ids.y),
        z = mapping.lookup(ids.z);
  Value yz = arith::AddIOp::create(
      rewriter, loc, arith::MulIOp::create(rewriter, loc, z, blockSize[1]), y);
  return arith::AddIOp::create(
      rewriter, loc, arith::MulIOp::create(rewriter, loc, yz, blockSize[0]), x);
}

Value HostLaunchEmitter::getThreadCopy(memref::AllocaOp alloca,
                                       IRMapping &mapping) {
  auto type = cast<MemRefType>(withoutGPUAddressSpace(alloca.getType()));
  Type element = type.getElementType();
  if (!threadsPerBlock || !type.hasStaticShape() ||
      !type.getLayout().isIdentity() || !element.isIntOrIndexOrFloat() ||
      (!element.isIndex() && element.getIntOrFloatBitWidth() % 8 != 0)) {
    alloca.emitError("cannot run this launch on the host: a thread keeps "
                     "this buffer across a barrier, which needs static block "
                     "sizes and a static, contiguous buffer of whole bytes");
    return Value();
  }
  auto [bytes, stride] = threadCopies.lookup(alloca);
  if (!bytes) {
    int64_t elementBytes =
        element.isIndex() ? 8 : element.getIntOrFloatBitWidth() / 8;
    stride = llvm::alignTo(type.getNumElements() * elementBytes,
                           kPrivateCopyAlignment);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&entry);
    auto bytesType =
        MemRefType::get({*threadsPerBlock * stride}, rewriter.getI8Type());
    IntegerAttr alignment = rewriter.getI64IntegerAttr(kPrivateCopyAlignment);
    // Large ones (a block's warp accumulators) on the heap.
    if (bytesType.getNumElements() >= kMaxStackThreadCopyBytes)
      bytes = memref::AllocOp::create(rewriter, alloca.getLoc(), bytesType,
                                      ValueRange(), alignment);
    else
      bytes = memref::AllocaOp::create(rewriter, alloca.getLoc(), bytesType,
                                       ValueRange(), alignment);
    threadCopies[alloca] = {bytes, stride};
  }
  Value offset = arith::MulIOp::create(
      rewriter, loc, getLinearThreadId(mapping),
      arith::ConstantIndexOp::create(rewriter, loc, stride));
  Value copy = memref::ViewOp::create(rewriter, alloca.getLoc(), type, bytes,
                                      offset, ValueRange());
  mapping.map(alloca.getResult(), copy);
  return copy;
}

namespace {
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
      if (failed(HostLaunchEmitter(rewriter, launch, func.getBody().front())
                     .emit()))
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
            alloc.getSymbolOperands(), rewriter.getI64IntegerAttr(kHostBufferAlignment));
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
