// RUN: convbn-opt %s --split-input-file --fuse-convbn=remarks=true -verify-each 2>&1 -o %t | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t
// RUN: not convbn-opt %s --split-input-file --lower-to-cpu -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOWER

// (The lowering pipelines reject such a convolution up front:
// LOWER: error: 'linalg.conv_2d_nchw_fchw' op operand #2 has size 0 in dimension 0 where operand #0 has 1 for the same loop
// LOWER: error: dimension 9223372036854775807 is out of range for a rank-4 value
// )

// linalg does not relate a convolution's batch size to its input's: here
// batch 1 in, batch 0 out. The fused op's output follows from its input, so
// the pair stays unfused (fusing it cast tensor<1x...> to tensor<0x...>,
// which does not verify; seed-7 campaign, case 11759).
#bc_id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bc_ch4 = affine_map<(d0, d1, d2, d3) -> (d1)>
// REMARK: contradicting-shapes.mlir:[[@LINE+7]]:11: remark: not fused: the convolution's result type tensor<0x2x3x3xf32> contradicts its operands (the fused op's would be tensor<1x2x3x3xf32>)
// CHECK-LABEL: func.func @batch_contradicts_input
// CHECK:       linalg.conv_2d_nchw_fchw
func.func @batch_contradicts_input(%x: tensor<1x3x5x5xf32>, %w: tensor<2x3x3x3xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<0x2x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<0x2x3x3xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<0x2x3x3xf32>) -> tensor<0x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x5x5xf32>, tensor<2x3x3x3xf32>) outs(%fill : tensor<0x2x3x3xf32>) -> tensor<0x2x3x3xf32>
  %0 = linalg.generic {indexing_maps = [#bc_id4, #bc_ch4, #bc_ch4, #bc_id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<0x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<0x2x3x3xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %eps = arith.constant 1.0e-5 : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    linalg.yield %n : f32
  } -> tensor<0x2x3x3xf32>
  return %0 : tensor<0x2x3x3xf32>
}

// -----

// A tensor.dim of the convolution result at an index past its rank (valid
// IR, an undefined result) used to crash the matcher.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
// REMARK: contradicting-shapes.mlir:[[@LINE+7]]:11: remark: not fused: a tensor.dim of the batch norm reads dimension 9223372036854775807 of a rank-4 tensor
func.func @dim_past_rank(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x4x6x6xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3x8x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x4x6x6xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  %big = arith.constant 9223372036854775807 : index
  %d = tensor.dim %conv, %big : tensor<?x4x6x6xf32>
  %e2 = tensor.empty(%d) : tensor<?x4x6x6xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #c4, #c4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v : tensor<?x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e2 : tensor<?x4x6x6xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %eps = arith.constant 1.0e-5 : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %c, %r : f32
    linalg.yield %nn : f32
  } -> tensor<?x4x6x6xf32>
  return %0 : tensor<?x4x6x6xf32>
}
