//===- Passes.cpp - C API for convbn's passes and pipelines ---------------===//
//
// The per-pass functions are generated from the passes' ODS definitions; the
// generated code calls `create<Pass>()` and `register<Pass>()` unqualified,
// hence the using-directive.
//
//===----------------------------------------------------------------------===//

#include "ConvBN-c/Passes.h"

#include "ConvBN/Conversion/Passes.h"
#include "ConvBN/GPU/Passes.h"
#include "ConvBN/Pipelines/Pipelines.h"
#include "ConvBN/Transforms/Passes.h"
#include "mlir/CAPI/Pass.h"

using namespace mlir;
using namespace mlir::convbn;

extern "C" {
#include "ConvBN/Conversion/Passes.capi.cpp.inc"
#include "ConvBN/GPU/Passes.capi.cpp.inc"
#include "ConvBN/Transforms/Passes.capi.cpp.inc"
}

void mlirConvBNRegisterPipelines(void) { registerConvBNPipelines(); }
