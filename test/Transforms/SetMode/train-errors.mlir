// A train op has more results (the running statistics and the saved batch
// statistics) than the other modes: it can switch neither to nor from train.
// The error names both modes; the op stays as it was.
//
// RUN: convbn-opt %s --convbn-set-mode=mode=eval -verify-diagnostics -split-input-file
// RUN: convbn-opt %s --convbn-set-mode=mode=tune -verify-diagnostics -split-input-file
// RUN: convbn-opt %s --convbn-set-mode=mode=deploy -verify-diagnostics -split-input-file
// RUN: not convbn-opt %s --convbn-set-mode=mode=eval -split-input-file 2>&1 | FileCheck %s --check-prefix=EVAL
// RUN: not convbn-opt %s --convbn-set-mode=mode=deploy -split-input-file 2>&1 | FileCheck %s --check-prefix=DEPLOY
// Switching a train op to train is a no-op.
// RUN: convbn-opt %s --convbn-set-mode=mode=train -split-input-file | FileCheck %s --check-prefix=TRAIN

// EVAL:   error: cannot switch from 'train' to 'eval' mode: 'train' mode has its own results (the running statistics), so an op can switch neither to it nor from it
// DEPLOY: error: cannot switch from 'train' to 'deploy' mode: 'train' mode has its own results
// TRAIN:  convbn.conv_bn train nchw_fchw %arg0, %arg1 scale(%arg2) offset(%arg3) mean(%arg4) variance(%arg5) epsilon = 1.000000e-05 momentum = 1.000000e-01
func.func @from_train(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{' mode: 'train' mode has its own results (the running statistics), so an op can switch neither to it nor from it}}
  %y, %s:4 = convbn.conv_bn train nchw_fchw %x, %w scale(%g) offset(%b) mean(%m) variance(%v) epsilon = 1.0e-5 momentum = 0.1 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y, %s#0, %s#1, %s#2, %s#3 : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
