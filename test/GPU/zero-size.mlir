// Zero-sized work lowers to nothing: a loop of static size 0 means the
// body never runs, so the op's results are its inits (convbn-gpu-tile used to
// crash in linalg::computeTileSizes on these). Checked by running the GPU
// launches on the host against the original program, and by lowering to PTX.
//
// RUN: %exec-compare %s --all-funcs --passes="--convbn-gpu-launches --convbn-gpu-launch-to-host-loops" --rtol 1e-6 --atol 1e-6
// RUN: convbn-opt %s --convbn-gpu-schedule | FileCheck %s
// RUN: convbn-opt %s --lower-to-nvvm="toolkit=%cuda_toolkit" -o /dev/null
// REQUIRES: libdevice

// No input channels: the output is the bias, normalised. The convolution
// is gone; only the bias broadcast and the normalisation are tiled.
// CHECK-LABEL: func.func @no_input_channels(
// CHECK-NOT:     linalg.conv_2d
// CHECK:         scf.forall
// CHECK-NOT:     linalg.conv_2d
// CHECK:         return
func.func @no_input_channels(%x: tensor<1x0x8x8xf32>, %w: tensor<4x0x3x3xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) epsilon = 1.0e-05 : tensor<1x0x8x8xf32>, tensor<4x0x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x6x6xf32>
}

// The same in tune mode (the fold runs on a zero-sized filter).
// CHECK-LABEL: func.func @no_input_channels_tune(
func.func @no_input_channels_tune(%x: tensor<2x0x8x8xf32>, %w: tensor<4x0x3x3xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) epsilon = 1.0e-05 : tensor<2x0x8x8xf32>, tensor<4x0x3x3xf32>, tensor<4xf32>
  return %y : tensor<2x4x6x6xf32>
}

// A depthwise channel multiplier of 0: an empty output.
// CHECK-LABEL: func.func @multiplier_zero(
// CHECK-NOT:     scf.forall
// CHECK:         return
func.func @multiplier_zero(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x0xf32>, %m: tensor<0xf32>, %v: tensor<0xf32>) -> tensor<1x6x6x3x0xf32> {
  %y = convbn.conv_bn eval nhwc_hwcm %x, %w mean(%m) variance(%v) epsilon = 1.0e-05 : tensor<1x8x8x3xf32>, tensor<3x3x3x0xf32>, tensor<0xf32>
  return %y : tensor<1x6x6x3x0xf32>
}

// An empty batch.
// CHECK-LABEL: func.func @empty_batch(
// CHECK-NOT:     scf.forall
// CHECK:         return
func.func @empty_batch(%x: tensor<0x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<0x4x6x6xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-05 : tensor<0x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<0x4x6x6xf32>
}
