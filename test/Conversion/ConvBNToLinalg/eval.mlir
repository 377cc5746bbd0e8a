// RUN: convbn-opt %s --convert-convbn-to-linalg --split-input-file | FileCheck %s

// eval: the convolution (its output initialised with the conv bias), then ONE
// linalg.generic over the convolution's output that normalises it per
// channel: (y - mean) * s + offset with s = scale / sqrt(variance + epsilon)
// computed on per-channel vectors. Padding becomes a tensor.pad, strides
// and dilations go onto the linalg convolution.

// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @eval(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x3x3xf32>, %[[B:[^:]+]]: tensor<4xf32>, %[[G:[^:]+]]: tensor<4xf32>, %[[BE:[^:]+]]: tensor<4xf32>, %[[M:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>)
// CHECK-NOT:     convbn.
// The bias, broadcast along the output channel, initialises the conv output.
// CHECK-DAG:     %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[CH]], #[[ID]]], {{.*}}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<?x4x4x4xf32>)
// CHECK-DAG:     %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK-DAG:     } : tensor<?x3x8x8xf32> to tensor<?x3x10x10xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<?x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
// Nothing else touches an activation-sized tensor before the normalisation.
// CHECK-NOT:     tensor<?x4x4x4xf32>)
// CHECK:         %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[CONV]], %[[M]], %[[S:.+]], %[[BE]] : tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<?x4x4x4xf32>)
// CHECK-NEXT:    ^bb0(%[[Y:.+]]: f32, %[[MEAN:.+]]: f32, %[[SCALE:.+]]: f32, %[[OFF:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[D:.+]] = arith.subf %[[Y]], %[[MEAN]] : f32
// CHECK-NEXT:      %[[P:.+]] = arith.mulf %[[D]], %[[SCALE]] : f32
// CHECK-NEXT:      %[[Z:.+]] = arith.addf %[[P]], %[[OFF]] : f32
// CHECK-NEXT:      linalg.yield %[[Z]] : f32
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[OUT]] : tensor<?x4x4x4xf32>
func.func @eval(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf32>) scale(%g) offset(%be) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<?x4x4x4xf32>
}

// The per-channel scale s is computed on weight-sized vectors:
// CHECK-LABEL: func.func @eval_scale(
// CHECK-SAME:      %[[G:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>)
// CHECK-DAG:     %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
// CHECK:         linalg.generic {{.*}} ins(%[[V]], %[[G]] : tensor<4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[VAR:.+]]: f32, %[[GAMMA:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[A:.+]] = arith.addf %[[VAR]], %[[EPS]] : f32
// CHECK-NEXT:      %[[R:.+]] = math.sqrt %[[A]] : f32
// CHECK-NEXT:      %[[Q:.+]] = arith.divf %[[GAMMA]], %[[R]] : f32
// CHECK-NEXT:      linalg.yield %[[Q]] : f32
func.func @eval_scale(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) mean(%v) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

// No bias: the conv output starts from zeros. No scale: s = 1 / sqrt(var + eps).
// No offset: nothing is added.

// CHECK-LABEL: func.func @eval_minimal(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x3x3xf32>, %[[M:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>)
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:         %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK-NOT:     tensor.pad
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[X]], %[[W]] : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%[[FILL]] : tensor<2x4x6x6xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[V]] : tensor<4xf32>)
// CHECK:           math.sqrt
// CHECK-NEXT:      arith.divf %[[ONE]], %{{.+}} : f32
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], %[[M]], %{{[^ ]+}} : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.subf
// CHECK-NEXT:      %[[Z:.+]] = arith.mulf
// CHECK-NEXT:      linalg.yield %[[Z]] : f32
// CHECK:         return %[[OUT]]
func.func @eval_minimal(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

// Dynamic spatial sizes: the output's are computed from the input's,
// (in + lo + hi - window) / stride + 1, here (h + 2 - 5) / 2 + 1 with the
// dilated window 2 * (3 - 1) + 1 = 5.

// CHECK-LABEL: func.func @eval_dynamic_spatial(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<1x3x?x8xf32>
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:     %[[CM3:.+]] = arith.constant -3 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK:         %[[H:.+]] = tensor.dim %[[X]], %[[C2]] : tensor<1x3x?x8xf32>
// CHECK:         %[[T:.+]] = arith.addi %[[H]], %[[CM3]] : index
// CHECK:         %[[Q:.+]] = arith.divsi %[[T]], %[[C2]] : index
// CHECK:         %[[OH:.+]] = arith.addi %[[Q]], %[[C1]] : index
// CHECK:         tensor.empty(%{{.+}}) : tensor<1x4x?x4xf32>
// CHECK:         tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         linalg.conv_2d_nchw_fchw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
func.func @eval_dynamic_spatial(%x: tensor<1x3x?x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x?x4xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) strides = [2, 2] dilations = [2, 1] padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<1x3x?x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x?x4xf32>
}
