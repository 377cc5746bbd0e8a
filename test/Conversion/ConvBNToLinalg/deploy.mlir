// RUN: convbn-opt %s --convert-convbn-to-linalg --split-input-file | FileCheck %s

// deploy with constant parameters: the fold happens in the compiler. No fold
// arithmetic is left; the convolution reads a constant folded filter and its
// output is initialised with the constant folded bias.
//
// Worked out by hand, epsilon = 1:
//   s = [4 / sqrt(3 + 1), 1.5 / sqrt(8 + 1)] = [2, 0.5]
//   filter 2x1x1x2 [[1, 2], [3, -4]] -> [[2, 4], [1.5, -2]]
//   bias (b - mean) * s + offset = [(1 - 3) * 2 + 0.5, (2 - 0) * 0.5 - 1]
//                                = [-3.5, 0]
// The 8x8 input padded by 1 on each side, with a 1x2 kernel, gives 10x9.

// CHECK-LABEL: func.func @deploy_constants(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x1x8x8xf32>)
// CHECK-NOT:     math.sqrt
// CHECK-NOT:     convbn.
// CHECK-DAG:     %[[WF:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[2.000000e+00, 4.000000e+00]]], {{\[}}{{\[}}[1.500000e+00, -2.000000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK-DAG:     %[[BF:.+]] = arith.constant dense<[-3.500000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[BF]] : tensor<2xf32>) outs(%{{.+}} : tensor<?x2x10x9xf32>)
// CHECK-NEXT:    ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      linalg.yield %[[IN]] : f32
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[PAD]], %[[WF]] : tensor<?x1x10x10xf32>, tensor<2x1x1x2xf32>) outs(%[[INIT]] : tensor<?x2x10x9xf32>)
// CHECK-NEXT:    return %[[CONV]]
// CHECK-NOT:     math.sqrt
func.func @deploy_constants(%x: tensor<?x1x8x8xf32>) -> tensor<?x2x10x9xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, -4.0]]]]> : tensor<2x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %g = arith.constant dense<[4.0, 1.5]> : tensor<2xf32>
  %be = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %m = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %y = convbn.conv_bn deploy nchw_fchw %x, %w bias(%b : tensor<2xf32>) scale(%g) offset(%be) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0 : tensor<?x1x8x8xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>
  return %y : tensor<?x2x10x9xf32>
}

// -----

// Grouped, an f16 filter with f32 parameters, all constants: folded wide and
// rounded to f16. 2 groups x 1 filter, 1 channel per group, 1x1 kernel, so
// channel c = group g. Variance 0, epsilon 1, scale [0.5, 3]: s = [0.5, 3];
// the filter [2, 0.5] becomes [1, 1.5]. No bias or offset, mean [2, -1]:
// the folded bias is -mean * s = [-1, 3]. The per-channel bias is reshaped to
// (group, filter) to initialise the grouped conv's output.

// CHECK-LABEL: func.func @deploy_grouped_f16(
// CHECK-NOT:     math.sqrt
// CHECK-DAG:     %[[WF:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[1.000000e+00]]]], {{\[}}{{\[}}{{\[}}[1.500000e+00]]]]]> : tensor<2x1x1x1x1xf16>
// CHECK-DAG:     %[[BF:.+]] = arith.constant dense<[-1.000000e+00, 3.000000e+00]> : tensor<2xf16>
// CHECK:         %[[E:.+]] = tensor.expand_shape %[[BF]] {{\[}}[0, 1]] output_shape [2, 1] : tensor<2xf16> into tensor<2x1xf16>
// CHECK:         linalg.conv_2d_ngchw_gfchw {{.*}} ins(%{{.+}}, %[[WF]] :
func.func @deploy_grouped_f16(%x: tensor<1x2x1x4x4xf16>) -> tensor<1x2x1x4x4xf16> {
  %w = arith.constant dense<[[[[[2.0]]]], [[[[0.5]]]]]> : tensor<2x1x1x1x1xf16>
  %g = arith.constant dense<[0.5, 3.0]> : tensor<2xf32>
  %m = arith.constant dense<[2.0, -1.0]> : tensor<2xf32>
  %v = arith.constant dense<0.0> : tensor<2xf32>
  %y = convbn.conv_bn deploy ngchw_gfchw %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0 : tensor<1x2x1x4x4xf16>, tensor<2x1x1x1x1xf16>, tensor<2xf32>
  return %y : tensor<1x2x1x4x4xf16>
}

// -----

// deploy whose parameters are not constants still lowers, folding at run
// time exactly as tune does.

// CHECK-LABEL: func.func @deploy_arguments(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x3x3xf32>, %[[M:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>)
// CHECK:         %[[S:.+]] = linalg.generic {{.*}} ins(%[[V]] : tensor<4xf32>)
// CHECK:         %[[WF:.+]] = linalg.generic {{.*}} ins(%[[W]], %[[S]] : tensor<4x3x3x3xf32>, tensor<4xf32>)
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X]], %[[WF]] :
// CHECK-NEXT:    return %[[CONV]]
func.func @deploy_arguments(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
  %y = convbn.conv_bn deploy nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf32>
}
