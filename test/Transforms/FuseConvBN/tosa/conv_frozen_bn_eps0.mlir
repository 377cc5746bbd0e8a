// conv_frozen_bn_eps0 through TOSA: Conv2d(3,8,3,pad=1)+FrozenBatchNorm2d(8,
// eps=0), lowered by upstream tosa-to-linalg (Inputs/tosa/conv_frozen_bn_eps0.mlir).
//
// RUN: convbn-opt %S/../Inputs/tosa/conv_frozen_bn_eps0.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.conv --implicit-check-not=math.
// RUN: %exec-compare %S/../Inputs/tosa/conv_frozen_bn_eps0.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/tosa/conv_frozen_bn_eps0.mlir:29:10: remark: fused linalg.conv_2d_nhwc_fhwc and 3 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(
// CHECK:   convbn.conv_bn deploy nhwc_fhwc {{.*}} padding = [1, 1, 1, 1] epsilon = 0.000000e+00 : tensor<1x16x16x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>
