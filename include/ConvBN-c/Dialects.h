/*===- ConvBN-c/Dialects.h - C API for the convbn dialect ---------*- C -*-===*\
|*                                                                            *|
|* Lets compilers written against MLIR's C API (and the Python bindings     *|
|* built on it) load the convbn dialect and register its passes.             *|
\*===----------------------------------------------------------------------===*/

#ifndef CONVBN_C_DIALECTS_H
#define CONVBN_C_DIALECTS_H

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(ConvBN, convbn);

/// Registers every convbn pass and pipeline with the global pass registry,
/// so that they can be named in textual pipelines. Safe to call more than
/// once. (ConvBN-c/Passes.h registers or creates them one at a time.)
MLIR_CAPI_EXPORTED void mlirConvBNRegisterPasses(void);

/// Creates the `convert-convbn-to-linalg` pass.
MLIR_CAPI_EXPORTED MlirPass mlirConvBNCreateConvertConvBNToLinalg(void);

#ifdef __cplusplus
}
#endif

#endif // CONVBN_C_DIALECTS_H
