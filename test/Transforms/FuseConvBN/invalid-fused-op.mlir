// Pairs that are a conv + batch norm, but whose fused op the convbn verifier
// would reject: linalg accepts negative dilations, a dynamic input-channel
// dimension, any epsilon constant, dynamic output sizes that the kernel
// window cannot produce, and element types outside the dialect. fuse-convbn
// checks the op it would build with the op's own verifier before touching
// the IR, leaves the pair unfused and says why (it used to build the op and
// abort with "Failed to infer result type(s)").
//
// RUN: convbn-opt %s --fuse-convbn=remarks=true -verify-diagnostics -split-input-file | FileCheck %s --implicit-check-not=convbn

// linalg accepts negative dilations; the op does not.
// CHECK-LABEL: func.func @negative_dilation(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @negative_dilation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: the fused op would be invalid: dilations must be positive, got [-1, -1]}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<-1> : vector<2xi64>} ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// The input-channel dimension is dynamic (the filter fixes it to 3).
// CHECK-LABEL: func.func @dynamic_input_channels(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @dynamic_input_channels(%x: tensor<1x?x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: the fused op would be invalid: input dimension 1 ('c', channels) must be static}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x?x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// An infinite epsilon constant.
// CHECK-LABEL: func.func @infinite_epsilon(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @infinite_epsilon(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 0x7F800000 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: the fused op would be invalid: epsilon must be 0 or a positive, finite, normal 'f32' value, got INF}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// The kernel window (3x3 dilated by 4: 9x9) is larger than the input;
// linalg does not check a dynamic output size against it.
// CHECK-LABEL: func.func @window_larger_than_input(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @window_larger_than_input(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x?x?xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %c1 = arith.constant 1 : index
  %e = tensor.empty(%c1, %c1) : tensor<1x4x?x?xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{not fused: the fused op would be invalid: spatial dimension 'h' of the input (8, padded to 8) is smaller than the dilated kernel window (9)}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<4> : vector<2xi64>} ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x?x?xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x?x?xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x?x?xf32>
  return %0 : tensor<1x4x?x?xf32>
}

// -----

// A dilation of 2^62: the dilated window does not fit in int64.
// CHECK-LABEL: func.func @huge_dilation(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @huge_dilation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x?x?xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %c1 = arith.constant 1 : index
  %e = tensor.empty(%c1, %c1) : tensor<1x4x?x?xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{not fused: the fused op would be invalid: dilated kernel window of spatial dimension 'h' (dilation 4611686018427387904, kernel 3) overflows int64}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<4611686018427387904> : vector<2xi64>} ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x?x?xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x?x?xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x?x?xf32>
  return %0 : tensor<1x4x?x?xf32>
}

// -----

// An f80 convolution: not an element type of the dialect.
// CHECK-LABEL: func.func @f80_conv(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @f80_conv(%x: tensor<1x3x8x8xf80>, %w: tensor<4x3x3x3xf80>, %g: tensor<4xf80>, %b: tensor<4xf80>, %m: tensor<4xf80>, %v: tensor<4xf80>) -> tensor<1x4x6x6xf80> {
  %zero = arith.constant 0.0 : f80
  %eps = arith.constant 1.0e-05 : f80
  %e = tensor.empty() : tensor<1x4x6x6xf80>
  %fill = linalg.fill ins(%zero : f80) outs(%e : tensor<1x4x6x6xf80>) -> tensor<1x4x6x6xf80>
  // expected-remark @+1 {{not fused: the fused op would be invalid: 'convbn.conv_bn' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<1x3x8x8xf80>'}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf80>, tensor<4x3x3x3xf80>) outs(%fill : tensor<1x4x6x6xf80>) -> tensor<1x4x6x6xf80>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x6x6xf80>, tensor<4xf80>, tensor<4xf80>, tensor<4xf80>, tensor<4xf80>) outs(%e : tensor<1x4x6x6xf80>) {
  ^bb0(%in: f80, %mm: f80, %vv: f80, %gg: f80, %bb: f80, %out: f80):
    %c = arith.subf %in, %mm : f80
    %ve = arith.addf %vv, %eps : f80
    %r = math.rsqrt %ve : f80
    %n = arith.mulf %c, %r : f80
    %s = arith.mulf %n, %gg : f80
    %y = arith.addf %s, %bb : f80
    linalg.yield %y : f80
  } -> tensor<1x4x6x6xf80>
  return %0 : tensor<1x4x6x6xf80>
}
