//===- Dialects.cpp - C API for the convbn dialect ------------------------===//

#include "ConvBN-c/Dialects.h"

#include "ConvBN-c/Passes.h"
#include "ConvBN/Conversion/Passes.h"
#include "ConvBN/IR/ConvBNDialect.h"
#include "mlir/CAPI/Pass.h"
#include "mlir/CAPI/Registration.h"

#include <mutex>

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(ConvBN, convbn,
                                      mlir::convbn::ConvBNDialect)

void mlirConvBNRegisterPasses(void) {
  // A pipeline registered twice is a fatal error in assertion builds of MLIR.
  static std::once_flag registered;
  std::call_once(registered, [] {
    mlirRegisterConvBNConversionPasses();
    mlirRegisterConvBNTransformsPasses();
    mlirRegisterConvBNGPUPasses();
    mlirConvBNRegisterPipelines();
  });
}

MlirPass mlirConvBNCreateConvertConvBNToLinalg(void) {
  return wrap(mlir::convbn::createConvertConvBNToLinalg().release());
}
