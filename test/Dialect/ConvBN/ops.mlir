// Round trip of every convbn op, mode and layout. The result types are not
// written in the custom form: each function returns the op's results with the
// expected types in its signature, so a wrongly inferred type fails to parse,
// and the GENERIC run checks the types printed on the op itself.

// RUN: convbn-opt %s | FileCheck %s
// RUN: convbn-opt %s | convbn-opt | FileCheck %s
// RUN: convbn-opt %s --mlir-print-op-generic | convbn-opt | FileCheck %s
// RUN: convbn-opt %s --emit-bytecode | convbn-opt | FileCheck %s
// RUN: convbn-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

//===----------------------------------------------------------------------===//
// Modes
//===----------------------------------------------------------------------===//

// eval with every optional operand; padding keeps 8x8.
// CHECK-LABEL: func.func @mode_eval(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) padding = [1, 1, 1, 1] epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x8x8xf32>
// GENERIC-LABEL: sym_name = "mode_eval"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
func.func @mode_eval(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x8x8xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf32>) scale(%g) offset(%be) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x8x8xf32>
}

// tune, stride 2 with padding: (8 + 2 - 3) / 2 + 1 = 4.
// CHECK-LABEL: func.func @mode_tune(
// CHECK:         convbn.conv_bn tune nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x4x4xf32>
// GENERIC-LABEL: sym_name = "mode_tune"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
func.func @mode_tune(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x4x4xf32>) {
  %y = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<4xf32>) scale(%g) offset(%be) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x4x4xf32>
}

// deploy with no optional operand or attribute: 8 - 3 + 1 = 6.
// CHECK-LABEL: func.func @mode_deploy(
// CHECK:         convbn.conv_bn deploy nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>
// GENERIC-LABEL: sym_name = "mode_deploy"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
func.func @mode_deploy(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf32>) {
  %y = convbn.conv_bn deploy nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x6x6xf32>
}

// train: the output, then new running mean and variance, saved mean and
// inverse std, all of the parameters' type.
// CHECK-LABEL: func.func @mode_train(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) padding = [1, 1, 1, 1] epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "mode_train"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @mode_train(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w bias(%b : tensor<4xf32>) scale(%g) offset(%be) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 momentum = 0.1 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// momentum may be exactly 0 ...
// CHECK-LABEL: func.func @mode_train_momentum_bounds_0(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 0.000000e+00 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "mode_train_momentum_bounds_0"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @mode_train_momentum_bounds_0(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.0 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// ... or exactly 1.
// CHECK-LABEL: func.func @mode_train_momentum_bounds_1(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e+00 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "mode_train_momentum_bounds_1"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @mode_train_momentum_bounds_1(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 1.0 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// train with batch 1 is fine while the output has several pixels.
// CHECK-LABEL: func.func @mode_train_batch_1(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<1x3x3x3xf32>, tensor<4x3x2x2xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "mode_train_batch_1"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<1x3x3x3xf32>, tensor<4x3x2x2xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @mode_train_batch_1(%x: tensor<1x3x3x3xf32>, %w: tensor<4x3x2x2xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<1x3x3x3xf32>, tensor<4x3x2x2xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// train with one output pixel is fine while the batch has several.
// CHECK-LABEL: func.func @mode_train_one_pixel(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<8x3x3x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<8x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "mode_train_one_pixel"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<8x3x3x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<8x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @mode_train_one_pixel(%x: tensor<8x3x3x3xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<8x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<8x3x3x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<8x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Optional operands
//===----------------------------------------------------------------------===//

// 'bias' alone.
// CHECK-LABEL: func.func @optional_bias_only(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>
// GENERIC-LABEL: sym_name = "optional_bias_only"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
func.func @optional_bias_only(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x6x6xf32>
}

// 'scale' alone.
// CHECK-LABEL: func.func @optional_scale_only(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 scale(%arg2) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>
// GENERIC-LABEL: sym_name = "optional_scale_only"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
func.func @optional_scale_only(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x6x6xf32>
}

// 'offset' alone.
// CHECK-LABEL: func.func @optional_offset_only(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 offset(%arg2) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>
// GENERIC-LABEL: sym_name = "optional_offset_only"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
func.func @optional_offset_only(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x6x6xf32>
}

// scale and offset without bias (a BN after a bias-free conv).
// CHECK-LABEL: func.func @optional_scale_offset(
// CHECK:         convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>
// GENERIC-LABEL: sym_name = "optional_scale_offset"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
func.func @optional_scale_offset(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf32>) {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x6x6xf32>
}

// bias and offset without scale.
// CHECK-LABEL: func.func @optional_bias_offset(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "optional_bias_offset"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @optional_bias_offset(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w bias(%b : tensor<4xf32>) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Convolution attributes
//===----------------------------------------------------------------------===//

// strides only: (9 - 3) / 2 + 1 = 4 and (8 - 3) / 3 + 1 = 2.
// CHECK-LABEL: func.func @attr_strides(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) strides = [2, 3] epsilon = 1.000000e-05 : tensor<?x3x9x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x4x2xf32>
// GENERIC-LABEL: sym_name = "attr_strides"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x9x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x4x2xf32>
func.func @attr_strides(%x: tensor<?x3x9x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x4x2xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) strides = [2, 3] epsilon = 1.0e-5 : tensor<?x3x9x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x4x2xf32>
}

// dilations only: windows 2 * 2 + 1 = 5 and 3 * 2 + 1 = 7, so 9 - 5 + 1 = 5
// and 8 - 7 + 1 = 2.
// CHECK-LABEL: func.func @attr_dilations(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) dilations = [2, 3] epsilon = 1.000000e-05 : tensor<?x3x9x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x5x2xf32>
// GENERIC-LABEL: sym_name = "attr_dilations"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x9x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x5x2xf32>
func.func @attr_dilations(%x: tensor<?x3x9x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x5x2xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) dilations = [2, 3] epsilon = 1.0e-5 : tensor<?x3x9x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x5x2xf32>
}

