// f16 tune and deploy equal eval wherever eval is finite, also where the
// folded filter w * s would overflow f16 (|w * s| > 65504): w = 100 and
// s = 700 / sqrt(1 + eps) ~ 700 give w * s = 70000 = inf in f16, while the
// normalised outputs 0.25 * x * 100 * 700 stay within +-17500. Narrow types
// keep s in the f32 accumulator's epilogue instead of folding it into the
// filter, and deploy folds constants at compile time only where nothing
// overflows (both used to give inf here).
//
// RUN: %exec-compare %s --all-funcs --passes=--convbn-set-mode=mode=tune --rtol 1e-2 --atol 1e-2
// RUN: %exec-compare %s --all-funcs --passes="--convbn-set-mode=mode=deploy --canonicalize" --rtol 1e-2 --atol 1e-2
// RUN: %exec-compare %s --all-funcs --passes="--convbn-set-mode=mode=tune --convbn-gpu-launches --convbn-gpu-launch-to-host-loops" --rtol 1e-2 --atol 1e-2
// RUN: %exec-compare %s --all-funcs --passes="--convbn-set-mode=mode=deploy --convbn-gpu-launches --convbn-gpu-launch-to-host-loops" --rtol 1e-2 --atol 1e-2
// The constant fold is refused, so deploy stays a convbn op after
// canonicalization; tune folds nothing into the f16 filter.
// RUN: convbn-opt %s --convbn-set-mode=mode=deploy --canonicalize | FileCheck %s --check-prefix=DEPLOY
// RUN: convbn-opt %s --convbn-set-mode=mode=tune --convert-convbn-to-linalg | FileCheck %s --check-prefix=TUNE
// DEPLOY: convbn.conv_bn deploy
// TUNE-NOT: outs(%{{.*}} : tensor<4x2x1x1xf16>)

func.func @overflowing_fold(%x: tensor<1x2x4x4xf16>) -> tensor<1x4x4x4xf16> {
  %quarter = arith.constant dense<0.25> : tensor<1x2x4x4xf16>
  %xs = arith.mulf %x, %quarter : tensor<1x2x4x4xf16>
  %w = arith.constant dense<[[[[100.0]], [[0.0]]], [[[0.0]], [[100.0]]], [[[100.0]], [[-100.0]]], [[[1.0]], [[2.0]]]]> : tensor<4x2x1x1xf16>
  %g = arith.constant dense<[700.0, -700.0, 350.0, 2.0]> : tensor<4xf32>
  %b = arith.constant dense<[0.5, 0.0, -1.0, 0.25]> : tensor<4xf32>
  %m = arith.constant dense<[1.0, -2.0, 0.0, 0.5]> : tensor<4xf32>
  %v = arith.constant dense<1.0> : tensor<4xf32>
  %y = convbn.conv_bn eval nchw_fchw %xs, %w scale(%g) offset(%b) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x2x4x4xf16>, tensor<4x2x1x1xf16>, tensor<4xf32>
  return %y : tensor<1x4x4x4xf16>
}

// The same with the parameters as arguments (tune and deploy fold at run
// time); the inputs of exec-compare are in [-1, 1] for the activation and
// [0.5, 1.5] for 1-D vectors, so w = 100 and scale = 700 come from
// constants multiplied in.
func.func @overflowing_fold_arguments(%x: tensor<1x2x4x4xf16>, %w: tensor<4x2x1x1xf16>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x4x4xf16> {
  %quarter = arith.constant dense<0.25> : tensor<1x2x4x4xf16>
  %xs = arith.mulf %x, %quarter : tensor<1x2x4x4xf16>
  %hundred = arith.constant dense<100.0> : tensor<4x2x1x1xf16>
  %ws = arith.mulf %w, %hundred : tensor<4x2x1x1xf16>
  %k = arith.constant dense<500.0> : tensor<4xf32>
  %gs = arith.mulf %g, %k : tensor<4xf32>
  %y = convbn.conv_bn eval nchw_fchw %xs, %ws scale(%gs) mean(%m) variance(%v) epsilon = 1.0e-5 : tensor<1x2x4x4xf16>, tensor<4x2x1x1xf16>, tensor<4xf32>
  return %y : tensor<1x4x4x4xf16>
}
