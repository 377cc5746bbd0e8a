// Nothing switches to train: eval, tune and deploy ops are all refused.
//
// RUN: convbn-opt %s --convbn-set-mode=mode=train -verify-diagnostics

func.func @to_train(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
  // expected-error @+1 {{cannot switch from 'eval' to 'train' mode: 'train' mode has its own results (the running statistics), so an op can switch neither to it nor from it}}
  %0 = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  // expected-error @+1 {{cannot switch from 'tune' to 'train' mode}}
  %1 = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  %cw = arith.constant dense<0.25> : tensor<4x3x3x3xf32>
  %cm = arith.constant dense<0.5> : tensor<4xf32>
  %cv = arith.constant dense<2.0> : tensor<4xf32>
  // expected-error @+1 {{cannot switch from 'deploy' to 'train' mode}}
  %2 = convbn.conv_bn deploy nchw_fchw %x, %cw mean(%cm) variance(%cv) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %0, %1, %2 : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>
}
