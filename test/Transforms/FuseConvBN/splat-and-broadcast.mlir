// RUN: convbn-opt %s --fuse-convbn=remarks=true -verify-diagnostics | FileCheck %s
// RUN: %exec-compare %s --func fresh_bn "--passes=--fuse-convbn" | FileCheck %s --check-prefix=EXEC
// RUN: %exec-compare %s --func one_channel "--passes=--fuse-convbn" | FileCheck %s --check-prefix=EXEC
// RUN: %exec-compare %s --func broadcast_vectors "--passes=--fuse-convbn" | FileCheck %s --check-prefix=EXEC
// RUN: %exec-compare %s --func no_mean "--passes=--fuse-convbn" | FileCheck %s --check-prefix=EXEC
// EXEC: values agree

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// A freshly initialised BN (mean 0, variance 1, scale 1, offset 0): splat
// constants read per channel are per-channel vectors, not scalars.
// CHECK-LABEL: func.func @fresh_bn
// CHECK: convbn.conv_bn deploy nchw_fchw %{{.*}}, %{{.*}} scale(%[[ONE:.*]]) offset(%[[ZERO:.*]]) mean(%[[ZERO]]) variance(%[[ONE]]) epsilon = 0.0010000000474974513
func.func @fresh_bn(%x: tensor<1x2x6x6xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<3x2x3x3xf32>
  %zero = arith.constant dense<0.0> : tensor<3xf32>
  %one = arith.constant dense<1.0> : tensor<3xf32>
  %c0 = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-3 : f32
  %e = tensor.empty() : tensor<1x3x4x4xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  // expected-remark @below {{fused}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>) outs(%f : tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #ch, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %zero, %one, %one, %zero : tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) outs(%e : tensor<1x3x4x4xf32>) {
  ^bb0(%in: f32, %mean: f32, %var: f32, %gamma: f32, %beta: f32, %out: f32):
    %0 = arith.subf %in, %mean : f32
    %1 = arith.addf %var, %eps : f32
    %2 = math.sqrt %1 : f32
    %3 = arith.divf %0, %2 : f32
    %4 = arith.mulf %3, %gamma : f32
    %5 = arith.addf %4, %beta : f32
    linalg.yield %5 : f32
  } -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}


// One output channel: the [1] vectors are read along the channel dimension.
// CHECK-LABEL: func.func @one_channel
// CHECK: convbn.conv_bn tune nchw_fchw
func.func @one_channel(%x: tensor<1x2x6x6xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x1x4x4xf32> {
  %m = arith.constant dense<[0.25]> : tensor<1xf32>
  %v = arith.constant dense<[0.8]> : tensor<1xf32>
  %c0 = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  // expected-remark @below {{fused}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x6x6xf32>, tensor<1x2x3x3xf32>) outs(%f : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %m, %v : tensor<1x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>) outs(%e : tensor<1x1x4x4xf32>) {
  ^bb0(%in: f32, %mean: f32, %var: f32, %out: f32):
    %0 = arith.subf %in, %mean : f32
    %1 = arith.addf %var, %eps : f32
    %2 = math.rsqrt %1 : f32
    %3 = arith.mulf %0, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}


// Vectors broadcast to the whole output by linalg.broadcast and read
// elementwise (StableHLO before elementwise fusion).
// CHECK-LABEL: func.func @broadcast_vectors
// CHECK: convbn.conv_bn tune nhwc_hwcf %{{.*}}, %{{.*}} scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5)
func.func @broadcast_vectors(%x: tensor<1x6x6x2xf32>, %w: tensor<3x3x2x4xf32>, %g: tensor<4xf32>,
                             %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %c0 = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  // expected-remark @below {{fused}}
  %conv = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x6x6x2xf32>, tensor<3x3x2x4xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) dimensions = [0, 1, 2]
  %vb = linalg.broadcast ins(%v : tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) dimensions = [0, 1, 2]
  %gb = linalg.broadcast ins(%g : tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) dimensions = [0, 1, 2]
  %bb = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) dimensions = [0, 1, 2]
  %y = linalg.generic {indexing_maps = [#id, #id, #id, #id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %mb, %vb, %gb, %bb : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %mean: f32, %var: f32, %gamma: f32, %beta: f32, %out: f32):
    %0 = arith.addf %var, %eps : f32
    %1 = math.sqrt %0 : f32
    %2 = arith.subf %in, %mean : f32
    %3 = arith.mulf %2, %gamma : f32
    %4 = arith.divf %3, %1 : f32
    %5 = arith.addf %4, %beta : f32
    linalg.yield %5 : f32
  } -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}


// A frontend that dropped a zero mean: y * scale / sqrt(var + eps) + offset.
// The fused op gets an explicit zero mean.
// CHECK-LABEL: func.func @no_mean
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK: convbn.conv_bn tune nchw_fchw {{.*}} mean(%[[ZERO]]) variance(%arg3)
func.func @no_mean(%x: tensor<1x2x6x6xf32>, %w: tensor<4x2x3x3xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %c0 = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  // expected-remark @below {{fused}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x6x6xf32>, tensor<4x2x3x3xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %g, %v : tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %gamma: f32, %var: f32, %out: f32):
    %0 = arith.addf %var, %eps : f32
    %1 = math.rsqrt %0 : f32
    %2 = arith.mulf %in, %gamma : f32
    %3 = arith.mulf %2, %1 : f32
    linalg.yield %3 : f32
  } -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}
