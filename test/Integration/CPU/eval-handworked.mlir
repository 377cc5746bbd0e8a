// RUN: convbn-opt %s --lower-to-cpu | %run-cpu | FileCheck %s

// eval mode on values worked out by hand from the formula
// z = (x * w - mean) * scale / sqrt(variance + eps) + offset, eps = 1:
//   channel 0: (x - 1) * 2 / sqrt(4) + 0.5 = x - 0.5
//   channel 1: (2x - 0) * 1 / sqrt(1) - 1  = 2x - 1

func.func private @printMemrefF32(memref<*xf32>) attributes { llvm.emit_c_interface }

func.func @main() {
  %x = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %g = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %m = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%b) mean(%m) variance(%v) epsilon = 1.0 : tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>
  %buf = bufferization.to_buffer %y : tensor<1x2x2x2xf32> to memref<1x2x2x2xf32>
  %u = memref.cast %buf : memref<1x2x2x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[0.5, 1.5],
// CHECK-NEXT:    [2.5, 3.5]],
// CHECK-NEXT:   {{\[}}[1, 3],
// CHECK-NEXT:    [5, 7]]]]
