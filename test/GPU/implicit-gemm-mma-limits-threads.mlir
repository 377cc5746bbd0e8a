// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=mma-tiles=256,256,16,16,16 -verify-diagnostics

// A block has at most 1024 threads: 16 x 16 warps of 32 are 8192.

// expected-error @+1 {{implicit-gemm mma-tiles give 8192 threads per block, more than 1024}}
func.func @conv(%x: tensor<1x16x6x6xf16>, %w: tensor<16x16x3x3xf16>) -> tensor<1x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x16x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x16x6x6xf16>, tensor<16x16x3x3xf16>)
      outs(%fill : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}
