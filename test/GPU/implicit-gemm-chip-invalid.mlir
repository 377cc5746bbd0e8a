// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=chip=gfx90a -verify-diagnostics

// Tensor cores are chosen per NVIDIA compute capability: anything else is
// rejected (lower-to-nvvm rejects it first, convbn-check-nvvm-target).

// expected-error @+1 {{implicit-gemm chip 'gfx90a' is not an NVIDIA compute capability (sm_XY)}}
func.func @conv(%x: tensor<1x16x6x6xf16>, %w: tensor<16x16x3x3xf16>) -> tensor<1x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x16x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x16x6x6xf16>, tensor<16x16x3x3xf16>)
      outs(%fill : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}
