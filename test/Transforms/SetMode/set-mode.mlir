// --convbn-set-mode switches every convbn.conv_bn between eval, tune and
// deploy (the paper's one-line switch) and changes nothing else: operands,
// layout, strides, dilations, padding and epsilon stay. All parameters here
// are constants, so deploy is possible. Switching never changes the values
// computed (exec-compare, for each target mode).
//
// RUN: convbn-opt %s --convbn-set-mode=mode=eval | FileCheck %s -DMODE=eval
// RUN: convbn-opt %s --convbn-set-mode=mode=tune | FileCheck %s -DMODE=tune
// RUN: convbn-opt %s --convbn-set-mode=mode=deploy | FileCheck %s -DMODE=deploy
// The default target is tune.
// RUN: convbn-opt %s --convbn-set-mode | FileCheck %s -DMODE=tune
// Round trip eval -> deploy -> tune -> eval.
// RUN: convbn-opt %s --convbn-set-mode=mode=deploy | convbn-opt --convbn-set-mode=mode=tune \
// RUN:   | convbn-opt --convbn-set-mode=mode=eval | FileCheck %s -DMODE=eval
// Switching to the mode an op already has is a no-op.
// RUN: convbn-opt %s --convbn-set-mode=mode=eval | convbn-opt --convbn-set-mode=mode=eval | FileCheck %s -DMODE=eval
//
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=eval --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=tune --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=deploy --rtol 1e-5 --atol 1e-5

// CHECK-LABEL: func.func @from_eval(
// CHECK:         %[[Y:.+]] = convbn.conv_bn [[MODE]] nchw_fchw %arg0, %[[W:.+]] bias(%[[BIAS:.+]] : tensor<2xf32>) scale(%[[G:.+]]) offset(%[[B:.+]]) mean(%[[M:.+]]) variance(%[[V:.+]]) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.000000e-03 : tensor<1x3x6x6xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>
// CHECK-NEXT:    return %[[Y]] : tensor<1x2x3x3xf32>
func.func @from_eval(%x: tensor<1x3x6x6xf32>) -> tensor<1x2x3x3xf32> {
  %w = arith.constant dense<[[[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, 0.8, 0.9]], [[-0.1, 0.2, 0.3], [0.4, -0.5, 0.6], [0.7, 0.8, -0.9]], [[0.1, 0.2, -0.3], [-0.4, 0.5, 0.6], [0.7, -0.8, 0.9]]], [[[0.3, 0.2, 0.1], [0.6, 0.5, 0.4], [0.9, 0.8, 0.7]], [[-0.3, -0.2, 0.1], [0.6, -0.5, 0.4], [0.9, 0.8, -0.7]], [[0.3, 0.2, -0.1], [0.6, 0.5, -0.4], [-0.9, 0.8, 0.7]]]]> : tensor<2x3x3x3xf32>
  %bias = arith.constant dense<[0.25, -0.5]> : tensor<2xf32>
  %g = arith.constant dense<[1.5, 0.75]> : tensor<2xf32>
  %b = arith.constant dense<[0.1, -0.1]> : tensor<2xf32>
  %m = arith.constant dense<[0.3, -0.2]> : tensor<2xf32>
  %v = arith.constant dense<[0.8, 1.6]> : tensor<2xf32>
  %y = convbn.conv_bn eval nchw_fchw %x, %w bias(%bias : tensor<2xf32>) scale(%g) offset(%b) mean(%m) variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-3 : tensor<1x3x6x6xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>
  return %y : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func @from_tune(
// CHECK:         %[[Y:.+]] = convbn.conv_bn [[MODE]] nhwc_hwcf %arg0, %{{.+}} mean(%{{.+}}) variance(%{{.+}}) dilations = [2, 2] epsilon = 1.000000e-05 : tensor<1x7x7x2xf32>, tensor<2x2x2x3xf32>, tensor<3xf32>
// CHECK-NEXT:    return %[[Y]] : tensor<1x5x5x3xf32>
func.func @from_tune(%x: tensor<1x7x7x2xf32>) -> tensor<1x5x5x3xf32> {
  %w = arith.constant dense<[[[[0.5, -0.25, 0.125], [0.75, 0.5, -1.0]], [[-0.5, 0.25, 1.0], [0.1, 0.2, 0.3]]], [[[0.3, -0.3, 0.6], [-0.6, 0.9, 0.2]], [[0.4, 0.8, -0.2], [0.7, -0.1, 0.5]]]]> : tensor<2x2x2x3xf32>
  %m = arith.constant dense<[0.1, -0.4, 0.25]> : tensor<3xf32>
  %v = arith.constant dense<[0.5, 2.0, 1.25]> : tensor<3xf32>
  %y = convbn.conv_bn tune nhwc_hwcf %x, %w mean(%m) variance(%v) dilations = [2, 2] epsilon = 1.0e-5 : tensor<1x7x7x2xf32>, tensor<2x2x2x3xf32>, tensor<3xf32>
  return %y : tensor<1x5x5x3xf32>
}

// CHECK-LABEL: func.func @from_deploy(
// CHECK:         %[[Y:.+]] = convbn.conv_bn [[MODE]] nchw_chw %arg0, %{{.+}} scale(%{{.+}}) offset(%{{.+}}) mean(%{{.+}}) variance(%{{.+}}) epsilon = 1.000000e-05 : tensor<1x2x4x4xf32>, tensor<2x3x3xf32>, tensor<2xf32>
// CHECK-NEXT:    return %[[Y]] : tensor<1x2x2x2xf32>
func.func @from_deploy(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]], [[-0.9, 0.8, -0.7], [0.6, -0.5, 0.4], [-0.3, 0.2, -0.1]]]> : tensor<2x3x3xf32>
  %g = arith.constant dense<[0.9, 1.1]> : tensor<2xf32>
  %b = arith.constant dense<[0.0, 0.2]> : tensor<2xf32>
  %m = arith.constant dense<[0.05, -0.05]> : tensor<2xf32>
  %v = arith.constant dense<[1.0, 0.25]> : tensor<2xf32>
  %y = convbn.conv_bn deploy nchw_chw %x, %w scale(%g) offset(%b) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x2x4x4xf32>, tensor<2x3x3xf32>, tensor<2xf32>
  return %y : tensor<1x2x2x2xf32>
}
