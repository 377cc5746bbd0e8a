//===- HostMemory.cpp - host buffers in GPU memory ------------------------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUHOSTMEMORY
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// The allocation or argument a view of a buffer is a view of.
static Value getUnderlyingBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// Replaces the buffer operands of `call` (ranked, or unranked casts of
/// ranked ones) with host copies of their contents, copied back afterwards.
static LogicalResult passHostCopies(RewriterBase &rewriter,
                                    func::CallOp call) {
  Location loc = call.getLoc();
  for (OpOperand &operand : call->getOpOperands()) {
    Value value = operand.get();
    auto unranked = dyn_cast<UnrankedMemRefType>(value.getType());
    Value device = value;
    if (unranked) {
      auto cast = value.getDefiningOp<memref::CastOp>();
      if (!cast)
        return call.emitError("cannot copy an unranked buffer of unknown "
                              "shape to the host for this call");
      device = cast.getSource();
    }
    auto type = dyn_cast<MemRefType>(device.getType());
    if (!type)
      continue;
    if (!type.getLayout().isIdentity())
      return call.emitError("cannot copy a strided buffer to the host for "
                            "this call");
    rewriter.setInsertionPoint(call);
    SmallVector<Value> sizes;
    for (auto [i, size] : llvm::enumerate(type.getShape()))
      if (ShapedType::isDynamic(size))
        sizes.push_back(memref::DimOp::create(rewriter, loc, device, i));
    Value host = memref::AllocOp::create(rewriter, loc, type, sizes);
    gpu::MemcpyOp::create(rewriter, loc, TypeRange(), ValueRange(), host,
                          device);
    Value argument = host;
    if (unranked)
      argument = memref::CastOp::create(rewriter, loc, unranked, host);
    rewriter.modifyOpInPlace(call, [&] { operand.set(argument); });
    rewriter.setInsertionPointAfter(call);
    gpu::MemcpyOp::create(rewriter, loc, TypeRange(), ValueRange(), device,
                          host);
    memref::DeallocOp::create(rewriter, loc, host);
  }
  return success();
}

