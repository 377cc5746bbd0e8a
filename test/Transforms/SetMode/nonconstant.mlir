// Parameters that are function arguments (a trainable graph): eval and tune
// switch freely; the values computed do not change.
//
// RUN: convbn-opt %s --convbn-set-mode=mode=eval | FileCheck %s -DMODE=eval
// RUN: convbn-opt %s --convbn-set-mode=mode=tune | FileCheck %s -DMODE=tune
// RUN: convbn-opt %s --convbn-set-mode=mode=eval | convbn-opt --convbn-set-mode=mode=tune | FileCheck %s -DMODE=tune
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=eval --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=tune --rtol 1e-5 --atol 1e-5

// CHECK-LABEL: func.func @eval_op(
// CHECK:         convbn.conv_bn [[MODE]] nchw_fchw %arg0, %arg1 bias(%arg2 : tensor<4xf32>) scale(%arg3) offset(%arg4) mean(%arg5) variance(%arg6) padding = [1, 0, 2, 1] epsilon = 1.000000e-05 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
func.func @eval_op(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %bias: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x4x9x7xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%bias : tensor<4xf32>) scale(%g) offset(%b) mean(%m) variance(%v) padding = [1, 0, 2, 1] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x9x7xf32>
}

// CHECK-LABEL: func.func @tune_op(
// CHECK:         convbn.conv_bn [[MODE]] ngchw_gfchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 1.000000e-05 : tensor<1x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>, tensor<6xf32>
func.func @tune_op(%x: tensor<1x2x2x6x6xf32>, %w: tensor<2x3x2x3x3xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<1x2x3x4x4xf32> {
  %y = convbn.conv_bn tune ngchw_gfchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>, tensor<6xf32>
  return %y : tensor<1x2x3x4x4xf32>
}
