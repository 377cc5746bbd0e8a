// conv_bn_batch2: Conv2d(3,8,3,pad=1)+BN, eval, batch 2
// torch-mlir linalg-on-tensors (Inputs/torch/conv_bn_batch2.mlir; docs/frontend-ir.md).
//
// RUN: convbn-opt %S/../Inputs/torch/conv_bn_batch2.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.fill --implicit-check-not=linalg.broadcast --implicit-check-not=math. --implicit-check-not=tensor.pad
// RUN: %exec-compare %S/../Inputs/torch/conv_bn_batch2.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/torch/conv_bn_batch2.mlir:23:10: remark: fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(%arg0: tensor<2x3x16x16xf32>) -> tensor<2x8x16x16xf32>
// CHECK:   %[[Y:.+]] = convbn.conv_bn deploy nchw_fchw %arg0, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<2x3x16x16xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>
// CHECK:   return %[[Y]] : tensor<2x8x16x16xf32>
