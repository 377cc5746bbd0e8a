// An eval backward reads the convolution output of its block's forward op:
// a tune backward without one cannot switch to eval.
// RUN: convbn-opt %s --convbn-set-mode=mode=eval -verify-diagnostics -split-input-file

// No forward op at all (the backward of a block computed elsewhere).
func.func @no_forward(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<4x3x3x3xf32> {
  // expected-error @+1 {{cannot switch from 'tune' to 'eval' mode: an eval backward reads the convolution output, and no forward op of this block (same input, filter, bias and convolution attributes) precedes it}}
  %dw = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(filter) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return %dw : tensor<4x3x3x3xf32>
}

// -----

// A forward op of another convolution (different padding).
func.func @other_forward(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x8x8xf32>, tensor<4x3x3x3xf32>) {
  %z = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  // expected-error @+1 {{no forward op of this block}}
  %dw = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(filter) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return %z, %dw : tensor<2x4x8x8xf32>, tensor<4x3x3x3xf32>
}
