// `deploy` accepts what the verifier accepts: an op whose filter, bias or
// batch-norm parameters are not all constants switches to deploy, which then
// folds at run time (as tune) and computes the same values; canonicalization
// folds at compile time only the ops whose parameters are all constants.
// (set-mode refused such switches once, although the verifier accepted the
// same deploy op written by hand.)
//
// RUN: convbn-opt %s --convbn-set-mode=mode=deploy | FileCheck %s
// RUN: convbn-opt %s --convbn-set-mode=mode=deploy --canonicalize | FileCheck %s --check-prefix=CANON
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=deploy --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %s --all-funcs --passes="--convbn-set-mode=mode=deploy --canonicalize" --rtol 1e-5 --atol 1e-5

// CHECK-LABEL: func.func @eval_with_argument_stats(
// CHECK:         convbn.conv_bn deploy nchw_fchw
// CANON-LABEL: func.func @eval_with_argument_stats(
// CANON:         convbn.conv_bn deploy nchw_fchw
func.func @eval_with_argument_stats(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x6x6xf32>
}

// Everything constant but the filter.
// CHECK-LABEL: func.func @tune_with_argument_filter(
// CHECK:         convbn.conv_bn deploy nchw_fchw
// CANON-LABEL: func.func @tune_with_argument_filter(
// CANON:         convbn.conv_bn deploy nchw_fchw
func.func @tune_with_argument_filter(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %m = arith.constant dense<0.5> : tensor<4xf32>
  %v = arith.constant dense<2.0> : tensor<4xf32>
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x6x6xf32>
}

// Everything constant: deploy folds away.
// CHECK-LABEL: func.func @eval_all_constant(
// CHECK:         convbn.conv_bn deploy nchw_fchw
// CANON-LABEL: func.func @eval_all_constant(
// CANON-NOT:     convbn.conv_bn
// CANON:         linalg.conv_2d_nchw_fchw
func.func @eval_all_constant(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x6x6xf32> {
  %w = arith.constant dense<0.25> : tensor<4x3x3x3xf32>
  %bias = arith.constant dense<[0.5, -0.5, 1.0, 0.0]> : tensor<4xf32>
  %m = arith.constant dense<0.5> : tensor<4xf32>
  %v = arith.constant dense<2.0> : tensor<4xf32>
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%bias : tensor<4xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x6x6xf32>
}
