//===- DeviceConstants.cpp - constants copied to the device once ----------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
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

/// The LLVM memref descriptor of `type` around `pointer` (static shape,
/// identity layout), as a value of `type`.
static Value buildMemRef(OpBuilder &b, Location loc, MemRefType type,
                         Value pointer) {
  MLIRContext *ctx = b.getContext();
  Type i64 = b.getI64Type();
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  int64_t rank = type.getRank();
  SmallVector<Type> fields = {ptr, ptr, i64};
  if (rank > 0) {
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
  }
  auto structType = LLVM::LLVMStructType::getLiteral(ctx, fields);
  Value descriptor = LLVM::PoisonOp::create(b, loc, structType);
  auto constant = [&](int64_t value) -> Value {
    return LLVM::ConstantOp::create(b, loc, i64, value);
  };
  descriptor = LLVM::InsertValueOp::create(b, loc, descriptor, pointer,
                                           ArrayRef<int64_t>{0});
  descriptor = LLVM::InsertValueOp::create(b, loc, descriptor, pointer,
                                           ArrayRef<int64_t>{1});
  descriptor =
      LLVM::InsertValueOp::create(b, loc, descriptor, constant(0),
                                  ArrayRef<int64_t>{2});
  auto [strides, offset] = type.getStridesAndOffset();
  for (int64_t i = 0; i < rank; ++i) {
    descriptor = LLVM::InsertValueOp::create(
        b, loc, descriptor, constant(type.getDimSize(i)),
        ArrayRef<int64_t>{3, i});
    descriptor = LLVM::InsertValueOp::create(
        b, loc, descriptor, constant(strides[i]), ArrayRef<int64_t>{4, i});
  }
  return UnrealizedConversionCastOp::create(b, loc, type, descriptor)
      .getResult(0);
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
    Type i64 = rewriter.getI64Type();
    Type ptr = LLVM::LLVMPointerType::get(ctx);
    rewriter.setInsertionPointToStart(module.getBody());
    FailureOr<LLVM::LLVMFuncOp> runtime = LLVM::lookupOrCreateFn(
        rewriter, module, "convbnDeviceConstant", {ptr, ptr, i64}, ptr);
    if (failed(runtime)) {
      module.emitError("cannot declare convbnDeviceConstant");
      return signalPassFailure();
    }

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
      Value memref = buildMemRef(rewriter, loc, type, device);

      for (gpu::DeallocOp dealloc : match.deallocs)
        rewriter.eraseOp(dealloc);
      rewriter.eraseOp(match.copy);
      rewriter.replaceAllUsesWith(match.alloc.getMemref(), memref);
      rewriter.eraseOp(match.alloc);
    }
  }
};

} // namespace