// asymmetric padding [top, left, bottom, right] = [0, 1, 2, 3]:
// 8 + 0 + 2 - 3 + 1 = 8 rows, 8 + 1 + 3 - 3 + 1 = 10 columns.
// CHECK-LABEL: func.func @attr_padding_asymmetric(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) padding = [0, 1, 2, 3] epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x8x10xf32>
// GENERIC-LABEL: sym_name = "attr_padding_asymmetric"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x8x10xf32>
func.func @attr_padding_asymmetric(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x8x10xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) padding = [0, 1, 2, 3] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x8x10xf32>
}

// all three: rows (8 + 1 + 1 - 5) / 2 + 1 = 3, columns (8 + 0 + 2 - 3) / 1 + 1 = 8.
// CHECK-LABEL: func.func @attr_all(
// CHECK:         convbn.conv_bn tune nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) strides = [2, 1] dilations = [2, 1] padding = [1, 0, 1, 2] epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x3x8xf32>
// GENERIC-LABEL: sym_name = "attr_all"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x3x8xf32>
func.func @attr_all(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x3x8xf32>) {
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) strides = [2, 1] dilations = [2, 1] padding = [1, 0, 1, 2] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x3x8xf32>
}

// defaults spelled out are kept as written.
// CHECK-LABEL: func.func @attr_explicit_defaults(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) strides = [1, 1] dilations = [1, 1] padding = [0, 0, 0, 0] epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>
// GENERIC-LABEL: sym_name = "attr_explicit_defaults"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
func.func @attr_explicit_defaults(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) strides = [1, 1] dilations = [1, 1] padding = [0, 0, 0, 0] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x6x6xf32>
}

// any positive epsilon.
// CHECK-LABEL: func.func @attr_epsilon_large(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e+00 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>
// GENERIC-LABEL: sym_name = "attr_epsilon_large"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
func.func @attr_epsilon_large(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x6x6xf32>
}

// the window exactly covers the padded input: one output pixel.
// CHECK-LABEL: func.func @attr_window_equals_input(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) padding = [1, 1, 1, 1] epsilon = 1.000000e-05 : tensor<?x3x2x2xf32>, tensor<4x3x4x4xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x1x1xf32>
// GENERIC-LABEL: sym_name = "attr_window_equals_input"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x2x2xf32>, tensor<4x3x4x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x1x1xf32>
func.func @attr_window_equals_input(%x: tensor<?x3x2x2xf32>, %w: tensor<4x3x4x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x1x1xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<?x3x2x2xf32>, tensor<4x3x4x4xf32>, tensor<4xf32>
  return %y : tensor<?x4x1x1xf32>
}

// a stride larger than the input leaves one output pixel.
// CHECK-LABEL: func.func @attr_stride_larger_than_input(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) strides = [100, 100] epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x1x1xf32>
// GENERIC-LABEL: sym_name = "attr_stride_larger_than_input"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x1x1xf32>
func.func @attr_stride_larger_than_input(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x1x1xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) strides = [100, 100] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x1x1xf32>
}

//===----------------------------------------------------------------------===//
// Dynamic sizes
//===----------------------------------------------------------------------===//

// dynamic spatial input sizes give dynamic output sizes; static ones
// stay static.
// CHECK-LABEL: func.func @dynamic_spatial(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 : tensor<2x3x?x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<2x4x?x6xf32>
// GENERIC-LABEL: sym_name = "dynamic_spatial"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<2x3x?x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x?x6xf32>
func.func @dynamic_spatial(%x: tensor<2x3x?x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x?x6xf32>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x?x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<2x4x?x6xf32>
}

// everything but the channels dynamic, in train mode.
// CHECK-LABEL: func.func @dynamic_all_but_channels(
// CHECK:         convbn.conv_bn train nhwc_hwcf %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x?x?x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x?x?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "dynamic_all_but_channels"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x?x?x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x?x?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @dynamic_all_but_channels(%x: tensor<?x?x?x3xf32>, %w: tensor<3x3x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x?x?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nhwc_hwcf %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x?x?x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x?x?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Layouts (nchw_fchw is above)
//===----------------------------------------------------------------------===//

// (8 - 3) / 2 + 1 = 3.
// CHECK-LABEL: func.func @layout_nhwc_hwcf(
// CHECK:         convbn.conv_bn eval nhwc_hwcf %arg0, %arg1 bias(%arg2 : tensor<4xf32>) mean(%arg3) variance(%arg4) strides = [2, 2] epsilon = 1.000000e-05 : tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x3x3x4xf32>
// GENERIC-LABEL: sym_name = "layout_nhwc_hwcf"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x3x3x4xf32>
func.func @layout_nhwc_hwcf(%x: tensor<?x8x8x3xf32>, %w: tensor<3x3x3x4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x3x3x4xf32>) {
  %y = convbn.conv_bn eval nhwc_hwcf %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [2, 2] epsilon = 1.0e-5 : tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
  return %y : tensor<?x3x3x4xf32>
}

// rows 9 - (2 * 2 + 1) + 1 = 5, columns 7 - 2 + 1 = 6.
// CHECK-LABEL: func.func @layout_nhwc_fhwc(
// CHECK:         convbn.conv_bn tune nhwc_fhwc %arg0, %arg1 scale(%arg2) mean(%arg3) variance(%arg4) dilations = [2, 1] epsilon = 1.000000e-05 : tensor<?x9x7x3xf32>, tensor<4x3x2x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x5x6x4xf32>
// GENERIC-LABEL: sym_name = "layout_nhwc_fhwc"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x9x7x3xf32>, tensor<4x3x2x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x5x6x4xf32>
func.func @layout_nhwc_fhwc(%x: tensor<?x9x7x3xf32>, %w: tensor<4x3x2x3xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x5x6x4xf32>) {
  %y = convbn.conv_bn tune nhwc_fhwc %x, %w scale(%g) mean(%m) variance(%v) dilations = [2, 1] epsilon = 1.0e-5 : tensor<?x9x7x3xf32>, tensor<4x3x2x3xf32>, tensor<4xf32>
  return %y : tensor<?x5x6x4xf32>
}

