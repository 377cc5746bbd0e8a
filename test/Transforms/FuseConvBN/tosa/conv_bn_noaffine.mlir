// conv_bn_noaffine: Conv2d(3,8,3,pad=1)+BatchNorm2d(8, affine=False), eval
// torch-mlir TOSA, lowered by upstream tosa-to-linalg (Inputs/tosa/conv_bn_noaffine.mlir; docs/frontend-ir.md).
//
// RUN: convbn-opt %S/../Inputs/tosa/conv_bn_noaffine.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.fill --implicit-check-not=linalg.broadcast --implicit-check-not=math. --implicit-check-not=tensor.pad
// RUN: %exec-compare %S/../Inputs/tosa/conv_bn_noaffine.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/tosa/conv_bn_noaffine.mlir:30:10: remark: fused linalg.conv_2d_nhwc_fhwc and 3 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(%arg0: tensor<1x3x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK:   %[[T1:.+]] = linalg.transpose ins(%arg0 : tensor<1x3x16x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x16x16x3xf32>) permutation = [0, 2, 3, 1]
// CHECK:   %[[Y:.+]] = convbn.conv_bn deploy nhwc_fhwc %[[T1]], %{{[a-z0-9_]+}} bias(%{{[a-z0-9_]+}} : tensor<8xf32>) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x16x16x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>
// CHECK:   %[[T2:.+]] = linalg.transpose ins(%[[Y]] : tensor<1x16x16x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x8x16x16xf32>) permutation = [0, 3, 1, 2]
// CHECK:   return %[[T2]] : tensor<1x8x16x16xf32>
