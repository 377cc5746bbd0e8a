// conv_two_users: Conv2d(3,8,3,pad=1) whose result feeds BN and the final add (bn(y) + y): must NOT fuse
// (torch-mlir TOSA, lowered by upstream tosa-to-linalg: Inputs/tosa/conv_two_users.mlir; docs/frontend-ir.md).
// `y = conv(x); return bn(y) + y`: the conv result (the transpose after it
// on the TOSA path) has a second user.
// The pass says why at the conv and leaves the program exactly as it was.
//
// RUN: convbn-opt %S/../Inputs/tosa/conv_two_users.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: convbn-opt %S/../Inputs/tosa/conv_two_users.mlir -o %t.orig
// RUN: diff %t.orig %t
// RUN: FileCheck %s --input-file=%t --implicit-check-not=convbn
// RUN: %exec-compare %S/../Inputs/tosa/conv_two_users.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/tosa/conv_two_users.mlir:32:10: remark: not fused: the convolution result (after a layout change) has 2 users ('linalg.generic' x2)
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(
// CHECK:       linalg.conv_2d_nhwc_fhwc
