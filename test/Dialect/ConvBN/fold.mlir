// RUN: convbn-opt %s --canonicalize --split-input-file | FileCheck %s

// convbn.fold_weights with every operand constant folds to two
// arith.constants. With s = scale / sqrt(variance + epsilon) per output
// channel c:
//   folded_filter = filter * s[c]   (c read from the filter's output-channel
//                                    dimensions)
//   folded_bias   = (bias - mean) * s + offset
// The numbers in the CHECK lines are worked out by hand in the comments.

// s = [4 / sqrt(3 + 1), 1.5 / sqrt(8 + 1)] = [4 / 2, 1.5 / 3] = [2, 0.5]
// filter 2x1x1x2, channel = dimension 0:
//   [[1, 2], [3, -4]] * s -> [[1 * 2, 2 * 2], [3 * 0.5, -4 * 0.5]] = [[2, 4], [1.5, -2]]
// bias: [(1 - 3) * 2 + 0.5, (2 - 0) * 0.5 + -1] = [-3.5, 0]

// CHECK-LABEL: func.func @all_operands()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[2.000000e+00, 4.000000e+00]]], {{\[}}{{\[}}[1.500000e+00, -2.000000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-3.500000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK-NOT:     convbn.fold_weights
// CHECK:         return %[[W]], %[[B]]
func.func @all_operands() -> (tensor<2x1x1x2xf32>, tensor<2xf32>) {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, -4.0]]]]> : tensor<2x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %g = arith.constant dense<[4.0, 1.5]> : tensor<2xf32>
  %be = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %m = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %w2, %b2 = convbn.fold_weights nchw_fchw %w bias(%b : tensor<2xf32>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0 : tensor<2x1x1x2xf32>, tensor<2xf32>
  return %w2, %b2 : tensor<2x1x1x2xf32>, tensor<2xf32>
}

// -----

// No bias, scale or offset: they stand for 0, 1 and 0.
// s = [1 / sqrt(0 + 1), 1 / sqrt(15 + 1)] = [1, 0.25]
// filter: [[1, 2], [3, -4]] * s -> [[1, 2], [0.75, -1]]
// bias: [(0 - 1) * 1 + 0, (0 - -2) * 0.25 + 0] = [-1, 0.5]

// CHECK-LABEL: func.func @absent_bias_scale_offset()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00, 2.000000e+00]]], {{\[}}{{\[}}[7.500000e-01, -1.000000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-1.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK-NOT:     convbn.fold_weights
// CHECK:         return %[[W]], %[[B]]
func.func @absent_bias_scale_offset() -> (tensor<2x1x1x2xf32>, tensor<2xf32>) {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, -4.0]]]]> : tensor<2x1x1x2xf32>
  %m = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %v = arith.constant dense<[0.0, 15.0]> : tensor<2xf32>
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0 : tensor<2x1x1x2xf32>, tensor<2xf32>
  return %w2, %b2 : tensor<2x1x1x2xf32>, tensor<2xf32>
}

// -----

// Channels-last filter (hwcf): the output channel is the last dimension.
// s = [6 / sqrt(8 + 1), 3 / sqrt(8 + 1)] = [2, 1], so the all-ones 1x1x2x2
// filter becomes [2, 1] for each of the 2 input channels.
// bias: (0 - [1, 1]) * s + 0 = [-2, -1]

// CHECK-LABEL: func.func @channels_last()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[2.000000e+00, 1.000000e+00], [2.000000e+00, 1.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-2.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK:         return %[[W]], %[[B]]
func.func @channels_last() -> (tensor<1x1x2x2xf32>, tensor<2xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1x2x2xf32>
  %g = arith.constant dense<[6.0, 3.0]> : tensor<2xf32>
  %m = arith.constant dense<1.0> : tensor<2xf32>
  %v = arith.constant dense<8.0> : tensor<2xf32>
  %w2, %b2 = convbn.fold_weights nhwc_hwcf %w scale(%g) mean(%m) variance(%v) epsilon = 1.0 : tensor<1x1x2x2xf32>, tensor<2xf32>
  return %w2, %b2 : tensor<1x1x2x2xf32>, tensor<2xf32>
}

// -----

// Grouped (gfchw), 2 groups x 2 filters, 2 input channels per group, 1x1
// kernel. Output channels are numbered row-major over (group, filter):
// channel = g * 2 + f. With variance 0 and epsilon 1, s = scale = [1, 2, 3, 4]:
//   group 0: filter 0 * 1, filter 1 * 2; group 1: filter 0 * 3, filter 1 * 4
// so the all-ones filter becomes [[[1, 1], [2, 2]], [[3, 3], [4, 4]]] (each
// innermost pair being the 2 input channels).
// bias: (0 - 1) * s + [0, 0, 0, 10] = [-1, -2, -3, 6]

