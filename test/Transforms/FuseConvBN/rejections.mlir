// What fuse-convbn must leave alone: each function holds a conv followed by
// something that is not (or not only) an inference batch norm. The pass
// says why at the conv (-verify-diagnostics), creates no convbn op
// (FileCheck) and the program computes exactly what it did (exec-compare runs
// every function of the file as one module: the split markers are comments,
// and the chunks use inline affine maps, so nothing is defined twice).
//
// RUN: convbn-opt %s --fuse-convbn=remarks=true -verify-diagnostics -split-input-file | FileCheck %s --implicit-check-not=convbn
// convbn-opt --lower-to-cpu leaves a bufferization.clone behind when a function
// returns a value it also uses (@conv_has_another_user): exec-compare appends
// convert-bufferization-to-memref and the LLVM conversions after it.
// RUN: %exec-compare %s --all-funcs --passes=--fuse-convbn --rtol 0 --atol 0 --lower="--lower-to-cpu --convert-bufferization-to-memref --finalize-memref-to-llvm --convert-arith-to-llvm --reconcile-unrealized-casts"

// The conv result is also returned (and would be needed unnormalised).
// CHECK-LABEL: func.func @conv_has_another_user(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @conv_has_another_user(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: the convolution result has 2 users ('func.return' and 'linalg.generic')}}
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
  return %0, %conv : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>
}

// -----

// A "per-channel" vector read along a spatial dimension: (d0, d1, d2, d3) -> (d2).
// CHECK-LABEL: func.func @operand_indexed_by_spatial_dim(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @operand_indexed_by_spatial_dim(%x: tensor<1x3x8x8xf32>, %w: tensor<6x3x3x3xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x6x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x6x6x6xf32>) -> tensor<1x6x6x6xf32>
  // expected-remark @+1 {{not fused: operand #1 of the next op is indexed by a dimension other than the output channel}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<6x3x3x3xf32>) outs(%fill : tensor<1x6x6x6xf32>) -> tensor<1x6x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x6x6x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) outs(%e : tensor<1x6x6x6xf32>) {
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

// -----

// Training-mode BN written by hand: the mean and the (biased) variance are
// reductions over the conv output, then the usual normalisation with them.
// CHECK-LABEL: func.func @statistics_from_conv_output(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @statistics_from_conv_output(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %count = arith.constant 72.0 : f32
  %e = tensor.empty() : tensor<2x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  // expected-remark @+1 {{not fused: the batch statistics are computed from the convolution output (training-mode batch norm)}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%conv : tensor<2x4x6x6xf32>) outs(%z1 : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %mean = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%sum : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.divf %in, %count : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %sq = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%conv, %mean : tensor<2x4x6x6xf32>, tensor<4xf32>) outs(%z1 : tensor<4xf32>) {
  ^bb0(%in: f32, %mm: f32, %acc: f32):
    %d = arith.subf %in, %mm : f32
    %d2 = arith.mulf %d, %d : f32
    %s = arith.addf %acc, %d2 : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %var = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%sq : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.divf %in, %count : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %mean, %var, %g, %b : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<2x4x6x6xf32>
  return %0 : tensor<2x4x6x6xf32>
}

// -----

// A non-affine step (ReLU) between the conv and the BN.
// CHECK-LABEL: func.func @relu_before_bn(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @relu_before_bn(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: 'arith.select' in the body is not a per-channel affine operation}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv : tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %p = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %p, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%relu, %m, %v, %g, %b : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
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

// x * x is not affine in x (even though each factor alone would be).
// CHECK-LABEL: func.func @square_of_conv_output(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @square_of_conv_output(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: the body multiplies the convolution output by itself (not affine)}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %c = arith.subf %sq, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    linalg.yield %n : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// A per-channel affine map that is not a batch norm: no normalisation.
// (Only `not fused:` is checked: the reason given is the last op the chain
// walk stopped at, the return, rather than the missing normalisation.)
// CHECK-LABEL: func.func @affine_without_normalisation(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @affine_without_normalisation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: }}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %g, %b : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %gg: f32, %bb: f32, %out: f32):
    %s = arith.mulf %in, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// The conv accumulates into a full activation-sized tensor (a residual), not
// into zero or a per-channel bias.
// CHECK-LABEL: func.func @accumulates_into_activation(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @accumulates_into_activation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %res: tensor<1x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: the convolution accumulates into a tensor that is not zero or a per-channel bias}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%res : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    linalg.yield %n : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// The BN step reads its own output tensor (an accumulation, not a map).
// CHECK-LABEL: func.func @step_reads_its_output(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @step_reads_its_output(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %acc: tensor<1x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: the next op reads its output tensor}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) outs(%acc : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %y = arith.addf %n, %out : f32
    linalg.yield %y : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// No batch norm at all: the conv result is returned and max-pooled (a
// detection FPN's lateral conv). The remark says what follows; it used to
// claim training-mode statistics because the pooling op reduces.
// CHECK-LABEL: func.func @returned_and_pooled(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @returned_and_pooled(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x3x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: no batch norm follows: the convolution result feeds 'func.return' and 'linalg.pooling_nchw_max'}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %k = tensor.empty() : tensor<2x2xf32>
  %pe = tensor.empty() : tensor<1x4x3x3xf32>
  %pf = linalg.fill ins(%zero : f32) outs(%pe : tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %pool = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%conv, %k : tensor<1x4x6x6xf32>, tensor<2x2xf32>) outs(%pf : tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %conv, %pool : tensor<1x4x6x6xf32>, tensor<1x4x3x3xf32>
}

// -----

// No batch norm: a bias add, then a squeeze-excitation gate that reads the
// result twice (sigmoid and multiply). It used to be reported as "an
// intermediate result of the batch norm has more than one user".
// CHECK-LABEL: func.func @squeeze_excitation(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @squeeze_excitation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %bias: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-remark @+1 {{not fused: no batch norm follows: the result of the per-channel op after the convolution feeds 'linalg.generic' x2}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %biased = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %bias : tensor<1x4x6x6xf32>, tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %gate = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%biased : tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    %x1 = math.exp %n : f32
    %d = arith.addf %x1, %one : f32
    %s = arith.divf %one, %d : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%biased, %gate : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %g: f32, %out: f32):
    %s = arith.mulf %in, %g : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Training-mode statistics reduced one axis at a time (TOSA's reduce_sum
// over the batch first): the batch statistics are recognised as such.
// CHECK-LABEL: func.func @statistics_one_axis_at_a_time(
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @statistics_one_axis_at_a_time(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<2x4x6x6xf32>, tensor<4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  // expected-remark @+1 {{not fused: the batch statistics are computed from the convolution output (training-mode batch norm)}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%fill : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %se = tensor.empty() : tensor<4x6x6xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%se : tensor<4x6x6xf32>) -> tensor<4x6x6xf32>
  %sum = linalg.reduce ins(%conv : tensor<2x4x6x6xf32>) outs(%sf : tensor<4x6x6xf32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv : tensor<2x4x6x6xf32>) outs(%e : tensor<2x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<2x4x6x6xf32>
  return %0, %sum : tensor<2x4x6x6xf32>, tensor<4x6x6xf32>
}
