// RUN: convbn-opt %s --convert-convbn-to-linalg --split-input-file | FileCheck %s

// tune: the filter gradient of the folded filter, dW' = conv_filter_grad(x,
// dz), is a generic over the filter's dimensions (parallel) reducing over the
// batch and the output positions; the filter and scale gradients are
// weight-sized work on it; the input gradient correlates the spread output
// gradient with the flipped folded filter, folded in the flip itself (no
// separate fold that CSE could share with the forward's and keep alive).
// Nothing reads an activation other than x and dz.
// The maps: x at o * stride + k, dz at o, dW' at the filter's loops; the flip.
// CHECK-DAG:   #[[XMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d1, d5 * 2 + d2, d6 * 2 + d3)>
// CHECK-DAG:   #[[DZMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d5, d6)>
// CHECK-DAG:   #[[WMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[FLIP:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, -d2 + 2, -d3 + 2)>
// CHECK-DAG:   #[[CHANNEL:.+]] = affine_map<(d0, d1, d2, d3) -> (d0)>
// CHECK-LABEL: func.func @tune(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x3x3xf32>, %[[DZ:[^:]+]]: tensor<2x4x4x4xf32>
// CHECK:         %[[SUMDZ:.+]] = linalg.generic {{.*}}iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[DZ]] : tensor<2x4x4x4xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK:         %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK:         %[[DWP:.+]] = linalg.generic {indexing_maps = [#[[XMAP]], #[[DZMAP]], #[[WMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[PADDED]], %[[DZ]] : tensor<2x3x9x9xf32>, tensor<2x4x4x4xf32>) outs(%{{.+}} : tensor<4x3x3x3xf32>)
// CHECK-NOT:     ins(%[[W]], %{{.+}} : tensor<4x3x3x3xf32>, tensor<4xf32>)
// CHECK:         %[[SPREAD:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<2x4x10x10xf32>)
// CHECK:           linalg.index
// CHECK:           tensor.extract %[[DZ]]
// CHECK:         %[[FLIPPED:.+]] = linalg.generic {indexing_maps = [#[[FLIP]], #[[CHANNEL]], #{{.+}}], {{.*}} ins(%[[W]], %[[S:.+]] : tensor<4x3x3x3xf32>, tensor<4xf32>)
// CHECK:           arith.mulf
// CHECK:         %[[DX:.+]] = linalg.generic {{.*}} ins(%[[SPREAD]], %[[FLIPPED]] : tensor<2x4x10x10xf32>, tensor<4x3x3x3xf32>) outs(%{{.+}} : tensor<2x3x8x8xf32>)
// CHECK:         %[[DW:.+]] = linalg.generic {{.*}} ins(%[[DWP]], %[[S]] : tensor<4x3x3x3xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<4x3x3x3xf32>)
// CHECK:         %[[DOT:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "reduction", "reduction"]} ins(%[[DWP]], %[[W]] : tensor<4x3x3x3xf32>, tensor<4x3x3x3xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK:         return %[[DX]], %[[DW]], %{{.+}}, %{{.+}} :
func.func @tune(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x4x4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) {
  %r:4 = convbn.conv_bn_backward tune nchw_fchw %x, %w grad(%dz) scale(%g) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 0, 0] epsilon = 1.0e-5 gradients(input, filter, scale, offset) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x4x4xf32>, tensor<4xf32>
  return %r#0, %r#1, %r#2, %r#3 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// eval: dY = dz * s (activation-sized, in f32 for f16 data); the scale's
// gradient reduces dz * (y - mean) over the kept convolution output y.
// CHECK-LABEL: func.func @eval_f16(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x8x8xf16>, %[[W:[^:]+]]: tensor<4x3x3x3xf16>, %[[DZ:[^:]+]]: tensor<2x4x6x6xf16>, %{{[^:]+}}: tensor<4xf32>, %{{[^:]+}}: tensor<4xf32>, %{{[^:]+}}: tensor<4xf32>, %[[Y:[^:]+]]: tensor<2x4x6x6xf16>
// CHECK:         %[[DY:.+]] = linalg.generic {{.*}} ins(%[[DZ]], %{{.+}} : tensor<2x4x6x6xf16>, tensor<4xf32>) outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK:         %[[DW:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %[[DY]] : tensor<2x3x8x8xf16>, tensor<2x4x6x6xf32>) outs(%{{.+}} : tensor<4x3x3x3xf32>)
// CHECK:         arith.truncf %{{.+}} : f32 to f16
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[DZ]], %[[Y]], %{{.+}} : tensor<2x4x6x6xf16>, tensor<2x4x6x6xf16>, tensor<4xf32>) outs(%{{.+}} : tensor<4xf32>)
func.func @eval_f16(%x: tensor<2x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %dz: tensor<2x4x6x6xf16>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %y: tensor<2x4x6x6xf16>) -> (tensor<4x3x3x3xf16>, tensor<4xf32>) {
  %r:2 = convbn.conv_bn_backward eval nchw_fchw %x, %w grad(%dz) scale(%g) mean(%m) variance(%v) conv_output(%y) epsilon = 1.0e-5 gradients(filter, scale) : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<2x4x6x6xf16>, tensor<4xf32>
  return %r#0, %r#1 : tensor<4x3x3x3xf16>, tensor<4xf32>
}

// -----

// The forward op's kept convolution output is the accumulator (with the
// bias), rounded to the output type.
// CHECK-LABEL: func.func @keep_conv_output(
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.*}} -> tensor<2x4x6x6xf32>
// CHECK:         %[[Y:.+]] = linalg.generic {{.*}} ins(%[[CONV]] : tensor<2x4x6x6xf32>) outs(%{{.+}} : tensor<2x4x6x6xf16>)
// CHECK:         %[[Z:.+]] = linalg.generic {{.*}} ins(%[[CONV]], {{.*}}) outs(%{{.+}} : tensor<2x4x6x6xf16>)
// CHECK:         return %[[Z]], %[[Y]]
func.func @keep_conv_output(%x: tensor<2x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x6x6xf16>, tensor<2x4x6x6xf16>) {
  %z, %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf16>) mean(%m) variance(%v) epsilon = 1.0e-5 keep_conv_output : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
  return %z, %y : tensor<2x4x6x6xf16>, tensor<2x4x6x6xf16>
}
