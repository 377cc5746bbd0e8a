// RUN: convbn-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of lib/IR/ConvBNOps.cpp, then the generated
// (ODS) checks and parser errors a user is likely to meet. Every case must be
// a clean diagnostic at the op, never a crash. Shorthand in comments: X input,
// W filter, C output channels.

//===----------------------------------------------------------------------===//
// Operand ranks and element types
//===----------------------------------------------------------------------===//

func.func @input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{layout 'nchw_fchw' expects a rank-4 input (nchw), got rank 3}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// A 2-D input with a 1-D layout.
func.func @input_rank_layout(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{layout 'ncw_fcw' expects a rank-3 input (ncw), got rank 4}}
  %y = convbn.conv_bn eval ncw_fcw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @filter_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{layout 'nchw_fchw' expects a rank-4 filter (fchw), got rank 3}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3xf32>, tensor<4xf32>
  return
}

// -----

// A depthwise filter (chw) under an ordinary layout.
func.func @filter_rank_depthwise(%x: tensor<1x3x8x8xf32>, %w: tensor<3x3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{layout 'nhwc_hwcm' expects a rank-4 filter (hwcm), got rank 3}}
  %y = convbn.conv_bn eval nhwc_hwcm %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<3x3x3xf32>, tensor<3xf32>
  return
}

// -----

func.func @fold_filter_rank(%w: tensor<4x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{layout 'ngchw_gfchw' expects a rank-5 filter (gfchw), got rank 3}}
  %w2, %b2 = convbn.fold_weights ngchw_gfchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @input_filter_element_types(%x: tensor<1x3x8x8xf16>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{input element type 'f16' differs from filter element type 'f32'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf16>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @integer_input(%x: tensor<1x3x8x8xi32>, %w: tensor<4x3x3x3xi32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<1x3x8x8xi32>'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xi32>, tensor<4x3x3x3xi32>, tensor<4xf32>
  return
}

// -----

func.func @unranked_input(%x: tensor<*xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<*xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @integer_mean(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xi32>, %v: tensor<4xi32>) {
  // expected-error @+1 {{'mean' must be 1D tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<4xi32>'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xi32>
  return
}

// -----

func.func @mean_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<2x2xf32>, %v: tensor<2x2xf32>) {
  // expected-error @+1 {{'mean' must be 1D tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<2x2xf32>'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x2xf32>
  return
}

// -----

func.func @bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'bias' must be a 1-D tensor, got 'tensor<1x4xf32>'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<1x4xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @bias_scalar(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: f32, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'bias' must be a 1-D tensor, got 'f32'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : f32) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// The bias belongs to the convolution and has its element type, even where
// the BN parameters are wider.
func.func @bias_element_type(%x: tensor<1x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'bias' has element type 'f32', expected 'f16' (the element type of the filter)}}
  %y = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
  return
}

// -----

func.func @fold_bias_element_type(%w: tensor<4x3x3x3xf32>, %b: tensor<4xf16>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'bias' has element type 'f16', expected 'f32' (the element type of the filter)}}
  %w2, %b2 = convbn.fold_weights nchw_fchw %w bias(%b : tensor<4xf16>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Per-channel sizes against the output channels
//===----------------------------------------------------------------------===//

func.func @mean_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'mean' has 3 elements but the filter has 4 output channels}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>
  return
}

// -----

func.func @mean_dynamic_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<?xf32>, %v: tensor<?xf32>) {
  // expected-error @+1 {{'mean' has ? elements but the filter has 4 output channels}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<?xf32>
  return
}

// -----

func.func @bias_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'bias' has 5 elements but the filter has 4 output channels}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<5xf32>) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Grouped: C = groups x filters per group = 2 x 4 = 8, not the 4 filters of
// one group.
func.func @grouped_channels(%x: tensor<1x2x3x8x8xf32>, %w: tensor<2x4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'mean' has 4 elements but the filter has 8 output channels}}
  %y = convbn.conv_bn eval ngchw_gfchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x2x3x8x8xf32>, tensor<2x4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Depthwise with a multiplier: C = channels x multiplier = 3 x 2 = 6.
