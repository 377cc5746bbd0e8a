//===- Pipelines.h - convbn pass pipelines ----------------------*- C++ -*-===//

#ifndef CONVBN_PIPELINES_PIPELINES_H
#define CONVBN_PIPELINES_PIPELINES_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
class OpPassManager;

namespace convbn {

/// Lowers a module of convbn and upstream tensor-level ops (linalg, tensor,
/// arith, math, func) to the LLVM dialect for the host CPU: convbn ops to
/// linalg, one-shot bufferization across function boundaries, buffer
/// deallocation, loops, and the LLVM conversions. The result runs with
/// `mlir-runner` and `libmlir_c_runner_utils`.
void buildLowerToCPUPipeline(OpPassManager &pm);

/// Lowers TOSA to linalg on tensors with the upstream conversions and fuses
/// the conv + batch-norm blocks of the result: the one command for TOSA input
/// (`tosa.conv2d` / `tosa.depthwise_conv2d` followed by a decomposed BN).
/// `fuseOptions` is the `--fuse-convbn` option string (e.g. "remarks=true").
void buildTosaToConvBNPipeline(OpPassManager &pm,
                               llvm::StringRef fuseOptions = "");

/// Registers `lower-to-cpu` and `tosa-to-convbn` with the pass registry.
void registerConvBNPipelines();

} // namespace convbn
} // namespace mlir

#endif // CONVBN_PIPELINES_PIPELINES_H
