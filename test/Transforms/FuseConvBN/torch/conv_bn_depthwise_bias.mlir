// conv_bn_depthwise_bias: Conv2d(8,8,3,pad=1,groups=8,bias) (depthwise with bias)+BN, eval
// torch-mlir linalg-on-tensors (Inputs/torch/conv_bn_depthwise_bias.mlir; docs/frontend-ir.md).
// mode=auto picks deploy: the filter is a reshape of a constant, which counts as constant.
//
// RUN: convbn-opt %S/../Inputs/torch/conv_bn_depthwise_bias.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.fill --implicit-check-not=linalg.broadcast --implicit-check-not=math. --implicit-check-not=tensor.pad
// RUN: %exec-compare %S/../Inputs/torch/conv_bn_depthwise_bias.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/torch/conv_bn_depthwise_bias.mlir:25:10: remark: fused linalg.depthwise_conv_2d_nchw_chw and 4 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(%arg0: tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK:   %[[C1:.+]] = tensor.collapse_shape %{{[a-z0-9_]+}} {{\[\[}}0, 1], [2], [3]] : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
// CHECK:   %[[Y:.+]] = convbn.conv_bn deploy nchw_chw %arg0, %[[C1]] bias(%{{[a-z0-9_]+}} : tensor<8xf32>) scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x8x16x16xf32>, tensor<8x3x3xf32>, tensor<8xf32>
// CHECK:   return %[[Y]] : tensor<1x8x16x16xf32>
