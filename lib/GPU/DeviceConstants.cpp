//===- DeviceConstants.cpp - constants copied to the device once ----------===//

#include "ConvBN/GPU/Passes.h"
#include "RuntimeFunctions.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUDEVICECONSTANTS
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// A per-call device copy of a constant global, as convbn-gpu-host-memory
/// makes it: `%device = gpu.alloc`, `gpu.memcpy %device, %global`, and the
/// `gpu.dealloc %device` ops before returning.
struct DeviceCopy {
  gpu::AllocOp alloc;
  gpu::MemcpyOp copy;
  memref::GetGlobalOp global;
  SmallVector<gpu::DeallocOp> deallocs;
};

static std::optional<DeviceCopy> matchDeviceCopy(gpu::MemcpyOp copy,
                                                 SymbolTable &symbols) {
  if (copy.getAsyncToken() || !copy.getAsyncDependencies().empty())
    return std::nullopt;
  auto global = copy.getSrc().getDefiningOp<memref::GetGlobalOp>();
  auto alloc = copy.getDst().getDefiningOp<gpu::AllocOp>();
  if (!global || !alloc || alloc.getAsyncToken() || alloc.getHostShared())
    return std::nullopt;
  auto definition = symbols.lookup<memref::GlobalOp>(global.getName());
  MemRefType type = alloc.getType();
  if (!definition || !definition.getConstant() || !type.hasStaticShape() ||
      !type.getLayout().isIdentity() || type.getMemorySpace())
    return std::nullopt;
  DeviceCopy match{alloc, copy, global, {}};
  for (OpOperand &use : alloc.getMemref().getUses()) {
    if (auto dealloc = dyn_cast<gpu::DeallocOp>(use.getOwner()))
      match.deallocs.push_back(dealloc);
    else if (use.getOwner() != copy &&
             isa<gpu::MemcpyOp, gpu::MemsetOp>(use.getOwner()))
      return std::nullopt; // Written on the host: not a constant copy.
  }
  return match;
}

struct GPUDeviceConstantsPass
    : convbn::impl::GPUDeviceConstantsBase<GPUDeviceConstantsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SymbolTable symbols(module);
    SmallVector<DeviceCopy> copies;
    module.walk([&](gpu::MemcpyOp copy) {
      if (copy->getParentOfType<gpu::LaunchOp>())
        return;
      if (std::optional<DeviceCopy> match = matchDeviceCopy(copy, symbols))
        copies.push_back(*match);
    });
    if (copies.empty())
      return;

    IRRewriter rewriter(ctx);
    LLVMTypeConverter typeConverter(ctx);
    Type i64 = rewriter.getI64Type();
    Type ptr = LLVM::LLVMPointerType::get(ctx);
    FailureOr<LLVM::LLVMFuncOp> runtime = declareRuntimeFunction(
        module, "convbnDeviceConstant", {ptr, ptr, i64}, ptr,
        "copies constants to the device");
    if (failed(runtime))
      return signalPassFailure();

    llvm::StringMap<LLVM::GlobalOp> slots;
    for (DeviceCopy &match : copies) {
      StringRef name = match.global.getName();
      LLVM::GlobalOp &slot = slots[name];
      if (!slot) {
        rewriter.setInsertionPointToStart(module.getBody());
        std::string slotName = ("__convbn_device_" + name).str();
        slot = LLVM::GlobalOp::create(rewriter, module.getLoc(), ptr,
                                      /*isConstant=*/false,
                                      LLVM::Linkage::Internal, slotName,
                                      /*value=*/Attribute());
        symbols.insert(slot);
        Block *init = rewriter.createBlock(&slot.getInitializerRegion());
        rewriter.setInsertionPointToStart(init);
        Value null = LLVM::ZeroOp::create(rewriter, module.getLoc(), ptr);
        LLVM::ReturnOp::create(rewriter, module.getLoc(), null);
      }

      Location loc = match.copy.getLoc();
      MemRefType type = match.alloc.getType();
      rewriter.setInsertionPoint(match.copy);
      Value slotAddress = LLVM::AddressOfOp::create(rewriter, loc, slot);
      Value hostIndex = memref::ExtractAlignedPointerAsIndexOp::create(
          rewriter, loc, match.global);
      Value hostInt = arith::IndexCastOp::create(rewriter, loc, i64, hostIndex);
      Value host = LLVM::IntToPtrOp::create(rewriter, loc, ptr, hostInt);
      int64_t bytes =
          type.getNumElements() * llvm::divideCeil(type.getElementTypeBitWidth(), 8);
      Value size = LLVM::ConstantOp::create(rewriter, loc, i64, bytes);
      Value device =
          LLVM::CallOp::create(rewriter, loc, *runtime,
                               ValueRange{slotAddress, host, size})
              .getResult();
      // The descriptor around the pointer, seen as the memref it lowers to
      // (reconciled with the conversion's own casts).
      Value descriptor = MemRefDescriptor::fromStaticShape(
          rewriter, loc, typeConverter, type, device);
      Value memref =
          UnrealizedConversionCastOp::create(rewriter, loc, type, descriptor)
              .getResult(0);

      for (gpu::DeallocOp dealloc : match.deallocs)
        rewriter.eraseOp(dealloc);
      rewriter.eraseOp(match.copy);
      rewriter.replaceAllUsesWith(match.alloc.getMemref(), memref);
      rewriter.eraseOp(match.alloc);
    }
  }
};

} // namespace
