//===- CheckCPUTarget.cpp - types the CPU lowering can represent ----------===//
//
// Upstream's LLVM type converter returns a null type for floats LLVM has no
// representation of (tf32), and the func, memref and arith conversions build
// ops of that null type and crash rather than fail. Asking the converter
// itself, before anything is lowered, keeps this check in step with
// whatever the converter supports.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_CHECKCPUTARGET
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;

/// The float type inside `type` (itself, or the element of a shaped or
/// complex type), if any.
static FloatType getInnermostFloatType(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (auto complex = dyn_cast<ComplexType>(element))
    element = complex.getElementType();
  return dyn_cast<FloatType>(element);
}

namespace {
struct CheckCPUTargetPass
    : convbn::impl::CheckCPUTargetBase<CheckCPUTargetPass> {
  void runOnOperation() override {
    LLVMTypeConverter converter(&getContext());
    auto findUnsupported = [&](TypeRange types) -> FloatType {
      for (Type type : types)
        if (FloatType floatType = getInnermostFloatType(type))
          if (!converter.convertType(floatType))
            return floatType;
      return {};
    };
    WalkResult result = getOperation()->walk([&](Operation *op) {
      FloatType unsupported = findUnsupported(op->getOperandTypes());
      if (!unsupported)
        unsupported = findUnsupported(op->getResultTypes());
      if (auto function = dyn_cast<FunctionOpInterface>(op)) {
        if (!unsupported)
          unsupported = findUnsupported(function.getArgumentTypes());
        if (!unsupported)
          unsupported = findUnsupported(function.getResultTypes());
      }
      if (!unsupported)
        return WalkResult::advance();
      op->emitError("lower-to-cpu: LLVM has no type for ")
          << unsupported
          << " (the CPU lowering supports f16, bf16, f32, f64, f80, f128 "
             "and, as integers of their width, the f8/f6/f4 formats)";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
