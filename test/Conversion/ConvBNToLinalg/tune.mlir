// RUN: convbn-opt %s --convert-convbn-to-linalg --split-input-file | FileCheck %s
// RUN: convbn-opt %s -verify-each --lower-to-cpu --split-input-file -o /dev/null

// tune: the BN is folded into weight-sized data on every execution
// (fold_weights lowered to linalg.generics over the filter and per-channel
// vectors), then ONE convolution with the folded filter whose output is
// initialised with the folded bias. No linalg.generic reads or writes the
// activation after the convolution: its result is the op's result.

// CHECK-DAG:   #[[V1:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG:   #[[FCH:.+]] = affine_map<(d0, d1, d2, d3) -> (d0)>
// CHECK-LABEL: func.func @tune(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x3x3xf32>, %[[B:[^:]+]]: tensor<4xf32>, %[[G:[^:]+]]: tensor<4xf32>, %[[BE:[^:]+]]: tensor<4xf32>, %[[M:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>)
// CHECK-NOT:     convbn.
// s = scale / sqrt(variance + epsilon), per channel:
// CHECK:         %[[S:.+]] = linalg.generic {indexing_maps = [#[[V1]], #[[V1]], #[[V1]]], iterator_types = ["parallel"]} ins(%[[V]], %[[G]] : tensor<4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK:           math.sqrt
// CHECK-DAG:     %[[WF:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[FCH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[W]], %[[S]] : tensor<4x3x3x3xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<4x3x3x3xf32>)
// CHECK-DAG:     %[[BF:.+]] = linalg.generic {indexing_maps = [#[[V1]], #[[V1]], #[[V1]], #[[V1]], #[[V1]]], iterator_types = ["parallel"]} ins(%[[S]], %[[M]], %[[B]], %[[BE]] : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK-DAG:     %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[CH]], #[[ID]]], {{.*}}} ins(%[[BF]] : tensor<4xf32>) outs(%{{.+}} : tensor<?x4x4x4xf32>)
// CHECK-DAG:     %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[WF]] : tensor<?x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
// CHECK-NEXT:    return %[[CONV]] : tensor<?x4x4x4xf32>
func.func @tune(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<4xf32>) scale(%g) offset(%be) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x4x4xf32>
}

// The bodies of the two fold generics: filter * s, and
// (bias - mean) * s + offset.
// CHECK-LABEL: func.func @tune_fold_bodies(
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<4x3x3x3xf32>)
// CHECK-NEXT:    ^bb0(%[[WV:.+]]: f32, %[[SV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[P:.+]] = arith.mulf %[[WV]], %[[SV]] : f32
// CHECK-NEXT:      linalg.yield %[[P]] : f32
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[S:.+]]: f32, %[[MEAN:.+]]: f32, %[[BIAS:.+]]: f32, %[[OFF:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[D:.+]] = arith.subf %[[BIAS]], %[[MEAN]] : f32
// CHECK-NEXT:      %[[Q:.+]] = arith.mulf %[[D]], %[[S]] : f32
// CHECK-NEXT:      %[[R:.+]] = arith.addf %[[Q]], %[[OFF]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
func.func @tune_fold_bodies(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<4xf32>) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

// Without bias, scale, offset: the folded bias is -mean * s.

// CHECK-LABEL: func.func @tune_minimal(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x3x3xf32>, %[[M:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>)
// CHECK:         %[[S:.+]] = linalg.generic {{.*}} ins(%[[V]] : tensor<4xf32>)
// CHECK:         %[[WF:.+]] = linalg.generic {{.*}} ins(%[[W]], %[[S]] : tensor<4x3x3x3xf32>, tensor<4xf32>)
// CHECK:         %[[BF:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[M]] : tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[SV:.+]]: f32, %[[MEAN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[N:.+]] = arith.negf %[[MEAN]] : f32
// CHECK-NEXT:      %[[R:.+]] = arith.mulf %[[N]], %[[SV]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[BF]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X]], %[[WF]] : {{.*}}) outs(%[[INIT]] : tensor<2x4x6x6xf32>)
// CHECK-NEXT:    return %[[CONV]]
func.func @tune_minimal(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

// tune keeps folding at run time even when every parameter is a constant:
// the pass does not fold (that is deploy's promise, not tune's).

// CHECK-LABEL: func.func @tune_constants(
// CHECK:         math.sqrt
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<2x1x1x1xf32>)
// CHECK:         linalg.conv_2d_nchw_fchw
// CHECK-NEXT:    return
func.func @tune_constants(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %m = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0 : tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A filter with dynamic dimensions (the output channels are static: the
// per-channel vectors say how many): the folded filter's tensor takes its
// sizes from the filter. (Found by the fuzzer: the empty tensor had no
// dynamic sizes, which the verifier rejects.)
// CHECK-LABEL: func.func @fold_dynamic_filter(
// CHECK-SAME:      %[[W:[^:]+]]: tensor<4x?x?x?xf16>
// CHECK-DAG:     %[[D1:.+]] = tensor.dim %[[W]], %c1
// CHECK-DAG:     %[[D2:.+]] = tensor.dim %[[W]], %c2
// CHECK-DAG:     %[[D3:.+]] = tensor.dim %[[W]], %c3
// CHECK:         %[[E:.+]] = tensor.empty(%[[D1]], %[[D2]], %[[D3]]) : tensor<4x?x?x?xf16>
// CHECK:         linalg.generic {{.*}} ins(%[[W]], %{{.+}} : tensor<4x?x?x?xf16>, tensor<4xf32>) outs(%[[E]] : tensor<4x?x?x?xf16>)
func.func @fold_dynamic_filter(%w: tensor<4x?x?x?xf16>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<4x?x?x?xf16>, tensor<4xf16>) {
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x?x?x?xf16>, tensor<4xf32>
  return %w2, %b2 : tensor<4x?x?x?xf16>, tensor<4xf16>
}
