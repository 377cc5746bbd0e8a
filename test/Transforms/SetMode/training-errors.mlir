// Switches of training graphs that set-mode refuses, at the op.
// RUN: convbn-opt %s --convbn-set-mode=mode=deploy -verify-diagnostics -split-input-file

// deploy parameters are not trained.
func.func @to_deploy(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>) {
  %z = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  // expected-error @+1 {{cannot switch from 'tune' to 'deploy' mode: 'deploy' parameters are not trained: a deploy block has no backward op}}
  %dw = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(filter) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return %z, %dw : tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>
}
