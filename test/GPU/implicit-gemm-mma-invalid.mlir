// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=mma-tiles=64,64,32,24,32 -verify-diagnostics
// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=mma-tiles=64,64,32,64 -verify-diagnostics
// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=mma-tiles=64,48,32,32,32 -verify-diagnostics

// Malformed tensor-core tile overrides: an error at the function, before
// anything is rewritten (implicit-gemm-mma-limits-threads.mlir: tiles
// beyond a block's threads; implicit-gemm-chip-invalid.mlir: the target).

// expected-error @+1 {{implicit-gemm mma-tiles must be five sizes BM,BN,BK,WM,WN, multiples of 16, with WM dividing BM and WN dividing BN}}
func.func @conv(%x: tensor<1x16x6x6xf16>, %w: tensor<16x16x3x3xf16>) -> tensor<1x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x16x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x16x6x6xf16>, tensor<16x16x3x3xf16>)
      outs(%fill : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}
