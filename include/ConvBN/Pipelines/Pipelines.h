//===- Pipelines.h - convbn pass pipelines ----------------------*- C++ -*-===//

#ifndef CONVBN_PIPELINES_PIPELINES_H
#define CONVBN_PIPELINES_PIPELINES_H

#include "ConvBN/GPU/Passes.h"
#include "mlir/Pass/PassOptions.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class OpPassManager;

namespace convbn {

/// Lowers a module of convbn and upstream tensor-level ops (linalg, tensor,
/// arith, math, func) to the LLVM dialect for the host CPU: convbn ops to
/// linalg, one-shot bufferization across function boundaries, buffer
/// deallocation, loops, and the LLVM conversions. The result runs with
/// `mlir-runner` and `libmlir_c_runner_utils`. With `trackMemory`, buffers
/// are allocated through MLIR's generic allocation functions
/// (`_mlir_memref_to_llvm_alloc`/`_free`), which `libconvbn_memtrack`
/// defines to count live and peak bytes; with `skipCompute` the linalg ops
/// are erased after bufferization (convbn-strip-buffer-compute), so that the
/// program allocates as it would without computing.
void buildLowerToCPUPipeline(OpPassManager &pm, bool trackMemory = false,
                             bool skipCompute = false);

/// Lowers TOSA to linalg on tensors with the upstream conversions and fuses
/// the conv + batch-norm blocks of the result: the one command for TOSA input
/// (`tosa.conv2d` / `tosa.depthwise_conv2d` followed by a decomposed BN).
/// `fuseOptions` is the `--fuse-convbn` option string (e.g. "remarks=true").
void buildTosaToConvBNPipeline(OpPassManager &pm,
                               llvm::StringRef fuseOptions = "");

/// Options of `lower-to-nvvm`.
struct LowerToNVVMOptions : public PassPipelineOptions<LowerToNVVMOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("NVIDIA architecture (sm_70 = V100, "
                                          "sm_80 = A100, sm_90 = H100)"),
                           llvm::cl::init("sm_70")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features, e.g. +ptx80 (default: the lowest PTX "
                     "version the chip accepts)"),
      llvm::cl::init("")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("isa (PTX), bin (cubin) or fatbin (default: isa below "
                     "sm_75, which CUDA 13's ptxas no longer targets, else "
                     "bin)"),
      llvm::cl::init("")};
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("Optimization level for NVVM"),
                            llvm::cl::init(3)};
  Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit: libdevice for math functions and ptxas "
                     "for binaries"),
      llvm::cl::init("/usr/local/cuda")};
  ListOption<int64_t> blockTiles{
      *this, "block-tiles",
      llvm::cl::desc("Override the block tile sizes (per output dimension)")};
  ListOption<int64_t> threadTiles{
      *this, "thread-tiles",
      llvm::cl::desc("Override the thread tile sizes (per output dimension)")};
  Option<int64_t> threadTileZ{
      *this, "thread-tile-z",
      llvm::cl::desc("Outputs per thread along the third-innermost output "
                     "dimension (NCHW: channels), where that divides it "
                     "(see convbn-gpu-tile)"),
      llvm::cl::init(1)};
  Option<bool> implicitGemm{
      *this, "implicit-gemm",
      llvm::cl::desc("Compute convolutions as implicit-GEMM kernels staged "
                     "through workgroup memory (false: direct kernels)"),
      llvm::cl::init(true)};
  ListOption<int64_t> gemmTiles{
      *this, "gemm-tiles",
      llvm::cl::desc("Override the implicit-GEMM tiles: BM,BN,BK,TM,TN")};
  ListOption<int64_t> gemmMmaTiles{
      *this, "gemm-mma-tiles",
      llvm::cl::desc("Override the tensor-core implicit-GEMM tiles: "
                     "BM,BN,BK,WM,WN")};
  Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("Compute f16 convolutions on tensor cores (WMMA on "
                     "sm_70/sm_75, mma.sync from sm_80) with f32 or f16 "
                     "accumulation"),
      llvm::cl::init(true)};
  Option<bool> allowTf32{
      *this, "allow-tf32",
      llvm::cl::desc("Compute f32 convolutions on tensor cores as TF32 from "
                     "sm_80 (as PyTorch's allow_tf32; off: exact f32)"),
      llvm::cl::init(false)};
  Option<bool> asyncCopies{
      *this, "async-copies",
      llvm::cl::desc("From sm_80, copy contiguous operand slices into "
                     "workgroup memory with cp.async, three stages deep "
                     "(off: through registers, two stages)"),
      llvm::cl::init(true)};
};

/// How the GPU pipelines compute convolutions.
struct GPUConvOptions {
  /// As implicit-GEMM kernels through workgroup memory
  /// (`convbn-gpu-implicit-gemm`); false leaves them to the direct kernels
  /// of `convbn-gpu-tile`, which run on the host without launches.
  bool implicitGemm = true;
  GPUImplicitGemmOptions gemm;
};

/// The tensor-level part of `lower-to-nvvm`: convbn to linalg, elementwise
/// fusion, convolutions as implicit-GEMM launches, pads as gathers, and
/// every other linalg op tiled to GPU blocks and threads (empty tile lists:
/// the shape heuristic).
void buildGPUSchedulePipeline(OpPassManager &pm,
                              const GPUTileOptions &tiles = {},
                              const GPUConvOptions &convs = {});

/// One-shot bufferization as `lower-to-nvvm` does it: across function
/// boundaries, with identity layouts (contiguous caller buffers).
void buildGPUBufferizePipeline(OpPassManager &pm);

/// `lower-to-nvvm` up to kernel outlining: the schedule, bufferization with
/// results as caller-provided buffers, `gpu.launch` ops on device buffers
/// and the vectorized, unrolled code of every thread. The launches can run
/// on the host (`convbn-gpu-launch-to-host-loops`), which is how they are
/// tested without a GPU.
void buildGPULaunchesPipeline(OpPassManager &pm,
                              const GPUTileOptions &tiles = {},
                              const GPUConvOptions &convs = {});

/// The byte alignment `lower-to-nvvm` requires of the buffers passed to the
/// functions it compiles (what PyTorch's and CUDA's allocators give; checked
/// at run time on entry).
inline constexpr int64_t kArgumentAlignment = 16;

/// Lowers a module of convbn and upstream tensor-level ops to kernels for
/// NVIDIA GPUs and host code that launches them through the `mgpu*` runtime
/// entry points: convbn to linalg, elementwise fusion, tiling of every
/// linalg op to blocks and threads (convolution epilogues fused into the
/// convolution's kernel), bufferization, GPU mapping, NVVM, serialization.
void buildLowerToNVVMPipeline(OpPassManager &pm,
                              const LowerToNVVMOptions &options);

/// Registers `lower-to-cpu`, `lower-to-nvvm` and `tosa-to-convbn` with the
/// pass registry.
void registerConvBNPipelines();

} // namespace convbn
} // namespace mlir

#endif // CONVBN_PIPELINES_PIPELINES_H
