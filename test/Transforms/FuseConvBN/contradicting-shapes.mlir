// RUN: convbn-opt %s --fuse-convbn=remarks=true -verify-each 2>&1 -o %t | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t
// RUN: not convbn-opt %s --lower-to-cpu -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOWER

// (The lowering pipelines reject such a convolution up front:
// LOWER: error: 'linalg.conv_2d_nchw_fchw' op operand #2 has size 0 in dimension 0 where operand #0 has 1 for the same loop
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
