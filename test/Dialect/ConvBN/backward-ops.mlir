// Round trip of convbn.conv_bn_backward and of the forward op's kept
// convolution output, in the custom, generic and bytecode forms. Result types
// are inferred: each function returns them with the expected types.

// RUN: convbn-opt %s | FileCheck %s
// RUN: convbn-opt %s | convbn-opt | FileCheck %s
// RUN: convbn-opt %s --mlir-print-op-generic | convbn-opt | FileCheck %s
// RUN: convbn-opt %s --emit-bytecode | convbn-opt | FileCheck %s
// RUN: convbn-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// tune: every gradient, listed in any order, printed in result order
// (input, filter, bias, scale, offset).
// CHECK-LABEL: func.func @tune_all(
// CHECK:         convbn.conv_bn_backward tune nchw_fchw %arg0, %arg1 grad(%arg2) bias(%arg3 : tensor<4xf32>) scale(%arg4) mean(%arg5) variance(%arg6) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.000000e-05 gradients(input, filter, bias, scale, offset) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x4x4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "tune_all"
// GENERIC:         "convbn.conv_bn_backward"{{.*}}gradients = #convbn.gradients<input, filter, bias, scale, offset>{{.*}} -> (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @tune_all(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x4x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %r:5 = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) bias(%b : tensor<4xf32>) scale(%g) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-5 gradients(offset, scale, bias, filter, input) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x4x4xf32>, tensor<4xf32>
  return %r#0, %r#1, %r#2, %r#3, %r#4 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// eval: the forward op keeps the convolution output, the backward reads it.
// f16 data with f32 parameters, a dynamic batch, a grouped layout.
// CHECK-LABEL: func.func @eval_pair(
// CHECK:         %[[Z:.+]], %[[Y:.+]] = convbn.conv_bn eval ngchw_gfchw %arg0, %arg1 scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) epsilon = 1.000000e-05 keep_conv_output : tensor<?x2x3x8x8xf16>, tensor<2x4x3x3x3xf16>, tensor<8xf32>
// CHECK:         convbn.conv_bn_backward eval ngchw_gfchw %arg0, %arg1 grad(%arg2) scale(%arg3) mean(%arg5) variance(%arg6) conv_output(%[[Y]]) epsilon = 1.000000e-05 gradients(filter, scale) : tensor<?x2x3x8x8xf16>, tensor<2x4x3x3x3xf16>, tensor<?x2x4x6x6xf16>, tensor<8xf32>
// GENERIC-LABEL: sym_name = "eval_pair"
// GENERIC:         "convbn.conv_bn"{{.*}}keep_conv_output{{.*}} -> (tensor<?x2x4x6x6xf16>, tensor<?x2x4x6x6xf16>)
func.func @eval_pair(%x: tensor<?x2x3x8x8xf16>, %w: tensor<2x4x3x3x3xf16>, %dz: tensor<?x2x4x6x6xf16>, %g: tensor<8xf32>, %be: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> (tensor<?x2x4x6x6xf16>, tensor<2x4x3x3x3xf16>, tensor<8xf32>) {
  %z, %y = convbn.conv_bn eval ngchw_gfchw %x, %w scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 keep_conv_output : tensor<?x2x3x8x8xf16>, tensor<2x4x3x3x3xf16>, tensor<8xf32>
  %dw, %dg = convbn.conv_bn_backward eval ngchw_gfchw %x, %w grad(%dz) scale(%g) mean(%m) variance(%v) conv_output(%y) epsilon = 1.0e-5 gradients(filter, scale) : tensor<?x2x3x8x8xf16>, tensor<2x4x3x3x3xf16>, tensor<?x2x4x6x6xf16>, tensor<8xf32>
  return %z, %dw, %dg : tensor<?x2x4x6x6xf16>, tensor<2x4x3x3x3xf16>, tensor<8xf32>
}

// One gradient (the input's, as a frozen network's adversarial attack needs),
// 1-D depthwise with a multiplier.
// CHECK-LABEL: func.func @input_only(
// CHECK:         convbn.conv_bn_backward tune nwc_wcm %arg0, %arg1 grad(%arg2) mean(%arg3) variance(%arg4) dilations = [2] epsilon = 1.000000e-03 gradients(input) : tensor<1x9x3xf32>, tensor<2x3x2xf32>, tensor<1x7x3x2xf32>, tensor<6xf32>
func.func @input_only(%x: tensor<1x9x3xf32>, %w: tensor<2x3x2xf32>, %dz: tensor<1x7x3x2xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<1x9x3xf32> {
  %dx = convbn.conv_bn_backward tune nwc_wcm %x, %w grad(%dz) mean(%m) variance(%v) dilations = [2] epsilon = 1.0e-3 gradients(input) : tensor<1x9x3xf32>, tensor<2x3x2xf32>, tensor<1x7x3x2xf32>, tensor<6xf32>
  return %dx : tensor<1x9x3xf32>
}
