// The batch-norm spellings of docs/frontend-ir.md and /work/shared/DESIGN.md,
// written by hand, one function each: every one must fuse (the remark is
// checked at the conv with -verify-diagnostics), the fused op must carry the
// conv's layout, strides, dilations, padding and bias and the BN's operands
// and epsilon (FileCheck), and the program must compute the same values
// before and after (exec-compare runs every function of this file in one
// module). BN parameters are function arguments, so mode=auto gives `tune`
// (the constant-parameter / deploy path is in deploy.mlir and modes.mlir).
//
// RUN: convbn-opt %s --fuse-convbn=remarks=true -verify-diagnostics | FileCheck %s --implicit-check-not=math. --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.fill
// RUN: %exec-compare %s --all-funcs --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

#v      = affine_map<(d0) -> (d0)>
#v0     = affine_map<(d0) -> (0)>
#id3    = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#id4    = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#id5    = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
#ncw_c  = affine_map<(d0, d1, d2) -> (d1)>
#nchw_c = affine_map<(d0, d1, d2, d3) -> (d1)>
#nhwc_c = affine_map<(d0, d1, d2, d3) -> (d3)>
#c11    = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
#ncdhw_c = affine_map<(d0, d1, d2, d3, d4) -> (d1)>
#ndhwc_c = affine_map<(d0, d1, d2, d3, d4) -> (d4)>

