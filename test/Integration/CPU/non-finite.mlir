// The contract for batch norms whose scale s = scale / sqrt(variance + eps)
// is not finite (docs/design.md, "Non-finite batch norms"): no output of such
// a channel is finite in any mode; eval computes (y - mean) * s + offset
// element by element (±inf, NaN where y = mean), tune and deploy give NaN for
// the whole channel. Channels with a finite s are unaffected.
//
// RUN: convbn-opt %s --lower-to-cpu | %run-cpu | FileCheck %s
// RUN: convbn-opt %s --convbn-gpu-launches --convbn-gpu-launch-to-host-loops | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %s
//
// x = [[1, -1], [2, 0.5]] (one channel), 1x1 filter w = [1, 1, 1, 1], no bias,
// mean 0, offset 0, eps = 1:
//   channel 0: scale = +inf, variance = 0  -> s = +inf
//   channel 1: scale = 1, variance = -1    -> variance + eps = 0, s = +inf
//   channel 2: scale = 1, variance = -2    -> sqrt(-1) = NaN, s = NaN
//   channel 3: scale = 2, variance = 3     -> s = 1
// eval: channels 0 and 1 are x * inf = [[inf, -inf], [inf, inf]], channel 2
// NaN, channel 3 x. tune and deploy: channels 0, 1 and 2 NaN, channel 3 x.

func.func private @printMemrefF32(memref<*xf32>) attributes { llvm.emit_c_interface }

func.func @print(%t: tensor<1x4x2x2xf32>) {
  %buf = bufferization.to_buffer %t : tensor<1x4x2x2xf32> to memref<1x4x2x2xf32>
  %u = memref.cast %buf : memref<1x4x2x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @run(%x: tensor<1x1x2x2xf32>, %w: tensor<4x1x1x1xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  %eval = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0 : tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>
  call @print(%eval) : (tensor<1x4x2x2xf32>) -> ()
  %tune = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0 : tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>
  call @print(%tune) : (tensor<1x4x2x2xf32>) -> ()
  %deploy = convbn.conv_bn deploy nchw_fchw %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0 : tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>
  call @print(%deploy) : (tensor<1x4x2x2xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[[[[1.0, -1.0], [2.0, 0.5]]]]> : tensor<1x1x2x2xf32>
  %w = arith.constant dense<1.0> : tensor<4x1x1x1xf32>
  %g = arith.constant dense<[0x7F800000, 1.0, 1.0, 2.0]> : tensor<4xf32>
  %m = arith.constant dense<0.0> : tensor<4xf32>
  %v = arith.constant dense<[0.0, -1.0, -2.0, 3.0]> : tensor<4xf32>
  // Parameters as arguments: tune and deploy fold at run time.
  call @run(%x, %w, %g, %m, %v) : (tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> ()
  // Constant parameters: deploy folds at compile time (as do the constant
  // folder and canonicalization), with the same contract.
  %deploy = convbn.conv_bn deploy nchw_fchw %x, %w scale(%g) mean(%m) variance(%v) epsilon = 1.0 : tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>
  call @print(%deploy) : (tensor<1x4x2x2xf32>) -> ()
  return
}

// eval
// CHECK:      data =
// CHECK-NEXT: [inf,     -inf],
// CHECK-NEXT: [inf,     inf]],
// CHECK-NEXT: [inf,     -inf],
// CHECK-NEXT: [inf,     inf]],
// CHECK-NEXT: [{{-?}}nan,     {{-?}}nan],
// CHECK-NEXT: [{{-?}}nan,     {{-?}}nan]],
// CHECK-NEXT: [1,     -1],
// CHECK-NEXT: [2,     0.5]]]]
// tune, then deploy at run time, then deploy at compile time
// CHECK-COUNT-3: data =
// CHECK-NEXT: [{{-?}}nan,     {{-?}}nan],
// CHECK-NEXT: [{{-?}}nan,     {{-?}}nan]],
// CHECK-NEXT: [{{-?}}nan,     {{-?}}nan],
// CHECK-NEXT: [{{-?}}nan,     {{-?}}nan]],
// CHECK-NEXT: [{{-?}}nan,     {{-?}}nan],
// CHECK-NEXT: [{{-?}}nan,     {{-?}}nan]],
// CHECK-NEXT: [1,     -1],
// CHECK-NEXT: [2,     0.5]]]]
