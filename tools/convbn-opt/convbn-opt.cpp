//===- convbn-opt.cpp - convbn optimizer driver ---------------------------===//
//
// mlir-opt with the convbn dialect, passes and pipelines added to every
// upstream dialect, extension and pass. Before the pipeline it is given (the
// empty one included), it runs convbn-check-static-lists: upstream's parser
// and verifiers accept a static INT64_MIN in the lists that use it to mark a
// dynamic value, and the printer, folders and canonicalization patterns
// then read past the op's operands and crash.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Conversion/Passes.h"
#include "ConvBN/GPU/Passes.h"
#include "ConvBN/IR/ConvBNDialect.h"
#include "ConvBN/Pipelines/Pipelines.h"
#include "ConvBN/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

int main(int argc, char **argv) {
  registerAllPasses();
  convbn::registerConvBNConversionPasses();
  convbn::registerConvBNTransformsPasses();
  convbn::registerConvBNGPUPasses();
  convbn::registerConvBNPipelines();

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // Serializing GPU kernels translates them to LLVM IR.
  registerAllToLLVMIRTranslations(registry);
  registry.insert<convbn::ConvBNDialect>();

  auto [inputFilename, outputFilename] = registerAndParseCLIOptions(
      argc, argv, "convbn optimizer driver\n", registry);
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  // Listing dialects or passes reads no input: upstream's driver does it.
  if (config.shouldShowDialects() || config.shouldListPasses())
    return asMainReturnCode(
        MlirOptMain(argc, argv, inputFilename, outputFilename, registry));

  llvm::InitLLVM initLLVM(argc, argv);
  MlirOptMainConfig withChecks = config;
  withChecks.setPassPipelineSetupFn([config](PassManager &pm) {
    pm.addPass(convbn::createCheckStaticLists());
    return config.setupPassPipeline(pm);
  });
  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &errorMessage);
  if (!input) {
    llvm::errs() << errorMessage << "\n";
    return EXIT_FAILURE;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << errorMessage << "\n";
    return EXIT_FAILURE;
  }
  if (failed(MlirOptMain(output->os(), std::move(input), registry,
                         withChecks)))
    return EXIT_FAILURE;
  output->keep();
  return EXIT_SUCCESS;
}
