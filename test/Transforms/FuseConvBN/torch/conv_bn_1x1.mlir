// conv_bn_1x1: Conv2d(8,16,1,no pad)+BN, eval
// torch-mlir linalg-on-tensors (Inputs/torch/conv_bn_1x1.mlir; docs/frontend-ir.md).
//
// RUN: convbn-opt %S/../Inputs/torch/conv_bn_1x1.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.fill --implicit-check-not=linalg.broadcast --implicit-check-not=math. --implicit-check-not=tensor.pad
// RUN: %exec-compare %S/../Inputs/torch/conv_bn_1x1.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/torch/conv_bn_1x1.mlir:19:10: remark: fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(%arg0: tensor<1x8x16x16xf32>) -> tensor<1x16x16x16xf32>
// CHECK:   %[[Y:.+]] = convbn.conv_bn deploy nchw_fchw %arg0, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) epsilon = 9.9999997473787516E-6 : tensor<1x8x16x16xf32>, tensor<16x8x1x1xf32>, tensor<16xf32>
// CHECK:   return %[[Y]] : tensor<1x16x16x16xf32>