func.func @multiplier_channels(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x2xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'mean' has 3 elements but the filter has 6 output channels}}
  %y = convbn.conv_bn tune nhwc_hwcm %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>
  return
}

// -----

// Depthwise: C is the input's channel count, here 3, not the kernel size.
func.func @depthwise_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<3x2x2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) {
  // expected-error @+1 {{'mean' has 2 elements but the filter has 3 output channels}}
  %y = convbn.conv_bn eval nchw_chw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<3x2x2xf32>, tensor<2xf32>
  return
}

// -----

func.func @fold_mean_size(%w: tensor<3x3x3x2xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'mean' has 3 elements but the filter has 6 output channels}}
  %w2, %b2 = convbn.fold_weights nhwc_hwcm %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x3x2xf32>, tensor<3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Channels and groups shared by the input and the filter
//===----------------------------------------------------------------------===//

func.func @channel_mismatch(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{input has 3 channels (dimension 'c') but the filter has 2}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>
  return
}

// -----

// An NCHW input under a channels-last layout: 'c' is read from the last
// dimension.
func.func @channel_mismatch_layout(%x: tensor<1x3x8x8xf32>, %w: tensor<3x3x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{input has 8 channels (dimension 'c') but the filter has 3}}
  %y = convbn.conv_bn eval nhwc_hwcf %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
  return
}

// -----

func.func @group_mismatch(%x: tensor<1x2x3x8x8xf32>, %w: tensor<4x2x3x3x3xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{input has 2 groups (dimension 'g') but the filter has 4}}
  %y = convbn.conv_bn eval ngchw_gfchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x2x3x8x8xf32>, tensor<4x2x3x3x3xf32>, tensor<8xf32>
  return
}

// -----

func.func @dynamic_input_channels(%x: tensor<1x?x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{input dimension 1 ('c', channels) must be static}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x?x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @dynamic_input_groups(%x: tensor<1x?x3x8x8xf32>, %w: tensor<2x4x3x3x3xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{input dimension 1 ('g', groups) must be static}}
  %y = convbn.conv_bn eval ngchw_gfchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x?x3x8x8xf32>, tensor<2x4x3x3x3xf32>, tensor<8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Filter sizes
//===----------------------------------------------------------------------===//

func.func @dynamic_filter_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<?x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{filter dimension 0 ('f') must be static}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<?x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @dynamic_filter_kernel(%x: tensor<1x8x8x3xf32>, %w: tensor<3x?x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{filter dimension 1 ('w') must be static}}
  %y = convbn.conv_bn eval nhwc_hwcf %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x8x8x3xf32>, tensor<3x?x3x4xf32>, tensor<4xf32>
  return
}

// -----

func.func @fold_dynamic_filter_channels(%w: tensor<2x?x3x3x3xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{the filter's output-channel dimensions must be static}}
  %w2, %b2 = convbn.fold_weights ngchw_gfchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x?x3x3x3xf32>, tensor<8xf32>
  return
}

// -----

func.func @empty_kernel(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x0x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{kernel size of spatial dimension 'h' (filter dimension 2) must be positive, got 0}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x0x3xf32>, tensor<4xf32>
  return
}

// -----

// Group x filter does not fit in int64 (it used to wrap around to 0).
func.func @channel_count_overflow(%x: tensor<1x4611686018427387904x1x8x8xf32>, %w: tensor<4611686018427387904x4x1x3x3xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{the filter's output-channel count overflows int64}}
  %y = convbn.conv_bn eval ngchw_gfchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x4611686018427387904x1x8x8xf32>, tensor<4611686018427387904x4x1x3x3xf32>, tensor<8xf32>
  return
}

// -----

func.func @fold_channel_count_overflow(%w: tensor<3x3x4611686018427387904x4xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{the filter's output-channel count overflows int64}}
  %w2, %b2 = convbn.fold_weights nhwc_hwcm %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<3x3x4611686018427387904x4xf32>, tensor<8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Strides, dilations, padding
//===----------------------------------------------------------------------===//

func.func @strides_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected 2 strides (one per spatial dimension), got 1}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) strides = [2] epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @strides_empty(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected 2 strides (one per spatial dimension), got 0}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) strides = [] epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @dilations_count(%x: tensor<1x3x4x8x8xf32>, %w: tensor<4x3x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected 3 dilations (one per spatial dimension), got 2}}
  %y = convbn.conv_bn eval ncdhw_fcdhw %x, %w mean(%m) variance(%v) dilations = [1, 1] epsilon = 1.0e-5 : tensor<1x3x4x8x8xf32>, tensor<4x3x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Padding is low then high for each spatial dimension: 4 values in 2-D.
