// conv_bn_depthwise_bias: Conv2d(8,8,3,pad=1,groups=8,bias) (depthwise with bias)+BN, eval
// torch-mlir TOSA, lowered by upstream tosa-to-linalg (Inputs/tosa/conv_bn_depthwise_bias.mlir; docs/frontend-ir.md).
// depthwise_conv_2d_nhwc_hwcm + collapse_shape + a separate bias-add generic.
//
// RUN: convbn-opt %S/../Inputs/tosa/conv_bn_depthwise_bias.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.fill --implicit-check-not=linalg.broadcast --implicit-check-not=math. --implicit-check-not=tensor.pad
// RUN: %exec-compare %S/../Inputs/tosa/conv_bn_depthwise_bias.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/tosa/conv_bn_depthwise_bias.mlir:31:10: remark: fused linalg.depthwise_conv_2d_nhwc_hwcm and 7 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(%arg0: tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK:   %[[T1:.+]] = linalg.transpose ins(%arg0 : tensor<1x8x16x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x16x16x8xf32>) permutation = [0, 2, 3, 1]
// CHECK:   %[[Y:.+]] = convbn.conv_bn deploy nhwc_hwcm %[[T1]], %{{[a-z0-9_]+}} bias(%{{[a-z0-9_]+}} : tensor<8xf32>) scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x16x16x8xf32>, tensor<3x3x8x1xf32>, tensor<8xf32>
// CHECK:   %[[C1:.+]] = tensor.collapse_shape %[[Y]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x16x16x8x1xf32> into tensor<1x16x16x8xf32>
// CHECK:   %[[T2:.+]] = linalg.transpose ins(%[[C1]] : tensor<1x16x16x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x8x16x16xf32>) permutation = [0, 3, 1, 2]
// CHECK:   return %[[T2]] : tensor<1x8x16x16xf32>
