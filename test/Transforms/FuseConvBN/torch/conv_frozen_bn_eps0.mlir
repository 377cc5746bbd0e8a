// conv_frozen_bn_eps0: Conv2d(3,8,3,pad=1)+FrozenBatchNorm2d(8, eps=0), the
// batch norm of pretrained detectors (Faster R-CNN, RetinaNet).
// torch-mlir linalg-on-tensors (Inputs/torch/conv_frozen_bn_eps0.mlir).
// scale = w * rsqrt(rv + 0) and bias = b - rm * scale, then x * scale + bias:
// epsilon 0 is a batch norm's (it was refused as "not positive").
//
// RUN: convbn-opt %S/../Inputs/torch/conv_frozen_bn_eps0.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=math.
// RUN: %exec-compare %S/../Inputs/torch/conv_frozen_bn_eps0.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %S/../Inputs/torch/conv_frozen_bn_eps0.mlir --func forward --passes="--fuse-convbn --canonicalize" --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/torch/conv_frozen_bn_eps0.mlir:21:10: remark: fused linalg.conv_2d_nchw_fchw and 2 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(%arg0: tensor<1x3x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK:   %[[Y:.+]] = convbn.conv_bn deploy nchw_fchw %arg0, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 0.000000e+00 : tensor<1x3x16x16xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>
// CHECK:   return %[[Y]] : tensor<1x8x16x16xf32>