func.func @padding_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected 4 padding amounts (low then high for each spatial dimension), got 2}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) padding = [1, 1] epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @strides_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{strides must be positive, got [1, 0]}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) strides = [1, 0] epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @dilations_negative(%x: tensor<1x3x16xf32>, %w: tensor<4x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{dilations must be positive, got [-1]}}
  %y = convbn.conv_bn eval ncw_fcw %x, %w mean(%m) variance(%v) dilations = [-1] epsilon = 1.0e-5 : tensor<1x3x16xf32>, tensor<4x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @padding_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{padding must be non-negative, got [1, 1, -1, 1]}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) padding = [1, 1, -1, 1] epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @padding_not_a_list(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected '['}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) padding = 1 epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @strides_float(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{expected integer value}}
  // expected-error @+1 {{expected ']'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) strides = [1.5, 1] epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// The attributes come in a fixed order: strides, dilations, padding, epsilon.
func.func @attribute_order(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected ':'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 padding = [1, 1, 1, 1] : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// A window of 3 does not fit in 2 rows, even padded by 0.
func.func @window_larger_than_input(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{spatial dimension 'h' of the input (2, padded to 2) is smaller than the dilated kernel window (3)}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Dilation 4 turns a 3-wide kernel into a 4 * 2 + 1 = 9-wide window; the
// 6 columns padded by 1 + 1 are 8.
func.func @dilated_window_larger_than_padded_input(%x: tensor<1x8x6x3xf32>, %w: tensor<3x3x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{spatial dimension 'w' of the input (6, padded to 8) is smaller than the dilated kernel window (9)}}
  %y = convbn.conv_bn eval nhwc_hwcf %x, %w mean(%m) variance(%v) dilations = [1, 4] padding = [0, 1, 0, 1] epsilon = 1.0e-5 : tensor<1x8x6x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
  return
}

// -----

// Attribute values are int64s: sizes computed from them must not wrap around.
func.func @window_overflow(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{dilated kernel window of spatial dimension 'h' (dilation 4611686018427387904, kernel 3) overflows int64}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) dilations = [4611686018427387904, 1] epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Checked for dynamic inputs too: the lowering computes with the sum.
func.func @padding_overflow(%x: tensor<1x3x?x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{padding of spatial dimension 'h' (9223372036854775807 + 1) overflows int64}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) padding = [9223372036854775807, 0, 1, 0] epsilon = 1.0e-5 : tensor<1x3x?x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @padded_size_overflow(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{padded size of spatial dimension 'w' (8 + 9223372036854775800 + 0) overflows int64}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) padding = [0, 9223372036854775800, 0, 0] epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// epsilon and momentum
//===----------------------------------------------------------------------===//

func.func @missing_epsilon(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected 'epsilon'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @fold_missing_epsilon(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected 'epsilon'}}
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) : tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// -0.0 is not the 0 of frozen batch norms (which is accepted, see ops.mlir).
func.func @epsilon_negative_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{epsilon must be 0 or a positive, finite, normal 'f32' value, got -0.000000e+00}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = -0.0 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @epsilon_negative(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{epsilon must be 0 or a positive, finite, normal 'f32' value, got -1.000000e-05}}
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = -1.0e-5 : tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @epsilon_nan(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{epsilon must be 0 or a positive, finite, normal 'f32' value, got nan}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 0x7FF8000000000000 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// An infinite epsilon would zero every channel's scale.
func.func @epsilon_infinite(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{epsilon must be 0 or a positive, finite, normal 'f32' value, got INF}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 0x7FF0000000000000 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Positive as an f64 attribute, but not in f32, the type the batch norm of
// f32 (and f16, bf16) operands is computed in: these used to verify and then
// lower to an infinite or zero epsilon.
func.func @epsilon_overflows_f32(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{epsilon 1.000000e+39 rounds to +inf in 'f32', the type the batch norm is computed in; it must be 0 or a positive, finite, normal 'f32' value}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e39 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @epsilon_underflows_f32(%w: tensor<4x3x3x3xf16>, %m: tensor<4xf16>, %v: tensor<4xf16>) {
  // expected-error @+1 {{epsilon 1.000000e-50 rounds to 0 in 'f32'}}
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-50 : tensor<4x3x3x3xf16>, tensor<4xf16>
  return
}

// -----

// A denormal epsilon: GPUs flush it to zero.
func.func @epsilon_denormal_f32(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{epsilon 1.000000e-40 is a denormal in 'f32'}}
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-40 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Denormal even in f64 (the type of f64 operands).
func.func @epsilon_denormal_f64(%x: tensor<1x3x8x8xf64>, %w: tensor<4x3x3x3xf64>, %m: tensor<4xf64>, %v: tensor<4xf64>) {
  // expected-error @+1 {{epsilon must be 0 or a positive, finite, normal 'f64' value, got 9.999889e-321}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-320 : tensor<1x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>
  return
}

// -----

// Element types other than f16, bf16, f32 and f64: no pipeline can compile
// them all (the NVPTX backend has no f80/f128 arithmetic; an f8 batch-norm
// fold is meaningless), so the op rejects them.
func.func @f80_conv(%x: tensor<1x3x8x8xf80>, %w: tensor<4x3x3x3xf80>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<1x3x8x8xf80>'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf80>, tensor<4x3x3x3xf80>, tensor<4xf32>
  return
}

// -----

func.func @f128_params(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf128>, %v: tensor<4xf128>) {
  // expected-error @+1 {{'mean' must be 1D tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<4xf128>'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf128>
  return
}

// -----

func.func @f8_filter(%w: tensor<4x3x3x3xf8E4M3FN>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.fold_weights' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<4x3x3x3xf8E4M3FN>'}}
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf8E4M3FN>, tensor<4xf32>
  return
}

// -----

func.func @tf32_params(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xtf32>, %v: tensor<4xtf32>) {
  // expected-error @+1 {{'mean' must be 1D tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<4xtf32>'}}
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xtf32>
  return
}

// -----

func.func @epsilon_integer(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{unexpected decimal integer literal for a floating point value}}
  // expected-note @+1 {{add a trailing dot to make the literal a float}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @train_without_momentum(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'train' mode requires a 'momentum' attribute (the running-statistics update rate)}}
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @momentum_above_one(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{momentum must be in [0, 1], got 1.500000e+00}}
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 1.5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @momentum_negative(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{momentum must be in [0, 1], got -1.000000e-01}}
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = -0.1 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @momentum_nan(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{momentum must be in [0, 1], got nan}}
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0x7FF8000000000000 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @momentum_in_eval(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'momentum' is only meaningful in 'train' mode, not in 'eval'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @momentum_in_tune(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'momentum' is only meaningful in 'train' mode, not in 'tune'}}
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @momentum_in_deploy(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'momentum' is only meaningful in 'train' mode, not in 'deploy'}}
  %y = convbn.conv_bn deploy nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @fold_momentum(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected ':'}}
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Batch 1 and a 1x1 output: one value per channel, so no variance.
func.func @train_one_value_per_channel(%x: tensor<1x3x3x3xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'train' mode needs more than one value per channel (batch size times output spatial size is 1)}}
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<1x3x3x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @train_one_value_per_channel_1d(%x: tensor<1x16x3xf32>, %w: tensor<3x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'train' mode needs more than one value per channel (batch size times output spatial size is 1)}}
  %y, %s:4 = convbn.conv_bn train nwc_wcf %x, %w mean(%m) variance(%v) strides = [16] epsilon = 1.0e-5 momentum = 0.1 : tensor<1x16x3xf32>, tensor<3x3x4xf32>, tensor<4xf32>
  return
}

