// RUN: convbn-opt %s --convert-convbn-to-linalg --split-input-file | FileCheck %s

// Narrow types (f16, bf16) compute in f32: the convolution accumulates in
// f32, batch-norm arithmetic and the fold are done in f32, and results are
// rounded once to the narrow type at the end. f64 is not narrowed: the
// arithmetic is done in f64 when either element type is f64.

// eval, f16 model with f32 parameters: the bias initialises an f32
// accumulator, and the normalisation reads the f32 accumulator and rounds
// its result to f16.

// CHECK-LABEL: func.func @eval_f16_f32_params(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x8x8xf16>, %[[W:[^:]+]]: tensor<4x3x3x3xf16>, %[[B:[^:]+]]: tensor<4xf16>
// One generic broadcasts the f16 bias and widens it into the accumulator.
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf16>) outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK:           arith.extf %{{.+}} : f16 to f32
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X]], %[[W]] : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>) outs(%[[INIT]] : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<4xf32>)
// CHECK:           math.sqrt %{{.+}} : f32
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], {{.*}} : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<2x4x6x6xf16>)
// CHECK-NEXT:    ^bb0(%{{.+}}: f32, %{{.+}}: f32, %{{.+}}: f32, %{{.+}}: f32, %{{.+}}: f16):
// CHECK-NEXT:      arith.subf %{{.+}} : f32
// CHECK-NEXT:      arith.mulf %{{.+}} : f32
// CHECK-NEXT:      arith.addf %{{.+}} : f32
// CHECK-NEXT:      %[[R:.+]] = arith.truncf %{{.+}} : f32 to f16
// CHECK-NEXT:      linalg.yield %[[R]] : f16
// CHECK:         return %[[OUT]] : tensor<2x4x6x6xf16>
func.func @eval_f16_f32_params(%x: tensor<2x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6x6xf16> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf16>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf16>
}

// -----

// tune, all f16: no fold into the f16 filter (w·s rounded to f16 loses
// accuracy and overflows where |w·s| > 65504). The convolution accumulates in
// f32 and the scale is applied to the accumulator in f32, rounded once; the
// scale is NaN where it is not finite (tune's contract).

// CHECK-LABEL: func.func @tune_f16(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x8x8xf16>, %[[W:[^:]+]]: tensor<4x3x3x3xf16>
// CHECK-NOT:     linalg.generic {{.*}} outs(%{{.+}} : tensor<4x3x3x3xf16>)
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X]], %[[W]] : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>) outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK:         %[[S:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<4xf32>)
// CHECK:           math.sqrt %{{.+}} : f32
// CHECK:           %[[Q:.+]] = arith.divf %{{.+}} : f32
// CHECK:           %[[ABS:.+]] = math.absf %[[Q]] : f32
// CHECK:           %[[FINITE:.+]] = arith.cmpf olt, %[[ABS]], %{{.+}} : f32
// CHECK:           arith.select %[[FINITE]], %[[Q]], %{{.+}} : f32
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], %{{.+}}, %[[S]], %{{.+}} : tensor<2x4x6x6xf32>, tensor<4xf16>, tensor<4xf32>, tensor<4xf16>) outs(%{{.+}} : tensor<2x4x6x6xf16>)
// CHECK:           arith.truncf %{{.+}} : f32 to f16
// CHECK:         return %[[OUT]] : tensor<2x4x6x6xf16>
func.func @tune_f16(%x: tensor<2x3x8x8xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>, %g: tensor<4xf16>, %be: tensor<4xf16>, %m: tensor<4xf16>, %v: tensor<4xf16>) -> tensor<2x4x6x6xf16> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<4xf16>) scale(%g) offset(%be) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>
  return %y : tensor<2x4x6x6xf16>
}

// -----

// deploy, f16, with constant parameters that fold without overflow: a plain
// convolution on folded f16 constants.

// CHECK-LABEL: func.func @deploy_f16_folds(
// CHECK-DAG:     %[[WF:.+]] = arith.constant dense<1.500000e+00> : tensor<4x3x3x3xf16>
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.+}}, %[[WF]] : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>)
// CHECK-NOT:     math.sqrt
func.func @deploy_f16_folds(%x: tensor<2x3x8x8xf16>) -> tensor<2x4x6x6xf16> {
  %w = arith.constant dense<0.75> : tensor<4x3x3x3xf16>
  %g = arith.constant dense<2.0> : tensor<4xf32>
  %m = arith.constant dense<0.0> : tensor<4xf32>
  %v = arith.constant dense<1.0> : tensor<4xf32>
  %y = convbn.conv_bn deploy nchw_fchw %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0e-30 : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf16>
}

// -----

// deploy, f16, with constants whose fold overflows f16 (100 * 700 > 65504):
// not folded at compile time; the f32 accumulator is normalised, as tune.

