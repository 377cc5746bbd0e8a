// block_3x3: Conv2d(3,8,3,pad=1,no bias)+BatchNorm2d(8)
// One training step from torch-mlir (Inputs/training/block_3x3.mlir, written by
// scripts/gen_frontend_ir.py --training; docs/frontend-ir.md). Tune: the
// backward reads the input and weight-sized tensors only, no convolution
// output; eval keeps it. Both run against the unfused step, and all three
// against PyTorch autograd on the same inputs (Inputs/training/*.autograd.json).
//
// RUN: convbn-opt %S/../Inputs/training/block_3x3.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.conv --implicit-check-not=keep_conv_output '--implicit-check-not=conv_output('
// RUN: convbn-opt %S/../Inputs/training/block_3x3.mlir --fuse-convbn=mode=eval | FileCheck %s --check-prefix=EVAL
// convbn-set-mode switches the forward and the backward together:
// RUN: convbn-opt %S/../Inputs/training/block_3x3.mlir --fuse-convbn --convbn-set-mode=mode=eval | FileCheck %s --check-prefix=EVAL
// RUN: convbn-opt %S/../Inputs/training/block_3x3.mlir --fuse-convbn=mode=eval --convbn-set-mode=mode=tune \
// RUN:   | FileCheck %s --implicit-check-not=linalg.conv --implicit-check-not=keep_conv_output '--implicit-check-not=conv_output('
// RUN: %exec-compare %S/../Inputs/training/block_3x3.mlir --func train_step "--passes=--fuse-convbn --convbn-set-mode=mode=eval" --passes=--fuse-convbn --passes=--fuse-convbn=mode=eval --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/block_3x3.autograd.json

// REMARK:     {{.*}}Inputs/training/block_3x3.mlir:42:10: remark: fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of filter, scale and offset)
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @train_step(
// CHECK:       %[[R0:[a-z0-9_]+]] = convbn.conv_bn tune nchw_fchw %arg6, %arg0 scale(%arg1) offset(%arg2) mean(%arg3) variance(%arg4) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<2x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>
// CHECK:       %[[R1:[a-z0-9_]+]]:3 = convbn.conv_bn_backward tune nchw_fchw %arg6, %arg0 grad(%{{[a-z0-9_]+}}) scale(%arg1) mean(%arg3) variance(%arg4) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 gradients(filter, scale, offset) : tensor<2x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<2x8x9x9xf32>, tensor<8xf32>
// CHECK:       return %{{[a-z0-9_]+}}, %[[R1]]#0, %[[R1]]#1, %[[R1]]#2 : tensor<f32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<8xf32>

// EVAL:        %[[R0:[a-z0-9_]+]], %[[R1:[a-z0-9_]+]] = convbn.conv_bn eval nchw_fchw %arg6, %arg0 scale(%arg1) offset(%arg2) mean(%arg3) variance(%arg4) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 keep_conv_output : tensor<2x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>
// EVAL:        %[[R2:[a-z0-9_]+]]:3 = convbn.conv_bn_backward eval nchw_fchw %arg6, %arg0 grad(%{{[a-z0-9_]+}}) scale(%arg1) mean(%arg3) variance(%arg4) conv_output(%[[R1]]) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 gradients(filter, scale, offset) : tensor<2x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<2x8x9x9xf32>, tensor<8xf32>
// EVAL:        return %{{[a-z0-9_]+}}, %[[R2]]#0, %[[R2]]#1, %[[R2]]#2 : tensor<f32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<8xf32>