// -----

// An empty batch has no statistics at all.
func.func @train_empty_batch(%x: tensor<0x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'train' mode needs more than one value per channel (batch size times output spatial size is 0)}}
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<0x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// ... even when another size is dynamic.
func.func @train_empty_batch_dynamic(%x: tensor<0x3x?x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'train' mode needs more than one value per channel (batch size times output spatial size is 0)}}
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<0x3x?x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Results of the mode
//===----------------------------------------------------------------------===//

func.func @train_one_result(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{operation defines 5 results but was provided 1 to bind}}
  %y = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @eval_five_results(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{operation defines 1 results but was provided 5 to bind}}
  %y, %s:4 = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @generic_train_one_result(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op in 'train' mode yields 5 results (output, new running mean, new running variance, saved mean, saved inverse std), got 1}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<train>, momentum = 0.1 : f64, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_eval_two_results(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op in 'eval' mode yields 1 result (the output), got 2; the statistics results exist in 'train' mode only}}
  %y:2 = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<4xf32>)
  return
}

// -----

func.func @generic_no_results(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op expected 1 or more results}}
  "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> ()
  return
}

// -----

// The generic form states result types, which must be the inferred ones:
// here the unpadded 8x8 input gives a 6x6 output.
func.func @generic_wrong_output_type(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{'convbn.conv_bn' op inferred type(s) 'tensor<2x4x6x6xf32>' are incompatible with return type(s) of operation 'tensor<2x4x8x8xf32>'}}
  // expected-error @+1 {{'convbn.conv_bn' op failed to infer returned types}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x8x8xf32>
  return
}

