// Zero-sized work lowers to nothing (convbn-fold-zero-sized), on the CPU and
// the GPU, with every pass's output verified. utils/fuzz_convbn.py found
// both: bufferization turned the empty batch's pad into a memref.subview
// its verifier rejects ("offset 0 is out-of-bounds: 0 >= 0"), and the GPU
// pipeline's pad lowering did the same for an empty channel dimension.
//
// RUN: convbn-opt %s -verify-each --lower-to-cpu | FileCheck %s --check-prefix=CPU
// RUN: convbn-opt %s -verify-each --fuse-convbn --lower-to-nvvm | FileCheck %s --check-prefix=GPU

// CPU-LABEL: llvm.func @empty_batch_backward
// GPU-LABEL: llvm.func @empty_batch_backward
func.func @empty_batch_backward(%x: tensor<0x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<0x4x4x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<0x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %r:5 = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) bias(%b : tensor<4xf32>) scale(%g) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-5 gradients(input, filter, bias, scale, offset) : tensor<0x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<0x4x4x4xf32>, tensor<4xf32>
  return %r#0, %r#1, %r#2, %r#3, %r#4 : tensor<0x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CPU-LABEL: llvm.func @no_input_channels
// GPU-LABEL: llvm.func @no_input_channels
func.func @no_input_channels(%x: tensor<2x0x10xf32>, %w: tensor<4x0x3xf32>, %bias: tensor<4xf32>) -> tensor<2x4x11xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 2] high[0, 0, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index):
    tensor.yield %zero : f32
  } : tensor<2x0x10xf32> to tensor<2x0x13xf32>
  %e = tensor.empty() : tensor<2x4x11xf32>
  %init = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<2x4x11xf32>) dimensions = [0, 2]
  %conv = linalg.conv_1d_ncw_fcw {dilations = dense<1> : vector<1xi64>, strides = dense<1> : vector<1xi64>} ins(%padded, %w : tensor<2x0x13xf32>, tensor<4x0x3xf32>) outs(%init : tensor<2x4x11xf32>) -> tensor<2x4x11xf32>
  return %conv : tensor<2x4x11xf32>
}
