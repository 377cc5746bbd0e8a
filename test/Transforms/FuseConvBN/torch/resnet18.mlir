// resnet18: torchvision resnet18(weights=None), eval, input 1x3x32x32
// (torch-mlir linalg-on-tensors: Inputs/torch/resnet18.mlir; docs/frontend-ir.md).
// Every one of the 20 conv + BN pairs fuses (stem 7x7/2, 16 in the basic
// blocks, 3 1x1/2 downsamples), each with its own strides and padding, and
// no normalisation arithmetic (math.rsqrt) or convolution is left.
// No execution test: the conv weights are elided from the file
// (dense_resource handles without data, to keep it ~250 KB), so the module
// cannot run; the frontend blocks test execution of every spelling.
//
// RUN: convbn-opt %S/../Inputs/torch/resnet18.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.conv --implicit-check-not=math.rsqrt --implicit-check-not=convbn.conv_bn

// REMARK-COUNT-20: remark: fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn deploy
// REMARK-NOT:      remark:

// CHECK-LABEL: func.func @forward(
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) strides = [2, 2] padding = [3, 3, 3, 3] epsilon = 9.9999997473787516E-6 : tensor<1x3x32x32xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x64x8x8xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x64x8x8xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x64x8x8xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x64x8x8xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x64x8x8xf32>, tensor<128x64x3x3xf32>, tensor<128xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x128x4x4xf32>, tensor<128x128x3x3xf32>, tensor<128xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) strides = [2, 2] epsilon = 9.9999997473787516E-6 : tensor<1x64x8x8xf32>, tensor<128x64x1x1xf32>, tensor<128xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x128x4x4xf32>, tensor<128x128x3x3xf32>, tensor<128xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x128x4x4xf32>, tensor<128x128x3x3xf32>, tensor<128xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x128x4x4xf32>, tensor<256x128x3x3xf32>, tensor<256xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x256x2x2xf32>, tensor<256x256x3x3xf32>, tensor<256xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) strides = [2, 2] epsilon = 9.9999997473787516E-6 : tensor<1x128x4x4xf32>, tensor<256x128x1x1xf32>, tensor<256xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x256x2x2xf32>, tensor<256x256x3x3xf32>, tensor<256xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x256x2x2xf32>, tensor<256x256x3x3xf32>, tensor<256xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x256x2x2xf32>, tensor<512x256x3x3xf32>, tensor<512xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x512x1x1xf32>, tensor<512x512x3x3xf32>, tensor<512xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) strides = [2, 2] epsilon = 9.9999997473787516E-6 : tensor<1x256x2x2xf32>, tensor<512x256x1x1xf32>, tensor<512xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x512x1x1xf32>, tensor<512x512x3x3xf32>, tensor<512xf32>
// CHECK:       convbn.conv_bn deploy nchw_fchw %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} scale(%{{[a-z0-9_]+}}) offset(%{{[a-z0-9_]+}}) mean(%{{[a-z0-9_]+}}) variance(%{{[a-z0-9_]+}}) padding = [1, 1, 1, 1] epsilon = 9.9999997473787516E-6 : tensor<1x512x1x1xf32>, tensor<512x512x3x3xf32>, tensor<512xf32>
