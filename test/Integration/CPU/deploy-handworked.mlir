// RUN: convbn-opt %s --lower-to-cpu | %run-cpu | FileCheck %s
// RUN: convbn-opt %s --convert-convbn-to-linalg | FileCheck %s --check-prefix=IR

// deploy mode on values worked out by hand. All parameters are constants, so
// the fold happens at compile time (the IR RUN line checks the folded
// constants and that no run-time normalisation is left).
//
// nhwc_hwc (depthwise), x[0, h, w, :] =
//   h = 0: (1, 10) (2, 20) (3, 30)
//   h = 1: (4, 40) (5, 50) (6, 60)
// filter (1x1 kernel) = [2, 0.5], no bias, no scale, offset = [1, -1],
// mean = [2, 10], variance = [3, 15], eps = 1, strides = [1, 2] (columns 0, 2):
//   s = [1 / sqrt(4), 1 / sqrt(16)] = [0.5, 0.25]
//   folded filter = [2 * 0.5, 0.5 * 0.25] = [1, 0.125]
//   folded bias = (0 - mean) * s + offset = [-1 + 1, -2.5 - 1] = [0, -3.5]
//   channel 0: z = x           -> 1, 3 (h = 0); 4, 6 (h = 1)
//   channel 1: z = x / 8 - 3.5 -> -2.25, 0.25 (h = 0); 1.5, 4 (h = 1)
// The f16 version (f16 data and parameters) gives the same, exact numbers.

func.func private @printMemrefF32(memref<*xf32>) attributes { llvm.emit_c_interface }

func.func @deploy_f32(%x: tensor<1x2x3x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[2.0, 0.5]]]> : tensor<1x1x2xf32>
  %o = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = arith.constant dense<[2.0, 10.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 15.0]> : tensor<2xf32>
  %z = convbn.conv_bn deploy nhwc_hwc %x, %w offset(%o) mean(%m) variance(%v) strides = [1, 2] epsilon = 1.0
         : tensor<1x2x3x2xf32>, tensor<1x1x2xf32>, tensor<2xf32>
  return %z : tensor<1x2x2x2xf32>
}

func.func @deploy_f16(%x: tensor<1x2x3x2xf16>) -> tensor<1x2x2x2xf16> {
  %w = arith.constant dense<[[[2.0, 0.5]]]> : tensor<1x1x2xf16>
  %o = arith.constant dense<[1.0, -1.0]> : tensor<2xf16>
  %m = arith.constant dense<[2.0, 10.0]> : tensor<2xf16>
  %v = arith.constant dense<[3.0, 15.0]> : tensor<2xf16>
  %z = convbn.conv_bn deploy nhwc_hwc %x, %w offset(%o) mean(%m) variance(%v) strides = [1, 2] epsilon = 1.0
         : tensor<1x2x3x2xf16>, tensor<1x1x2xf16>, tensor<2xf16>
  return %z : tensor<1x2x2x2xf16>
}

func.func @print(%t: tensor<1x2x2x2xf32>) {
  %buf = bufferization.to_buffer %t : tensor<1x2x2x2xf32> to memref<1x2x2x2xf32>
  %u = memref.cast %buf : memref<1x2x2x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[[[[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]],
                              [[4.0, 40.0], [5.0, 50.0], [6.0, 60.0]]]]> : tensor<1x2x3x2xf32>
  %z = call @deploy_f32(%x) : (tensor<1x2x3x2xf32>) -> tensor<1x2x2x2xf32>
  call @print(%z) : (tensor<1x2x2x2xf32>) -> ()
  %xh = arith.truncf %x : tensor<1x2x3x2xf32> to tensor<1x2x3x2xf16>
  %zh = call @deploy_f16(%xh) : (tensor<1x2x3x2xf16>) -> tensor<1x2x2x2xf16>
  %zw = arith.extf %zh : tensor<1x2x2x2xf16> to tensor<1x2x2x2xf32>
  call @print(%zw) : (tensor<1x2x2x2xf32>) -> ()
  return
}

// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[1, -2.25],
// CHECK-NEXT:    [3, 0.25]],
// CHECK-NEXT:   {{\[}}[4, 1.5],
// CHECK-NEXT:    [6, 4]]]]

// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[1, -2.25],
// CHECK-NEXT:    [3, 0.25]],
// CHECK-NEXT:   {{\[}}[4, 1.5],
// CHECK-NEXT:    [6, 4]]]]

// IR-LABEL: func.func @deploy_f32(
// IR-NOT:   math.sqrt
// IR-DAG:   arith.constant dense<{{\[\[\[}}1.000000e+00, 1.250000e-01]]]> : tensor<1x1x2xf32>
// IR-DAG:   arith.constant dense<[0.000000e+00, -3.500000e+00]> : tensor<2xf32>
// IR:       linalg.depthwise_conv_2d_nhwc_hwc
// IR-SAME:  strides = dense<[1, 2]>
// IR-NOT:   math.sqrt
// IR:       return

// IR-LABEL: func.func @deploy_f16(
// IR-NOT:   math.sqrt
// IR-DAG:   arith.constant dense<{{\[\[\[}}1.000000e+00, 1.250000e-01]]]> : tensor<1x1x2xf16>
// IR-DAG:   arith.constant dense<[0.000000e+00, -3.500000e+00]> : tensor<2xf16>
// IR:       linalg.depthwise_conv_2d_nhwc_hwc
// IR-NOT:   math.sqrt
// IR:       return
