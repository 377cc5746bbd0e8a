// two_blocks_depthwise: Conv2d(3,8,3,pad=1)+BN+ReLU, then a depthwise Conv2d(8,8,3,stride=2,pad=1,groups=8)+BN
// One training step from torch-mlir (Inputs/training/two_blocks_depthwise.mlir, written by
// scripts/gen_frontend_ir.py --training with its grouped convolution_backward
// decomposition; docs/frontend-ir.md). The depthwise block's backward
// computes its input gradient (a transposed depthwise convolution). Tune: the backward reads the
// input and weight-sized tensors only, no convolution output; eval keeps it.
// Both run against the unfused step, and all three against PyTorch autograd
// on the same inputs (Inputs/training/two_blocks_depthwise.autograd.json).
//
// RUN: convbn-opt %S/../Inputs/training/two_blocks_depthwise.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=keep_conv_output '--implicit-check-not=conv_output('
// RUN: convbn-opt %S/../Inputs/training/two_blocks_depthwise.mlir --fuse-convbn=mode=eval | FileCheck %s --check-prefix=EVAL
// RUN: %exec-compare %S/../Inputs/training/two_blocks_depthwise.mlir --func train_step --passes=--fuse-convbn --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/two_blocks_depthwise.autograd.json
// RUN: %exec-compare %S/../Inputs/training/two_blocks_depthwise.mlir --func train_step --passes=--fuse-convbn=mode=eval --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/two_blocks_depthwise.autograd.json

// REMARK:      {{.*}}Inputs/training/two_blocks_depthwise.mlir:56:10: remark: fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of filter, scale and offset)
// REMARK:      {{.*}}Inputs/training/two_blocks_depthwise.mlir:106:11: remark: fused linalg.depthwise_conv_2d_nchw_chw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of input, filter, scale and offset)
// REMARK-NOT:  remark:

// CHECK-LABEL: func.func @train_step(
// CHECK:       convbn.conv_bn tune nchw_fchw %arg12, %arg0
// CHECK:       convbn.conv_bn tune nchw_chw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%arg4) offset(%arg5) mean(%arg9) variance(%arg10) strides = [2, 2] padding = [1, 1, 1, 1]
// CHECK:       %[[G2:[a-z0-9_]+]]:4 = convbn.conv_bn_backward tune nchw_chw {{.*}} strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 gradients(input, filter, scale, offset) : tensor<2x8x9x9xf32>, tensor<8x3x3xf32>, tensor<2x8x5x5xf32>, tensor<8xf32>
// CHECK:       %[[G1:[a-z0-9_]+]]:3 = convbn.conv_bn_backward tune nchw_fchw %arg12, %arg0 {{.*}} gradients(filter, scale, offset)
// CHECK:       return %{{[a-z0-9_]+}}, %[[G1]]#0, %[[G1]]#1, %[[G1]]#2, %{{[a-z0-9_]+}}, %[[G2]]#2, %[[G2]]#3 :

// EVAL-COUNT-2: keep_conv_output
// EVAL-COUNT-2: convbn.conv_bn_backward eval {{.*}} conv_output(