// -----

// The statistics have the type of the parameters (f32), not the conv's (f16).
func.func @generic_wrong_statistics_type(%x: tensor<2x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{'convbn.conv_bn' op inferred type(s) 'tensor<2x4x6x6xf16>', 'tensor<4xf32>', 'tensor<4xf32>', 'tensor<4xf32>', 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<2x4x6x6xf16>', 'tensor<4xf16>', 'tensor<4xf16>', 'tensor<4xf16>', 'tensor<4xf16>'}}
  // expected-error @+1 {{'convbn.conv_bn' op failed to infer returned types}}
  %y:5 = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<train>, momentum = 0.1 : f64, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x6x6xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>)
  return
}

// -----

func.func @generic_unranked_output(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op result #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<*xf32>'}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

// The folded bias has the filter's element type, not the parameters'.
func.func @generic_fold_wrong_bias_type(%w: tensor<4x3x3x3xf16>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{'convbn.fold_weights' op inferred type(s) 'tensor<4x3x3x3xf16>', 'tensor<4xf16>' are incompatible with return type(s) of operation 'tensor<4x3x3x3xf16>', 'tensor<4xf32>'}}
  // expected-error @+1 {{'convbn.fold_weights' op failed to infer returned types}}
  %0:2 = "convbn.fold_weights"(%w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1, 1>}> : (tensor<4x3x3x3xf16>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3xf16>, tensor<4xf32>)
  return
}

// -----

