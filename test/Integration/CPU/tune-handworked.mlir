// RUN: convbn-opt %s --lower-to-cpu | %run-cpu | FileCheck %s

// tune mode and the run-time convbn.fold_weights, on values worked out by
// hand from the formulas (s = scale / sqrt(variance + eps)):
//   z = conv(x, w * s) + (bias - mean) * s + offset
//     = (conv(x, w) + bias - mean) * s + offset.
//
// @tune: nchw_fchw, x = [[1, 2], [3, 4]] (1 channel), w = [1, 2] (1x1 kernels),
// bias = [1, -1], scale = [6, 1], offset = [0.5, 0], mean = [1, 1],
// variance = [8, 0], eps = 1, padding = [1, 0, 0, 0] (one zero row on top):
//   s = [6 / sqrt(9), 1 / sqrt(1)] = [2, 1]
//   channel 0: (x + 1 - 1) * 2 + 0.5 = 2x + 0.5; padded row (x = 0): 0.5
//   channel 1: (2x - 1 - 1) * 1 + 0 = 2x - 2;    padded row (x = 0): -2
// The same in f16 data with f32 BN parameters gives the same numbers (all of
// them are exact in f16).
//
// @fold: fold_weights nhwc_hwcm of a 1x1x2x2 filter w[0, 0, c, m] =
// [[1, 2], [3, 4]]; the output channels are numbered c * 2 + m, so with
// scale = [1, 2, 3, 4], variance = [0, 0, 0, 0], eps = 1 (s = [1, 2, 3, 4]):
//   folded filter = [[1 * 1, 2 * 2], [3 * 3, 4 * 4]] = [[1, 4], [9, 16]]
// and with no bias, mean = [1, 1, 1, 1], offset = [0.5, 0, 0, -1]:
//   folded bias = -mean * s + offset = [-0.5, -2, -3, -5].

func.func private @printMemrefF32(memref<*xf32>) attributes { llvm.emit_c_interface }

func.func @print4d(%t: tensor<1x2x3x2xf32>) {
  %buf = bufferization.to_buffer %t : tensor<1x2x3x2xf32> to memref<1x2x3x2xf32>
  %u = memref.cast %buf : memref<1x2x3x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @tune() {
  %x = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %g = arith.constant dense<[6.0, 1.0]> : tensor<2xf32>
  %o = arith.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %m = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %v = arith.constant dense<[8.0, 0.0]> : tensor<2xf32>
  %z = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<2xf32>) scale(%g) offset(%o) mean(%m) variance(%v)
         padding = [1, 0, 0, 0] epsilon = 1.0 : tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>
  call @print4d(%z) : (tensor<1x2x3x2xf32>) -> ()

  // f16 data and bias, f32 BN parameters.
  %xh = arith.truncf %x : tensor<1x1x2x2xf32> to tensor<1x1x2x2xf16>
  %wh = arith.truncf %w : tensor<2x1x1x1xf32> to tensor<2x1x1x1xf16>
  %bh = arith.truncf %b : tensor<2xf32> to tensor<2xf16>
  %zh = convbn.conv_bn tune nchw_fchw %xh, %wh bias(%bh : tensor<2xf16>) scale(%g) offset(%o) mean(%m) variance(%v)
          padding = [1, 0, 0, 0] epsilon = 1.0 : tensor<1x1x2x2xf16>, tensor<2x1x1x1xf16>, tensor<2xf32>
  %zw = arith.extf %zh : tensor<1x2x3x2xf16> to tensor<1x2x3x2xf32>
  call @print4d(%zw) : (tensor<1x2x3x2xf32>) -> ()
  return
}

func.func @fold() {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %g = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %o = arith.constant dense<[0.5, 0.0, 0.0, -1.0]> : tensor<4xf32>
  %m = arith.constant dense<[1.0, 1.0, 1.0, 1.0]> : tensor<4xf32>
  %v = arith.constant dense<[0.0, 0.0, 0.0, 0.0]> : tensor<4xf32>
  %fw, %fb = convbn.fold_weights nhwc_hwcm %w scale(%g) offset(%o) mean(%m) variance(%v) epsilon = 1.0
               : tensor<1x1x2x2xf32>, tensor<4xf32>
  %bw = bufferization.to_buffer %fw : tensor<1x1x2x2xf32> to memref<1x1x2x2xf32>
  %uw = memref.cast %bw : memref<1x1x2x2xf32> to memref<*xf32>
  call @printMemrefF32(%uw) : (memref<*xf32>) -> ()
  %bb = bufferization.to_buffer %fb : tensor<4xf32> to memref<4xf32>
  %ub = memref.cast %bb : memref<4xf32> to memref<*xf32>
  call @printMemrefF32(%ub) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  call @tune() : () -> ()
  call @fold() : () -> ()
  return
}

// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[0.5, 0.5],
// CHECK-NEXT:    [2.5, 4.5],
// CHECK-NEXT:    [6.5, 8.5]],
// CHECK-NEXT:   {{\[}}[-2, -2],
// CHECK-NEXT:    [0, 2],
// CHECK-NEXT:    [4, 6]]]]

// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[0.5, 0.5],
// CHECK-NEXT:    [2.5, 4.5],
// CHECK-NEXT:    [6.5, 8.5]],
// CHECK-NEXT:   {{\[}}[-2, -2],
// CHECK-NEXT:    [0, 2],
// CHECK-NEXT:    [4, 6]]]]

// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[1, 4],
// CHECK-NEXT:    [9, 16]]]]

// CHECK:      data =
// CHECK-NEXT: [-0.5, -2, -3, -5]