// torch-mlir's spelling with sqrt and a reciprocal `divf 1.0, x` instead of
// rsqrt: eps an f64 constant truncated in the body, vectors expanded to
// [C,1,1] and read through (d1, 0, 0), one generic per elementwise op.
// CHECK-LABEL: func.func @torch_sqrt_reciprocal(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @torch_sqrt_reciprocal(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %eps = arith.constant 1.0e-05 : f64
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %w : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %ve = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%v : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.truncf %eps : f64 to f32
    %s = arith.addf %in, %t : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %sq = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%ve : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.sqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %rc = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%sq : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.divf %one, %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %m3 = tensor.expand_shape %m [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %r3 = tensor.expand_shape %rc [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %g3 = tensor.expand_shape %g [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %b3 = tensor.expand_shape %b [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.subf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %1 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %r3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %2 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %g3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %3 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %b3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.addf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  return %3 : tensor<1x4x8x8xf32>
}

// The same with the reciprocal guarded by a `cf.assert` in its generic (an
// older torch-mlir form). The assert keeps the normaliser's generics alive
// (they have a side effect) although nothing reads them after fusion; they
// go with the chain, assert included: the fused op defines the result of a
// zero normaliser (docs/design.md), as PyTorch does, which does not trap.
// They used to stay behind, and convbn-gpu-tile then crashed on them.
// CHECK-LABEL: func.func @torch_sqrt_reciprocal_assert(
// CHECK-NOT:     cf.assert
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     cf.assert
// CHECK:         return %[[Y]]
func.func @torch_sqrt_reciprocal_assert(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %eps = arith.constant 1.0e-05 : f64
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %w : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %ve = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%v : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.truncf %eps : f64 to f32
    %s = arith.addf %in, %t : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %sq = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%ve : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.sqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %rc = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%sq : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %nz = arith.cmpf one, %in, %zero : f32
    cf.assert %nz, "reciprocal of zero"
    %s = arith.divf %one, %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %m3 = tensor.expand_shape %m [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %r3 = tensor.expand_shape %rc [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %g3 = tensor.expand_shape %g [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %b3 = tensor.expand_shape %b [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.subf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %1 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %r3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %2 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %g3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %3 = linalg.generic {indexing_maps = [#id4, #c11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %b3 : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.addf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  return %3 : tensor<1x4x8x8xf32>
}

// rsqrt(var + eps) in one 1-D generic, the four 4-D steps reading the 1-D
// vectors directly through (d1); the BN vectors in an unusual order
// (x * r - mean * r is the same affine map, scale applied before the shift).
// CHECK-LABEL: func.func @rsqrt_form(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 0.0010000000474974513 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @rsqrt_form(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-03 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 3 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%v : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %eps : f32
    %q = math.rsqrt %s : f32
    linalg.yield %q : f32
  } -> tensor<4xf32>
  // x * r - mean * r
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %r, %m : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %rr: f32, %mm: f32, %out: f32):
    %a = arith.mulf %in, %rr : f32
    %c = arith.mulf %mm, %rr : f32
    %s = arith.subf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %1 = linalg.generic {indexing_maps = [#nchw_c, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%g, %0 : tensor<4xf32>, tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%gg: f32, %in: f32, %out: f32):
    %s = arith.mulf %gg, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %2 = linalg.generic {indexing_maps = [#id4, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %b : tensor<1x4x6x6xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %s = arith.addf %bb, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  return %2 : tensor<1x4x6x6xf32>
}

// The older torch form: the whole BN in one generic on the 4-D conv output,
// every vector read through (d1); eps added and sqrt'd in the body.
// CHECK-LABEL: func.func @single_generic(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 9.9999997473787516E-6 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @single_generic(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<2x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %sd = math.sqrt %ve : f32
    %n = arith.divf %c, %sd : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<2x4x6x6xf32>
  return %0 : tensor<2x4x6x6xf32>
}

// StableHLO's unfused batch_norm_inference after broadcasts are folded into
// the maps: conv_2d_nhwc_hwcf on a zero fill; sqrt(var + eps) on the vector;
// subtract mean, multiply by scale, *then* divide by the root, add offset.
// CHECK-LABEL: func.func @stablehlo_order(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nhwc_hwcf %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 0.0010000000474974513 : tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @stablehlo_order(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x6x6x4xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant dense<1.0e-03> : tensor<4xf32>
  %e = tensor.empty() : tensor<1x6x6x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nhwc_hwcf and 4 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) outs(%fill : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %ve = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]} ins(%v, %eps : tensor<4xf32>, tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %ep: f32, %out: f32):
    %s = arith.addf %in, %ep : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %sd = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%ve : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.sqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nhwc_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m : tensor<1x6x6x4xf32>, tensor<4xf32>) outs(%e : tensor<1x6x6x4xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.subf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x4xf32>
  %1 = linalg.generic {indexing_maps = [#id4, #nhwc_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %g : tensor<1x6x6x4xf32>, tensor<4xf32>) outs(%e : tensor<1x6x6x4xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x4xf32>
  %2 = linalg.generic {indexing_maps = [#id4, #nhwc_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %sd : tensor<1x6x6x4xf32>, tensor<4xf32>) outs(%e : tensor<1x6x6x4xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.divf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x4xf32>
  %3 = linalg.generic {indexing_maps = [#id4, #nhwc_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %b : tensor<1x6x6x4xf32>, tensor<4xf32>) outs(%e : tensor<1x6x6x4xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.addf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x4xf32>
  return %3 : tensor<1x6x6x4xf32>
}

// Pre-folded affine: m = rsqrt(var + eps) * scale and r = offset - m * mean
// computed by 1-D generics, then y = x * m + r in one 4-D generic.
// CHECK-LABEL: func.func @prefolded(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 9.9999997473787516E-6 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @prefolded(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %mul = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]} ins(%v, %g : tensor<4xf32>, tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%vv: f32, %gg: f32, %out: f32):
    %s = arith.addf %vv, %eps : f32
    %q = math.rsqrt %s : f32
    %p = arith.mulf %q, %gg : f32
    linalg.yield %p : f32
  } -> tensor<4xf32>
  %add = linalg.generic {indexing_maps = [#v, #v, #v, #v], iterator_types = ["parallel"]} ins(%b, %mul, %m : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%bb: f32, %mu: f32, %mm: f32, %out: f32):
    %p = arith.mulf %mu, %mm : f32
    %r = arith.subf %bb, %p : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %mul, %add : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %mu: f32, %ad: f32, %out: f32):
    %p = arith.mulf %in, %mu : f32
    %y = arith.addf %p, %ad : f32
    linalg.yield %y : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// The conv bias as a separate add generic between the conv and the BN.
// CHECK-LABEL: func.func @bias_separate_add(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 bias(%arg6 : tensor<4xf32>) scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 9.9999997473787516E-6 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @bias_separate_add(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %bias: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 2 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %biased = linalg.generic {indexing_maps = [#nchw_c, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias, %conv : tensor<4xf32>, tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%bb: f32, %in: f32, %out: f32):
    %s = arith.addf %bb, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%biased, %m, %v, %g, %b : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
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

// The conv bias broadcast into the conv's outs with linalg.broadcast (torch).
// CHECK-LABEL: func.func @bias_outs_broadcast(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 bias(%arg6 : tensor<4xf32>) scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 9.9999997473787516E-6 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.
// CHECK:         return %[[Y]]
func.func @bias_outs_broadcast(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %bias: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %init = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) dimensions = [0, 2, 3]
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
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

// The conv bias broadcast into the conv's outs by a generic (TOSA), NHWC/FHWC.
// CHECK-LABEL: func.func @bias_outs_generic(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nhwc_fhwc %arg0, %arg1 bias(%arg6 : tensor<4xf32>) scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 9.9999997473787516E-6 : tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.
// CHECK:         return %[[Y]]
func.func @bias_outs_generic(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %bias: tensor<4xf32>) -> tensor<1x6x6x4xf32> {
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x6x6x4xf32>
  %init = linalg.generic {indexing_maps = [#nhwc_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<4xf32>) outs(%e : tensor<1x6x6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x6x6x4xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nhwc_fhwc and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nhwc_c, #nhwc_c, #nhwc_c, #nhwc_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x6x6x4xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x6x6x4xf32>
  return %0 : tensor<1x6x6x4xf32>
}

// No bias and a BN without affine parameters: (x - mean) * rsqrt(var + eps).
// CHECK-LABEL: func.func @no_affine(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 9.9999997473787516E-6 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @no_affine(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 2 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m : tensor<1x4x6x6xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.subf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %1 = linalg.generic {indexing_maps = [#id4, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %v : tensor<1x4x6x6xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %vv: f32, %out: f32):
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %s = arith.mulf %in, %r : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  return %1 : tensor<1x4x6x6xf32>
}

// Depthwise NCHW/CHW (torch's groups == C_in with multiplier 1).
// CHECK-LABEL: func.func @depthwise_nchw_chw(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_chw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @depthwise_nchw_chw(%x: tensor<1x4x8x8xf32>, %w: tensor<4x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark @+1 {{fused linalg.depthwise_conv_2d_nchw_chw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %w : tensor<1x4x10x10xf32>, tensor<4x3x3xf32>) outs(%fill : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// Depthwise NHWC/HWC with stride 2.
// CHECK-LABEL: func.func @depthwise_nhwc_hwc(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nhwc_hwc %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) strides = [2, 2] epsilon = 9.9999997473787516E-6 : tensor<1x9x9x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @depthwise_nhwc_hwc(%x: tensor<1x9x9x4xf32>, %w: tensor<3x3x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  // expected-remark @+1 {{fused linalg.depthwise_conv_2d_nhwc_hwc and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x9x9x4xf32>, tensor<3x3x4xf32>) outs(%fill : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nhwc_c, #nhwc_c, #nhwc_c, #nhwc_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// Depthwise NHWC/HWCM with channel multiplier 2 (TOSA): the 5-D result is
// collapsed to NHWC, a separate generic adds the bias, then the BN.
// CHECK-LABEL: func.func @depthwise_nhwc_hwcm(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nhwc_hwcm %arg0, %arg1 bias(%arg6 : tensor<8xf32>) scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x6x6x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>
// CHECK-NEXT:    %[[C:.+]] = tensor.collapse_shape %[[Y]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x6x6x4x2xf32> into tensor<1x6x6x8xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[C]]
func.func @depthwise_nhwc_hwcm(%x: tensor<1x6x6x4xf32>, %w: tensor<3x3x4x2xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>, %bias: tensor<8xf32>) -> tensor<1x6x6x8xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x6x6x4xf32> to tensor<1x8x8x4xf32>
  %e5 = tensor.empty() : tensor<1x6x6x4x2xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e5 : tensor<1x6x6x4x2xf32>) -> tensor<1x6x6x4x2xf32>
  // expected-remark @+1 {{fused linalg.depthwise_conv_2d_nhwc_hwcm and 3 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : tensor<1x8x8x4xf32>, tensor<3x3x4x2xf32>) outs(%fill : tensor<1x6x6x4x2xf32>) -> tensor<1x6x6x4x2xf32>
  %collapsed = tensor.collapse_shape %conv [[0], [1], [2], [3, 4]] : tensor<1x6x6x4x2xf32> into tensor<1x6x6x8xf32>
  %e = tensor.empty() : tensor<1x6x6x8xf32>
  %biased = linalg.generic {indexing_maps = [#nhwc_c, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias, %collapsed : tensor<8xf32>, tensor<1x6x6x8xf32>) outs(%e : tensor<1x6x6x8xf32>) {
  ^bb0(%bb: f32, %in: f32, %out: f32):
    %s = arith.addf %bb, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x8xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nhwc_c, #nhwc_c, #nhwc_c, #nhwc_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%biased, %m, %v, %g, %b : tensor<1x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<1x6x6x8xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x6x6x8xf32>
  return %0 : tensor<1x6x6x8xf32>
}

// Grouped conv (torch): NCHW expanded to NGCHW, conv_2d_ngchw_gfchw,
// collapsed back to NCHW, then the BN on the collapsed value.
// CHECK-LABEL: func.func @grouped_ngchw(
// CHECK:         %[[X:.+]] = tensor.expand_shape %arg0
// CHECK:         %[[W:.+]] = tensor.expand_shape %arg1
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune ngchw_gfchw %[[X]], %[[W]] scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 9.9999997473787516E-6 : tensor<1x2x2x8x8xf32>, tensor<2x3x2x3x3xf32>, tensor<6xf32>
// CHECK-NEXT:    %[[C:.+]] = tensor.collapse_shape %[[Y]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x6x6xf32> into tensor<1x6x6x6xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[C]]
func.func @grouped_ngchw(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %xg = tensor.expand_shape %x [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 8, 8] : tensor<1x4x8x8xf32> into tensor<1x2x2x8x8xf32>
  %wg = tensor.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3] : tensor<6x2x3x3xf32> into tensor<2x3x2x3x3xf32>
  %e5 = tensor.empty() : tensor<1x2x3x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e5 : tensor<1x2x3x6x6xf32>) -> tensor<1x2x3x6x6xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_ngchw_gfchw and 2 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xg, %wg : tensor<1x2x2x8x8xf32>, tensor<2x3x2x3x3xf32>) outs(%fill : tensor<1x2x3x6x6xf32>) -> tensor<1x2x3x6x6xf32>
  %collapsed = tensor.collapse_shape %conv [[0], [1, 2], [3], [4]] : tensor<1x2x3x6x6xf32> into tensor<1x6x6x6xf32>
  %e = tensor.empty() : tensor<1x6x6x6xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%collapsed, %m, %v, %g, %b : tensor<1x6x6x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) outs(%e : tensor<1x6x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// Stride 2, dilation 2 and an asymmetric zero pad (top 1, left 2, bottom 2,
// right 0) absorbed into `padding` (lows, then highs).
// CHECK-LABEL: func.func @stride_dilation_asymmetric_pad(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) strides = [2, 2] dilations = [2, 2] padding = [1, 2, 2, 0] epsilon = 9.9999997473787516E-6 : tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     tensor.pad
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @stride_dilation_asymmetric_pad(%x: tensor<1x3x9x9xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %padded = tensor.pad %x low[0, 0, 1, 2] high[0, 0, 2, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x3x9x9xf32> to tensor<1x3x12x11xf32>
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  // (12 - 2*2 - 1) / 2 + 1 = 4, (11 - 5) / 2 + 1 = 4
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<2> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded, %w : tensor<1x3x12x11xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// Dynamic batch: the inits are sized by tensor.dim of the input (torch).
// CHECK-LABEL: func.func @dynamic_batch(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]] : tensor<?x4x8x8xf32>
func.func @dynamic_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3x8x8xf32>
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<?x3x8x8xf32> to tensor<?x3x10x10xf32>
  %e = tensor.empty(%n) : tensor<?x4x8x8xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %w : tensor<?x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #nchw_c, #nchw_c, #nchw_c, #nchw_c, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %c, %r : f32
    %s = arith.mulf %nn, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<?x4x8x8xf32>
  return %0 : tensor<?x4x8x8xf32>
}

// 1-D convolution, NCW/FCW, with bias in outs.
// CHECK-LABEL: func.func @conv_1d_ncw_fcw(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune ncw_fcw %arg0, %arg1 bias(%arg6 : tensor<4xf32>) scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) padding = [2, 1] epsilon = 9.9999997473787516E-6 : tensor<2x3x10xf32>, tensor<4x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @conv_1d_ncw_fcw(%x: tensor<2x3x10xf32>, %w: tensor<4x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %bias: tensor<4xf32>) -> tensor<2x4x11xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %padded = tensor.pad %x low[0, 0, 2] high[0, 0, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index):
    tensor.yield %zero : f32
  } : tensor<2x3x10xf32> to tensor<2x3x13xf32>
  %e = tensor.empty() : tensor<2x4x11xf32>
  %init = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<2x4x11xf32>) dimensions = [0, 2]
  // expected-remark @+1 {{fused linalg.conv_1d_ncw_fcw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_1d_ncw_fcw {dilations = dense<1> : vector<1xi64>, strides = dense<1> : vector<1xi64>} ins(%padded, %w : tensor<2x3x13xf32>, tensor<4x3x3xf32>) outs(%init : tensor<2x4x11xf32>) -> tensor<2x4x11xf32>
  %0 = linalg.generic {indexing_maps = [#id3, #ncw_c, #ncw_c, #ncw_c, #ncw_c, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<2x4x11xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x11xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<2x4x11xf32>
  return %0 : tensor<2x4x11xf32>
}

// 3-D convolution, NCDHW/FCDHW, stride 2 in all three dimensions.
// CHECK-LABEL: func.func @conv_3d_ncdhw_fcdhw(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune ncdhw_fcdhw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) strides = [2, 2, 2] padding = [1, 1, 1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x2x5x5x5xf32>, tensor<4x2x3x3x3xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @conv_3d_ncdhw_fcdhw(%x: tensor<1x2x5x5x5xf32>, %w: tensor<4x2x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x3x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1, 1] high[0, 0, 1, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index, %i4: index):
    tensor.yield %zero : f32
  } : tensor<1x2x5x5x5xf32> to tensor<1x2x7x7x7xf32>
  %e = tensor.empty() : tensor<1x4x3x3x3xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x3x3x3xf32>) -> tensor<1x4x3x3x3xf32>
  // expected-remark @+1 {{fused linalg.conv_3d_ncdhw_fcdhw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_3d_ncdhw_fcdhw {dilations = dense<1> : vector<3xi64>, strides = dense<2> : vector<3xi64>} ins(%padded, %w : tensor<1x2x7x7x7xf32>, tensor<4x2x3x3x3xf32>) outs(%fill : tensor<1x4x3x3x3xf32>) -> tensor<1x4x3x3x3xf32>
  %0 = linalg.generic {indexing_maps = [#id5, #ncdhw_c, #ncdhw_c, #ncdhw_c, #ncdhw_c, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x3x3x3xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x3x3x3xf32>
  return %0 : tensor<1x4x3x3x3xf32>
}

// 3-D convolution, NDHWC/DHWCF, dilation 2, BN read through (d4).
// CHECK-LABEL: func.func @conv_3d_ndhwc_dhwcf(
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune ndhwc_dhwcf %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) dilations = [2, 2, 2] epsilon = 9.9999997473787516E-6 : tensor<1x6x6x6x2xf32>, tensor<2x2x2x2x4xf32>, tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @conv_3d_ndhwc_dhwcf(%x: tensor<1x6x6x6x2xf32>, %w: tensor<2x2x2x2x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x4x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4x4xf32>) -> tensor<1x4x4x4x4xf32>
  // expected-remark @+1 {{fused linalg.conv_3d_ndhwc_dhwcf and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_3d_ndhwc_dhwcf {dilations = dense<2> : tensor<3xi64>, strides = dense<1> : tensor<3xi64>} ins(%x, %w : tensor<1x6x6x6x2xf32>, tensor<2x2x2x2x4xf32>) outs(%fill : tensor<1x4x4x4x4xf32>) -> tensor<1x4x4x4x4xf32>
  %0 = linalg.generic {indexing_maps = [#id5, #ndhwc_c, #ndhwc_c, #ndhwc_c, #ndhwc_c, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x4x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x4x4x4xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x4x4x4xf32>
  return %0 : tensor<1x4x4x4x4xf32>
}

// TOSA's layout dance around an NHWC conv: NCHW input transposed, conv, the
// result transposed back, BN on NCHW with 1xCx1x1 vectors read through
// (d0, d1, 0, 0) at batch 1 and a tensor<1xf32> eps read through (0).
// CHECK-LABEL: func.func @tosa_transposes(
// CHECK:         %[[T:.+]] = linalg.transpose ins(%arg0
// CHECK:         %[[Y:.+]] = convbn.conv_bn tune nhwc_fhwc %[[T]], %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 9.9999997473787516E-6 : tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
// CHECK:         %[[O:.+]] = linalg.transpose ins(%[[Y]]
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[O]]
func.func @tosa_transposes(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant dense<9.99999974E-6> : tensor<1xf32>
  %et = tensor.empty() : tensor<1x8x8x3xf32>
  %xt = linalg.transpose ins(%x : tensor<1x3x8x8xf32>) outs(%et : tensor<1x8x8x3xf32>) permutation = [0, 2, 3, 1]
  %e = tensor.empty() : tensor<1x6x6x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nhwc_fhwc and 5 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xt, %w : tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %eo = tensor.empty() : tensor<1x4x6x6xf32>
  %ct = linalg.transpose ins(%conv : tensor<1x6x6x4xf32>) outs(%eo : tensor<1x4x6x6xf32>) permutation = [0, 3, 1, 2]
  %e1 = tensor.empty() : tensor<4xf32>
  %ve = linalg.generic {indexing_maps = [#v0, #v, #v], iterator_types = ["parallel"]} ins(%eps, %v : tensor<1xf32>, tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%ep: f32, %in: f32, %out: f32):
    %s = arith.addf %ep, %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%ve : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.rsqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %m4 = tensor.expand_shape %m [[0, 1, 2, 3]] output_shape [1, 4, 1, 1] : tensor<4xf32> into tensor<1x4x1x1xf32>
  %r4 = tensor.expand_shape %r [[0, 1, 2, 3]] output_shape [1, 4, 1, 1] : tensor<4xf32> into tensor<1x4x1x1xf32>
  %g4 = tensor.expand_shape %g [[0, 1, 2, 3]] output_shape [1, 4, 1, 1] : tensor<4xf32> into tensor<1x4x1x1xf32>
  %b4 = tensor.expand_shape %b [[0, 1, 2, 3]] output_shape [1, 4, 1, 1] : tensor<4xf32> into tensor<1x4x1x1xf32>
  %0 = linalg.generic {indexing_maps = [#id4, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%ct, %m4 : tensor<1x4x6x6xf32>, tensor<1x4x1x1xf32>) outs(%eo : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.subf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %1 = linalg.generic {indexing_maps = [#id4, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %r4 : tensor<1x4x6x6xf32>, tensor<1x4x1x1xf32>) outs(%eo : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %2 = linalg.generic {indexing_maps = [#id4, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %g4 : tensor<1x4x6x6xf32>, tensor<1x4x1x1xf32>) outs(%eo : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %3 = linalg.generic {indexing_maps = [#id4, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %b4 : tensor<1x4x6x6xf32>, tensor<1x4x1x1xf32>) outs(%eo : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.addf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  return %3 : tensor<1x4x6x6xf32>
}

// Normalisation by sqrt(variance) with no epsilon: a batch norm with epsilon
// 0, as the frozen batch norms of pretrained detectors are (a zero variance
// then gives the non-finite contract of docs/design.md).
// CHECK-LABEL: func.func @zero_epsilon(
// CHECK:         convbn.conv_bn tune nchw_fchw %arg0, %arg1 mean(%arg2) variance(%arg3) epsilon = 0.000000e+00 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
func.func @zero_epsilon(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn tune}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %r = math.rsqrt %vv : f32
    %n = arith.mulf %c, %r : f32
    linalg.yield %n : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}
