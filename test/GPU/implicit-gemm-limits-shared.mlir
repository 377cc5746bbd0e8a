// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=tiles=1024,544,8,32,32 -verify-diagnostics

// A block has at most 48 KiB (49152 bytes) of static workgroup memory: two
// stages of (1024 + 544) x 8 floats are 100352 bytes.

func.func @conv(%x: tensor<1x4x6x6xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x8x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  // expected-error @+1 {{implicit-gemm tiles need 100352 bytes of workgroup memory, more than the 49152 a block may have statically}}
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>)
      outs(%fill : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}