// CHECK-LABEL: func.func @grouped()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]]], {{\[}}{{\[}}[2.000000e+00]], {{\[}}[2.000000e+00]]]], {{\[}}{{\[}}{{\[}}[3.000000e+00]], {{\[}}[3.000000e+00]]], {{\[}}{{\[}}[4.000000e+00]], {{\[}}[4.000000e+00]]]]]> : tensor<2x2x2x1x1xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-1.000000e+00, -2.000000e+00, -3.000000e+00, 6.000000e+00]> : tensor<4xf32>
// CHECK:         return %[[W]], %[[B]]
func.func @grouped() -> (tensor<2x2x2x1x1xf32>, tensor<4xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x2x2x1x1xf32>
  %g = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %be = arith.constant dense<[0.0, 0.0, 0.0, 10.0]> : tensor<4xf32>
  %m = arith.constant dense<1.0> : tensor<4xf32>
  %v = arith.constant dense<0.0> : tensor<4xf32>
  %w2, %b2 = convbn.fold_weights ngchw_gfchw %w scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0 : tensor<2x2x2x1x1xf32>, tensor<4xf32>
  return %w2, %b2 : tensor<2x2x2x1x1xf32>, tensor<4xf32>
}

// -----

// Depthwise with a channel multiplier (hwcm), 2 channels x 3 multipliers, 1x1
// kernel: channel = c * 3 + m, so with s = scale = [1, 2, 3, 4, 5, 6] the
// all-ones filter becomes [[1, 2, 3], [4, 5, 6]] (not [[1, 3, 5], [2, 4, 6]]).
// bias: (0 - [1, 0, 0, 0, 0, 1]) * s = [-1, 0, 0, 0, 0, -6]

// CHECK-LABEL: func.func @channel_multiplier()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]]]> : tensor<1x1x2x3xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -6.000000e+00]> : tensor<6xf32>
// CHECK:         return %[[W]], %[[B]]
func.func @channel_multiplier() -> (tensor<1x1x2x3xf32>, tensor<6xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1x2x3xf32>
  %g = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %m = arith.constant dense<[1.0, 0.0, 0.0, 0.0, 0.0, 1.0]> : tensor<6xf32>
  %v = arith.constant dense<0.0> : tensor<6xf32>
  %w2, %b2 = convbn.fold_weights nhwc_hwcm %w scale(%g) mean(%m) variance(%v) epsilon = 1.0 : tensor<1x1x2x3xf32>, tensor<6xf32>
  return %w2, %b2 : tensor<1x1x2x3xf32>, tensor<6xf32>
}

// -----

// An f16 filter with f32 parameters: the fold is computed wide and rounded
// once to f16, the type of both results.
// s = [1 / sqrt(3 + 1), 1 / sqrt(0 + 1), 1 / sqrt(8 + 1)] = [0.5, 1, 1/3]
// filter [1, 3, 1] * s = [0.5, 3, 1/3]; 1/3 rounds to the f16 0x3555 =
// 1365 / 4096 = 0.333251953125, printed 3.332520e-01.
// bias: [(2 - 0.5) * 0.5 + 0.25, (1 - 0) * 1 - 0.5, (0 - 0) / 3 + 0]
//     = [1, 0.5, 0]

// CHECK-LABEL: func.func @f16_filter_f32_params()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[5.000000e-01]]], {{\[}}{{\[}}[3.000000e+00]]], {{\[}}{{\[}}[3.332520e-01]]]]> : tensor<3x1x1x1xf16>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[1.000000e+00, 5.000000e-01, 0.000000e+00]> : tensor<3xf16>
// CHECK:         return %[[W]], %[[B]]
func.func @f16_filter_f32_params() -> (tensor<3x1x1x1xf16>, tensor<3xf16>) {
  %w = arith.constant dense<[[[[1.0]]], [[[3.0]]], [[[1.0]]]]> : tensor<3x1x1x1xf16>
  %b = arith.constant dense<[2.0, 1.0, 0.0]> : tensor<3xf16>
  %be = arith.constant dense<[0.25, -0.5, 0.0]> : tensor<3xf32>
  %m = arith.constant dense<[0.5, 0.0, 0.0]> : tensor<3xf32>
  %v = arith.constant dense<[3.0, 0.0, 8.0]> : tensor<3xf32>
  %w2, %b2 = convbn.fold_weights nchw_fchw %w bias(%b : tensor<3xf16>) offset(%be) mean(%m) variance(%v) epsilon = 1.0 : tensor<3x1x1x1xf16>, tensor<3xf32>
  return %w2, %b2 : tensor<3x1x1x1xf16>, tensor<3xf16>
}

// -----

