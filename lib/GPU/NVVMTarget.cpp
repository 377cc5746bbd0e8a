//===- NVVMTarget.cpp - NVIDIA target options -----------------------------===//

#include "ConvBN/GPU/NVVMTarget.h"

#include "ConvBN/GPU/Passes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_CHECKNVVMTARGET
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

std::optional<unsigned> mlir::convbn::getComputeCapability(StringRef chip) {
  if (!chip.consume_front("sm_"))
    return std::nullopt;
  chip.consume_back("a");
  chip.consume_back("f");
  unsigned capability;
  if (chip.getAsInteger(10, capability) || capability < 20)
    return std::nullopt;
  return capability;
}

unsigned mlir::convbn::getMinimumPTXVersion(unsigned capability,
                                            bool archSpecific) {
  // From the PTX ISA's "PTX target architectures" table.
  if (capability >= 120)
    return 87;
  if (capability >= 100)
    return 86;
  if (capability >= 90)
    return archSpecific ? 80 : 78;
  if (capability >= 89)
    return 78;
  if (capability >= 87)
    return 74;
  if (capability >= 86)
    return 71;
  if (capability >= 80)
    return 70;
  if (capability >= 75)
    return 63;
  if (capability >= 72)
    return 61;
  if (capability >= 70)
    return 60;
  return 50;
}

std::string mlir::convbn::getDefaultFeatures(StringRef chip) {
  std::optional<unsigned> capability = getComputeCapability(chip);
  if (!capability)
    return "";
  return "+ptx" + std::to_string(getMinimumPTXVersion(
                       *capability, chip.ends_with("a")));
}

std::string mlir::convbn::getDefaultFormat(StringRef chip) {
  std::optional<unsigned> capability = getComputeCapability(chip);
  return capability && *capability >= 75 ? "bin" : "isa";
}

std::optional<std::string>
mlir::convbn::checkNVVMTarget(StringRef chip, StringRef features,
                              StringRef format) {
  std::optional<unsigned> capability = getComputeCapability(chip);
  if (!capability)
    return "chip '" + chip.str() +
           "' is not an NVIDIA architecture of the form sm_XY";
  if (format != "isa" && format != "bin" && format != "fatbin")
    return "format '" + format.str() + "' is not one of isa, bin, fatbin";
  if (format != "isa" && *capability < 75)
    return "CUDA 13's ptxas cannot compile for " + chip.str() +
           ": use format=isa (PTX, compiled by the driver at load time)";
  SmallVector<StringRef> parts;
  features.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef feature : parts) {
    StringRef version = feature.trim();
    if (!version.consume_front("+ptx"))
      continue;
    unsigned ptx;
    if (version.getAsInteger(10, ptx))
      return "feature '" + feature.str() + "' is not +ptxNN";
    unsigned minimum = getMinimumPTXVersion(*capability, chip.ends_with("a"));
    if (ptx < minimum)
      return "PTX " + std::to_string(ptx / 10) + "." +
             std::to_string(ptx % 10) + " does not support " + chip.str() +
             ": it needs +ptx" + std::to_string(minimum) + " or later";
  }
  return std::nullopt;
}

namespace {
struct CheckNVVMTargetPass
    : convbn::impl::CheckNVVMTargetBase<CheckNVVMTargetPass> {
  using CheckNVVMTargetBase::CheckNVVMTargetBase;

  void runOnOperation() override {
    if (std::optional<std::string> error =
            checkNVVMTarget(chip, features, format)) {
      getOperation().emitError("lower-to-nvvm: ") << *error;
      return signalPassFailure();
    }
    // The NVPTX backend has arithmetic for f16, bf16, f32 and f64 only; any
    // other float (f80, f128, the f8/f6/f4 formats, tf32) reaching it aborts
    // LLVM ("unsupported library call operation") deep inside code
    // generation. Say so at the first op that uses one, before any pass runs.
    WalkResult result = getOperation()->walk([](Operation *op) {
      auto unsupported = [](Type type) -> FloatType {
        Type element = getElementTypeOrSelf(type);
        if (auto complex = dyn_cast<ComplexType>(element))
          element = complex.getElementType();
        auto floatType = dyn_cast<FloatType>(element);
        if (!floatType || isa<Float16Type, BFloat16Type, Float32Type,
                              Float64Type>(floatType))
          return {};
        return floatType;
      };
      // A function's signature too: a declaration has no ops using it, and
      // the host's func-to-llvm crashes on types LLVM has none for (tf32).
      SmallVector<TypeRange> typeLists{TypeRange(op->getOperandTypes()),
                                       TypeRange(op->getResultTypes())};
      if (auto function = dyn_cast<FunctionOpInterface>(op)) {
        typeLists.push_back(function.getArgumentTypes());
        typeLists.push_back(function.getResultTypes());
      }
      for (TypeRange types : typeLists) {
        for (Type type : types) {
          if (FloatType floatType = unsupported(type)) {
            op->emitError("lower-to-nvvm: NVIDIA GPUs have no ")
                << floatType
                << " arithmetic (supported float types: f16, bf16, f32, f64)";
            return WalkResult::interrupt();
          }
        }
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
