// Training graphs: set-mode switches each block's forward and backward op
// together. eval -> tune drops the kept convolution output (forward result
// and backward operand); tune -> eval finds the block's forward op (same
// input, filter, bias and convolution attributes) and keeps its output for
// the backward. The gradients do not change (exec-compare).
//
// RUN: convbn-opt %s --convbn-set-mode=mode=tune | FileCheck %s --check-prefix=TUNE
// RUN: convbn-opt %s --convbn-set-mode=mode=eval | FileCheck %s --check-prefix=EVAL
// RUN: convbn-opt %s --convbn-set-mode=mode=tune | convbn-opt --convbn-set-mode=mode=eval | FileCheck %s --check-prefix=EVAL
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=tune --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=eval --rtol 1e-5 --atol 1e-5

// TUNE-LABEL: func.func @eval_block(
// TUNE:         %[[Z:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 bias(%arg7 : tensor<4xf32>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.000000e-05 :
// TUNE-NOT:     keep_conv_output
// TUNE:         %[[G:.+]]:4 = convbn.conv_bn_backward tune nchw_fchw %arg0, %arg1 grad(%arg2) bias(%arg7 : tensor<4xf32>) scale(%arg3) mean(%arg5) variance(%arg6) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.000000e-05 gradients(input, filter, bias, scale) :
// TUNE:         return %[[Z]], %[[G]]#0, %[[G]]#1, %[[G]]#2, %[[G]]#3
// EVAL-LABEL: func.func @eval_block(
// EVAL:         %[[Z:.+]], %[[Y:.+]] = convbn.conv_bn eval nchw_fchw {{.*}} keep_conv_output :
// EVAL:         convbn.conv_bn_backward eval nchw_fchw {{.*}} conv_output(%[[Y]]) {{.*}} gradients(input, filter, bias, scale) :
func.func @eval_block(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x4x4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<2x4x4x4xf32>, tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) {
  %z, %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf32>) scale(%g) offset(%be) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-05 keep_conv_output : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  %r:4 = convbn.conv_bn_backward eval nchw_fchw %x, %w grad(%dz) bias(%b : tensor<4xf32>) scale(%g) mean(%m) variance(%v) conv_output(%y) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-05 gradients(input, filter, bias, scale) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x4x4xf32>, tensor<4xf32>
  return %z, %r#0, %r#1, %r#2, %r#3 : tensor<2x4x4x4xf32>, tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>
}

// TUNE-LABEL: func.func @tune_block(
// TUNE:         convbn.conv_bn tune nhwc_hwcm
// TUNE:         convbn.conv_bn_backward tune nhwc_hwcm
// EVAL-LABEL: func.func @tune_block(
// EVAL:         %[[Z:.+]], %[[Y:.+]] = convbn.conv_bn eval nhwc_hwcm {{.*}} keep_conv_output :
// EVAL:         convbn.conv_bn_backward eval nhwc_hwcm {{.*}} conv_output(%[[Y]]) {{.*}} gradients(filter, scale, offset) :
func.func @tune_block(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x2xf32>, %dz: tensor<1x6x6x3x2xf32>, %g: tensor<6xf32>, %be: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<1x6x6x3x2xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<6xf32>) {
  %z = convbn.conv_bn tune nhwc_hwcm %x, %w scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-03 : tensor<1x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>
  %r:3 = convbn.conv_bn_backward tune nhwc_hwcm %x, %w grad(%dz) scale(%g) mean(%m) variance(%v) epsilon = 1.0e-03 gradients(filter, scale, offset) : tensor<1x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<1x6x6x3x2xf32>, tensor<6xf32>
  return %z, %r#0, %r#1, %r#2 : tensor<1x6x6x3x2xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<6xf32>
}
