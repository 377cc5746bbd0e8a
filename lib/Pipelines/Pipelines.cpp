//===- Pipelines.cpp - convbn pass pipelines ------------------------------===//

#include "ConvBN/Pipelines/Pipelines.h"

#include "ConvBN/Conversion/Passes.h"
#include "ConvBN/Transforms/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::convbn::buildLowerToCPUPipeline(OpPassManager &pm) {
  // Tensor level.
  pm.addPass(createConvertConvBNToLinalg());
  // Elementwise arith/math on whole tensors (as tests and frontends write
  // them) become linalg.generic, which bufferizes.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Buffers. Identity layouts at function boundaries keep the C interface
  // of the functions the plain strided memref descriptors callers expect.
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  bufferization::buildBufferDeallocationPipeline(pm);

  // Loops, then LLVM.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // Tests print with vector.print.
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::convbn::buildTosaToConvBNPipeline(OpPassManager &pm,
                                             StringRef fuseOptions) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(tosa::createTosaToLinalgNamed());
  func.addPass(tosa::createTosaToLinalg());
  func.addPass(createTosaToArithPass());
  func.addPass(createTosaToTensorPass());
  // The conversions leave dead tosa.const_shape ops behind.
  pm.addPass(createCanonicalizerPass());
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

void mlir::convbn::registerConvBNPipelines() {
  PassPipelineRegistration<TosaToConvBNOptions>(
      "tosa-to-convbn",
      "Lower TOSA to linalg on tensors and fuse conv + batch norm into "
      "convbn.conv_bn",
      [](OpPassManager &pm, const TosaToConvBNOptions &options) {
        buildTosaToConvBNPipeline(pm, options.fuseOptions);
      });
  PassPipelineRegistration<>(
      "lower-to-cpu",
      "Lower convbn and upstream tensor-level IR to the LLVM dialect for the "
      "host CPU (runnable with mlir-runner)",
      buildLowerToCPUPipeline);
}
