// conv_bn_f16: Conv2d(3,8,3,pad=1)+BN, eval, model.half(), f16 input
// torch-mlir linalg-on-tensors (Inputs/torch/conv_bn_f16.mlir; docs/frontend-ir.md).
// f16 conv accumulating in f32, BN computed in f32 (extf/truncf): fused in f16.
//
// RUN: convbn-opt %S/../Inputs/torch/conv_bn_f16.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.generic --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.fill --implicit-check-not=linalg.broadcast --implicit-check-not=math. --implicit-check-not=tensor.pad
// RUN: %exec-compare %S/../Inputs/torch/conv_bn_f16.mlir --func forward --passes=--fuse-convbn --rtol 1e-2 --atol 1e-2

// REMARK:     {{.*}}Inputs/torch/conv_bn_f16.mlir:24:10: remark: fused linalg.conv_2d_nchw_fchw and 6 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(%arg0: tensor<1x3x16x16xf16>) -> tensor<1x8x16x16xf16>
// CHECK:   %[[Y:.+]] = convbn.conv_bn deploy nchw_fchw %arg0, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x3x16x16xf16>, tensor<8x3x3x3xf16>, tensor<8xf16>
// CHECK:   return %[[Y]] : tensor<1x8x16x16xf16>