func.func @generic_fold_one_result(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.fold_weights' op expected 2 results}}
  %0 = "convbn.fold_weights"(%w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1, 1>}> : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4x3x3x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Generic form: operand segments and attributes
//===----------------------------------------------------------------------===//

// operandSegmentSizes (input, filter, bias, scale, offset, mean, variance)
// that leave out the required 'variance' used to crash the generated
// verifier; this one would take %m as the bias and %v as the mean.
func.func @generic_missing_variance(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op requires exactly one 'variance' operand, but operandSegmentSizes gives it 0}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1, 0>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

// ... and a missing 'mean' was accepted, reading 'variance' as the mean.
func.func @generic_missing_mean(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op requires exactly one 'mean' operand, but operandSegmentSizes gives it 0}}
  %y = "convbn.conv_bn"(%x, %w, %g, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 1, 0, 0, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_two_inputs(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op requires exactly one 'input' operand, but operandSegmentSizes gives it 2}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 2, 0, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_two_biases(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op takes at most one 'bias' operand, but operandSegmentSizes gives it 2}}
  %y = "convbn.conv_bn"(%x, %w, %b, %b, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 2, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_segment_sum(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op operand count (4) does not match with the total size (5) specified in attribute 'operandSegmentSizes'}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_segment_negative(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op 'operandSegmentSizes' attribute cannot have negative elements}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 1, -1, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_segment_count(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{size mismatch in attribute conversion: 6 vs 7}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_no_segments(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op operand count (4) does not match with the total size (0) specified in attribute 'operandSegmentSizes'}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_no_operands() {
  // expected-error @+1 {{'convbn.conv_bn' op expected 4 or more operands, but found 0}}
  %y = "convbn.conv_bn"() : () -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_fold_missing_mean(%w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.fold_weights' op requires exactly one 'mean' operand, but operandSegmentSizes gives it 0}}
  %0:2 = "convbn.fold_weights"(%w, %g, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, operandSegmentSizes = array<i32: 1, 0, 1, 0, 0, 1>}> : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>)
  return
}

// -----

// Giving 'mean' two operands and 'variance' none also crashed.
func.func @generic_two_means(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.fold_weights' op requires exactly one 'mean' operand, but operandSegmentSizes gives it 2}}
  %0:2 = "convbn.fold_weights"(%w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, operandSegmentSizes = array<i32: 1, 0, 0, 0, 2, 0>}> : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>)
  return
}

// -----

// With no scale, the generated check blamed 'scale' for a bad 'offset'.
func.func @generic_offset_type(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %be: tensor<4xf16>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op 'offset' has type 'tensor<4xf16>' but 'mean' has type 'tensor<4xf32>' (scale, offset, mean and variance share one type)}}
  %y = "convbn.conv_bn"(%x, %w, %be, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 1, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_variance_type(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<5xf32>) {
  // expected-error @+1 {{'convbn.fold_weights' op 'variance' has type 'tensor<5xf32>' but 'mean' has type 'tensor<4xf32>' (scale, offset, mean and variance share one type)}}
  %0:2 = "convbn.fold_weights"(%w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1, 1>}> : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<5xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>)
  return
}

// -----

func.func @generic_missing_mode(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op requires attribute 'mode'}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_missing_layout(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.fold_weights' op requires attribute 'layout'}}
  %0:2 = "convbn.fold_weights"(%w, %m, %v) <{epsilon = 1.0e-5 : f64, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1, 1>}> : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>)
  return
}

// -----

