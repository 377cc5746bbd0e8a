// conv_bn_grouped_bias: Conv2d(4,8,3,pad=1,groups=2,bias)+BN, eval
// torch-mlir linalg-on-tensors (Inputs/torch/conv_bn_grouped_bias.mlir; docs/frontend-ir.md).
// The bias is broadcast and then expand_shape'd into the grouped conv's outs.
//
// RUN: convbn-opt %S/../Inputs/torch/conv_bn_grouped_bias.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.fill --implicit-check-not=linalg.broadcast --implicit-check-not=math. --implicit-check-not=tensor.pad
// RUN: %exec-compare %S/../Inputs/torch/conv_bn_grouped_bias.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/torch/conv_bn_grouped_bias.mlir:27:10: remark: fused linalg.conv_2d_ngchw_gfchw and 5 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(%arg0: tensor<1x4x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK-DAG: %[[E1:.+]] = tensor.expand_shape %arg0 {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 16, 16] : tensor<1x4x16x16xf32> into tensor<1x2x2x16x16xf32>
// CHECK-DAG: %[[E2:.+]] = tensor.expand_shape %{{[a-z0-9_]+}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 4, 2, 3, 3] : tensor<8x2x3x3xf32> into tensor<2x4x2x3x3xf32>
// CHECK:   %[[Y:.+]] = convbn.conv_bn deploy ngchw_gfchw %[[E1]], %[[E2]] bias(%{{[a-z0-9_]+}} : tensor<8xf32>) scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x2x2x16x16xf32>, tensor<2x4x2x3x3xf32>, tensor<8xf32>
// CHECK:   %[[C1:.+]] = tensor.collapse_shape %[[Y]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x4x16x16xf32> into tensor<1x8x16x16xf32>
// CHECK:   return %[[C1]] : tensor<1x8x16x16xf32>
