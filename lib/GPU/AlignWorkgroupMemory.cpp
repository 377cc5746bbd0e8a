//===- AlignWorkgroupMemory.cpp - aligned shared memory for kernels -------===//
//
// convert-gpu-to-nvvm gives a workgroup buffer its element's alignment
// unless the attribution says otherwise; tensor-core fragments need more.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUALIGNWORKGROUPMEMORY
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {
struct GPUAlignWorkgroupMemoryPass
    : convbn::impl::GPUAlignWorkgroupMemoryBase<GPUAlignWorkgroupMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    int64_t bytes = alignment;
    if (bytes <= 0 || !llvm::isPowerOf2_64(bytes)) {
      getOperation().emitError("workgroup memory alignment must be a power "
                               "of two, not ")
          << bytes;
      return signalPassFailure();
    }
    Builder builder(&getContext());
    StringRef name = LLVM::LLVMDialect::getAlignAttrName();
    getOperation().walk([&](gpu::GPUFuncOp func) {
      for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i)
        if (!func.getWorkgroupAttributionAttr(i, name))
          func.setWorkgroupAttributionAttr(
              i, name, builder.getI64IntegerAttr(bytes));
    });
  }
};
} // namespace
