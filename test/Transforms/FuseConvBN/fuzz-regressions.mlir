// Inputs utils/fuzz_convbn.py found fuse-convbn mishandling (a crash, then
// an op of the wrong output size), now fused correctly or left with a reason.
//
// RUN: convbn-opt %s --split-input-file --fuse-convbn=remarks=true -verify-each 2>&1 -o %t | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t
// RUN: %exec-compare %s --func conv_reads_prefix --passes=--fuse-convbn --rtol 1e-5 --atol 1e-6

// A linalg convolution may leave the end of its padded input unread (here 13
// padded positions, 10 windows of 3): the fused op drops the unread padding
// (high 1 -> 0) so that its output keeps the convolution's size.
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#c3 = affine_map<(d0, d1, d2) -> (d1)>
// REMARK: fuzz-regressions.mlir:[[@LINE+11]]:11: remark: fused linalg.conv_1d_ncw_fcw and 1 batch-norm ops into convbn.conv_bn tune
// CHECK-LABEL: func.func @conv_reads_prefix
// CHECK:       convbn.conv_bn tune ncw_fcw %arg0, %arg1 {{.*}} padding = [2, 0] {{.*}} : tensor<2x3x10xf32>, tensor<4x3x3xf32>, tensor<4xf32>
func.func @conv_reads_prefix(%x: tensor<2x3x10xf32>, %w: tensor<4x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x10xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 2] high[0, 0, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index):
    tensor.yield %zero : f32
  } : tensor<2x3x10xf32> to tensor<2x3x13xf32>
  %e = tensor.empty() : tensor<2x4x10xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x10xf32>) -> tensor<2x4x10xf32>
  %conv = linalg.conv_1d_ncw_fcw {dilations = dense<1> : vector<1xi64>, strides = dense<1> : vector<1xi64>} ins(%padded, %w : tensor<2x3x13xf32>, tensor<4x3x3xf32>) outs(%init : tensor<2x4x10xf32>) -> tensor<2x4x10xf32>
  %0 = linalg.generic {indexing_maps = [#id3, #c3, #c3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<2x4x10xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x10xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %eps = arith.constant 1.0e-5 : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    linalg.yield %n : f32
  } -> tensor<2x4x10xf32>
  return %0 : tensor<2x4x10xf32>
}

// -----

// More of the input itself unread than padding to drop: not expressible.
#id3_b = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#c3_b = affine_map<(d0, d1, d2) -> (d1)>
// REMARK: fuzz-regressions.mlir:[[@LINE+5]]:11: remark: not fused: the convolution reads only part of its input along dimension 2 (8 windows of 12 elements)
func.func @conv_reads_part_of_input(%x: tensor<2x3x12xf32>, %w: tensor<4x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %conv = linalg.conv_1d_ncw_fcw ins(%x, %w : tensor<2x3x12xf32>, tensor<4x3x3xf32>) outs(%init : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id3_b, #c3_b, #c3_b, #id3_b], iterator_types = ["parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<2x4x8xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x8xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %eps = arith.constant 1.0e-5 : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    linalg.yield %n : f32
  } -> tensor<2x4x8xf32>
  return %0 : tensor<2x4x8xf32>
}

// -----

// An output dimension of size 0 where the input has windows: the fused op
// would compute 4 (and a cast back to 0 would not verify). Zero-sized work
// is left to --convbn-fold-zero-sized.
#id4_z = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c4_z = affine_map<(d0, d1, d2, d3) -> (d1)>
// REMARK: fuzz-regressions.mlir:[[@LINE+5]]:11: remark: not fused: the convolution computes 0 outputs along dimension 2 where its input (6 elements) has 4 windows
func.func @conv_zero_output(%x: tensor<1x2x6x6xf32>, %w: tensor<3x2x3x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<1x3x0x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x0x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x0x4xf32>) -> tensor<1x3x0x4xf32>
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>) outs(%init : tensor<1x3x0x4xf32>) -> tensor<1x3x0x4xf32>
  %0 = linalg.generic {indexing_maps = [#id4_z, #c4_z, #c4_z, #id4_z], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<1x3x0x4xf32>, tensor<3xf32>, tensor<3xf32>) outs(%e : tensor<1x3x0x4xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %eps = arith.constant 1.0e-5 : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    linalg.yield %n : f32
  } -> tensor<1x3x0x4xf32>
  return %0 : tensor<1x3x0x4xf32>
}