func.func @generic_missing_epsilon(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op requires attribute 'epsilon'}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_epsilon_f32(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'convbn.conv_bn' op attribute 'epsilon' failed to satisfy constraint: 64-bit float attribute}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f32, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_layout_string(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{Invalid attribute `layout` in property conversion: "nchw_fchw"}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = "nchw_fchw", mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

// A mode where a layout belongs.
func.func @generic_layout_is_mode(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{Invalid attribute `layout` in property conversion: #convbn.mode<eval>}}
  %0:2 = "convbn.fold_weights"(%w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1, 1>}> : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x3x3x3xf32>, tensor<4xf32>)
  return
}

// -----

func.func @generic_strides_elements(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{Invalid attribute `strides` in property conversion: dense<1> : tensor<2xi64>}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>, strides = dense<1> : tensor<2xi64>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

func.func @generic_momentum_in_eval(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{'momentum' is only meaningful in 'train' mode, not in 'eval'}}
  // expected-error @+1 {{'convbn.conv_bn' op failed to infer returned types}}
  %y = "convbn.conv_bn"(%x, %w, %m, %v) <{epsilon = 1.0e-5 : f64, layout = #convbn.layout<nchw_fchw>, mode = #convbn.mode<eval>, momentum = 0.5 : f64, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Inherent attributes in the attribute dictionary of the custom form
//===----------------------------------------------------------------------===//

// These used to replace what the op's keywords said after the result types
// had been inferred from the keywords.
func.func @dictionary_epsilon(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'epsilon' belongs in the op's own syntax, not in its attribute dictionary (which sets it to 2.000000e+00 : f64)}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 {epsilon = 2.0} : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @dictionary_mode(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'mode' belongs in the op's own syntax, not in its attribute dictionary (which sets it to #convbn.mode<train>)}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 {mode = #convbn.mode<train>} : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @dictionary_strides(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'strides' belongs in the op's own syntax, not in its attribute dictionary (which sets it to array<i64: 2, 2>)}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 {strides = array<i64: 2, 2>} : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Segment sizes that left out 'variance' crashed the verifier this way too.
func.func @dictionary_segments(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'operandSegmentSizes' belongs in the op's own syntax, not in its attribute dictionary (which sets it to array<i32: 1, 1, 0, 0, 0, 2, 0>)}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 {operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 2, 0>} : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @fold_dictionary_layout(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'layout' belongs in the op's own syntax, not in its attribute dictionary (which sets it to #convbn.layout<nhwc_hwcf>)}}
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 {layout = #convbn.layout<nhwc_hwcf>} : tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Keywords and truncated ops
//===----------------------------------------------------------------------===//

func.func @unknown_mode(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{unknown mode 'evaluate'; expected one of: train, eval, tune, deploy}}
  %y = convbn.conv_bn evaluate nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// A layout where the mode belongs.
func.func @missing_mode(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{unknown mode 'nchw_fchw'; expected one of: train, eval, tune, deploy}}
  %y = convbn.conv_bn nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @unknown_layout(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{unknown layout 'nchw_oihw'; expected one of: ncw_fcw, nwc_wcf, ncw_cw, nwc_wc, nwc_wcm, nchw_fchw, nhwc_hwcf, nhwc_fhwc, ngchw_gfchw, nchw_chw, nhwc_hwc, nhwc_hwcm, nhwgc_gfhwc, ncdhw_fcdhw, ndhwc_dhwcf, ncdhw_cdhw, ndhwc_dhwc, ndhwc_dhwcm}}
  %y = convbn.conv_bn eval nchw_oihw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @missing_layout(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected a layout keyword, one of: ncw_fcw, nwc_wcf}}
  %y = convbn.conv_bn eval %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @fold_with_mode(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{unknown layout 'tune'}}
  %w2, %b2 = convbn.fold_weights tune nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// Keywords are case-sensitive.
func.func @upper_case_mode(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{unknown mode 'Eval'}}
  %y = convbn.conv_bn Eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @mean_after_variance(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected 'mean'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w variance(%v) mean(%m) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// scale comes before offset.
func.func @offset_before_scale(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected 'mean'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w offset(%g) scale(%g) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// The bias needs its type: it may differ from the parameters'.
func.func @bias_without_type(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected ':'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @missing_types(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected ':'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5
  return
}

// -----

func.func @missing_mean_type(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected ','}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>
  return
}

// -----

func.func @fold_missing_mean_type(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected ','}}
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf32>
  return
}

// -----

func.func @truncated_after_layout() {
  // expected-error @+1 {{expected SSA operand}}
  %y = convbn.conv_bn eval nchw_fchw
  return
}

// -----

func.func @truncated_after_mode() {
  %y = convbn.conv_bn eval
  // expected-error @+1 {{unknown layout 'return'}}
  return
}

// -----

func.func @truncated_mean(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{expected ')'}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m
  return
}

// -----

func.func @epsilon_without_value(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expected attribute value}}
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// expected-note @+1 {{prior use here}}
func.func @wrong_operand_type(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{use of value '%x' expects different type than prior uses: 'tensor<2x8x8x3xf32>' vs 'tensor<2x3x8x8xf32>'}}
  %y = convbn.conv_bn eval nhwc_hwcf %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}

// -----

// The custom form does not state result types; a type on the result is an
// error of its own kind.
func.func @result_count_fold(%w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{operation defines 2 results but was provided 1 to bind}}
  %w2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf32>, tensor<4xf32>
  return
}
