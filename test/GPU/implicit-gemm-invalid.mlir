// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=tiles=8,8,8,3,4 -verify-diagnostics
// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=tiles=8,8,8 -verify-diagnostics
// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=tiles=8,8,0,1,1 -verify-diagnostics

// Malformed tile overrides (implicit-gemm-limits-*.mlir: tiles beyond the
// GPU's limits).

// expected-error @+1 {{implicit-gemm tiles must be five positive sizes BM,BN,BK,TM,TN with TM dividing BM and TN dividing BN}}
func.func @conv(%x: tensor<1x4x6x6xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x8x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>)
      outs(%fill : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

