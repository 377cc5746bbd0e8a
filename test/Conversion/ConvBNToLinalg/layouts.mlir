// RUN: convbn-opt %s --convert-convbn-to-linalg | FileCheck %s

// Every layout lowers to the linalg named convolution it names, with the
// op's strides and dilations carried over in order and its padding applied
// by a tensor.pad on the input's spatial dimensions (low amounts first, then
// high). The spatial sizes and attributes differ per dimension, so a swap or
// a dropped attribute shows. Where the output channel spans two dimensions
// (group x filter, channel x multiplier), per-channel vectors are reshaped
// to those two dimensions with tensor.expand_shape.
//
// Shapes: batch 2, 3 input channels (per group), 2 groups, 4 filters (per
// group), multiplier 2. 1-D: input w 10, kernel 2, stride 2, dilation 2,
// padding [1, 2]. 2-D: input h x w 9 x 10, kernel 3 x 2, strides [1, 2],
// dilations [2, 1], padding [1, 0, 2, 1]. 3-D: as 2-D with depth 5, kernel
// depth 2, stride 1, dilation 1 and padding 0 low, 1 high in front.

// ncw_fcw: input ncw, filter fcw, output nfw, 4 output channels.
// CHECK-LABEL: func.func @ncw_fcw(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x10xf32>, %[[W:[^:]+]]: tensor<4x3x2xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x4x6xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1] high[0, 0, 2]
// CHECK:         } : tensor<2x3x10xf32> to tensor<2x3x13xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_1d_ncw_fcw {dilations = dense<2> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>} ins(%[[PAD]], %[[W]] : tensor<2x3x13xf32>, tensor<4x3x2xf32>) outs(%[[INIT]] : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x4x6xf32>
func.func @ncw_fcw(%x: tensor<2x3x10xf32>, %w: tensor<4x3x2xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x6xf32> {
  %y = convbn.conv_bn eval ncw_fcw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [2] dilations = [2] padding = [1, 2] epsilon = 1.0e-5 : tensor<2x3x10xf32>, tensor<4x3x2xf32>, tensor<4xf32>
  return %y : tensor<2x4x6xf32>
}

// nwc_wcf: input nwc, filter wcf, output nwf, 4 output channels.
// CHECK-LABEL: func.func @nwc_wcf(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x10x3xf32>, %[[W:[^:]+]]: tensor<2x3x4xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x6x4xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0] high[0, 2, 0]
// CHECK:         } : tensor<2x10x3xf32> to tensor<2x13x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_1d_nwc_wcf {dilations = dense<2> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>} ins(%[[PAD]], %[[W]] : tensor<2x13x3xf32>, tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<2x6x4xf32>) -> tensor<2x6x4xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x6x4xf32>
func.func @nwc_wcf(%x: tensor<2x10x3xf32>, %w: tensor<2x3x4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x6x4xf32> {
  %y = convbn.conv_bn eval nwc_wcf %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [2] dilations = [2] padding = [1, 2] epsilon = 1.0e-5 : tensor<2x10x3xf32>, tensor<2x3x4xf32>, tensor<4xf32>
  return %y : tensor<2x6x4xf32>
}

// ncw_cw: input ncw, filter cw, output ncw, 3 output channels.
// CHECK-LABEL: func.func @ncw_cw(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x10xf32>, %[[W:[^:]+]]: tensor<3x2xf32>, %[[B:[^:]+]]: tensor<3xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>) outs(%{{.+}} : tensor<2x3x6xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1] high[0, 0, 2]
// CHECK:         } : tensor<2x3x10xf32> to tensor<2x3x13xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_1d_ncw_cw {dilations = dense<2> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>} ins(%[[PAD]], %[[W]] : tensor<2x3x13xf32>, tensor<3x2xf32>) outs(%[[INIT]] : tensor<2x3x6xf32>) -> tensor<2x3x6xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x3x6xf32>
func.func @ncw_cw(%x: tensor<2x3x10xf32>, %w: tensor<3x2xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x6xf32> {
  %y = convbn.conv_bn eval ncw_cw %x, %w bias(%b : tensor<3xf32>) mean(%m) variance(%v) strides = [2] dilations = [2] padding = [1, 2] epsilon = 1.0e-5 : tensor<2x3x10xf32>, tensor<3x2xf32>, tensor<3xf32>
  return %y : tensor<2x3x6xf32>
}

// nwc_wc: input nwc, filter wc, output nwc, 3 output channels.
// CHECK-LABEL: func.func @nwc_wc(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x10x3xf32>, %[[W:[^:]+]]: tensor<2x3xf32>, %[[B:[^:]+]]: tensor<3xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>) outs(%{{.+}} : tensor<2x6x3xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0] high[0, 2, 0]
// CHECK:         } : tensor<2x10x3xf32> to tensor<2x13x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_1d_nwc_wc {dilations = dense<2> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>} ins(%[[PAD]], %[[W]] : tensor<2x13x3xf32>, tensor<2x3xf32>) outs(%[[INIT]] : tensor<2x6x3xf32>) -> tensor<2x6x3xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x6x3xf32>
func.func @nwc_wc(%x: tensor<2x10x3xf32>, %w: tensor<2x3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x6x3xf32> {
  %y = convbn.conv_bn eval nwc_wc %x, %w bias(%b : tensor<3xf32>) mean(%m) variance(%v) strides = [2] dilations = [2] padding = [1, 2] epsilon = 1.0e-5 : tensor<2x10x3xf32>, tensor<2x3xf32>, tensor<3xf32>
  return %y : tensor<2x6x3xf32>
}

// nwc_wcm: input nwc, filter wcm, output nwcm, 6 output channels.
// CHECK-LABEL: func.func @nwc_wcm(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x10x3xf32>, %[[W:[^:]+]]: tensor<2x3x2xf32>, %[[B:[^:]+]]: tensor<6xf32>
// CHECK:         %[[BE:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[BE]] : tensor<3x2xf32>) outs(%{{.+}} : tensor<2x6x3x2xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0] high[0, 2, 0]
// CHECK:         } : tensor<2x10x3xf32> to tensor<2x13x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_1d_nwc_wcm {dilations = dense<2> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>} ins(%[[PAD]], %[[W]] : tensor<2x13x3xf32>, tensor<2x3x2xf32>) outs(%[[INIT]] : tensor<2x6x3x2xf32>) -> tensor<2x6x3x2xf32>
// CHECK:         tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x6x3x2xf32>
func.func @nwc_wcm(%x: tensor<2x10x3xf32>, %w: tensor<2x3x2xf32>, %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<2x6x3x2xf32> {
  %y = convbn.conv_bn eval nwc_wcm %x, %w bias(%b : tensor<6xf32>) mean(%m) variance(%v) strides = [2] dilations = [2] padding = [1, 2] epsilon = 1.0e-5 : tensor<2x10x3xf32>, tensor<2x3x2xf32>, tensor<6xf32>
  return %y : tensor<2x6x3x2xf32>
}

// nchw_fchw: input nchw, filter fchw, output nfhw, 4 output channels.
// CHECK-LABEL: func.func @nchw_fchw(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x9x10xf32>, %[[W:[^:]+]]: tensor<4x3x3x2xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x4x8x5xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 2, 1]
// CHECK:         } : tensor<2x3x9x10xf32> to tensor<2x3x12x11xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<2x3x12x11xf32>, tensor<4x3x3x2xf32>) outs(%[[INIT]] : tensor<2x4x8x5xf32>) -> tensor<2x4x8x5xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x4x8x5xf32>
func.func @nchw_fchw(%x: tensor<2x3x9x10xf32>, %w: tensor<4x3x3x2xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x8x5xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [1, 2] dilations = [2, 1] padding = [1, 0, 2, 1] epsilon = 1.0e-5 : tensor<2x3x9x10xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>
  return %y : tensor<2x4x8x5xf32>
}

// nhwc_hwcf: input nhwc, filter hwcf, output nhwf, 4 output channels.
// CHECK-LABEL: func.func @nhwc_hwcf(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x9x10x3xf32>, %[[W:[^:]+]]: tensor<3x2x3x4xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x8x5x4xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 2, 1, 0]
// CHECK:         } : tensor<2x9x10x3xf32> to tensor<2x12x11x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<2x12x11x3xf32>, tensor<3x2x3x4xf32>) outs(%[[INIT]] : tensor<2x8x5x4xf32>) -> tensor<2x8x5x4xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x8x5x4xf32>
func.func @nhwc_hwcf(%x: tensor<2x9x10x3xf32>, %w: tensor<3x2x3x4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x8x5x4xf32> {
  %y = convbn.conv_bn eval nhwc_hwcf %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [1, 2] dilations = [2, 1] padding = [1, 0, 2, 1] epsilon = 1.0e-5 : tensor<2x9x10x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>
  return %y : tensor<2x8x5x4xf32>
}

// nhwc_fhwc: input nhwc, filter fhwc, output nhwf, 4 output channels.
// CHECK-LABEL: func.func @nhwc_fhwc(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x9x10x3xf32>, %[[W:[^:]+]]: tensor<4x3x2x3xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x8x5x4xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 2, 1, 0]
// CHECK:         } : tensor<2x9x10x3xf32> to tensor<2x12x11x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nhwc_fhwc {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<2x12x11x3xf32>, tensor<4x3x2x3xf32>) outs(%[[INIT]] : tensor<2x8x5x4xf32>) -> tensor<2x8x5x4xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x8x5x4xf32>
func.func @nhwc_fhwc(%x: tensor<2x9x10x3xf32>, %w: tensor<4x3x2x3xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x8x5x4xf32> {
  %y = convbn.conv_bn eval nhwc_fhwc %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [1, 2] dilations = [2, 1] padding = [1, 0, 2, 1] epsilon = 1.0e-5 : tensor<2x9x10x3xf32>, tensor<4x3x2x3xf32>, tensor<4xf32>
  return %y : tensor<2x8x5x4xf32>
}

// ngchw_gfchw: input ngchw, filter gfchw, output ngfhw, 8 output channels.
// CHECK-LABEL: func.func @ngchw_gfchw(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x2x3x9x10xf32>, %[[W:[^:]+]]: tensor<2x4x3x3x2xf32>, %[[B:[^:]+]]: tensor<8xf32>
// CHECK:         %[[BE:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[BE]] : tensor<2x4xf32>) outs(%{{.+}} : tensor<2x2x4x8x5xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 0, 1, 0] high[0, 0, 0, 2, 1]
// CHECK:         } : tensor<2x2x3x9x10xf32> to tensor<2x2x3x12x11xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<2x2x3x12x11xf32>, tensor<2x4x3x3x2xf32>) outs(%[[INIT]] : tensor<2x2x4x8x5xf32>) -> tensor<2x2x4x8x5xf32>
// CHECK:         tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x2x4x8x5xf32>
func.func @ngchw_gfchw(%x: tensor<2x2x3x9x10xf32>, %w: tensor<2x4x3x3x2xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<2x2x4x8x5xf32> {
  %y = convbn.conv_bn eval ngchw_gfchw %x, %w bias(%b : tensor<8xf32>) mean(%m) variance(%v) strides = [1, 2] dilations = [2, 1] padding = [1, 0, 2, 1] epsilon = 1.0e-5 : tensor<2x2x3x9x10xf32>, tensor<2x4x3x3x2xf32>, tensor<8xf32>
  return %y : tensor<2x2x4x8x5xf32>
}

// nchw_chw: input nchw, filter chw, output nchw, 3 output channels.
// CHECK-LABEL: func.func @nchw_chw(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x9x10xf32>, %[[W:[^:]+]]: tensor<3x3x2xf32>, %[[B:[^:]+]]: tensor<3xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>) outs(%{{.+}} : tensor<2x3x8x5xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 2, 1]
// CHECK:         } : tensor<2x3x9x10xf32> to tensor<2x3x12x11xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<2x3x12x11xf32>, tensor<3x3x2xf32>) outs(%[[INIT]] : tensor<2x3x8x5xf32>) -> tensor<2x3x8x5xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x3x8x5xf32>
func.func @nchw_chw(%x: tensor<2x3x9x10xf32>, %w: tensor<3x3x2xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x8x5xf32> {
  %y = convbn.conv_bn eval nchw_chw %x, %w bias(%b : tensor<3xf32>) mean(%m) variance(%v) strides = [1, 2] dilations = [2, 1] padding = [1, 0, 2, 1] epsilon = 1.0e-5 : tensor<2x3x9x10xf32>, tensor<3x3x2xf32>, tensor<3xf32>
  return %y : tensor<2x3x8x5xf32>
}

// nhwc_hwc: input nhwc, filter hwc, output nhwc, 3 output channels.
// CHECK-LABEL: func.func @nhwc_hwc(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x9x10x3xf32>, %[[W:[^:]+]]: tensor<3x2x3xf32>, %[[B:[^:]+]]: tensor<3xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>) outs(%{{.+}} : tensor<2x8x5x3xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 2, 1, 0]
// CHECK:         } : tensor<2x9x10x3xf32> to tensor<2x12x11x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<2x12x11x3xf32>, tensor<3x2x3xf32>) outs(%[[INIT]] : tensor<2x8x5x3xf32>) -> tensor<2x8x5x3xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x8x5x3xf32>
func.func @nhwc_hwc(%x: tensor<2x9x10x3xf32>, %w: tensor<3x2x3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x8x5x3xf32> {
  %y = convbn.conv_bn eval nhwc_hwc %x, %w bias(%b : tensor<3xf32>) mean(%m) variance(%v) strides = [1, 2] dilations = [2, 1] padding = [1, 0, 2, 1] epsilon = 1.0e-5 : tensor<2x9x10x3xf32>, tensor<3x2x3xf32>, tensor<3xf32>
  return %y : tensor<2x8x5x3xf32>
}

// nhwc_hwcm: input nhwc, filter hwcm, output nhwcm, 6 output channels.
// CHECK-LABEL: func.func @nhwc_hwcm(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x9x10x3xf32>, %[[W:[^:]+]]: tensor<3x2x3x2xf32>, %[[B:[^:]+]]: tensor<6xf32>
// CHECK:         %[[BE:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[BE]] : tensor<3x2xf32>) outs(%{{.+}} : tensor<2x8x5x3x2xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 2, 1, 0]
// CHECK:         } : tensor<2x9x10x3xf32> to tensor<2x12x11x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<2x12x11x3xf32>, tensor<3x2x3x2xf32>) outs(%[[INIT]] : tensor<2x8x5x3x2xf32>) -> tensor<2x8x5x3x2xf32>
// CHECK:         tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x8x5x3x2xf32>
func.func @nhwc_hwcm(%x: tensor<2x9x10x3xf32>, %w: tensor<3x2x3x2xf32>, %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<2x8x5x3x2xf32> {
  %y = convbn.conv_bn eval nhwc_hwcm %x, %w bias(%b : tensor<6xf32>) mean(%m) variance(%v) strides = [1, 2] dilations = [2, 1] padding = [1, 0, 2, 1] epsilon = 1.0e-5 : tensor<2x9x10x3xf32>, tensor<3x2x3x2xf32>, tensor<6xf32>
  return %y : tensor<2x8x5x3x2xf32>
}

// ncdhw_fcdhw: input ncdhw, filter fcdhw, output nfdhw, 4 output channels.
// CHECK-LABEL: func.func @ncdhw_fcdhw(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x5x9x10xf32>, %[[W:[^:]+]]: tensor<4x3x2x3x2xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x4x5x8x5xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 0, 1, 0] high[0, 0, 1, 2, 1]
// CHECK:         } : tensor<2x3x5x9x10xf32> to tensor<2x3x6x12x11xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_3d_ncdhw_fcdhw {dilations = dense<[1, 2, 1]> : tensor<3xi64>, strides = dense<[1, 1, 2]> : tensor<3xi64>} ins(%[[PAD]], %[[W]] : tensor<2x3x6x12x11xf32>, tensor<4x3x2x3x2xf32>) outs(%[[INIT]] : tensor<2x4x5x8x5xf32>) -> tensor<2x4x5x8x5xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x4x5x8x5xf32>
func.func @ncdhw_fcdhw(%x: tensor<2x3x5x9x10xf32>, %w: tensor<4x3x2x3x2xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x5x8x5xf32> {
  %y = convbn.conv_bn eval ncdhw_fcdhw %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [1, 1, 2] dilations = [1, 2, 1] padding = [0, 1, 0, 1, 2, 1] epsilon = 1.0e-5 : tensor<2x3x5x9x10xf32>, tensor<4x3x2x3x2xf32>, tensor<4xf32>
  return %y : tensor<2x4x5x8x5xf32>
}

// ndhwc_dhwcf: input ndhwc, filter dhwcf, output ndhwf, 4 output channels.
// CHECK-LABEL: func.func @ndhwc_dhwcf(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x5x9x10x3xf32>, %[[W:[^:]+]]: tensor<2x3x2x3x4xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<2x5x8x5x4xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0, 0] high[0, 1, 2, 1, 0]
// CHECK:         } : tensor<2x5x9x10x3xf32> to tensor<2x6x12x11x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_3d_ndhwc_dhwcf {dilations = dense<[1, 2, 1]> : tensor<3xi64>, strides = dense<[1, 1, 2]> : tensor<3xi64>} ins(%[[PAD]], %[[W]] : tensor<2x6x12x11x3xf32>, tensor<2x3x2x3x4xf32>) outs(%[[INIT]] : tensor<2x5x8x5x4xf32>) -> tensor<2x5x8x5x4xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x5x8x5x4xf32>
func.func @ndhwc_dhwcf(%x: tensor<2x5x9x10x3xf32>, %w: tensor<2x3x2x3x4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x5x8x5x4xf32> {
  %y = convbn.conv_bn eval ndhwc_dhwcf %x, %w bias(%b : tensor<4xf32>) mean(%m) variance(%v) strides = [1, 1, 2] dilations = [1, 2, 1] padding = [0, 1, 0, 1, 2, 1] epsilon = 1.0e-5 : tensor<2x5x9x10x3xf32>, tensor<2x3x2x3x4xf32>, tensor<4xf32>
  return %y : tensor<2x5x8x5x4xf32>
}

// ncdhw_cdhw: input ncdhw, filter cdhw, output ncdhw, 3 output channels.
// CHECK-LABEL: func.func @ncdhw_cdhw(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x3x5x9x10xf32>, %[[W:[^:]+]]: tensor<3x2x3x2xf32>, %[[B:[^:]+]]: tensor<3xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>) outs(%{{.+}} : tensor<2x3x5x8x5xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 0, 1, 0] high[0, 0, 1, 2, 1]
// CHECK:         } : tensor<2x3x5x9x10xf32> to tensor<2x3x6x12x11xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_3d_ncdhw_cdhw {dilations = dense<[1, 2, 1]> : tensor<3xi64>, strides = dense<[1, 1, 2]> : tensor<3xi64>} ins(%[[PAD]], %[[W]] : tensor<2x3x6x12x11xf32>, tensor<3x2x3x2xf32>) outs(%[[INIT]] : tensor<2x3x5x8x5xf32>) -> tensor<2x3x5x8x5xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x3x5x8x5xf32>
func.func @ncdhw_cdhw(%x: tensor<2x3x5x9x10xf32>, %w: tensor<3x2x3x2xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x5x8x5xf32> {
  %y = convbn.conv_bn eval ncdhw_cdhw %x, %w bias(%b : tensor<3xf32>) mean(%m) variance(%v) strides = [1, 1, 2] dilations = [1, 2, 1] padding = [0, 1, 0, 1, 2, 1] epsilon = 1.0e-5 : tensor<2x3x5x9x10xf32>, tensor<3x2x3x2xf32>, tensor<3xf32>
  return %y : tensor<2x3x5x8x5xf32>
}

// ndhwc_dhwc: input ndhwc, filter dhwc, output ndhwc, 3 output channels.
// CHECK-LABEL: func.func @ndhwc_dhwc(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x5x9x10x3xf32>, %[[W:[^:]+]]: tensor<2x3x2x3xf32>, %[[B:[^:]+]]: tensor<3xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>) outs(%{{.+}} : tensor<2x5x8x5x3xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0, 0] high[0, 1, 2, 1, 0]
// CHECK:         } : tensor<2x5x9x10x3xf32> to tensor<2x6x12x11x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_3d_ndhwc_dhwc {dilations = dense<[1, 2, 1]> : tensor<3xi64>, strides = dense<[1, 1, 2]> : tensor<3xi64>} ins(%[[PAD]], %[[W]] : tensor<2x6x12x11x3xf32>, tensor<2x3x2x3xf32>) outs(%[[INIT]] : tensor<2x5x8x5x3xf32>) -> tensor<2x5x8x5x3xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x5x8x5x3xf32>
func.func @ndhwc_dhwc(%x: tensor<2x5x9x10x3xf32>, %w: tensor<2x3x2x3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x5x8x5x3xf32> {
  %y = convbn.conv_bn eval ndhwc_dhwc %x, %w bias(%b : tensor<3xf32>) mean(%m) variance(%v) strides = [1, 1, 2] dilations = [1, 2, 1] padding = [0, 1, 0, 1, 2, 1] epsilon = 1.0e-5 : tensor<2x5x9x10x3xf32>, tensor<2x3x2x3xf32>, tensor<3xf32>
  return %y : tensor<2x5x8x5x3xf32>
}

// ndhwc_dhwcm: input ndhwc, filter dhwcm, output ndhwcm, 6 output channels.
// CHECK-LABEL: func.func @ndhwc_dhwcm(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<2x5x9x10x3xf32>, %[[W:[^:]+]]: tensor<2x3x2x3x2xf32>, %[[B:[^:]+]]: tensor<6xf32>
// CHECK:         %[[BE:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[BE]] : tensor<3x2xf32>) outs(%{{.+}} : tensor<2x5x8x5x3x2xf32>)
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0, 0] high[0, 1, 2, 1, 0]
// CHECK:         } : tensor<2x5x9x10x3xf32> to tensor<2x6x12x11x3xf32>
// CHECK:         %[[CONV:.+]] = linalg.depthwise_conv_3d_ndhwc_dhwcm {dilations = dense<[1, 2, 1]> : tensor<3xi64>, strides = dense<[1, 1, 2]> : tensor<3xi64>} ins(%[[PAD]], %[[W]] : tensor<2x6x12x11x3xf32>, tensor<2x3x2x3x2xf32>) outs(%[[INIT]] : tensor<2x5x8x5x3x2xf32>) -> tensor<2x5x8x5x3x2xf32>
// CHECK:         tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
// CHECK:         %[[OUT:.+]] = linalg.generic {{.*}} ins(%[[CONV]], 
// CHECK:         return %[[OUT]] : tensor<2x5x8x5x3x2xf32>
func.func @ndhwc_dhwcm(%x: tensor<2x5x9x10x3xf32>, %w: tensor<2x3x2x3x2xf32>, %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<2x5x8x5x3x2xf32> {
  %y = convbn.conv_bn eval ndhwc_dhwcm %x, %w bias(%b : tensor<6xf32>) mean(%m) variance(%v) strides = [1, 1, 2] dilations = [1, 2, 1] padding = [0, 1, 0, 1, 2, 1] epsilon = 1.0e-5 : tensor<2x5x9x10x3xf32>, tensor<2x3x2x3x2xf32>, tensor<6xf32>
  return %y : tensor<2x5x8x5x3x2xf32>
}