struct GPUHostMemoryPass
    : convbn::impl::GPUHostMemoryBase<GPUHostMemoryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());

    // Copies inside kernels (bufferization's, e.g. of transposed tiles)
    // become loops, like the other linalg ops there.
    SmallVector<memref::CopyOp> kernelCopies;
    func.walk([&](gpu::LaunchOp launch) {
      launch.walk([&](memref::CopyOp copy) { kernelCopies.push_back(copy); });
    });
    for (memref::CopyOp copy : kernelCopies) {
      if (!isa<MemRefType>(copy.getSource().getType()) ||
          !isa<MemRefType>(copy.getTarget().getType())) {
        copy.emitError("lower-to-nvvm cannot copy an unranked buffer in a "
                       "kernel");
        return signalPassFailure();
      }
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    }

    // Temporaries inside kernels are private to a thread.
    SmallVector<Operation *> kernelAllocs, kernelDeallocs;
    func.walk([&](gpu::LaunchOp launch) {
      launch.walk([&](memref::AllocOp alloc) { kernelAllocs.push_back(alloc); });
      launch.walk(
          [&](memref::DeallocOp dealloc) { kernelDeallocs.push_back(dealloc); });
    });
    for (Operation *op : kernelDeallocs)
      rewriter.eraseOp(op);
    for (Operation *op : kernelAllocs) {
      auto alloc = cast<memref::AllocOp>(op);
      // Thread tiles are chosen to divide the tensors, so temporaries have
      // static shapes (PTX before 7.3 has no dynamic alloca; static ones can
      // live in registers).
      if (!alloc.getType().hasStaticShape()) {
        alloc.emitError("a kernel temporary has a dynamic shape; choose "
                        "thread tiles that divide the tensor");
        return signalPassFailure();
      }
      // At the kernel's entry and without alignment: LLVM promotes to
      // registers only static allocas of the entry block, and lowers an
      // over-aligned one with pointer arithmetic (ptrtoint/inttoptr) that
      // SROA cannot see through.
      auto launch = alloc->getParentOfType<gpu::LaunchOp>();
      rewriter.setInsertionPointToStart(&launch.getBody().front());
      auto alloca =
          memref::AllocaOp::create(rewriter, alloc.getLoc(), alloc.getType());
      rewriter.replaceOp(alloc, alloca);
    }

    // Host allocations become device allocations, freed before returning
    // unless returned.
    SmallVector<memref::AllocOp> hostAllocs;
    func.walk([&](memref::AllocOp alloc) { hostAllocs.push_back(alloc); });
    DenseSet<Value> returned;
    func.walk([&](func::ReturnOp ret) {
      for (Value operand : ret.getOperands())
        returned.insert(getUnderlyingBuffer(operand));
    });
    SmallVector<Value> toFree;
    for (memref::AllocOp alloc : hostAllocs) {
      rewriter.setInsertionPoint(alloc);
      auto gpuAlloc = gpu::AllocOp::create(
          rewriter, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands(), /*hostShared=*/false);
      rewriter.replaceOp(alloc, gpuAlloc.getMemref());
      if (!returned.contains(gpuAlloc.getMemref()))
        toFree.push_back(gpuAlloc.getMemref());
    }
    SmallVector<memref::DeallocOp> hostDeallocs;
    func.walk([&](memref::DeallocOp dealloc) { hostDeallocs.push_back(dealloc); });
    for (memref::DeallocOp dealloc : hostDeallocs) {
      // Freed below, once.
      rewriter.eraseOp(dealloc);
    }

    // Globals read by kernels are copied to the device once per call.
    SmallVector<memref::GetGlobalOp> globals;
    func.walk([&](memref::GetGlobalOp global) { globals.push_back(global); });
    for (memref::GetGlobalOp global : globals) {
      rewriter.setInsertionPointAfter(global);
      auto type = cast<MemRefType>(global.getType());
      auto device = gpu::AllocOp::create(
          rewriter, global.getLoc(), type, Type(), ValueRange(), ValueRange(),
          ValueRange(), /*hostShared=*/false);
      gpu::MemcpyOp::create(rewriter, global.getLoc(), TypeRange(),
                            ValueRange(), device.getMemref(), global);
      rewriter.replaceUsesWithIf(global, device.getMemref(),
                                 [&](OpOperand &use) {
                                   return use.getOwner() != device &&
                                          !isa<gpu::MemcpyOp>(use.getOwner());
                                 });
      toFree.push_back(device.getMemref());
    }

    // Host code must not touch device memory: copies become device copies.
    SmallVector<memref::CopyOp> copies;
    func.walk([&](memref::CopyOp copy) {
      if (!copy->getParentOfType<gpu::LaunchOp>())
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      auto sourceType = dyn_cast<MemRefType>(copy.getSource().getType());
      auto targetType = dyn_cast<MemRefType>(copy.getTarget().getType());
      // A device copy needs the buffers' sizes from their types.
      if (!sourceType || !targetType) {
        copy.emitError("lower-to-nvvm cannot copy an unranked buffer between "
                       "host and device");
        return signalPassFailure();
      }
      if (!sourceType.getLayout().isIdentity() ||
          !targetType.getLayout().isIdentity()) {
        copy.emitError("strided copy left on the host");
        return signalPassFailure();
      }
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<gpu::MemcpyOp>(
          copy, TypeRange(), ValueRange(), copy.getTarget(), copy.getSource());
    }

    // External functions (a runtime's printMemrefF32) run on the host: they
    // get host copies of the buffers they are passed, copied back after the
    // call in case they write them.
    SymbolTableCollection symbols;
    SmallVector<func::CallOp> externalCalls;
    func.walk([&](func::CallOp call) {
      auto callee = symbols.lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      if (callee && callee.isDeclaration() &&
          !call->getParentOfType<gpu::LaunchOp>())
        externalCalls.push_back(call);
    });
    for (func::CallOp call : externalCalls)
      if (failed(passHostCopies(rewriter, call)))
        return signalPassFailure();

    func.walk([&](func::ReturnOp ret) {
      rewriter.setInsertionPoint(ret);
      for (Value buffer : toFree)
        gpu::DeallocOp::create(rewriter, ret.getLoc(), Type(), ValueRange(),
                               buffer);
    });

    // Anything that still reads or writes memory on the host would touch
    // device memory.
    WalkResult hostAccess = func.walk([&](Operation *op) {
      if (op->getParentOfType<gpu::LaunchOp>())
        return WalkResult::advance();
      if (isa<memref::LoadOp, memref::StoreOp>(op)) {
        op->emitError("memory access left on the host after GPU mapping");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (hostAccess.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
