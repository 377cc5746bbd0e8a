// Deploy end to end: with every parameter a (dense) constant, --fuse-convbn
// picks deploy mode and --canonicalize folds the batch norm into the filter
// and the bias, leaving a plain linalg conv on new constants that
// accumulates into the broadcast folded bias: no normalisation arithmetic,
// no convbn op. The folded program computes what the original did.
//
// RUN: convbn-opt %s --fuse-convbn --canonicalize | FileCheck %s --implicit-check-not=convbn --implicit-check-not=math. --implicit-check-not=arith.mulf --implicit-check-not=arith.addf --implicit-check-not=arith.subf --implicit-check-not=arith.divf
// RUN: %exec-compare %s --all-funcs --passes="--fuse-convbn --canonicalize" --rtol 1e-5 --atol 1e-5

// Folded by hand (eps = 1): s = scale / sqrt(variance + 1) = [4/2, 3/3] = [2, 1];
// filter' = filter * s per output channel = [[2, 6], [2, -1]];
// bias' = (0 - mean) * s + offset = [-2 + 0.5, 0 - 1] = [-1.5, -1].
// CHECK-LABEL: func.func @folded_by_hand(
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}6.000000e+00]]], {{\[\[\[}}2.000000e+00]], {{\[\[}}-1.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[-1.500000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<2xf32>)
// CHECK-NEXT:    ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      linalg.yield %[[IN]] : f32
// CHECK:         %[[Y:.+]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%arg0, %[[W]] : tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) outs(%[[INIT]] : tensor<1x2x3x3xf32>)
// CHECK-NEXT:    return %[[Y]]
func.func @folded_by_hand(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = arith.constant dense<[[[[1.0]], [[3.0]]], [[[2.0]], [[-1.0]]]]> : tensor<2x2x1x1xf32>
  %g = arith.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %b = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %m = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) outs(%fill : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// torch-mlir's spelling on dense (not dense_resource) constants: bias in the
// conv's outs, padded 3x3 stride-2 conv, sub/mul/mul/add generics. The pad,
// strides and the folded bias survive; the constants are new.
// CHECK-LABEL: func.func @torch_spelling_folded(
// s = scale / sqrt(variance + 1e-5) = [1.26490, 0.61358, 2.37169];
// filter'[0,0,0,0] = 0.757 * 1.26490 = 0.95753;
// bias' = (bias - mean) * s + offset = [-0.42649, 0.33864, -0.66150].
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[\[\[\[}}0.95753{{[0-9]*}}, {{.+}}> : tensor<3x2x3x3xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[-0.42649{{[0-9]*}}, 0.33864{{[0-9]*}}, -0.66150{{[0-9]*}}]> : tensor<3xf32>
// CHECK-DAG:     %[[PAD:.+]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK-DAG:     %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>)
// CHECK:         %[[Y:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<1x2x10x10xf32>, tensor<3x2x3x3xf32>) outs(%[[INIT]] : tensor<1x3x4x4xf32>)
// CHECK-NEXT:    return %[[Y]]
func.func @torch_spelling_folded(%x: tensor<1x2x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[0.757, 0.892, 0.608], [0.037, -0.551, -0.88], [-0.795, -0.336, 0.28]], [[0.765, 0.89, 0.597], [0.022, -0.563, -0.883], [-0.788, -0.322, 0.295]]], [[[0.773, 0.888, 0.585], [0.007, -0.574, -0.886], [-0.78, -0.308, 0.309]], [[0.781, 0.886, 0.574], [-0.008, -0.586, -0.888], [-0.773, -0.294, 0.323]]], [[[0.788, 0.883, 0.562], [-0.023, -0.597, -0.891], [-0.765, -0.28, 0.337]], [[0.795, 0.88, 0.55], [-0.038, -0.609, -0.893], [-0.757, -0.265, 0.351]]]]> : tensor<3x2x3x3xf32>
  %bias = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %g = arith.constant dense<[1.2, 0.8, 1.5]> : tensor<3xf32>
  %b = arith.constant dense<[-0.3, 0.4, 0.05]> : tensor<3xf32>
  %m = arith.constant dense<[0.2, -0.1, 0.6]> : tensor<3xf32>
  %v = arith.constant dense<[0.9, 1.7, 0.4]> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f64
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x2x8x8xf32> to tensor<1x2x10x10xf32>
  %e = tensor.empty() : tensor<1x3x4x4xf32>
  %init = linalg.broadcast ins(%bias : tensor<3xf32>) outs(%e : tensor<1x3x4x4xf32>) dimensions = [0, 2, 3]
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded, %w : tensor<1x2x10x10xf32>, tensor<3x2x3x3xf32>) outs(%init : tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %e1 = tensor.empty() : tensor<3xf32>
  %ve = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%v : tensor<3xf32>) outs(%e1 : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.truncf %eps : f64 to f32
    %s = arith.addf %in, %t : f32
    linalg.yield %s : f32
  } -> tensor<3xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%ve : tensor<3xf32>) outs(%e1 : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.rsqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<3xf32>
  %m3 = tensor.expand_shape %m [[0, 1, 2]] output_shape [3, 1, 1] : tensor<3xf32> into tensor<3x1x1xf32>
  %r3 = tensor.expand_shape %r [[0, 1, 2]] output_shape [3, 1, 1] : tensor<3xf32> into tensor<3x1x1xf32>
  %g3 = tensor.expand_shape %g [[0, 1, 2]] output_shape [3, 1, 1] : tensor<3xf32> into tensor<3x1x1xf32>
  %b3 = tensor.expand_shape %b [[0, 1, 2]] output_shape [3, 1, 1] : tensor<3xf32> into tensor<3x1x1xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m3 : tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) outs(%e : tensor<1x3x4x4xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.subf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x3x4x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %r3 : tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) outs(%e : tensor<1x3x4x4xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x3x4x4xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %g3 : tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) outs(%e : tensor<1x3x4x4xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.mulf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x3x4x4xf32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %b3 : tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) outs(%e : tensor<1x3x4x4xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.addf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x3x4x4xf32>
  return %3 : tensor<1x3x4x4xf32>
}
