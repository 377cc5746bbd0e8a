// block_grouped: Conv2d(4,8,3,pad=1,groups=2)+BatchNorm2d(8)
// One training step from torch-mlir (Inputs/training/block_grouped.mlir, written by
// scripts/gen_frontend_ir.py --training with its grouped convolution_backward
// decomposition; docs/frontend-ir.md). torch-mlir's grouped convolution
// reads a padded input split into (group, channel): the fused op takes the
// pad as its padding and splits the unpadded input. Tune: the backward reads the
// input and weight-sized tensors only, no convolution output; eval keeps it.
// Both run against the unfused step, and all three against PyTorch autograd
// on the same inputs (Inputs/training/block_grouped.autograd.json).
//
// RUN: convbn-opt %S/../Inputs/training/block_grouped.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.conv --implicit-check-not=tensor.pad --implicit-check-not=keep_conv_output '--implicit-check-not=conv_output('
// RUN: convbn-opt %S/../Inputs/training/block_grouped.mlir --fuse-convbn=mode=eval | FileCheck %s --check-prefix=EVAL
// RUN: %exec-compare %S/../Inputs/training/block_grouped.mlir --func train_step --passes=--fuse-convbn --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/block_grouped.autograd.json
// RUN: %exec-compare %S/../Inputs/training/block_grouped.mlir --func train_step --passes=--fuse-convbn=mode=eval --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/block_grouped.autograd.json

// REMARK:     {{.*}}Inputs/training/block_grouped.mlir:45:10: remark: fused linalg.conv_2d_ngchw_gfchw and 5 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of filter, scale and offset)
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @train_step(
// CHECK:       %[[X:[a-z0-9_]+]] = tensor.expand_shape %arg6 {{\[\[}}0], [1, 2], [3], [4]] output_shape [2, 2, 2, 9, 9]
// CHECK:       convbn.conv_bn tune ngchw_gfchw %[[X]], %{{[a-z0-9_]+}} scale(%arg1) offset(%arg2) mean(%arg3) variance(%arg4) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<2x2x2x9x9xf32>, tensor<2x4x2x3x3xf32>, tensor<8xf32>
// CHECK:       %[[G:[a-z0-9_]+]]:3 = convbn.conv_bn_backward tune ngchw_gfchw %[[X]], %{{[a-z0-9_]+}} grad(%{{[a-z0-9_]+}}) scale(%arg1) mean(%arg3) variance(%arg4) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 gradients(filter, scale, offset) : tensor<2x2x2x9x9xf32>, tensor<2x4x2x3x3xf32>, tensor<2x2x4x9x9xf32>, tensor<8xf32>
// CHECK:       %[[W:[a-z0-9_]+]] = tensor.collapse_shape %[[G]]#0 {{\[\[}}0, 1], [2], [3], [4]] : tensor<2x4x2x3x3xf32> into tensor<8x2x3x3xf32>
// CHECK:       return %{{[a-z0-9_]+}}, %[[W]], %[[G]]#1, %[[G]]#2 : tensor<f32>, tensor<8x2x3x3xf32>, tensor<8xf32>, tensor<8xf32>

// EVAL:        %[[Y:[a-z0-9_]+]], %[[C:[a-z0-9_]+]] = convbn.conv_bn eval ngchw_gfchw {{.*}} keep_conv_output
// EVAL:        convbn.conv_bn_backward eval ngchw_gfchw {{.*}} conv_output(%[[C]]) {{.*}} gradients(filter, scale, offset)
