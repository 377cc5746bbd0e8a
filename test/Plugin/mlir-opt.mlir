// REQUIRES: convbn-plugin
// In a sanitizer build the plugin is instrumented and mlir-opt is not:
// %sanitizer_host preloads the ASan runtime.
// A stock mlir-opt with convbn's plugin: the dialect (--load-dialect-plugin)
// and the passes and pipelines (either plugin flag). mlir-opt creates its
// pass flags before it loads plugins: passes go through --pass-pipeline.

// RUN: %sanitizer_host mlir-opt %s --load-dialect-plugin=%convbn_plugin | FileCheck %s --check-prefix=PARSE
// RUN: %sanitizer_host mlir-opt %s --load-dialect-plugin=%convbn_plugin --pass-pipeline='builtin.module(convert-convbn-to-linalg)' | FileCheck %s --check-prefix=LOWER
// RUN: %sanitizer_host mlir-opt %S/../Transforms/FuseConvBN/Inputs/torch/conv_bn_3x3.mlir --load-pass-plugin=%convbn_plugin --pass-pipeline='builtin.module(fuse-convbn{mode=tune remarks=true})' 2>&1 | FileCheck %s --check-prefix=FUSE
// RUN: not %sanitizer_host mlir-opt %s 2>&1 | FileCheck %s --check-prefix=NOPLUGIN

// PARSE: convbn.conv_bn eval nchw_fchw %{{.+}}, %{{.+}} scale(%{{.+}}) offset(%{{.+}}) mean(%{{.+}}) variance(%{{.+}}) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 9.9999999999999995E-7
// LOWER-NOT: convbn.
// LOWER: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// FUSE: remark: fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune
// FUSE: convbn.conv_bn tune nchw_fchw
// NOPLUGIN: Dialect `convbn' not found for custom op 'convbn.conv_bn'
func.func @eval(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%be) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-6 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x4x4xf32>
}
