/*===- ConvBN-c/Passes.h - C API for convbn's passes and pipelines -*- C -*-===*\
|*                                                                            *|
|* One create and one register function per pass, generated from the passes' *|
|* ODS definitions (mlir-tblgen -gen-pass-capi-header), as upstream and CIRCT *|
|* expose theirs: mlirCreateConvBN<Group><Pass>() returns the pass for an    *|
|* OpPassManager, mlirRegisterConvBN<Group><Pass>() makes its textual name   *|
|* known. The groups are Conversion, Transforms and GPU.                     *|
\*===----------------------------------------------------------------------===*/

#ifndef CONVBN_C_PASSES_H
#define CONVBN_C_PASSES_H

#include "mlir-c/Pass.h"

#include "ConvBN/Conversion/Passes.capi.h.inc"
#include "ConvBN/GPU/Passes.capi.h.inc"
#include "ConvBN/Transforms/Passes.capi.h.inc"

#ifdef __cplusplus
extern "C" {
#endif

/// Registers the pipelines (`lower-to-cpu`, `lower-to-nvvm`, `tosa-to-convbn`
/// and the GPU sub-pipelines) with the global pass registry.
MLIR_CAPI_EXPORTED void mlirConvBNRegisterPipelines(void);

#ifdef __cplusplus
}
#endif

#endif // CONVBN_C_PASSES_H