// The usual epsilon, 1e-5: s = 1 / sqrt(1 - 1e-5 + 1e-5) = 1 exactly, so the
// filter is unchanged and the bias is -mean.

// CHECK-LABEL: func.func @small_epsilon()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}[5.000000e-01, -2.500000e-01]]> : tensor<1x2xf64>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<-7.500000e-01> : tensor<1xf64>
// CHECK:         return %[[W]], %[[B]]
func.func @small_epsilon() -> (tensor<1x2xf64>, tensor<1xf64>) {
  %w = arith.constant dense<[[0.5, -0.25]]> : tensor<1x2xf64>
  %m = arith.constant dense<0.75> : tensor<1xf64>
  %v = arith.constant dense<0.99999> : tensor<1xf64>
  %w2, %b2 = convbn.fold_weights ncw_cw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x2xf64>, tensor<1xf64>
  return %w2, %b2 : tensor<1x2xf64>, tensor<1xf64>
}

// -----

// No fold unless every operand present is a constant: each op below has
// exactly one non-constant operand (a function argument).

// CHECK-LABEL: func.func @no_fold(
// CHECK-COUNT-7: convbn.fold_weights
// CHECK-NOT:     convbn.fold_weights
func.func @no_fold(%arg: tensor<2x1x1x1xf32>, %vec: tensor<2xf32>) -> (tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // filter
  %w0, %b0 = convbn.fold_weights nchw_fchw %arg bias(%c : tensor<2xf32>) scale(%c) offset(%c) mean(%c) variance(%c) epsilon = 1.0e-5 : tensor<2x1x1x1xf32>, tensor<2xf32>
  // bias
  %w1, %b1 = convbn.fold_weights nchw_fchw %w bias(%vec : tensor<2xf32>) scale(%c) offset(%c) mean(%c) variance(%c) epsilon = 1.0e-5 : tensor<2x1x1x1xf32>, tensor<2xf32>
  // scale
  %w2, %b2 = convbn.fold_weights nchw_fchw %w bias(%c : tensor<2xf32>) scale(%vec) offset(%c) mean(%c) variance(%c) epsilon = 1.0e-5 : tensor<2x1x1x1xf32>, tensor<2xf32>
  // offset
  %w3, %b3 = convbn.fold_weights nchw_fchw %w bias(%c : tensor<2xf32>) scale(%c) offset(%vec) mean(%c) variance(%c) epsilon = 1.0e-5 : tensor<2x1x1x1xf32>, tensor<2xf32>
  // mean
  %w4, %b4 = convbn.fold_weights nchw_fchw %w bias(%c : tensor<2xf32>) scale(%c) offset(%c) mean(%vec) variance(%c) epsilon = 1.0e-5 : tensor<2x1x1x1xf32>, tensor<2xf32>
  // variance
  %w5, %b5 = convbn.fold_weights nchw_fchw %w bias(%c : tensor<2xf32>) scale(%c) offset(%c) mean(%c) variance(%vec) epsilon = 1.0e-5 : tensor<2x1x1x1xf32>, tensor<2xf32>
  // variance, without the optional operands
  %w6, %b6 = convbn.fold_weights nchw_fchw %w mean(%c) variance(%vec) epsilon = 1.0e-5 : tensor<2x1x1x1xf32>, tensor<2xf32>
  return %w0, %b1, %b2, %b3, %b4, %b5, %b6 : tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// Weights in dense_resource blobs (as torch-mlir emits them) fold too: the
// blob holds the little-endian bits of each element. f16 [1, 2] (0x3C00,
// 0x4000) and f64 [1, 2].
// s = [1 / sqrt(3 + 1), 1 / sqrt(0 + 1)] = [0.5, 1]
// filter [1, 2] * s = [0.5, 2]; bias -mean * s = [-1 * 0.5, -5 * 1] = [-0.5, -5]

// CHECK-LABEL: func.func @resource_f16()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[5.000000e-01]]], {{\[}}{{\[}}[2.000000e+00]]]]> : tensor<2x1x1x1xf16>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-5.000000e-01, -5.000000e+00]> : tensor<2xf16>
// CHECK:         return %[[W]], %[[B]]
func.func @resource_f16() -> (tensor<2x1x1x1xf16>, tensor<2xf16>) {
  %w = arith.constant dense_resource<w16> : tensor<2x1x1x1xf16>
  %m = arith.constant dense<[1.0, 5.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0 : tensor<2x1x1x1xf16>, tensor<2xf32>
  return %w2, %b2 : tensor<2x1x1x1xf16>, tensor<2xf16>
}

// CHECK-LABEL: func.func @resource_f64()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[5.000000e-01]]], {{\[}}{{\[}}[2.000000e+00]]]]> : tensor<2x1x1x1xf64>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-5.000000e-01, -5.000000e+00]> : tensor<2xf64>
// CHECK:         return %[[W]], %[[B]]
func.func @resource_f64() -> (tensor<2x1x1x1xf64>, tensor<2xf64>) {
  %w = arith.constant dense_resource<w64> : tensor<2x1x1x1xf64>
  %m = arith.constant dense<[1.0, 5.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0 : tensor<2x1x1x1xf64>, tensor<2xf32>
  return %w2, %b2 : tensor<2x1x1x1xf64>, tensor<2xf64>
}

// An elided blob has no values: no fold.
// CHECK-LABEL: func.func @resource_elided()
// CHECK:         convbn.fold_weights
func.func @resource_elided() -> (tensor<2x1x1x1xf16>, tensor<2xf16>) {
  %w = arith.constant dense_resource<__elided__> : tensor<2x1x1x1xf16>
  %m = arith.constant dense<[1.0, 5.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0 : tensor<2x1x1x1xf16>, tensor<2xf32>
  return %w2, %b2 : tensor<2x1x1x1xf16>, tensor<2xf16>
}

{-#
  dialect_resources: {
    builtin: {
      w16: "0x02000000003C0040",
      w64: "0x08000000000000000000F03F0000000000000040"
    }
  }
#-}

// -----

// A splat filter of 2^31 elements with uniform channels folds to a splat
// without materialising anything (it once grew a vector of 2^31 doubles and
// aborted). s = 1 / sqrt(3 + 1) = 0.5; bias = -1 * 0.5.
// CHECK-LABEL: func.func @huge_splat()
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<1.250000e-01> : tensor<1048576x2048x1x1xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<-5.000000e-01> : tensor<1048576xf32>
// CHECK:         return %[[W]], %[[B]]
func.func @huge_splat() -> (tensor<1048576x2048x1x1xf32>, tensor<1048576xf32>) {
  %w = arith.constant dense<0.25> : tensor<1048576x2048x1x1xf32>
  %m = arith.constant dense<1.0> : tensor<1048576xf32>
  %v = arith.constant dense<3.0> : tensor<1048576xf32>
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0 : tensor<1048576x2048x1x1xf32>, tensor<1048576xf32>
  return %w2, %b2 : tensor<1048576x2048x1x1xf32>, tensor<1048576xf32>
}

// -----

// A splat filter of 2^31 elements whose channels differ would have to be
// materialised: above kMaxFoldedElements (2^24) the fold is left to run time.
// CHECK-LABEL: func.func @huge_not_splat()
// CHECK:         convbn.fold_weights
func.func @huge_not_splat() -> (tensor<2x1073741824x1xf32>, tensor<2xf32>) {
  %w = arith.constant dense<0.25> : tensor<2x1073741824x1xf32>
  %m = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %v = arith.constant dense<3.0> : tensor<2xf32>
  %w2, %b2 = convbn.fold_weights ncw_fcw %w mean(%m) variance(%v) epsilon = 1.0 : tensor<2x1073741824x1xf32>, tensor<2xf32>
  return %w2, %b2 : tensor<2x1073741824x1xf32>, tensor<2xf32>
}

// -----

// A channel whose scale is not finite folds to NaN, filter and bias (the
// contract of tune and deploy, docs/design.md): channel 0 has an infinite
// scale, channel 1 variance + epsilon = 0; channel 2 is ordinary
// (s = 2 / sqrt(3 + 1) = 1, bias = -mean = -1).
// CHECK-LABEL: func.func @non_finite_scale()
// CHECK-DAG:     arith.constant dense<{{\[}}{{\[}}[0x7FC00000], [0x7FC00000]], {{\[}}[0x7FC00000], [0x7FC00000]], {{\[}}[1.000000e+00], [2.000000e+00]]]> : tensor<3x2x1xf32>
// CHECK-DAG:     arith.constant dense<[0x7FC00000, 0x7FC00000, -1.000000e+00]> : tensor<3xf32>
func.func @non_finite_scale() -> (tensor<3x2x1xf32>, tensor<3xf32>) {
  %w = arith.constant dense<[[[1.0], [2.0]], [[1.0], [2.0]], [[1.0], [2.0]]]> : tensor<3x2x1xf32>
  %g = arith.constant dense<[0x7F800000, 1.0, 2.0]> : tensor<3xf32>
  %m = arith.constant dense<1.0> : tensor<3xf32>
  %v = arith.constant dense<[3.0, -1.0, 3.0]> : tensor<3xf32>
  %w2, %b2 = convbn.fold_weights ncw_fcw %w scale(%g) mean(%m) variance(%v) epsilon = 1.0 : tensor<3x2x1xf32>, tensor<3xf32>
  return %w2, %b2 : tensor<3x2x1xf32>, tensor<3xf32>
}
