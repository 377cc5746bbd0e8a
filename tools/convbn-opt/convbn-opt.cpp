//===- convbn-opt.cpp - convbn optimizer driver ---------------------------===//
//
// mlir-opt with the convbn dialect, passes and pipelines added to every
// upstream dialect, extension and pass.
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
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::convbn::registerConvBNConversionPasses();
  mlir::convbn::registerConvBNTransformsPasses();
  mlir::convbn::registerConvBNGPUPasses();
  mlir::convbn::registerConvBNPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // Serializing GPU kernels translates them to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::convbn::ConvBNDialect>();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "convbn optimizer driver\n", registry));
}
