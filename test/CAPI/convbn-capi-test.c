//===- convbn-capi-test.c - convbn through MLIR's C API -------------------===//
//
// What a compiler embedding convbn through the C API does: load the dialect
// into a context, parse and verify IR, run a pass created from C and a
// textual pipeline naming convbn's passes, and receive diagnostics.
//
//===----------------------------------------------------------------------===//

// RUN: convbn-capi-test 2>&1 | FileCheck %s

#include "ConvBN-c/Dialects.h"
#include "ConvBN-c/Passes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Func.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/Support.h"

#include <stdio.h>
#include <stdlib.h>

static void printToStderr(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stderr);
}

static MlirLogicalResult printDiagnostic(MlirDiagnostic diagnostic,
                                         void *userData) {
  (void)userData;
  fprintf(stderr, "diagnostic at ");
  mlirLocationPrint(mlirDiagnosticGetLocation(diagnostic), printToStderr,
                    NULL);
  fprintf(stderr, ": ");
  mlirDiagnosticPrint(diagnostic, printToStderr, NULL);
  fprintf(stderr, "\n");
  return mlirLogicalResultSuccess();
}

static MlirContext createContext(void) {
  MlirContext ctx = mlirContextCreate();
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__func__(), registry);
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__convbn__(), registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  mlirContextAttachDiagnosticHandler(ctx, printDiagnostic, NULL, NULL);
  return ctx;
}

static const char *kEval =
    "func.func @eval(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>,\n"
    "                %g: tensor<4xf32>, %be: tensor<4xf32>,\n"
    "                %m: tensor<4xf32>, %v: tensor<4xf32>)\n"
    "    -> tensor<1x4x4x4xf32> {\n"
    "  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%be)\n"
    "      mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1]\n"
    "      epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>,\n"
    "      tensor<4xf32>\n"
    "  return %y : tensor<1x4x4x4xf32>\n"
    "}\n";

// A pass created from C lowers the op to linalg; the conv's attributes
// survive.
// CHECK-LABEL: test: create pass
// CHECK:       func.func @eval
// CHECK-NOT:   convbn.
// CHECK:       tensor.pad
// CHECK:       linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-NOT:   convbn.
// CHECK:       return
static int testCreatePass(void) {
  fprintf(stderr, "test: create pass\n");
  MlirContext ctx = createContext();
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kEval));
  if (mlirModuleIsNull(module))
    return 1;
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  mlirPassManagerAddOwnedPass(pm,
                              mlirCreateConvBNConversionConvertConvBNToLinalg());
  MlirLogicalResult result =
      mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module));
  if (mlirLogicalResultIsFailure(result))
    return 2;
  mlirOperationPrint(mlirModuleGetOperation(module), printToStderr, NULL);
  fprintf(stderr, "\n");
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}

// Every group's passes, and the pipelines, have textual names once
// registered (twice is harmless). The pipelines build on a pass manager that
// does not nest implicitly (as MLIR's C API and Python create them), so each
// nests its function passes itself.
// CHECK-LABEL: test: textual pipeline
// CHECK:       builtin.module(convbn-check-cpu-target,{{.*}},func.func(convert-linalg-to-loops),{{.*}}use-generic-functions=false
// CHECK:       builtin.module(convbn-check-cpu-target,{{.*}},convbn-strip-buffer-compute,{{.*}}use-generic-functions=true
// CHECK:       builtin.module(convbn-check-nvvm-target{chip=sm_80 {{.*}},func.func(llvm-request-c-wrappers),{{.*}},gpu-module-to-binary{format=bin
// CHECK:       builtin.module(convbn-check-shapes,func.func(tosa-to-linalg-named{{.*}},fuse-convbn{mode=auto remarks=false})
// CHECK:       builtin.module(convbn-check-shapes,{{.*}},func.func(convbn-gpu-tile{{.*}}),canonicalize{{.*}},cse)
// CHECK:       builtin.module(convbn-check-shapes,{{.*}},func.func(convbn-gpu-vectorize-thread-tiles{argument-alignment=0 {{.*}}}))
// CHECK:       builtin.module(convbn-check-shapes,{{.*}},gpu-launch-sink-index-computations)
// CHECK:       builtin.module(fuse-convbn{mode=auto remarks=true},convert-convbn-to-linalg,func.func(convbn-gpu-tile{{.*}}))
// CHECK:       func.func @eval
// CHECK:       scf.forall
// CHECK:       linalg.conv_2d_nchw_fchw
static int testTextualPipeline(void) {
  fprintf(stderr, "test: textual pipeline\n");
  mlirConvBNRegisterPasses();
  mlirConvBNRegisterPasses();
  MlirContext ctx = createContext();
  const char *pipelines[] = {
      "builtin.module(lower-to-cpu)",
      "builtin.module(lower-to-cpu{track-memory=true skip-compute=true})",
      "builtin.module(lower-to-nvvm{chip=sm_80})",
      "builtin.module(tosa-to-convbn)",
      "builtin.module(convbn-gpu-schedule)",
      "builtin.module(convbn-gpu-thread-code)",
      "builtin.module(convbn-gpu-launches)",
      "builtin.module(fuse-convbn{remarks=true},convert-convbn-to-linalg,"
      "func.func(convbn-gpu-tile))"};
  const int count = sizeof(pipelines) / sizeof(*pipelines);
  MlirPassManager pm;
  for (int i = 0; i < count; ++i) {
    pm = mlirPassManagerCreate(ctx);
    MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
    if (mlirLogicalResultIsFailure(mlirParsePassPipeline(
            opm, mlirStringRefCreateFromCString(pipelines[i]), printToStderr,
            NULL)))
      return 3;
    mlirPrintPassPipeline(opm, printToStderr, NULL);
    fprintf(stderr, "\n");
    if (i + 1 < count)
      mlirPassManagerDestroy(pm);
  }
  // The last one runs.
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kEval));
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    return 4;
  mlirOperationPrint(mlirModuleGetOperation(module), printToStderr, NULL);
  fprintf(stderr, "\n");
  mlirModuleDestroy(module);
  mlirPassManagerDestroy(pm);
  mlirContextDestroy(ctx);
  return 0;
}

// The op's verifier speaks through the context's diagnostic handler, at the
// op's location.
// CHECK-LABEL: test: diagnostic
// CHECK:       diagnostic at loc("-":2:8): epsilon must be 0 or a positive, finite, normal 'f32' value
// CHECK:       rejected
static int testDiagnostic(void) {
  fprintf(stderr, "test: diagnostic\n");
  MlirContext ctx = createContext();
  MlirModule module = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString(
               "func.func @f(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>,"
               " %g: tensor<4xf32>) -> tensor<1x4x6x6xf32> {\n"
               "  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) "
               "offset(%g) mean(%g) variance(%g) epsilon = -1.0 : "
               "tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>\n"
               "  return %y : tensor<1x4x6x6xf32>\n}\n"));
  fprintf(stderr, "%s\n", mlirModuleIsNull(module) ? "rejected" : "accepted");
  if (!mlirModuleIsNull(module))
    mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}

int main(void) {
  int status;
  if ((status = testCreatePass()))
    return status;
  if ((status = testTextualPipeline()))
    return status;
  return testDiagnostic();
}
