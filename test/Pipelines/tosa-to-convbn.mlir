// The one command for TOSA input: tosa.conv2d / tosa.depthwise_conv2d and
// the decomposed batch norm, as torch-mlir emits TOSA, lowered by the
// upstream TOSA conversions and fused. The pipeline's first half is exactly
// the conversion that produced Inputs/tosa/*.mlir, whose fusion is checked by
// execution in test/Transforms/FuseConvBN/tosa/.
//
// RUN: convbn-opt %S/../Transforms/FuseConvBN/Inputs/tosa-dialect/conv_bn_3x3.mlir \
// RUN:   --tosa-to-convbn="fuse=remarks=true" -o %t.3x3.mlir 2>&1 | FileCheck %s --check-prefix=REMARK3x3
// RUN: FileCheck %s --check-prefix=FUSED3x3 < %t.3x3.mlir
// RUN: convbn-opt %S/../Transforms/FuseConvBN/Inputs/tosa-dialect/conv_bn_depthwise_mult2.mlir \
// RUN:   --tosa-to-convbn="fuse=remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEPTHWISE
// RUN: convbn-opt %S/../Transforms/FuseConvBN/Inputs/tosa-dialect/resnet18.mlir \
// RUN:   --tosa-to-convbn="fuse=remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=RESNET

// REMARK3x3: remark: fused linalg.conv_2d_nhwc_fhwc and {{[0-9]+}} batch-norm ops into convbn.conv_bn deploy
// FUSED3x3-NOT: tosa.
// FUSED3x3: convbn.conv_bn deploy nhwc_fhwc
// FUSED3x3-NOT: math.rsqrt
// DEPTHWISE: remark: fused linalg.depthwise_conv_2d_nhwc_hwcm and {{[0-9]+}} batch-norm ops into convbn.conv_bn deploy
// RESNET-COUNT-20: remark: fused
// RESNET-NOT: remark:

// Grouped convolutions, which TOSA spells as per-group slices, fuse too.
// RUN: convbn-opt %S/../Transforms/FuseConvBN/Inputs/tosa-dialect/conv_bn_grouped_bias.mlir \
// RUN:   --tosa-to-convbn="fuse=remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=GROUPED
// GROUPED: remark: fused linalg.conv_2d_nhwgc_gfhwc and {{[0-9]+}} batch-norm ops into convbn.conv_bn deploy
// GROUPED-NOT: remark:
