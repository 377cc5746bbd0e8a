// block_depthwise: Conv2d(8,8,3,pad=1,groups=8)+BatchNorm2d(8)
// One training step from torch-mlir (Inputs/training/block_depthwise.mlir, written by
// scripts/gen_frontend_ir.py --training with its grouped convolution_backward
// decomposition; docs/frontend-ir.md). Tune: the backward reads the
// input and weight-sized tensors only, no convolution output; eval keeps it.
// Both run against the unfused step, and all three against PyTorch autograd
// on the same inputs (Inputs/training/block_depthwise.autograd.json).
//
// RUN: convbn-opt %S/../Inputs/training/block_depthwise.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=keep_conv_output '--implicit-check-not=conv_output('
// RUN: convbn-opt %S/../Inputs/training/block_depthwise.mlir --fuse-convbn=mode=eval | FileCheck %s --check-prefix=EVAL
// RUN: %exec-compare %S/../Inputs/training/block_depthwise.mlir --func train_step --passes=--fuse-convbn --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/block_depthwise.autograd.json
// RUN: %exec-compare %S/../Inputs/training/block_depthwise.mlir --func train_step --passes=--fuse-convbn=mode=eval --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/block_depthwise.autograd.json

// REMARK:     {{.*}}Inputs/training/block_depthwise.mlir:43:10: remark: fused linalg.depthwise_conv_2d_nchw_chw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of filter, scale and offset)
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @train_step(
// CHECK:       convbn.conv_bn tune nchw_chw %arg6, %[[F:[a-z0-9_]+]] scale(%arg1) offset(%arg2) mean(%arg3) variance(%arg4) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<2x8x9x9xf32>, tensor<8x3x3xf32>, tensor<8xf32>
// CHECK:       %[[G:[a-z0-9_]+]]:3 = convbn.conv_bn_backward tune nchw_chw %arg6, %[[F]] grad(%{{[a-z0-9_]+}}) scale(%arg1) mean(%arg3) variance(%arg4) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 gradients(filter, scale, offset) : tensor<2x8x9x9xf32>, tensor<8x3x3xf32>, tensor<2x8x9x9xf32>, tensor<8xf32>
// CHECK:       %[[W:[a-z0-9_]+]] = tensor.expand_shape %[[G]]#0
// CHECK:       return %{{[a-z0-9_]+}}, %[[W]], %[[G]]#1, %[[G]]#2 : tensor<f32>, tensor<8x1x3x3xf32>, tensor<8xf32>, tensor<8xf32>

// EVAL:        %[[Y:[a-z0-9_]+]], %[[C:[a-z0-9_]+]] = convbn.conv_bn eval nchw_chw {{.*}} keep_conv_output
// EVAL:        convbn.conv_bn_backward eval nchw_chw {{.*}} conv_output(%[[C]]) {{.*}} gradients(filter, scale, offset)
