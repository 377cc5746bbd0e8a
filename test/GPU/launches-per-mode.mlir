// Launches per Conv+BN block and mode (issue 11: "report launches per
// conv+BN per mode"), through the whole launch pipeline for sm_80: eval,
// tune (f32 and f16, its per-channel scale computed per block inside the
// convolution's kernel), deploy (the fold done at compile time): one
// launch each; train, the unfused baseline that computes batch statistics
// and running averages: 9 (the convolution, the statistics' reductions,
// the running averages, the normalisation).
//
// RUN: convbn-opt %s "--convbn-gpu-launches=chip=sm_80" | FileCheck %s
// RUN: %exec-compare %s --all-funcs --quiet --rtol 4e-3 --atol 1e-3 \
// RUN:   "--passes=--convbn-gpu-launches=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convbn-gpu-launches --convbn-gpu-launch-to-host-loops" \
// RUN:   | FileCheck %s --check-prefix=EXEC
// EXEC-COUNT-2: all 5 functions agree

// CHECK-LABEL: func.func @eval
// CHECK-COUNT-1: gpu.launch blocks
// CHECK-NOT:     gpu.launch blocks
// CHECK-LABEL: func.func @tune
// CHECK-COUNT-1: gpu.launch blocks
// CHECK-NOT:     gpu.launch blocks
// CHECK-LABEL: func.func @tune_f16
// CHECK-COUNT-1: gpu.launch blocks
// CHECK-NOT:     gpu.launch blocks
// CHECK-LABEL: func.func @deploy
// CHECK-COUNT-1: gpu.launch blocks
// CHECK-NOT:     gpu.launch blocks
// CHECK-LABEL: func.func @train
// CHECK-COUNT-9: gpu.launch blocks
// CHECK-NOT:     gpu.launch blocks
func.func @eval(%x: tensor<2x16x8x8xf32>, %w: tensor<32x16x3x3xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>, %m: tensor<32xf32>, %v: tensor<32xf32>) -> tensor<2x32x8x8xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%b) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<2x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>
  return %y : tensor<2x32x8x8xf32>
}
func.func @tune(%x: tensor<2x16x8x8xf32>, %w: tensor<32x16x3x3xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>, %m: tensor<32xf32>, %v: tensor<32xf32>) -> tensor<2x32x8x8xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<2x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>
  return %y : tensor<2x32x8x8xf32>
}
func.func @tune_f16(%x: tensor<2x16x8x8xf16>, %w: tensor<32x16x3x3xf16>, %g: tensor<32xf16>, %b: tensor<32xf16>, %m: tensor<32xf16>, %v: tensor<32xf16>) -> tensor<2x32x8x8xf16> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<2x16x8x8xf16>, tensor<32x16x3x3xf16>, tensor<32xf16>
  return %y : tensor<2x32x8x8xf16>
}
func.func @deploy(%x: tensor<2x16x8x8xf32>) -> tensor<2x32x8x8xf32> {
  %w = arith.constant dense<0.5> : tensor<32x16x3x3xf32>
  %g = arith.constant dense<1.5> : tensor<32xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %m = arith.constant dense<0.1> : tensor<32xf32>
  %v = arith.constant dense<2.0> : tensor<32xf32>
  %y = convbn.conv_bn deploy nchw_fchw %x, %w scale(%g) offset(%b) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 : tensor<2x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>
  return %y : tensor<2x32x8x8xf32>
}
func.func @train(%x: tensor<2x16x8x8xf32>, %w: tensor<32x16x3x3xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>, %m: tensor<32xf32>, %v: tensor<32xf32>) -> (tensor<2x32x8x8xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) {
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w scale(%g) offset(%b) mean(%m) variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-5 momentum = 0.1 : tensor<2x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<2x32x8x8xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>
}