// 2 groups of 4 filters over 3 channels each: 8 output channels,
// numbered row-major over (group, filter).
// CHECK-LABEL: func.func @layout_ngchw_gfchw(
// CHECK:         convbn.conv_bn eval ngchw_gfchw %arg0, %arg1 bias(%arg2 : tensor<8xf32>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) padding = [1, 1, 1, 1] epsilon = 1.000000e-05 : tensor<?x2x3x8x8xf32>, tensor<2x4x3x3x3xf32>, tensor<8xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x2x4x8x8xf32>
// GENERIC-LABEL: sym_name = "layout_ngchw_gfchw"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x2x3x8x8xf32>, tensor<2x4x3x3x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x2x4x8x8xf32>
func.func @layout_ngchw_gfchw(%x: tensor<?x2x3x8x8xf32>, %w: tensor<2x4x3x3x3xf32>, %b: tensor<8xf32>, %g: tensor<8xf32>, %be: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> (tensor<?x2x4x8x8xf32>) {
  %y = convbn.conv_bn eval ngchw_gfchw %x, %w bias(%b : tensor<8xf32>) scale(%g) offset(%be) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<?x2x3x8x8xf32>, tensor<2x4x3x3x3xf32>, tensor<8xf32>
  return %y : tensor<?x2x4x8x8xf32>
}

// grouped train: the statistics have one value per (group, filter).
// CHECK-LABEL: func.func @layout_ngchw_gfchw_train(
// CHECK:         convbn.conv_bn train ngchw_gfchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x2x3x8x8xf32>, tensor<2x4x3x3x3xf32>, tensor<8xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x2x4x6x6xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
// GENERIC-LABEL: sym_name = "layout_ngchw_gfchw_train"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x2x3x8x8xf32>, tensor<2x4x3x3x3xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x2x4x6x6xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
func.func @layout_ngchw_gfchw_train(%x: tensor<?x2x3x8x8xf32>, %w: tensor<2x4x3x3x3xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> (tensor<?x2x4x6x6xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %y, %s:4 = convbn.conv_bn train ngchw_gfchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x2x3x8x8xf32>, tensor<2x4x3x3x3xf32>, tensor<8xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x2x4x6x6xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// depthwise: one output channel per input channel.
// CHECK-LABEL: func.func @layout_nchw_chw(
// CHECK:         convbn.conv_bn deploy nchw_chw %arg0, %arg1 bias(%arg2 : tensor<3xf32>) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<3x3x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x3x6x6xf32>
// GENERIC-LABEL: sym_name = "layout_nchw_chw"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<3x3x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x6x6xf32>
func.func @layout_nchw_chw(%x: tensor<?x3x8x8xf32>, %w: tensor<3x3x3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<?x3x6x6xf32>) {
  %y = convbn.conv_bn deploy nchw_chw %x, %w bias(%b : tensor<3xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<3x3x3xf32>, tensor<3xf32>
  return %y : tensor<?x3x6x6xf32>
}

// CHECK-LABEL: func.func @layout_nhwc_hwc(
// CHECK:         convbn.conv_bn train nhwc_hwc %arg0, %arg1 mean(%arg2) variance(%arg3) padding = [1, 1, 1, 1] epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x8x8x3xf32>, tensor<3x3x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x8x8x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "layout_nhwc_hwc"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x8x8x3xf32>, tensor<3x3x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x8x8x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
func.func @layout_nhwc_hwc(%x: tensor<?x8x8x3xf32>, %w: tensor<3x3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<?x8x8x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %s:4 = convbn.conv_bn train nhwc_hwc %x, %w mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 momentum = 0.1 : tensor<?x8x8x3xf32>, tensor<3x3x3xf32>, tensor<3xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x8x8x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// depthwise with multiplier 2: 3 x 2 = 6 output channels over two output
// dimensions.
// CHECK-LABEL: func.func @layout_nhwc_hwcm(
// CHECK:         convbn.conv_bn tune nhwc_hwcm %arg0, %arg1 bias(%arg2 : tensor<6xf32>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) epsilon = 1.000000e-05 : tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x6x6x3x2xf32>
// GENERIC-LABEL: sym_name = "layout_nhwc_hwcm"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6x6x3x2xf32>
func.func @layout_nhwc_hwcm(%x: tensor<?x8x8x3xf32>, %w: tensor<3x3x3x2xf32>, %b: tensor<6xf32>, %g: tensor<6xf32>, %be: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<?x6x6x3x2xf32>) {
  %y = convbn.conv_bn tune nhwc_hwcm %x, %w bias(%b : tensor<6xf32>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>
  return %y : tensor<?x6x6x3x2xf32>
}

// CHECK-LABEL: func.func @layout_nhwc_hwcm_train(
// CHECK:         convbn.conv_bn train nhwc_hwcm %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x6x6x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>
// GENERIC-LABEL: sym_name = "layout_nhwc_hwcm_train"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x6x6x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>)
func.func @layout_nhwc_hwcm_train(%x: tensor<?x8x8x3xf32>, %w: tensor<3x3x3x2xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<?x6x6x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %y, %s:4 = convbn.conv_bn train nhwc_hwcm %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x6x6x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>
}

// (16 + 2 + 1 - 5) / 3 + 1 = 5.
// CHECK-LABEL: func.func @layout_ncw_fcw(
// CHECK:         convbn.conv_bn eval ncw_fcw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) mean(%arg3) variance(%arg4) strides = [3] padding = [2, 1] epsilon = 1.000000e-05 : tensor<?x3x16xf32>, tensor<4x3x5xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x5xf32>
// GENERIC-LABEL: sym_name = "layout_ncw_fcw"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x16xf32>, tensor<4x3x5xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x5xf32>
func.func @layout_ncw_fcw(%x: tensor<?x3x16xf32>, %w: tensor<4x3x5xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x5xf32>) {
  %y = convbn.conv_bn eval ncw_fcw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [3] padding = [2, 1] epsilon = 1.0e-5 : tensor<?x3x16xf32>, tensor<4x3x5xf32>, tensor<4xf32>
  return %y : tensor<?x4x5xf32>
}

// CHECK-LABEL: func.func @layout_nwc_wcf(
// CHECK:         convbn.conv_bn tune nwc_wcf %arg0, %arg1 scale(%arg2) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x16x3xf32>, tensor<3x3x4xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x14x4xf32>
// GENERIC-LABEL: sym_name = "layout_nwc_wcf"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x16x3xf32>, tensor<3x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x14x4xf32>
func.func @layout_nwc_wcf(%x: tensor<?x16x3xf32>, %w: tensor<3x3x4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x14x4xf32>) {
  %y = convbn.conv_bn tune nwc_wcf %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x16x3xf32>, tensor<3x3x4xf32>, tensor<4xf32>
  return %y : tensor<?x14x4xf32>
}

// window 4 * 2 + 1 = 9: 16 - 9 + 1 = 8.
// CHECK-LABEL: func.func @layout_ncw_cw(
// CHECK:         convbn.conv_bn deploy ncw_cw %arg0, %arg1 mean(%arg2) variance(%arg3) dilations = [4] epsilon = 1.000000e-05 : tensor<?x3x16xf32>, tensor<3x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x3x8xf32>
// GENERIC-LABEL: sym_name = "layout_ncw_cw"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x16xf32>, tensor<3x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x8xf32>
func.func @layout_ncw_cw(%x: tensor<?x3x16xf32>, %w: tensor<3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<?x3x8xf32>) {
  %y = convbn.conv_bn deploy ncw_cw %x, %w mean(%m) variance(%v) dilations = [4] epsilon = 1.0e-5 : tensor<?x3x16xf32>, tensor<3x3xf32>, tensor<3xf32>
  return %y : tensor<?x3x8xf32>
}

// CHECK-LABEL: func.func @layout_nwc_wc(
// CHECK:         convbn.conv_bn train nwc_wc %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x16x3xf32>, tensor<3x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x14x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "layout_nwc_wc"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x16x3xf32>, tensor<3x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x14x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
func.func @layout_nwc_wc(%x: tensor<?x16x3xf32>, %w: tensor<3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<?x14x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %s:4 = convbn.conv_bn train nwc_wc %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x16x3xf32>, tensor<3x3xf32>, tensor<3xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x14x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @layout_nwc_wcm(
// CHECK:         convbn.conv_bn eval nwc_wcm %arg0, %arg1 offset(%arg2) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x16x3xf32>, tensor<3x3x2xf32>, tensor<6xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x14x3x2xf32>
// GENERIC-LABEL: sym_name = "layout_nwc_wcm"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x16x3xf32>, tensor<3x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x14x3x2xf32>
func.func @layout_nwc_wcm(%x: tensor<?x16x3xf32>, %w: tensor<3x3x2xf32>, %be: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<?x14x3x2xf32>) {
  %y = convbn.conv_bn eval nwc_wcm %x, %w offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x16x3xf32>, tensor<3x3x2xf32>, tensor<6xf32>
  return %y : tensor<?x14x3x2xf32>
}

// CHECK-LABEL: func.func @layout_ncdhw_fcdhw(
// CHECK:         convbn.conv_bn eval ncdhw_fcdhw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) mean(%arg3) variance(%arg4) padding = [1, 1, 1, 1, 1, 1] epsilon = 1.000000e-05 : tensor<?x3x4x8x8xf32>, tensor<4x3x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x4x8x8xf32>
// GENERIC-LABEL: sym_name = "layout_ncdhw_fcdhw"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x4x8x8xf32>, tensor<4x3x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x4x8x8xf32>
func.func @layout_ncdhw_fcdhw(%x: tensor<?x3x4x8x8xf32>, %w: tensor<4x3x3x3x3xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x4x8x8xf32>) {
  %y = convbn.conv_bn eval ncdhw_fcdhw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) padding = [1, 1, 1, 1, 1, 1] epsilon = 1.0e-5 : tensor<?x3x4x8x8xf32>, tensor<4x3x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x4x8x8xf32>
}

// depth 4 - 3 + 1 = 2, rows and columns (8 - 3) / 2 + 1 = 3.
// CHECK-LABEL: func.func @layout_ndhwc_dhwcf(
// CHECK:         convbn.conv_bn train ndhwc_dhwcf %arg0, %arg1 mean(%arg2) variance(%arg3) strides = [1, 2, 2] epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x4x8x8x3xf32>, tensor<3x3x3x3x4xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x2x3x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "layout_ndhwc_dhwcf"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x4x8x8x3xf32>, tensor<3x3x3x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x2x3x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @layout_ndhwc_dhwcf(%x: tensor<?x4x8x8x3xf32>, %w: tensor<3x3x3x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x2x3x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train ndhwc_dhwcf %x, %w mean(%m) variance(%v) strides = [1, 2, 2] epsilon = 1.0e-5 momentum = 0.1 : tensor<?x4x8x8x3xf32>, tensor<3x3x3x3x4xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x2x3x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @layout_ncdhw_cdhw(
// CHECK:         convbn.conv_bn tune ncdhw_cdhw %arg0, %arg1 offset(%arg2) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x3x4x8x8xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x3x3x7x7xf32>
// GENERIC-LABEL: sym_name = "layout_ncdhw_cdhw"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x4x8x8xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x3x7x7xf32>
func.func @layout_ncdhw_cdhw(%x: tensor<?x3x4x8x8xf32>, %w: tensor<3x2x2x2xf32>, %be: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<?x3x3x7x7xf32>) {
  %y = convbn.conv_bn tune ncdhw_cdhw %x, %w offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x4x8x8xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>
  return %y : tensor<?x3x3x7x7xf32>
}

// CHECK-LABEL: func.func @layout_ndhwc_dhwc(
// CHECK:         convbn.conv_bn deploy ndhwc_dhwc %arg0, %arg1 mean(%arg2) variance(%arg3) dilations = [1, 2, 3] epsilon = 1.000000e-05 : tensor<?x4x8x8x3xf32>, tensor<2x2x2x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x3x6x5x3xf32>
// GENERIC-LABEL: sym_name = "layout_ndhwc_dhwc"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x4x8x8x3xf32>, tensor<2x2x2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x6x5x3xf32>
func.func @layout_ndhwc_dhwc(%x: tensor<?x4x8x8x3xf32>, %w: tensor<2x2x2x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<?x3x6x5x3xf32>) {
  %y = convbn.conv_bn deploy ndhwc_dhwc %x, %w mean(%m) variance(%v) dilations = [1, 2, 3] epsilon = 1.0e-5 : tensor<?x4x8x8x3xf32>, tensor<2x2x2x3xf32>, tensor<3xf32>
  return %y : tensor<?x3x6x5x3xf32>
}

// CHECK-LABEL: func.func @layout_ndhwc_dhwcm(
// CHECK:         convbn.conv_bn eval ndhwc_dhwcm %arg0, %arg1 scale(%arg2) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x4x8x8x3xf32>, tensor<2x2x2x3x2xf32>, tensor<6xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x3x7x7x3x2xf32>
// GENERIC-LABEL: sym_name = "layout_ndhwc_dhwcm"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x4x8x8x3xf32>, tensor<2x2x2x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x3x7x7x3x2xf32>
func.func @layout_ndhwc_dhwcm(%x: tensor<?x4x8x8x3xf32>, %w: tensor<2x2x2x3x2xf32>, %g: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<?x3x7x7x3x2xf32>) {
  %y = convbn.conv_bn eval ndhwc_dhwcm %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x4x8x8x3xf32>, tensor<2x2x2x3x2xf32>, tensor<6xf32>
  return %y : tensor<?x3x7x7x3x2xf32>
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

// all f16.
// CHECK-LABEL: func.func @type_f16(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf16>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) epsilon = 1.000000e-05 : tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf16>
// GENERIC-LABEL: sym_name = "type_f16"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>) -> tensor<?x4x6x6xf16>
func.func @type_f16(%x: tensor<?x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>, %g: tensor<4xf16>, %be: tensor<4xf16>, %m: tensor<4xf16>, %v: tensor<4xf16>) -> (tensor<?x4x6x6xf16>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf16>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>
  return %y : tensor<?x4x6x6xf16>
}

// all f16, train.
// CHECK-LABEL: func.func @type_f16_train(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>
// GENERIC-LABEL: sym_name = "type_f16_train"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>, tensor<4xf16>) -> (tensor<?x4x6x6xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>)
func.func @type_f16_train(%x: tensor<?x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %m: tensor<4xf16>, %v: tensor<4xf16>) -> (tensor<?x4x6x6xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x4x6x6xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>
}

// all bf16.
// CHECK-LABEL: func.func @type_bf16(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xbf16>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) epsilon = 1.000000e-05 : tensor<?x3x8x8xbf16>, tensor<4x3x3x3xbf16>, tensor<4xbf16>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xbf16>
// GENERIC-LABEL: sym_name = "type_bf16"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xbf16>, tensor<4x3x3x3xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>) -> tensor<?x4x6x6xbf16>
func.func @type_bf16(%x: tensor<?x3x8x8xbf16>, %w: tensor<4x3x3x3xbf16>, %b: tensor<4xbf16>, %g: tensor<4xbf16>, %be: tensor<4xbf16>, %m: tensor<4xbf16>, %v: tensor<4xbf16>) -> (tensor<?x4x6x6xbf16>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xbf16>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xbf16>, tensor<4x3x3x3xbf16>, tensor<4xbf16>
  return %y : tensor<?x4x6x6xbf16>
}

// all bf16, train.
// CHECK-LABEL: func.func @type_bf16_train(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x3x8x8xbf16>, tensor<4x3x3x3xbf16>, tensor<4xbf16>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>
// GENERIC-LABEL: sym_name = "type_bf16_train"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xbf16>, tensor<4x3x3x3xbf16>, tensor<4xbf16>, tensor<4xbf16>) -> (tensor<?x4x6x6xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>)
func.func @type_bf16_train(%x: tensor<?x3x8x8xbf16>, %w: tensor<4x3x3x3xbf16>, %m: tensor<4xbf16>, %v: tensor<4xbf16>) -> (tensor<?x4x6x6xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x3x8x8xbf16>, tensor<4x3x3x3xbf16>, tensor<4xbf16>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x4x6x6xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>
}

// all f64.
// CHECK-LABEL: func.func @type_f64(
// CHECK:         convbn.conv_bn eval nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf64>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) epsilon = 1.000000e-05 : tensor<?x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf64>
// GENERIC-LABEL: sym_name = "type_f64"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) -> tensor<?x4x6x6xf64>
func.func @type_f64(%x: tensor<?x3x8x8xf64>, %w: tensor<4x3x3x3xf64>, %b: tensor<4xf64>, %g: tensor<4xf64>, %be: tensor<4xf64>, %m: tensor<4xf64>, %v: tensor<4xf64>) -> (tensor<?x4x6x6xf64>) {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf64>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>
  return %y : tensor<?x4x6x6xf64>
}

// epsilon 0: the frozen batch norms of pretrained detectors.
// CHECK-LABEL: func.func @epsilon_zero(
// CHECK:         convbn.conv_bn tune nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 0.000000e+00 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "epsilon_zero"
func.func @epsilon_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<1x4x6x6xf32>) {
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 0.0 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x6x6xf32>
}

// f64 operands compute in f64, where an epsilon far below f32's range is
// still a normal number.
// CHECK-LABEL: func.func @type_f64_tiny_epsilon(
// CHECK:         convbn.conv_bn tune nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-300 : tensor<1x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>
// GENERIC-LABEL: sym_name = "type_f64_tiny_epsilon"
func.func @type_f64_tiny_epsilon(%x: tensor<1x3x8x8xf64>, %w: tensor<4x3x3x3xf64>, %m: tensor<4xf64>, %v: tensor<4xf64>) -> (tensor<1x4x6x6xf64>) {
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-300 : tensor<1x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>
  return %y : tensor<1x4x6x6xf64>
}

// all f64, train.
// CHECK-LABEL: func.func @type_f64_train(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
// GENERIC-LABEL: sym_name = "type_f64_train"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>, tensor<4xf64>) -> (tensor<?x4x6x6xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>)
func.func @type_f64_train(%x: tensor<?x3x8x8xf64>, %w: tensor<4x3x3x3xf64>, %m: tensor<4xf64>, %v: tensor<4xf64>) -> (tensor<?x4x6x6xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x4x6x6xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
}

// an f16 model with f32 BN parameters: the bias has the conv's type.
// CHECK-LABEL: func.func @type_mixed_f16_f32(
// CHECK:         convbn.conv_bn tune nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf16>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) epsilon = 1.000000e-05 : tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf16>
// GENERIC-LABEL: sym_name = "type_mixed_f16_f32"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf16>
func.func @type_mixed_f16_f32(%x: tensor<?x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf16>) {
  %y = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<4xf16>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
  return %y : tensor<?x4x6x6xf16>
}

// mixed train: the statistics have the parameters' type (f32).
// CHECK-LABEL: func.func @type_mixed_f16_f32_train(
// CHECK:         convbn.conv_bn train nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf16>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) epsilon = 1.000000e-05 momentum = 1.000000e-01 : tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "type_mixed_f16_f32_train"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x6x6xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @type_mixed_f16_f32_train(%x: tensor<?x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x6x6xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w bias(%b : tensor<4xf16>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x4x6x6xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @type_mixed_bf16_f32(
// CHECK:         convbn.conv_bn eval nhwc_hwcf %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 : tensor<?x8x8x3xbf16>, tensor<3x3x3x4xbf16>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<?x6x6x4xbf16>
// GENERIC-LABEL: sym_name = "type_mixed_bf16_f32"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x8x8x3xbf16>, tensor<3x3x3x4xbf16>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xbf16>
func.func @type_mixed_bf16_f32(%x: tensor<?x8x8x3xbf16>, %w: tensor<3x3x3x4xbf16>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x6x6x4xbf16>) {
  %y = convbn.conv_bn eval nhwc_hwcf %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x8x8x3xbf16>, tensor<3x3x3x4xbf16>, tensor<4xf32>
  return %y : tensor<?x6x6x4xbf16>
}

// parameters wider than f32.
// CHECK-LABEL: func.func @type_mixed_f32_f64(
// CHECK:         convbn.conv_bn deploy nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) mean(%arg3) variance(%arg4) epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf64>
// CHECK-NEXT:    return {{.*}} : tensor<?x4x6x6xf32>
// GENERIC-LABEL: sym_name = "type_mixed_f32_f64"
// GENERIC:         "convbn.conv_bn"{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf64>, tensor<4xf64>) -> tensor<?x4x6x6xf32>
func.func @type_mixed_f32_f64(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %m: tensor<4xf64>, %v: tensor<4xf64>) -> (tensor<?x4x6x6xf32>) {
  %y = convbn.conv_bn deploy nchw_fchw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf64>
  return %y : tensor<?x4x6x6xf32>
}

//===----------------------------------------------------------------------===//
// fold_weights
//===----------------------------------------------------------------------===//

// no bias, scale or offset.
// CHECK-LABEL: func.func @fold_minimal(
// CHECK:         convbn.fold_weights nchw_fchw %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<4x3x3x3xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "fold_minimal"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>)
func.func @fold_minimal(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>) {
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf32>, tensor<4xf32>
  return %w2, %b2 : tensor<4x3x3x3xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @fold_all_operands(
// CHECK:         convbn.fold_weights nchw_fchw %arg0 bias(%arg1 : tensor<4xf32>) scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 1.000000e-05 : tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<4x3x3x3xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "fold_all_operands"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>)
func.func @fold_all_operands(%w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>) {
  %w2, %b2 = convbn.fold_weights nchw_fchw %w bias(%b : tensor<4xf32>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf32>, tensor<4xf32>
  return %w2, %b2 : tensor<4x3x3x3xf32>, tensor<4xf32>
}

// f16 filter with f32 parameters: the folded bias is f16, like the filter.
// CHECK-LABEL: func.func @fold_mixed_f16_f32(
// CHECK:         convbn.fold_weights nchw_fchw %arg0 bias(%arg1 : tensor<4xf16>) scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 1.000000e-05 : tensor<4x3x3x3xf16>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<4x3x3x3xf16>, tensor<4xf16>
// GENERIC-LABEL: sym_name = "fold_mixed_f16_f32"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<4x3x3x3xf16>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3xf16>, tensor<4xf16>)
func.func @fold_mixed_f16_f32(%w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<4x3x3x3xf16>, tensor<4xf16>) {
  %w2, %b2 = convbn.fold_weights nchw_fchw %w bias(%b : tensor<4xf16>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf16>, tensor<4xf32>
  return %w2, %b2 : tensor<4x3x3x3xf16>, tensor<4xf16>
}

// CHECK-LABEL: func.func @fold_bf16(
// CHECK:         convbn.fold_weights nhwc_hwcf %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<3x3x3x4xbf16>, tensor<4xbf16>
// CHECK-NEXT:    return {{.*}} : tensor<3x3x3x4xbf16>, tensor<4xbf16>
// GENERIC-LABEL: sym_name = "fold_bf16"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3x3x4xbf16>, tensor<4xbf16>, tensor<4xbf16>) -> (tensor<3x3x3x4xbf16>, tensor<4xbf16>)
func.func @fold_bf16(%w: tensor<3x3x3x4xbf16>, %m: tensor<4xbf16>, %v: tensor<4xbf16>) -> (tensor<3x3x3x4xbf16>, tensor<4xbf16>) {
  %w2, %b2 = convbn.fold_weights nhwc_hwcf %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x3x4xbf16>, tensor<4xbf16>
  return %w2, %b2 : tensor<3x3x3x4xbf16>, tensor<4xbf16>
}

// CHECK-LABEL: func.func @fold_f64(
// CHECK:         convbn.fold_weights nhwc_fhwc %arg0 scale(%arg1) mean(%arg2) variance(%arg3) epsilon = 1.000000e-03 : tensor<4x3x3x3xf64>, tensor<4xf64>
// CHECK-NEXT:    return {{.*}} : tensor<4x3x3x3xf64>, tensor<4xf64>
// GENERIC-LABEL: sym_name = "fold_f64"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<4x3x3x3xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) -> (tensor<4x3x3x3xf64>, tensor<4xf64>)
func.func @fold_f64(%w: tensor<4x3x3x3xf64>, %g: tensor<4xf64>, %m: tensor<4xf64>, %v: tensor<4xf64>) -> (tensor<4x3x3x3xf64>, tensor<4xf64>) {
  %w2, %b2 = convbn.fold_weights nhwc_fhwc %w scale(%g) mean(%m) variance(%v) epsilon = 1.0e-3 : tensor<4x3x3x3xf64>, tensor<4xf64>
  return %w2, %b2 : tensor<4x3x3x3xf64>, tensor<4xf64>
}

// grouped: 2 x 4 = 8 output channels.
// CHECK-LABEL: func.func @fold_ngchw_gfchw(
// CHECK:         convbn.fold_weights ngchw_gfchw %arg0 bias(%arg1 : tensor<8xf32>) mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 : tensor<2x4x3x3x3xf32>, tensor<8xf32>
// CHECK-NEXT:    return {{.*}} : tensor<2x4x3x3x3xf32>, tensor<8xf32>
// GENERIC-LABEL: sym_name = "fold_ngchw_gfchw"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<2x4x3x3x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x3x3x3xf32>, tensor<8xf32>)
func.func @fold_ngchw_gfchw(%w: tensor<2x4x3x3x3xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> (tensor<2x4x3x3x3xf32>, tensor<8xf32>) {
  %w2, %b2 = convbn.fold_weights ngchw_gfchw %w bias(%b : tensor<8xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x4x3x3x3xf32>, tensor<8xf32>
  return %w2, %b2 : tensor<2x4x3x3x3xf32>, tensor<8xf32>
}

// CHECK-LABEL: func.func @fold_nchw_chw(
// CHECK:         convbn.fold_weights nchw_chw %arg0 offset(%arg1) mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 : tensor<3x3x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x3x3xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "fold_nchw_chw"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3x3x3xf32>, tensor<3xf32>)
func.func @fold_nchw_chw(%w: tensor<3x3x3xf32>, %be: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3x3x3xf32>, tensor<3xf32>) {
  %w2, %b2 = convbn.fold_weights nchw_chw %w offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x3xf32>, tensor<3xf32>
  return %w2, %b2 : tensor<3x3x3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @fold_nhwc_hwc(
// CHECK:         convbn.fold_weights nhwc_hwc %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<3x3x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x3x3xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "fold_nhwc_hwc"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3x3x3xf32>, tensor<3xf32>)
func.func @fold_nhwc_hwc(%w: tensor<3x3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3x3x3xf32>, tensor<3xf32>) {
  %w2, %b2 = convbn.fold_weights nhwc_hwc %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x3xf32>, tensor<3xf32>
  return %w2, %b2 : tensor<3x3x3xf32>, tensor<3xf32>
}

// channel x multiplier: 3 x 2 = 6 output channels.
// CHECK-LABEL: func.func @fold_nhwc_hwcm(
// CHECK:         convbn.fold_weights nhwc_hwcm %arg0 scale(%arg1) mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 : tensor<3x3x3x2xf32>, tensor<6xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x3x3x2xf32>, tensor<6xf32>
// GENERIC-LABEL: sym_name = "fold_nhwc_hwcm"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<3x3x3x2xf32>, tensor<6xf32>)
func.func @fold_nhwc_hwcm(%w: tensor<3x3x3x2xf32>, %g: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<3x3x3x2xf32>, tensor<6xf32>) {
  %w2, %b2 = convbn.fold_weights nhwc_hwcm %w scale(%g) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x3x2xf32>, tensor<6xf32>
  return %w2, %b2 : tensor<3x3x3x2xf32>, tensor<6xf32>
}

// CHECK-LABEL: func.func @fold_ncw_fcw(
// CHECK:         convbn.fold_weights ncw_fcw %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<4x3x5xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<4x3x5xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "fold_ncw_fcw"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<4x3x5xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x5xf32>, tensor<4xf32>)
func.func @fold_ncw_fcw(%w: tensor<4x3x5xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<4x3x5xf32>, tensor<4xf32>) {
  %w2, %b2 = convbn.fold_weights ncw_fcw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x5xf32>, tensor<4xf32>
  return %w2, %b2 : tensor<4x3x5xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @fold_nwc_wcf(
// CHECK:         convbn.fold_weights nwc_wcf %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<3x3x4xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x3x4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "fold_nwc_wcf"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<3x3x4xf32>, tensor<4xf32>)
func.func @fold_nwc_wcf(%w: tensor<3x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<3x3x4xf32>, tensor<4xf32>) {
  %w2, %b2 = convbn.fold_weights nwc_wcf %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x4xf32>, tensor<4xf32>
  return %w2, %b2 : tensor<3x3x4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @fold_ncw_cw(
// CHECK:         convbn.fold_weights ncw_cw %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<3x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x3xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "fold_ncw_cw"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3x3xf32>, tensor<3xf32>)
func.func @fold_ncw_cw(%w: tensor<3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3x3xf32>, tensor<3xf32>) {
  %w2, %b2 = convbn.fold_weights ncw_cw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3xf32>, tensor<3xf32>
  return %w2, %b2 : tensor<3x3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @fold_nwc_wc(
// CHECK:         convbn.fold_weights nwc_wc %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<3x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x3xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "fold_nwc_wc"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3x3xf32>, tensor<3xf32>)
func.func @fold_nwc_wc(%w: tensor<3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3x3xf32>, tensor<3xf32>) {
  %w2, %b2 = convbn.fold_weights nwc_wc %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3xf32>, tensor<3xf32>
  return %w2, %b2 : tensor<3x3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @fold_nwc_wcm(
// CHECK:         convbn.fold_weights nwc_wcm %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<3x3x2xf32>, tensor<6xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x3x2xf32>, tensor<6xf32>
// GENERIC-LABEL: sym_name = "fold_nwc_wcm"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3x2xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<3x3x2xf32>, tensor<6xf32>)
func.func @fold_nwc_wcm(%w: tensor<3x3x2xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<3x3x2xf32>, tensor<6xf32>) {
  %w2, %b2 = convbn.fold_weights nwc_wcm %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x2xf32>, tensor<6xf32>
  return %w2, %b2 : tensor<3x3x2xf32>, tensor<6xf32>
}

// CHECK-LABEL: func.func @fold_ncdhw_fcdhw(
// CHECK:         convbn.fold_weights ncdhw_fcdhw %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<4x3x3x3x3xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<4x3x3x3x3xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "fold_ncdhw_fcdhw"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<4x3x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3x3xf32>, tensor<4xf32>)
func.func @fold_ncdhw_fcdhw(%w: tensor<4x3x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<4x3x3x3x3xf32>, tensor<4xf32>) {
  %w2, %b2 = convbn.fold_weights ncdhw_fcdhw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3x3xf32>, tensor<4xf32>
  return %w2, %b2 : tensor<4x3x3x3x3xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @fold_ndhwc_dhwcf(
// CHECK:         convbn.fold_weights ndhwc_dhwcf %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<3x3x3x3x4xf32>, tensor<4xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x3x3x3x4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "fold_ndhwc_dhwcf"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x3x3x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<3x3x3x3x4xf32>, tensor<4xf32>)
func.func @fold_ndhwc_dhwcf(%w: tensor<3x3x3x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<3x3x3x3x4xf32>, tensor<4xf32>) {
  %w2, %b2 = convbn.fold_weights ndhwc_dhwcf %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x3x3x4xf32>, tensor<4xf32>
  return %w2, %b2 : tensor<3x3x3x3x4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @fold_ncdhw_cdhw(
// CHECK:         convbn.fold_weights ncdhw_cdhw %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<3x2x2x2xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<3x2x2x2xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "fold_ncdhw_cdhw"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<3x2x2x2xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3x2x2x2xf32>, tensor<3xf32>)
func.func @fold_ncdhw_cdhw(%w: tensor<3x2x2x2xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3x2x2x2xf32>, tensor<3xf32>) {
  %w2, %b2 = convbn.fold_weights ncdhw_cdhw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x2x2x2xf32>, tensor<3xf32>
  return %w2, %b2 : tensor<3x2x2x2xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @fold_ndhwc_dhwc(
// CHECK:         convbn.fold_weights ndhwc_dhwc %arg0 mean(%arg1) variance(%arg2) epsilon = 1.000000e-05 : tensor<2x2x2x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return {{.*}} : tensor<2x2x2x3xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "fold_ndhwc_dhwc"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<2x2x2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x2x2x3xf32>, tensor<3xf32>)
func.func @fold_ndhwc_dhwc(%w: tensor<2x2x2x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<2x2x2x3xf32>, tensor<3xf32>) {
  %w2, %b2 = convbn.fold_weights ndhwc_dhwc %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x2x2x3xf32>, tensor<3xf32>
  return %w2, %b2 : tensor<2x2x2x3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @fold_ndhwc_dhwcm(
// CHECK:         convbn.fold_weights ndhwc_dhwcm %arg0 bias(%arg1 : tensor<6xf32>) mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 : tensor<2x2x2x3x2xf32>, tensor<6xf32>
// CHECK-NEXT:    return {{.*}} : tensor<2x2x2x3x2xf32>, tensor<6xf32>
// GENERIC-LABEL: sym_name = "fold_ndhwc_dhwcm"
// GENERIC:         "convbn.fold_weights"{{.*}} : (tensor<2x2x2x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<2x2x2x3x2xf32>, tensor<6xf32>)
func.func @fold_ndhwc_dhwcm(%w: tensor<2x2x2x3x2xf32>, %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<2x2x2x3x2xf32>, tensor<6xf32>) {
  %w2, %b2 = convbn.fold_weights ndhwc_dhwcm %w bias(%b : tensor<6xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x2x2x3x2xf32>, tensor<6xf32>
  return %w2, %b2 : tensor<2x2x2x3x2xf32>, tensor<6xf32>
}

// -----

// The NHWC grouped convolution (TOSA's grouped convs, regrouped): channels
// numbered over (group, filter).
// CHECK-LABEL: func.func @nhwgc_gfhwc
// CHECK: convbn.conv_bn tune nhwgc_gfhwc %{{.*}}, %{{.*}} mean(%{{.*}}) variance(%{{.*}}) strides = [2, 2] epsilon = 1.000000e-05 : tensor<2x9x9x3x4xf32>, tensor<3x5x3x3x4xf32>, tensor<15xf32>
func.func @nhwgc_gfhwc(%x: tensor<2x9x9x3x4xf32>, %w: tensor<3x5x3x3x4xf32>, %m: tensor<15xf32>, %v: tensor<15xf32>) -> tensor<2x4x4x3x5xf32> {
  %y = convbn.conv_bn tune nhwgc_gfhwc %x, %w mean(%m) variance(%v) strides = [2, 2] epsilon = 1.0e-5 : tensor<2x9x9x3x4xf32>, tensor<3x5x3x3x4xf32>, tensor<15xf32>
  return %y : tensor<2x4x4x3x5xf32>
}
