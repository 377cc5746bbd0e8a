// block_depthwise_1x1_map: Conv2d(8,8,3,pad=1,groups=8)+BatchNorm2d(8) on a
// 1x1 map (MobileNetV2's last depthwise blocks at 32x32). Only the kernel's
// centre tap reads the input, so the filter gradient is zero elsewhere: the
// frontend's reshapes of the size-1 dimensions put the fixed kernel indices
// in other places than the definition (X[n, c, 0, kh + kw - 2] against
// X[n, c, kh - 1, kw - 1]), which the contraction check sees through.
// From torch-mlir (Inputs/training/block_depthwise_1x1_map.mlir, written by
// scripts/gen_frontend_ir.py --training); run against the unfused step and
// PyTorch autograd (Inputs/training/block_depthwise_1x1_map.autograd.json).
//
// RUN: convbn-opt %S/../Inputs/training/block_depthwise_1x1_map.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.depthwise --implicit-check-not=keep_conv_output
// RUN: %exec-compare %S/../Inputs/training/block_depthwise_1x1_map.mlir --func train_step --passes=--fuse-convbn --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/block_depthwise_1x1_map.autograd.json
// RUN: %exec-compare %S/../Inputs/training/block_depthwise_1x1_map.mlir --func train_step --passes=--fuse-convbn=mode=eval --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/block_depthwise_1x1_map.autograd.json

// REMARK:     {{.*}}Inputs/training/block_depthwise_1x1_map.mlir:43:10: remark: fused linalg.depthwise_conv_2d_nchw_chw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of filter, scale and offset)
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @train_step(
// CHECK:       convbn.conv_bn tune nchw_chw %arg6, %[[F:[a-z0-9_]+]] {{.*}} padding = [1, 1, 1, 1] {{.*}} : tensor<2x8x1x1xf32>, tensor<8x3x3xf32>, tensor<8xf32>
// CHECK:       %[[G:[a-z0-9_]+]]:3 = convbn.conv_bn_backward tune nchw_chw %arg6, %[[F]] {{.*}} gradients(filter, scale, offset)
// CHECK:       return %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[G]]#1, %[[G]]#2
