// RUN: convbn-opt %s --convert-convbn-to-linalg --split-input-file | FileCheck %s

// train: the convolution, then the batch statistics by two reductions over
// the batch and spatial dimensions (mean first, then the squared deviations
// from it, for accuracy), n = N * OH * OW values per channel read off the
// convolution's output, the normalisation with the batch statistics, and
// the running statistics update with momentum m = 0.1:
//   new_mean = (1 - m) * mean + m * batch_mean
//   new_var  = (1 - m) * var + m * batch_var * n / (n - 1)
// The results are: output, new_mean, new_var, batch_mean, 1 / sqrt(batch_var + eps).

// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @train(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x3x3xf32>, %[[B:[^:]+]]: tensor<4xf32>, %[[G:[^:]+]]: tensor<4xf32>, %[[BE:[^:]+]]: tensor<4xf32>, %[[M:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>)
// CHECK-DAG:     %[[MOM:.+]] = arith.constant 1.000000e-01 : f32
// CHECK-DAG:     %[[KEEP:.+]] = arith.constant 0.899999976 : f32
// CHECK-DAG:     %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:     %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG:     %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<?x4x8x8xf32>)
// CHECK-DAG:     %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<?x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<?x4x8x8xf32>)
// n: the product of the batch and spatial sizes of the conv output.
// CHECK:         %[[DN:.+]] = tensor.dim %[[CONV]], %[[C0]]
// CHECK:         %[[N1:.+]] = arith.muli %{{.+}}, %[[DN]] : index
// CHECK:         %[[DH:.+]] = tensor.dim %[[CONV]], %[[C2]]
// CHECK:         %[[N2:.+]] = arith.muli %[[N1]], %[[DH]] : index
// CHECK:         %[[DW:.+]] = tensor.dim %[[CONV]], %[[C3]]
// CHECK:         %[[N3:.+]] = arith.muli %[[N2]], %[[DW]] : index
// CHECK:         %[[NI:.+]] = arith.index_castui %[[N3]] : index to i64
// CHECK:         %[[N:.+]] = arith.uitofp %[[NI]] : i64 to f32
// Sum over (n, h, w) for each channel: channel parallel, the rest reductions.
// CHECK:         %[[Z1:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<4xf32>)
// CHECK:         %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[CONV]] : tensor<?x4x8x8xf32>) outs(%[[Z1]] : tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[Y:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT:      %[[ADD:.+]] = arith.addf %[[ACC]], %[[Y]] : f32
// CHECK-NEXT:      linalg.yield %[[ADD]] : f32
// CHECK:         %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[SV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      arith.divf %[[SV]], %[[N]] : f32
// CHECK:         %[[Z2:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<4xf32>)
// CHECK:         %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[CONV]], %[[MEAN]] : tensor<?x4x8x8xf32>, tensor<4xf32>) outs(%[[Z2]] : tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[Y:.+]]: f32, %[[MU:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT:      %[[D:.+]] = arith.subf %[[Y]], %[[MU]] : f32
// CHECK-NEXT:      %[[D2:.+]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-NEXT:      %[[ADD:.+]] = arith.addf %[[ACC]], %[[D2]] : f32
// CHECK-NEXT:      linalg.yield %[[ADD]] : f32
// CHECK:         %[[VAR:.+]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[SV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      arith.divf %[[SV]], %[[N]] : f32
// CHECK:         %[[INV:.+]] = linalg.generic {{.*}} ins(%[[VAR]] : tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[VV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[A:.+]] = arith.addf %[[VV]], %[[EPS]] : f32
// CHECK-NEXT:      %[[R:.+]] = math.sqrt %[[A]] : f32
// CHECK-NEXT:      arith.divf %[[ONE]], %[[R]] : f32
// (y - mean) * inv_std * scale + offset
// CHECK:         %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[CONV]], %[[MEAN]], %[[INV]], %[[G]], %[[BE]] : {{.*}}) outs(%{{.+}} : tensor<?x4x8x8xf32>)
// CHECK-NEXT:    ^bb0(%[[Y:.+]]: f32, %[[MU:.+]]: f32, %[[IS:.+]]: f32, %[[GA:.+]]: f32, %[[BT:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[T0:.+]] = arith.subf %[[Y]], %[[MU]] : f32
// CHECK-NEXT:      %[[T1:.+]] = arith.mulf %[[T0]], %[[IS]] : f32
// CHECK-NEXT:      %[[T2:.+]] = arith.mulf %[[T1]], %[[GA]] : f32
// CHECK-NEXT:      %[[T3:.+]] = arith.addf %[[T2]], %[[BT]] : f32
// CHECK-NEXT:      linalg.yield %[[T3]] : f32
// CHECK:         %[[NEWMEAN:.+]] = linalg.generic {{.*}} ins(%[[M]], %[[MEAN]] : tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[RM:.+]]: f32, %[[BM:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[K:.+]] = arith.mulf %[[RM]], %[[KEEP]] : f32
// CHECK-NEXT:      %[[AD:.+]] = arith.mulf %[[BM]], %[[MOM]] : f32
// CHECK-NEXT:      %[[SUMM:.+]] = arith.addf %[[K]], %[[AD]] : f32
// CHECK-NEXT:      linalg.yield %[[SUMM]] : f32
// CHECK:         %[[NEWVAR:.+]] = linalg.generic {{.*}} ins(%[[V]], %[[VAR]] : tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT:    ^bb0(%[[RV:.+]]: f32, %[[BV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[NM1:.+]] = arith.subf %[[N]], %[[ONE]] : f32
// CHECK-NEXT:      %[[BVN:.+]] = arith.mulf %[[BV]], %[[N]] : f32
// CHECK-NEXT:      %[[UNB:.+]] = arith.divf %[[BVN]], %[[NM1]] : f32
// CHECK-NEXT:      %[[K:.+]] = arith.mulf %[[RV]], %[[KEEP]] : f32
// CHECK-NEXT:      %[[AD:.+]] = arith.mulf %[[UNB]], %[[MOM]] : f32
// CHECK-NEXT:      %[[SUMV:.+]] = arith.addf %[[K]], %[[AD]] : f32
// CHECK-NEXT:      linalg.yield %[[SUMV]] : f32
// CHECK:         %[[SAVEDMEAN:.+]] = linalg.generic {{.*}} ins(%[[MEAN]] : tensor<4xf32>)
// CHECK:         %[[SAVEDINV:.+]] = linalg.generic {{.*}} ins(%[[INV]] : tensor<4xf32>)
// CHECK:         return %[[OUT]], %[[NEWMEAN]], %[[NEWVAR]], %[[SAVEDMEAN]], %[[SAVEDINV]] : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
func.func @train(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w bias(%b : tensor<4xf32>) scale(%g) offset(%be) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 momentum = 0.1 : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Channels-last: the channel is the last dimension, the reductions run over
// the first three, and n is read from dimensions 0, 1, 2.

// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @train_channels_last(
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>}
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[CH]]], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[CONV]] : tensor<2x6x3x4xf32>)
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]]], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[CONV]], %{{.+}} : tensor<2x6x3x4xf32>, tensor<4xf32>)
func.func @train_channels_last(%x: tensor<2x8x8x3xf32>, %w: tensor<3x3x3x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x6x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %s:4 = convbn.conv_bn train nhwc_hwcf %x, %w mean(%m) variance(%v) strides = [1, 2] epsilon = 1.0e-5 momentum = 0.1 : tensor<2x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<2x6x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Channel multiplier (hwcm): the statistics are reduced into a 3x2
// (channel, multiplier) tensor and collapsed to the 6 output channels; the
// per-channel vectors are expanded back to 3x2 to normalise.

// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG:   #[[CH:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
// CHECK-LABEL: func.func @train_multiplier(
// CHECK-SAME:      %{{[^:]+}}: tensor<?x8x8x3xf32>, %{{[^:]+}}: tensor<3x3x3x2xf32>, %[[M:[^:]+]]: tensor<6xf32>, %[[V:[^:]+]]: tensor<6xf32>)
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK:         %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]]], iterator_types = ["reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%[[CONV]] : tensor<?x6x6x3x2xf32>) outs(%{{.+}} : tensor<3x2xf32>)
// CHECK:         %[[SUMC:.+]] = tensor.collapse_shape %[[SUM]] {{\[}}[0, 1]] : tensor<3x2xf32> into tensor<6xf32>
// CHECK:         %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[SUMC]] : tensor<6xf32>)
// CHECK:         %[[MEANE:.+]] = tensor.expand_shape %[[MEAN]] {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[CONV]], %[[MEANE]] : tensor<?x6x6x3x2xf32>, tensor<3x2xf32>) outs(%{{.+}} : tensor<3x2xf32>)
// CHECK:         %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[ID]]], {{.*}} ins(%[[CONV]], %{{.+}}, %{{.+}} : tensor<?x6x6x3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>)
// CHECK:         %[[NEWMEAN:.+]] = linalg.generic {{.*}} ins(%[[M]], %[[MEAN]] : tensor<6xf32>, tensor<6xf32>)
// CHECK:         return %[[OUT]], %[[NEWMEAN]], %{{.+}}, %{{.+}}, %{{.+}} : tensor<?x6x6x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>
func.func @train_multiplier(%x: tensor<?x8x8x3xf32>, %w: tensor<3x3x3x2xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<?x6x6x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %y, %s:4 = convbn.conv_bn train nhwc_hwcm %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<?x6x6x3x2xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>
}
