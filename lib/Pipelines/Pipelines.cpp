//===- Pipelines.cpp - convbn pass pipelines ------------------------------===//

#include "ConvBN/Pipelines/Pipelines.h"

#include "ConvBN/Conversion/Passes.h"
#include "ConvBN/GPU/NVVMTarget.h"
#include "ConvBN/GPU/Passes.h"
#include "ConvBN/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Diagnoses shapes that contradict each other, before and after the first
/// canonicalization (which propagates constant sizes into types), then
/// folds away what computes zero-sized tensors.
static void addShapeChecks(OpPassManager &pm) {
  pm.addPass(convbn::createCheckShapes());
  pm.addPass(convbn::createFoldZeroSized());
}

void mlir::convbn::buildLowerToCPUPipeline(OpPassManager &pm,
                                            bool trackMemory,
                                            bool skipCompute) {
  // Tensor level.
  pm.addPass(convbn::createCheckCPUTarget());
  pm.addPass(convbn::createCheckShapes());
  pm.addPass(createConvertConvBNToLinalg());
  // Elementwise arith/math on whole tensors (as tests and frontends write
  // them) become linalg.generic, which bufferizes.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  addShapeChecks(pm);
  // CSE shares a forward's pad with the backward's: recompute it there
  // rather than keep the padded copy alive across the step.
  pm.addPass(convbn::createRecomputeAtLaterUses());

  // Buffers. Identity layouts at function boundaries keep the C interface
  // of the functions the plain strided memref descriptors callers expect.
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  bufferization::buildBufferDeallocationPipeline(pm);
  // Returning a constant, or a value also used, leaves clones behind.
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Upstream frees at block ends; a training step must free each
  // activation when its last reader is done.
  pm.addPass(convbn::createFreeAfterLastUse());
  if (skipCompute)
    pm.addPass(convbn::createStripBufferCompute());
  // No call into MLIR's runner utilities: strided copies become loops.
  pm.addPass(convbn::createStridedCopiesToLinalg());

  // Loops, then LLVM. GPU-tiled IR (scf.forall) runs sequentially, which is
  // how tests check a GPU schedule on the host.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createForallToForLoopPass());
  // Tensor-core warp code run on the host: matrix multiplies of fragments
  // and two-dimensional transfers.
  pm.addNestedPass<func::FuncOp>(convbn::createLowerVectorMatrices());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // Vectorized GPU thread code run on the host has math.fpowi with a
  // vector exponent, which math-to-llvm turns into an llvm.intr.powi LLVM
  // rejects: a constant exponent becomes multiplications, any other powf.
  math::MathExpandOpsPassOptions expandPowI;
  expandPowI.opMnemonics = {"fpowi"};
  pm.addPass(math::createMathExpandOpsPass(expandPowI));
  // Tests print with vector.print.
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = trackMemory;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  // Unrolled vector transfers start from ub.poison vectors.
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::convbn::buildGPUSchedulePipeline(OpPassManager &pm,
                                            const GPUTileOptions &tiles,
                                            const GPUConvOptions &convs) {
  // Calls inside payloads (scalar helpers) cannot be made from a kernel,
  // and calls that return dynamically shaped tensors cannot become output
  // buffers: inline what the module defines. The inliner canonicalizes
  // what it inlines, so contradictory shapes are rejected before it too.
  pm.addPass(convbn::createCheckShapes());
  pm.addPass(createInlinerPass());
  pm.addPass(convbn::createCheckShapes());
  // convbn to linalg, epilogues fused, pads as gathers.
  pm.addPass(createConvertConvBNToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  addShapeChecks(pm);
  pm.addPass(createLinalgElementwiseOpFusionPass());
  // Convolutions (with their pads, weight folds and epilogues) become
  // launches of their own before pads become gathers.
  if (convs.implicitGemm)
    pm.addNestedPass<func::FuncOp>(createGPUImplicitGemm(convs.gemm));
  pm.addNestedPass<func::FuncOp>(createPadToGeneric());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createInsertSliceToCopy());

  // Blocks and threads.
  pm.addNestedPass<func::FuncOp>(createGPUTile(tiles));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::convbn::buildGPUBufferizePipeline(OpPassManager &pm) {
  // Identity layouts at function boundaries: the caller passes contiguous
  // buffers, whose static strides the alignment proofs of
  // convbn-gpu-vectorize-thread-tiles rely on.
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // One buffer per result, for buffer-results-to-out-params.
  pm.addNestedPass<func::FuncOp>(createGPUDistinctResults());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  // Bufferization may give two returned tensors one buffer.
  pm.addNestedPass<func::FuncOp>(createGPUDistinctResults());
}

void mlir::convbn::buildGPULaunchesPipeline(OpPassManager &pm,
                                            const GPUTileOptions &tiles,
                                            const GPUConvOptions &convs) {
  buildGPUSchedulePipeline(pm, tiles, convs);

  // Buffers, then kernels.
  buildGPUBufferizePipeline(pm);
  // Results become caller-provided output buffers (destination-passing
  // style): the caller owns every device buffer it sees.
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.hoistDynamicAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // Callers promise aligned buffers (what the vector loads below assume);
  // the promise is checked on entry.
  GPUCheckArgumentAlignmentOptions checkAlignment;
  checkAlignment.alignment = kArgumentAlignment;
  pm.addPass(createGPUCheckArgumentAlignment(checkAlignment));
  // In-place tiles leave copies of a subview onto itself: CSE makes the two
  // subviews one, and the self-copy folds away.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createGPUMapForall());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addNestedPass<func::FuncOp>(createGPUHostMemory());
  // Each thread's tile in registers, read with vector loads; what is left
  // (ops with dynamic shapes) becomes scalar loops.
  GPUVectorizeThreadTilesOptions vectorize;
  vectorize.argumentAlignment = kArgumentAlignment;
  pm.addNestedPass<func::FuncOp>(createGPUVectorizeThreadTiles(vectorize));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createGPUUnrollSmallLoops());
  pm.addNestedPass<func::FuncOp>(createGPUAllowFMA());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Constants (indices, the tile's own offsets) go into the kernels rather
  // than becoming kernel arguments: a thread's private tile indexed by
  // constants can live in registers.
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
}

void mlir::convbn::buildLowerToNVVMPipeline(
    OpPassManager &pm, const LowerToNVVMOptions &options) {
  std::string features = options.features.empty()
                             ? getDefaultFeatures(options.chip)
                             : std::string(options.features);
  std::string format = options.format.empty() ? getDefaultFormat(options.chip)
                                              : std::string(options.format);
  CheckNVVMTargetOptions check;
  check.chip = options.chip;
  check.features = features;
  check.format = format;
  pm.addPass(createCheckNVVMTarget(check));

  GPUTileOptions tiles;
  tiles.blockTiles.assign(options.blockTiles.begin(), options.blockTiles.end());
  tiles.threadTiles.assign(options.threadTiles.begin(),
                           options.threadTiles.end());
  tiles.threadTileZ = options.threadTileZ;
  GPUConvOptions convs;
  convs.implicitGemm = options.implicitGemm;
  convs.gemm.tiles.assign(options.gemmTiles.begin(), options.gemmTiles.end());
  convs.gemm.mmaTiles.assign(options.gemmMmaTiles.begin(),
                             options.gemmMmaTiles.end());
  convs.gemm.chip = options.chip;
  convs.gemm.tensorCores = options.tensorCores;
  convs.gemm.allowTf32 = options.allowTf32;
  convs.gemm.asyncCopies = options.asyncCopies;
  buildGPULaunchesPipeline(pm, tiles, convs);
  // Weights are copied to the device on the first call only.
  pm.addPass(createGPUDeviceConstants());
  pm.addPass(createGpuKernelOutliningPass());
  // Tensor-core warp code (vector.contract of fragments) as mma.sync
  // (sm_80 and later: ldmatrix and m16n8k16) or WMMA ops, in the outlined
  // kernels: the pattern drivers hoist constants to the closest isolated
  // region, which a gpu.launch is not (a fragment constant hoisted out of
  // one would become a kernel argument). The check above has made sure the
  // chip is sm_XY.
  if (usesMmaSync(getComputeCapability(options.chip).value_or(0))) {
    GPUContractsToMmaSyncOptions mmaSync;
    mmaSync.allowTf32 = options.allowTf32;
    pm.addNestedPass<gpu::GPUModuleOp>(createGPUContractsToMmaSync(mmaSync));
  }
  else
    pm.addNestedPass<gpu::GPUModuleOp>(createConvertVectorToGPUPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createGPUAlignWorkgroupMemory());
  // gpu-to-llvm lowers allocations and copies on streams only: thread async
  // tokens through the host code.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addNestedPass<func::FuncOp>(LLVM::createLLVMRequestCWrappersPass());

  // NVVM (as upstream's gpu-lower-to-nvvm-pipeline, with libdevice linked).
  // Structured control flow first: convert-nvgpu-to-nvvm rejects scf.for
  // ops that carry values its type converter does not know (WMMA fragments,
  // !gpu.mma_matrix, which convert-gpu-to-nvvm lowers later).
  pm.addPass(createSCFToControlFlowPass());
  // bf16 mma.sync, which convert-nvgpu-to-nvvm does not lower.
  pm.addNestedPass<gpu::GPUModuleOp>(createGPUMmaSyncBF16ToNVVM());
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = features;
  target.optLevel = options.optLevel;
  target.linkLibs.push_back(std::string(options.toolkit) +
                            "/nvvm/libdevice/libdevice.10.bc");
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createStripDebugInfoPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.toolkit;
  binary.compilationTarget = format;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::convbn::buildTosaToConvBNPipeline(OpPassManager &pm,
                                             StringRef fuseOptions) {
  pm.addPass(convbn::createCheckShapes());
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(tosa::createTosaToLinalgNamed());
  func.addPass(tosa::createTosaToLinalg());
  func.addPass(createTosaToArithPass());
  func.addPass(createTosaToTensorPass());
  // The conversions leave dead tosa.const_shape ops behind.
  pm.addPass(createCanonicalizerPass());
  // TOSA spells grouped convolutions as per-group slices.
  pm.addPass(createRegroupConvs());
  std::unique_ptr<Pass> fuse = createFuseConvBN();
  if (failed(fuse->initializeOptions(fuseOptions, [](const Twine &message) {
        llvm::errs() << message << "\n";
        return failure();
      })))
    llvm::report_fatal_error("invalid fuse-convbn options");
  pm.addPass(std::move(fuse));
}

namespace {
struct TosaToConvBNOptions
    : public PassPipelineOptions<TosaToConvBNOptions> {
  Option<std::string> fuseOptions{
      *this, "fuse",
      llvm::cl::desc("Options of the fuse-convbn pass, e.g. "
                     "'mode=tune remarks=true'"),
      llvm::cl::init("")};
};
} // namespace

namespace {
/// The tiling options of the GPU pipelines that run on the host too.
template <typename Derived>
struct GPUTilingPipelineOptions : public PassPipelineOptions<Derived> {
  using Base = PassPipelineOptions<Derived>;
  typename Base::template ListOption<int64_t> blockTiles{
      *this, "block-tiles",
      llvm::cl::desc("Override the block tile sizes (per output dimension)")};
  typename Base::template ListOption<int64_t> threadTiles{
      *this, "thread-tiles",
      llvm::cl::desc("Override the thread tile sizes (per output dimension)")};
  typename Base::template Option<int64_t> minThreads{
      *this, "min-threads",
      llvm::cl::desc("Threads a block should have (the tile heuristic's "
                     "target; 1 gives small tensors multi-output thread "
                     "tiles, which tests use)"),
      llvm::cl::init(128)};
  typename Base::template Option<int64_t> threadTileZ{
      *this, "thread-tile-z",
      llvm::cl::desc("Outputs per thread along the third-innermost output "
                     "dimension (see convbn-gpu-tile)"),
      llvm::cl::init(1)};
  typename Base::template Option<bool> implicitGemm{
      *this, "implicit-gemm",
      llvm::cl::desc("Compute convolutions as implicit-GEMM launches (run "
                     "them on the host with convbn-gpu-launch-to-host-loops; "
                     "default: on for convbn-gpu-launches, off for the "
                     "pipelines that stop before launches)"),
      llvm::cl::init(Derived::kImplicitGemmByDefault)};
  typename Base::template ListOption<int64_t> gemmTiles{
      *this, "gemm-tiles",
      llvm::cl::desc("Override the implicit-GEMM tiles: BM,BN,BK,TM,TN")};
  typename Base::template ListOption<int64_t> gemmMmaTiles{
      *this, "gemm-mma-tiles",
      llvm::cl::desc("Override the tensor-core implicit-GEMM tiles: "
                     "BM,BN,BK,WM,WN")};
  typename Base::template Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("The GPU the kernels are for (as lower-to-nvvm's chip: "
                     "which element types get tensor cores)"),
      llvm::cl::init("sm_70")};
  typename Base::template Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("Tensor-core kernels where the chip has them (as "
                     "lower-to-nvvm's tensor-cores)"),
      llvm::cl::init(true)};
  typename Base::template Option<bool> allowTf32{
      *this, "allow-tf32",
      llvm::cl::desc("f32 convolutions on tensor cores as TF32 from sm_80 (as "
                     "lower-to-nvvm's allow-tf32)"),
      llvm::cl::init(false)};
  typename Base::template Option<bool> asyncCopies{
      *this, "async-copies",
      llvm::cl::desc("cp.async staging from sm_80 (as lower-to-nvvm's "
                     "async-copies)"),
      llvm::cl::init(true)};

  convbn::GPUConvOptions getConvOptions() const {
    convbn::GPUConvOptions convs;
    convs.implicitGemm = implicitGemm;
    convs.gemm.tiles.assign(gemmTiles.begin(), gemmTiles.end());
    convs.gemm.mmaTiles.assign(gemmMmaTiles.begin(), gemmMmaTiles.end());
    convs.gemm.chip = chip;
    convs.gemm.tensorCores = tensorCores;
    convs.gemm.allowTf32 = allowTf32;
    convs.gemm.asyncCopies = asyncCopies;
    return convs;
  }

  convbn::GPUTileOptions getTileOptions() const {
    convbn::GPUTileOptions tiles;
    tiles.blockTiles.assign(blockTiles.begin(), blockTiles.end());
    tiles.threadTiles.assign(threadTiles.begin(), threadTiles.end());
    tiles.minThreads = minThreads;
    tiles.threadTileZ = threadTileZ;
    return tiles;
  }
};

struct GPUScheduleOptions : GPUTilingPipelineOptions<GPUScheduleOptions> {
  static constexpr bool kImplicitGemmByDefault = false;
};
struct GPULaunchesOptions : GPUTilingPipelineOptions<GPULaunchesOptions> {
  static constexpr bool kImplicitGemmByDefault = true;
};

struct LowerToCPUOptions : public PassPipelineOptions<LowerToCPUOptions> {
  Option<bool> trackMemory{
      *this, "track-memory",
      llvm::cl::desc("Allocate buffers through MLIR's generic allocation "
                     "functions, which libconvbn_memtrack defines to count "
                     "live and peak bytes (bench/training_memory.py)"),
      llvm::cl::init(false)};
  Option<bool> skipCompute{
      *this, "skip-compute",
      llvm::cl::desc("Erase the linalg ops after bufferization: the program "
                     "allocates as it would but computes nothing (for "
                     "measuring memory with track-memory)"),
      llvm::cl::init(false)};
};

struct GPUThreadCodeOptions
    : GPUTilingPipelineOptions<GPUThreadCodeOptions> {
  static constexpr bool kImplicitGemmByDefault = false;
  Option<int64_t> argumentAlignment{
      *this, "argument-alignment",
      llvm::cl::desc("Byte alignment assumed of function arguments (0: "
                     "none, the default, since host buffers on the CPU "
                     "promise nothing)"),
      llvm::cl::init(0)};
};
} // namespace

void mlir::convbn::registerConvBNPipelines() {
  PassPipelineRegistration<GPUScheduleOptions>(
      "convbn-gpu-schedule",
      "The tensor-level part of lower-to-nvvm: convbn to linalg and every "
      "op tiled to GPU blocks and threads (runs on the CPU with "
      "lower-to-cpu, which is how the schedule is tested without a GPU)",
      [](OpPassManager &pm, const GPUScheduleOptions &options) {
        buildGPUSchedulePipeline(pm, options.getTileOptions(),
                                 options.getConvOptions());
      });
  PassPipelineRegistration<GPUThreadCodeOptions>(
      "convbn-gpu-thread-code",
      "convbn-gpu-schedule, bufferization as in lower-to-nvvm, and each "
      "thread's tile as vector code (convbn-gpu-vectorize-thread-tiles): "
      "what every GPU thread computes, still in loops over blocks and "
      "threads, so that lower-to-cpu runs it on the host",
      [](OpPassManager &pm, const GPUThreadCodeOptions &options) {
        buildGPUSchedulePipeline(pm, options.getTileOptions(),
                                 options.getConvOptions());
        buildGPUBufferizePipeline(pm);
        GPUVectorizeThreadTilesOptions vectorize;
        vectorize.argumentAlignment = options.argumentAlignment;
        pm.addNestedPass<func::FuncOp>(
            createGPUVectorizeThreadTiles(vectorize));
      });
  PassPipelineRegistration<GPULaunchesOptions>(
      "convbn-gpu-launches",
      "lower-to-nvvm up to outlining: gpu.launch ops with their grid and "
      "block shapes and the code every thread runs, on device buffers; with "
      "convbn-gpu-launch-to-host-loops and lower-to-cpu it runs on the host",
      [](OpPassManager &pm, const GPULaunchesOptions &options) {
        buildGPULaunchesPipeline(pm, options.getTileOptions(),
                                 options.getConvOptions());
      });
  PassPipelineRegistration<LowerToNVVMOptions>(
      "lower-to-nvvm",
      "Lower convbn and upstream tensor-level IR to NVIDIA GPU kernels "
      "(PTX or cubin) and host code calling the mgpu* runtime",
      buildLowerToNVVMPipeline);
  PassPipelineRegistration<TosaToConvBNOptions>(
      "tosa-to-convbn",
      "Lower TOSA to linalg on tensors and fuse conv + batch norm into "
      "convbn.conv_bn",
      [](OpPassManager &pm, const TosaToConvBNOptions &options) {
        buildTosaToConvBNPipeline(pm, options.fuseOptions);
      });
  PassPipelineRegistration<LowerToCPUOptions>(
      "lower-to-cpu",
      "Lower convbn and upstream tensor-level IR to the LLVM dialect for the "
      "host CPU (runnable with mlir-runner)",
      [](OpPassManager &pm, const LowerToCPUOptions &options) {
        buildLowerToCPUPipeline(pm, options.trackMemory, options.skipCompute);
      });
}
