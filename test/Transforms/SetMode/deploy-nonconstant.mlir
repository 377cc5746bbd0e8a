// Deploy folds the batch norm at compile time: switching an op whose filter,
// bias or batch-norm parameters are not all constants is refused at the op,
// and the pass fails.
//
// RUN: convbn-opt %s --convbn-set-mode=mode=deploy -verify-diagnostics -split-input-file

func.func @eval_with_argument_stats(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{cannot switch from 'eval' to 'deploy' mode: 'deploy' mode folds the batch norm at compile time, but the filter, bias or batch-norm parameters are not constants}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// Everything constant but the filter.
func.func @tune_with_argument_filter(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %m = arith.constant dense<0.5> : tensor<4xf32>
  %v = arith.constant dense<2.0> : tensor<4xf32>
  // expected-error @+1 {{cannot switch from 'tune' to 'deploy' mode: 'deploy' mode folds the batch norm at compile time, but the filter, bias or batch-norm parameters are not constants}}
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// Everything constant but the bias.
func.func @eval_with_argument_bias(%x: tensor<1x3x8x8xf32>, %bias: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %w = arith.constant dense<0.25> : tensor<4x3x3x3xf32>
  %m = arith.constant dense<0.5> : tensor<4xf32>
  %v = arith.constant dense<2.0> : tensor<4xf32>
  // expected-error @+1 {{cannot switch from 'eval' to 'deploy' mode}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%bias : tensor<4xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x6x6xf32>
}
