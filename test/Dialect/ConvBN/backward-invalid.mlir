// Diagnostics of convbn.conv_bn_backward and keep_conv_output: what a mode
// needs from the forward pass, which gradients exist, and the shapes.
// RUN: convbn-opt %s -split-input-file -verify-diagnostics

func.func @eval_without_conv_output(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'eval' mode computes the scale's gradient from the convolution output: requires 'conv_output' (the forward op's result with 'keep_conv_output')}}
  %dw = convbn.conv_bn_backward eval nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(filter) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @tune_with_conv_output(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %y: tensor<2x4x6x6xf32>) {
  // expected-error @+1 {{'tune' mode computes its gradients without the convolution output: 'conv_output' would keep an activation-sized tensor alive for nothing}}
  %dw = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) conv_output(%y) epsilon = 1.0e-5 gradients(filter) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @deploy_backward(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'deploy' parameters are not trained: a deploy block has no backward op}}
  %dx = convbn.conv_bn_backward deploy nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(input) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @train_backward(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'train' mode (batch statistics) has no backward op}}
  %dx = convbn.conv_bn_backward train nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(input) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @bias_gradient_without_bias(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{the 'bias' gradient needs the 'bias' operand (a convolution without bias has none)}}
  %db = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(bias) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @scale_gradient_without_scale(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{the 'scale' gradient needs the 'scale' operand (a batch norm without affine parameters has none)}}
  %dg = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(scale) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @unknown_gradient(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{unknown gradient 'mean'; expected one of: input, filter, bias, scale, offset}}
  %dm = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(mean) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @gradient_twice(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{gradient 'input' is listed twice}}
  %dx = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(input, input) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @no_gradient(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{computes no gradient}}
  // expected-error @+1 {{failed to infer returned types}}
  "convbn.conv_bn_backward"(%x, %w, %dz, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<tune>, gradients = #convbn.gradients<none>, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1, 1, 0>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) -> ()
  return
}

// -----

// The output gradient must have the convolution output's shape (stride 2
// gives 3x3 here, not 6x6).
func.func @grad_output_shape(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{grad_output has type 'tensor<2x4x6x6xf32>' but the convolution's output has type 'tensor<2x4x3x3xf32>'}}
  %dx = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) strides = [2, 2] epsilon = 1.0e-5 gradients(input) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @conv_output_type(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %y: tensor<2x4x6x6xf16>) {
  // expected-error @+1 {{failed to verify that conv_output has the type of grad_output}}
  %dw = "convbn.conv_bn_backward"(%x, %w, %dz, %m, %v, %y) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, gradients = #convbn.gradients<filter>, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4x6x6xf16>) -> tensor<4x3x3x3xf32>
  return
}

// -----

// The channel operands are checked as in the forward op.
func.func @mean_length(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<5xf32>, %v: tensor<5xf32>) {
  // expected-error @+1 {{'mean' has 5 elements but the filter has 4 output channels}}
  %dx = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) epsilon = 1.0e-5 gradients(input) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<5xf32>
  return
}

// -----

func.func @keep_conv_output_in_tune(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'keep_conv_output' keeps the convolution output for an 'eval' backward; 'tune' mode computes its gradients without it}}
  %z, %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 keep_conv_output : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @keep_conv_output_in_train(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'keep_conv_output' keeps the convolution output for an 'eval' backward; 'train' mode has no such backward}}
  %z:6 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 keep_conv_output : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @keep_conv_output_result_count(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op with 'keep_conv_output' yields 2 results (the output and the convolution output), got 1}}
  %z = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, keep_conv_output, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}
