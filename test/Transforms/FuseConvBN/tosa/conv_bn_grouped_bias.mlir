// conv_bn_grouped_bias: Conv2d(4,8,3,pad=1,groups=2,bias)+BN, eval
// (torch-mlir TOSA, lowered by upstream tosa-to-linalg: Inputs/tosa/conv_bn_grouped_bias.mlir; docs/frontend-ir.md).
// TOSA lowers a grouped conv to one conv_2d_nhwc_fhwc per group on extract_slices,
// joined by tensor.insert_slice: no single conv feeds the BN, so --fuse-convbn
// alone fuses neither; --convbn-regroup-convs (below) makes them one grouped conv.
// The pass says why at the conv and leaves the program exactly as it was.
//
// RUN: convbn-opt %S/../Inputs/tosa/conv_bn_grouped_bias.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: convbn-opt %S/../Inputs/tosa/conv_bn_grouped_bias.mlir -o %t.orig
// RUN: diff %t.orig %t
// RUN: FileCheck %s --input-file=%t --implicit-check-not=convbn
// RUN: %exec-compare %S/../Inputs/tosa/conv_bn_grouped_bias.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

// REMARK:     {{.*}}Inputs/tosa/conv_bn_grouped_bias.mlir:35:10: remark: not fused: the convolution result is concatenated with other tensors ('tensor.insert_slice') before a batch norm (if these are TOSA's per-group convolutions, convbn-regroup-convs joins them)
// REMARK:     {{.*}}Inputs/tosa/conv_bn_grouped_bias.mlir:49:10: remark: not fused: the convolution result is concatenated with other tensors ('tensor.insert_slice') before a batch norm (if these are TOSA's per-group convolutions, convbn-regroup-convs joins them)
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(
// CHECK:       linalg.conv_2d_nhwc_fhwc
// CHECK:       linalg.conv_2d_nhwc_fhwc

// With --convbn-regroup-convs first (as --tosa-to-convbn does), the per-group
// convolutions become one conv_2d_nhwgc_gfhwc, which fuses.
// RUN: convbn-opt %S/../Inputs/tosa/conv_bn_grouped_bias.mlir --convbn-regroup-convs --fuse-convbn=remarks=true -o %t.regrouped 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REGROUPED-REMARK
// RUN: FileCheck %s --check-prefix=REGROUPED --input-file=%t.regrouped
// RUN: %exec-compare %S/../Inputs/tosa/conv_bn_grouped_bias.mlir --func forward "--passes=--convbn-regroup-convs --fuse-convbn" \
// RUN:   | FileCheck %s --check-prefix=EXEC
// REGROUPED-REMARK: remark: fused linalg.conv_2d_nhwgc_gfhwc and {{[0-9]+}} batch-norm ops into convbn.conv_bn deploy
// REGROUPED-REMARK-NOT: remark:
// The zero padding becomes the op's: the unpadded input is split into groups.
// REGROUPED-NOT: tensor.pad
// REGROUPED: tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 16, 16, 2, 2]
// REGROUPED-NOT: tensor.pad
// REGROUPED: convbn.conv_bn deploy nhwgc_gfhwc
// REGROUPED-SAME: padding = [1, 1, 1, 1]
// REGROUPED-SAME: tensor<1x16x16x2x2xf32>, tensor<2x4x3x3x2xf32>, tensor<8xf32>
// REGROUPED-NOT: linalg.conv
// EXEC: values agree
// The new layout in every mode, and on the GPU schedule.
// RUN: %exec-compare %S/../Inputs/tosa/conv_bn_grouped_bias.mlir --func forward \
// RUN:   "--passes=--convbn-regroup-convs --fuse-convbn=mode=tune --convbn-gpu-schedule" | FileCheck %s --check-prefix=EXEC
// RUN: %exec-compare %S/../Inputs/tosa/conv_bn_grouped_bias.mlir --func forward \
// RUN:   "--passes=--convbn-regroup-convs --fuse-convbn=mode=eval" | FileCheck %s --check-prefix=EXEC