// CHECK-LABEL: func.func @deploy_f16_overflow(
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.+}}, %{{.+}} : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>) outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK:         math.sqrt %{{.+}} : f32
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<2x4x6x6xf16>)
func.func @deploy_f16_overflow(%x: tensor<2x3x8x8xf16>) -> tensor<2x4x6x6xf16> {
  %w = arith.constant dense<100.0> : tensor<4x3x3x3xf16>
  %g = arith.constant dense<700.0> : tensor<4xf32>
  %m = arith.constant dense<0.0> : tensor<4xf32>
  %v = arith.constant dense<1.0> : tensor<4xf32>
  %y = convbn.conv_bn deploy nchw_fchw %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0e-30 : tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf16>
}

// -----

// fold_weights on its own: an f16 filter with f32 parameters gives an f16
// folded filter and bias, computed in f32.

// CHECK-LABEL: func.func @fold_weights_f16_f32(
// CHECK-SAME:      %[[W:[^:]+]]: tensor<4x3x3x3xf16>, %[[M:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>)
// CHECK:         %[[S:.+]] = linalg.generic {{.*}} ins(%[[V]] : tensor<4xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK:         %[[WF:.+]] = linalg.generic {{.*}} ins(%[[W]], %[[S]] : tensor<4x3x3x3xf16>, tensor<4xf32>) outs(%{{.+}} : tensor<4x3x3x3xf16>)
// CHECK:           arith.extf %{{.+}} : f16 to f32
// CHECK:           arith.truncf %{{.+}} : f32 to f16
// CHECK:         %[[BF:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[M]] : tensor<4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<4xf16>)
// CHECK:           arith.truncf %{{.+}} : f32 to f16
// CHECK:         return %[[WF]], %[[BF]] : tensor<4x3x3x3xf16>, tensor<4xf16>
func.func @fold_weights_f16_f32(%w: tensor<4x3x3x3xf16>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<4x3x3x3xf16>, tensor<4xf16>) {
  %w2, %b2 = convbn.fold_weights nchw_fchw %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<4x3x3x3xf16>, tensor<4xf32>
  return %w2, %b2 : tensor<4x3x3x3xf16>, tensor<4xf16>
}

// -----

// train, all bf16: the statistics are reduced in f32 from the f32
// accumulator; the output and the four statistics are rounded to bf16.

// CHECK-LABEL: func.func @train_bf16(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x8x8xbf16>, %[[W:[^:]+]]: tensor<4x3x3x3xbf16>, %[[M:[^:]+]]: tensor<4xbf16>, %[[V:[^:]+]]: tensor<4xbf16>)
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X]], %[[W]] : tensor<2x3x8x8xbf16>, tensor<4x3x3x3xbf16>) outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK:         %[[SUM:.+]] = linalg.generic {{.*}} ins(%[[CONV]] : tensor<2x4x6x6xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], {{.*}}) outs(%{{.+}} : tensor<2x4x6x6xbf16>)
// CHECK:           arith.truncf %{{.+}} : f32 to bf16
// CHECK:         %[[NM:.+]] = linalg.generic {{.*}} ins(%[[M]], %{{.+}} : tensor<4xbf16>, tensor<4xf32>) outs(%{{.+}} : tensor<4xbf16>)
// CHECK-NEXT:    ^bb0(%[[RM:.+]]: bf16,
// CHECK-NEXT:      arith.extf %[[RM]] : bf16 to f32
// CHECK:           arith.truncf %{{.+}} : f32 to bf16
// CHECK:         return %[[OUT]], %[[NM]], %{{.+}}, %{{.+}}, %{{.+}} : tensor<2x4x6x6xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>
func.func @train_bf16(%x: tensor<2x3x8x8xbf16>, %w: tensor<4x3x3x3xbf16>, %m: tensor<4xbf16>, %v: tensor<4xbf16>) -> (tensor<2x4x6x6xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<2x3x8x8xbf16>, tensor<4x3x3x3xbf16>, tensor<4xbf16>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<2x4x6x6xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>
}

// -----

// f32 model with f64 parameters: the batch-norm arithmetic is f64; the
// convolution stays f32.

// CHECK-LABEL: func.func @eval_f32_f64_params(
// CHECK-DAG:     %[[EPS:.+]] = arith.constant 1.000000e-05 : f64
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.*}} outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<4xf64>)
// CHECK:           arith.addf %{{.+}}, %[[EPS]] : f64
// CHECK:           math.sqrt %{{.+}} : f64
// CHECK:         linalg.generic {{.*}} ins(%[[CONV]], {{.*}} : tensor<2x4x6x6xf32>, tensor<4xf64>, tensor<4xf64>) outs(%{{.+}} : tensor<2x4x6x6xf32>)
// CHECK-NEXT:    ^bb0(%[[Y:.+]]: f32,
// CHECK-NEXT:      arith.extf %[[Y]] : f32 to f64
// CHECK:           arith.truncf %{{.+}} : f64 to f32
func.func @eval_f32_f64_params(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf64>, %v: tensor<4xf64>) -> tensor<2x4x6x6xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf64>
  return %y : tensor<2x4x6x6xf32>
}
