// Half-precision conv + BN: an f16 conv accumulating in f32 with the BN
// computed in f32 between extf and truncf (torch-mlir's spelling of a
// model.half() network), and a conv + BN entirely in f16. Both fuse into an
// f16 convbn.conv_bn; execution agrees to f16 precision.
//
// RUN: convbn-opt %s --fuse-convbn=remarks=true -verify-diagnostics | FileCheck %s --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=math.
// RUN: %exec-compare %s --all-funcs --passes=--fuse-convbn --rtol 1e-2 --atol 1e-2

#v      = affine_map<(d0) -> (d0)>
#id4    = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#nchw_c = affine_map<(d0, d1, d2, d3) -> (d1)>
#c11    = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>

// conv(f16 x f16 -> f32) -> truncf -> [extf, sub mean] -> mul rsqrt ->
// [extf gamma, mul] -> [extf beta, add] -> truncf; mean and variance widened
// by 1-D generics, eps added and rsqrt taken in f32.
// CHECK-LABEL: func.func @f16_accumulate_f32(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 bias(%arg6 : tensor<4xf16>) scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>
// CHECK-NEXT:    return %[[Y]] : tensor<1x4x8x8xf16>
func.func @f16_accumulate_f32(%x: tensor<1x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %g: tensor<4xf16>, %b: tensor<4xf16>, %m: tensor<4xf16>, %v: tensor<4xf16>, %bias: tensor<4xf16>) -> tensor<1x4x8x8xf16> {
  %zero = arith.constant 0.0 : f16
  %eps = arith.constant 1.0e-05 : f64
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f16
  } : tensor<1x3x8x8xf16> to tensor<1x3x10x10xf16>
  %e32 = tensor.empty() : tensor<1x4x8x8xf32>
  %init = linalg.generic {indexing_maps = [#nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<4xf16>) outs(%e32 : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f16, %out: f32):
    %x32 = arith.extf %in : f16 to f32
    linalg.yield %x32 : f32
  } -> tensor<1x4x8x8xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 6 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %w : tensor<1x3x10x10xf16>, tensor<4x3x3x3xf16>) outs(%init : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %e16 = tensor.empty() : tensor<1x4x8x8xf16>
  %c16 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv : tensor<1x4x8x8xf32>) outs(%e16 : tensor<1x4x8x8xf16>) {
  ^bb0(%in: f32, %out: f16):
    %t = arith.truncf %in : f32 to f16
    linalg.yield %t : f16
  } -> tensor<1x4x8x8xf16>
  %e1 = tensor.empty() : tensor<4xf32>
  %m32 = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%m : tensor<4xf16>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f16, %out: f32):
    %x32 = arith.extf %in : f16 to f32
    linalg.yield %x32 : f32
  } -> tensor<4xf32>
  %v32 = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%v : tensor<4xf16>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f16, %out: f32):
    %x32 = arith.extf %in : f16 to f32
    linalg.yield %x32 : f32
  } -> tensor<4xf32>
  %ve = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%v32 : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.truncf %eps : f64 to f32
    %s = arith.addf %in, %t : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%ve : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.rsqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %m3 = tensor.expand_shape %m32 [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %r3 = tensor.expand_shape %r [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %g3 = tensor.expand_shape %g [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf16> into tensor<4x1x1xf16>
  %b3 = tensor.expand_shape %b [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf16> into tensor<4x1x1xf16>
  %0 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c16, %m3 : tensor<1x4x8x8xf16>, tensor<4x1x1xf32>) outs(%e32 : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f16, %c: f32, %out: f32):
    %x32 = arith.extf %in : f16 to f32
    %s = arith.subf %x32, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %1 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %r3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e32 : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %2 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %g3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf16>) outs(%e32 : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f16, %out: f32):
    %c32 = arith.extf %c : f16 to f32
    %s = arith.mulf %in, %c32 : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %3 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %b3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf16>) outs(%e32 : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f16, %out: f32):
    %c32 = arith.extf %c : f16 to f32
    %s = arith.addf %in, %c32 : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %4 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%3 : tensor<1x4x8x8xf32>) outs(%e16 : tensor<1x4x8x8xf16>) {
  ^bb0(%in: f32, %out: f16):
    %t = arith.truncf %in : f32 to f16
    linalg.yield %t : f16
  } -> tensor<1x4x8x8xf16>
  return %4 : tensor<1x4x8x8xf16>
}

// Everything in f16: conv accumulating in f16, BN in f16 (eps rounded to f16).
// CHECK-LABEL: func.func @f16_throughout(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 1.0013580322265625E-5 : tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>
// CHECK-NEXT:    return %[[Y]] : tensor<1x4x6x6xf16>
func.func @f16_throughout(%x: tensor<1x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %g: tensor<4xf16>, %b: tensor<4xf16>, %m: tensor<4xf16>, %v: tensor<4xf16>) -> tensor<1x4x6x6xf16> {
  %zero = arith.constant 0.0 : f16
  %eps = arith.constant 1.0e-05 : f16
  %e = tensor.empty() : tensor<1x4x6x6xf16>
  %fill = linalg.fill ins(%zero : f16) outs(%e : tensor<1x4x6x6xf16>) -> tensor<1x4x6x6xf16>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>) outs(%fill : tensor<1x4x6x6xf16>) -> tensor<1x4x6x6xf16>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x6x6xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>) outs(%e : tensor<1x4x6x6xf16>) {
  ^bb0(%in: f16, %mm: f16, %vv: f16, %gg: f16, %bb: f16, %out: f16):
    %c = arith.subf %in, %mm : f16
    %ve = arith.addf %vv, %eps : f16
    %r = math.rsqrt %ve : f16
    %n = arith.mulf %c, %r : f16
    %s = arith.mulf %n, %gg : f16
    %y = arith.addf %s, %bb : f16
    linalg.yield %y : f16
  } -> tensor<1x4x6x6xf16>
  return %0 : tensor<1x4x6x6xf16>
}
