//===- Passes.h - convbn conversion passes ----------------------*- C++ -*-===//

#ifndef CONVBN_CONVERSION_PASSES_H
#define CONVBN_CONVERSION_PASSES_H

#include "ConvBN/Conversion/ConvBNToLinalg.h"
#include "mlir/Pass/Pass.h"

namespace mlir::convbn {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "ConvBN/Conversion/Passes.h.inc"

} // namespace mlir::convbn

#endif // CONVBN_CONVERSION_PASSES_H
