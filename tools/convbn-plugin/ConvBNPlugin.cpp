//===- ConvBNPlugin.cpp - convbn in a stock mlir-opt ----------------------===//
//
// `mlir-opt --load-dialect-plugin=ConvBNPlugin.so` gets the convbn dialect and
// every convbn pass and pipeline; `--load-pass-plugin=` the passes and
// pipelines alone. The plugin links libMLIR.so, as Debian's mlir-opt does, so
// both share one copy of MLIR.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Conversion/Passes.h"
#include "ConvBN/GPU/Passes.h"
#include "ConvBN/IR/ConvBNDialect.h"
#include "ConvBN/Pipelines/Pipelines.h"
#include "ConvBN/Transforms/Passes.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

using namespace mlir;

static void registerConvBNPassesAndPipelines() {
  // mlir-opt may call both entry points: register once.
  static bool registered = [] {
    convbn::registerConvBNConversionPasses();
    convbn::registerConvBNTransformsPasses();
    convbn::registerConvBNGPUPasses();
    convbn::registerConvBNPipelines();
    return true;
  }();
  (void)registered;
}

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "ConvBN", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            registry->insert<convbn::ConvBNDialect>();
            registerConvBNPassesAndPipelines();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "ConvBNPasses", LLVM_VERSION_STRING,
          registerConvBNPassesAndPipelines};
}
