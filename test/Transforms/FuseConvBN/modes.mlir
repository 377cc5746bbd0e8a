// The `mode` option of --fuse-convbn. auto (the default) gives deploy when
// the filter, bias and BN parameters are all constants and tune otherwise;
// tune, eval and deploy are always possible (deploy with parameters that are
// not constants folds at run time, as tune). Every mode computes the
// original values.
//
// RUN: convbn-opt %s --fuse-convbn | FileCheck %s --check-prefixes=CHECK,AUTO
// RUN: convbn-opt %s --fuse-convbn=mode=auto | FileCheck %s --check-prefixes=CHECK,AUTO
// RUN: convbn-opt %s --fuse-convbn=mode=tune | FileCheck %s --check-prefixes=CHECK,TUNE
// RUN: convbn-opt %s --fuse-convbn=mode=eval | FileCheck %s --check-prefixes=CHECK,EVAL
// RUN: convbn-opt %s --fuse-convbn="mode=deploy remarks=true" -verify-diagnostics | FileCheck %s --check-prefixes=CHECK,DEPLOY
// RUN: %exec-compare %s --all-funcs --passes=--fuse-convbn=mode=tune --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %s --all-funcs --passes=--fuse-convbn=mode=eval --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %s --all-funcs --passes=--fuse-convbn=mode=deploy --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %s --all-funcs --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch  = affine_map<(d0, d1, d2, d3) -> (d1)>

// CHECK-LABEL: func.func @constant_params(
// AUTO:          convbn.conv_bn deploy nchw_fchw %arg0, %{{.+}} bias(%{{.+}} : tensor<2xf32>) scale(%{{.+}}) offset(%{{.+}}) mean(%{{.+}}) variance(%{{.+}}) epsilon = 9.9999997473787516E-6
// TUNE:          convbn.conv_bn tune nchw_fchw %arg0, %{{.+}} bias(%{{.+}} : tensor<2xf32>) scale(%{{.+}}) offset(%{{.+}}) mean(%{{.+}}) variance(%{{.+}}) epsilon = 9.9999997473787516E-6
// EVAL:          convbn.conv_bn eval nchw_fchw %arg0, %{{.+}} bias(%{{.+}} : tensor<2xf32>) scale(%{{.+}}) offset(%{{.+}}) mean(%{{.+}}) variance(%{{.+}}) epsilon = 9.9999997473787516E-6
// DEPLOY:        convbn.conv_bn deploy nchw_fchw %arg0, %{{.+}} bias(%{{.+}} : tensor<2xf32>) scale(%{{.+}}) offset(%{{.+}}) mean(%{{.+}}) variance(%{{.+}}) epsilon = 9.9999997473787516E-6
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @constant_params(%x: tensor<1x3x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %w = arith.constant dense<[[[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, 0.8, 0.9]], [[-0.1, 0.2, 0.3], [0.4, -0.5, 0.6], [0.7, 0.8, -0.9]], [[0.1, 0.2, -0.3], [-0.4, 0.5, 0.6], [0.7, -0.8, 0.9]]], [[[0.3, 0.2, 0.1], [0.6, 0.5, 0.4], [0.9, 0.8, 0.7]], [[-0.3, -0.2, 0.1], [0.6, -0.5, 0.4], [0.9, 0.8, -0.7]], [[0.3, 0.2, -0.1], [0.6, 0.5, -0.4], [-0.9, 0.8, 0.7]]]]> : tensor<2x3x3x3xf32>
  %bias = arith.constant dense<[0.25, -0.5]> : tensor<2xf32>
  %g = arith.constant dense<[1.5, 0.75]> : tensor<2xf32>
  %b = arith.constant dense<[0.1, -0.1]> : tensor<2xf32>
  %m = arith.constant dense<[0.3, -0.2]> : tensor<2xf32>
  %v = arith.constant dense<[0.8, 1.6]> : tensor<2xf32>
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %init = linalg.broadcast ins(%bias : tensor<2xf32>) outs(%e : tensor<1x2x3x3xf32>) dimensions = [0, 2, 3]
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn deploy}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x5x5xf32>, tensor<2x3x3x3xf32>) outs(%init : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #ch, #ch, #ch, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// The running statistics are arguments (a trainable graph): auto gives tune;
// deploy, when asked for, folds at run time.
// CHECK-LABEL: func.func @argument_params(
// AUTO:          convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%{{.+}}) offset(%{{.+}}) mean(%arg2) variance(%arg3) epsilon = 9.9999997473787516E-6
// TUNE:          convbn.conv_bn tune nchw_fchw %arg0, %arg1 scale(%{{.+}}) offset(%{{.+}}) mean(%arg2) variance(%arg3) epsilon = 9.9999997473787516E-6
// EVAL:          convbn.conv_bn eval nchw_fchw %arg0, %arg1 scale(%{{.+}}) offset(%{{.+}}) mean(%arg2) variance(%arg3) epsilon = 9.9999997473787516E-6
// DEPLOY:        convbn.conv_bn deploy nchw_fchw %arg0, %arg1 scale(%{{.+}}) offset(%{{.+}}) mean(%arg2) variance(%arg3) epsilon = 9.9999997473787516E-6
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @argument_params(%x: tensor<1x3x5x5xf32>, %w: tensor<2x3x3x3xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %g = arith.constant dense<[1.5, 0.75]> : tensor<2xf32>
  %b = arith.constant dense<[0.1, -0.1]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-05 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark @+1 {{fused linalg.conv_2d_nchw_fchw and 1 batch-norm ops into convbn.conv_bn deploy}}
  %conv = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x5x5xf32>, tensor<2x3x3x3xf32>) outs(%fill : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #ch, #ch, #ch, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %m, %v, %g, %b : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %out: f32):
    %c = arith.subf %in, %mm : f32
    %ve = arith.addf %vv, %eps : f32
    %r = math.rsqrt %ve : f32
    %n = arith.mulf %c, %r : f32
    %s = arith.mulf %n, %gg : f32
    %y = arith.addf %s, %bb : f32
    linalg.yield %y : f32
  } -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}
