// RUN: convbn-opt %s --split-input-file --convbn-fold-zero-sized --canonicalize | FileCheck %s
// Computations on zero-sized tensors fold to what they would leave: the
// inits of a linalg op whose loop never runs, the destination of an empty
// insert_slice, tensor.empty for anything else.

// A convolution with no input channels sums nothing: its result is its init.
// CHECK-LABEL: func.func @no_input_channels
// CHECK-SAME:    %[[INIT:[a-z0-9]+]]: tensor<1x4x6x6xf32>
// CHECK-NOT:     linalg.conv
// CHECK:         return %[[INIT]]
func.func @no_input_channels(%x: tensor<1x0x8x8xf32>, %w: tensor<4x0x3x3xf32>, %init: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x0x8x8xf32>, tensor<4x0x3x3xf32>) outs(%init : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %conv : tensor<1x4x6x6xf32>
}

// -----

// A pad (an op with a region) of an empty batch is empty.
// CHECK-LABEL: func.func @empty_batch_pad
// CHECK-NOT:     tensor.pad
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<0x3x10x10xf32>
// CHECK:         return %[[E]]
func.func @empty_batch_pad(%x: tensor<0x3x8x8xf32>) -> tensor<0x3x10x10xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<0x3x8x8xf32> to tensor<0x3x10x10xf32>
  return %p : tensor<0x3x10x10xf32>
}

// -----

// CHECK-LABEL: func.func @empty_insert
// CHECK-SAME:    %{{.+}}: tensor<0x4xf32>, %[[DEST:.+]]: tensor<8x4xf32>
// CHECK-NOT:     tensor.insert_slice
// CHECK:         return %[[DEST]]
func.func @empty_insert(%src: tensor<0x4xf32>, %dest: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %r = tensor.insert_slice %src into %dest[3, 0] [0, 4] [1, 1] : tensor<0x4xf32> into tensor<8x4xf32>
  return %r : tensor<8x4xf32>
}

// -----

// Ops with effects, and non-empty results, stay.
// CHECK-LABEL: func.func @kept
// CHECK:         bufferization.materialize_in_destination
// CHECK:         linalg.fill
func.func @kept(%src: tensor<0x4xf32>, %out: memref<0x4xf32>, %f: f32) -> tensor<2xf32> {
  bufferization.materialize_in_destination %src in restrict writable %out : (tensor<0x4xf32>, memref<0x4xf32>) -> ()
  %e = tensor.empty() : tensor<2xf32>
  %r = linalg.fill ins(%f : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}
