// A forward op's kept convolution output read by something other than a
// backward op (here `return`): only an eval op gives it, so a switch to tune
// (or deploy) is refused at the op, and a switch to eval (or a no-op) keeps it.
// (Found by the fuzzer: the switch dropped the result and left `return`
// reading an erased value.)
// RUN: convbn-opt %s --convbn-set-mode=mode=tune -verify-diagnostics -split-input-file
// RUN: convbn-opt %s --convbn-set-mode=mode=eval -split-input-file | FileCheck %s --check-prefix=EVAL

// EVAL-LABEL: func.func @returned(
// EVAL:       %[[Z:.+]], %[[Y:.+]] = convbn.conv_bn eval {{.*}} keep_conv_output
// EVAL:       return %[[Z]], %[[Y]]
func.func @returned(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>) {
  // expected-error @+1 {{cannot switch from 'eval' to 'tune' mode: its kept convolution output is read by 'func.return', and only an 'eval' op gives it}}
  %z, %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 keep_conv_output : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %z, %y : tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>
}

// -----

// Read by a backward op and by an add: the backward could switch, the add
// cannot do without the output.
// EVAL-LABEL: func.func @backward_and_add(
// EVAL:       %[[Z:.+]], %[[Y:.+]] = convbn.conv_bn eval {{.*}} keep_conv_output
// EVAL:       convbn.conv_bn_backward eval {{.*}} conv_output(%[[Y]])
// EVAL:       arith.addf %[[Z]], %[[Y]]
func.func @backward_and_add(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dz: tensor<2x4x6x6xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{cannot switch from 'eval' to 'tune' mode: its kept convolution output is read by 'arith.addf', and only an 'eval' op gives it}}
  %z, %y = convbn.conv_bn eval nchw_fchw %x, %w mean(%m) variance(%v) epsilon = 1.0e-5 keep_conv_output : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  %dw = convbn.conv_bn_backward eval nchw_fchw %x, %w grad(%dz) mean(%m) variance(%v) conv_output(%y) epsilon = 1.0e-5 gradients(filter) : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2x4x6x6xf32>, tensor<4xf32>
  %s = arith.addf %z, %y : tensor<2x4x6x6xf32>
  return %s, %dw : tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>
}
