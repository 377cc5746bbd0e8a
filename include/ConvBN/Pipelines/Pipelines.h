//===- Pipelines.h - convbn pass pipelines ----------------------*- C++ -*-===//

#ifndef CONVBN_PIPELINES_PIPELINES_H
#define CONVBN_PIPELINES_PIPELINES_H

namespace mlir {
class OpPassManager;

namespace convbn {

/// Lowers a module of convbn and upstream tensor-level ops (linalg, tensor,
/// arith, math, func) to the LLVM dialect for the host CPU: convbn ops to
/// linalg, one-shot bufferization across function boundaries, buffer
/// deallocation, loops, and the LLVM conversions. The result runs with
/// `mlir-runner` and `libmlir_c_runner_utils`.
void buildLowerToCPUPipeline(OpPassManager &pm);

/// Registers `lower-to-cpu` with the pass registry.
void registerConvBNPipelines();

} // namespace convbn
} // namespace mlir

#endif // CONVBN_PIPELINES_PIPELINES_H
