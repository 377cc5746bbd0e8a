// conv_bn_grouped_bias: Conv2d(4,8,3,pad=1,groups=2,bias)+BN, eval
// (torch-mlir TOSA, lowered by upstream tosa-to-linalg: Inputs/tosa/conv_bn_grouped_bias.mlir; docs/frontend-ir.md).
// TOSA lowers a grouped conv to one conv_2d_nhwc_fhwc per group on extract_slices,
// joined by tensor.insert_slice: no single conv feeds the BN, so neither fuses.
// The pass says why at the conv and leaves the program exactly as it was.
//
// RUN: convbn-opt %S/../Inputs/tosa/conv_bn_grouped_bias.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: convbn-opt %S/../Inputs/tosa/conv_bn_grouped_bias.mlir -o %t.orig
// RUN: diff %t.orig %t
// RUN: FileCheck %s --input-file=%t --implicit-check-not=convbn
// RUN: %exec-compare %S/../Inputs/tosa/conv_bn_grouped_bias.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/tosa/conv_bn_grouped_bias.mlir:35:10: remark: not fused: 'tensor.insert_slice' is not a per-channel elementwise op
// REMARK:     {{.*}}Inputs/tosa/conv_bn_grouped_bias.mlir:49:10: remark: not fused: 'tensor.insert_slice' is not a per-channel elementwise op
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(
// CHECK:       linalg.conv_2d_nhwc_fhwc
// CHECK:       linalg.conv_2d_nhwc_fhwc
