//===- Dialects.cpp - C API for the convbn dialect ------------------------===//

#include "ConvBN-c/Dialects.h"

#include "ConvBN/Conversion/Passes.h"
#include "ConvBN/IR/ConvBNDialect.h"
#include "ConvBN/Pipelines/Pipelines.h"
#include "ConvBN/Transforms/Passes.h"
#include "mlir/CAPI/Pass.h"
#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(ConvBN, convbn,
                                      mlir::convbn::ConvBNDialect)

void mlirConvBNRegisterPasses(void) {
  mlir::convbn::registerConvBNConversionPasses();
  mlir::convbn::registerConvBNTransformsPasses();
  mlir::convbn::registerConvBNPipelines();
}

MlirPass mlirConvBNCreateConvertConvBNToLinalg(void) {
  return wrap(mlir::convbn::createConvertConvBNToLinalg().release());
}
