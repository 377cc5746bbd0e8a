// Every pipeline checks shapes before its first pass that canonicalizes:
// --lower-to-nvvm's inliner runs the canonicalizer on what it inlines, and
// segfaulted there on a pad whose static list holds INT64_MIN (the
// "dynamic" marker with no operand; fuzz seed 7, case 2479).
// RUN: convbn-opt %s --lower-to-nvvm=chip=sm_70 -verify-diagnostics -split-input-file
// RUN: convbn-opt %s --lower-to-cpu -verify-diagnostics -split-input-file
// RUN: convbn-opt %s --tosa-to-convbn -verify-diagnostics -split-input-file

func.func private @helper(%x: tensor<2x7x6x3xf32>) -> tensor<2x8x8x3xf32> {
  %zero = arith.constant 0.0 : f32
  // expected-error @below {{'tensor.pad' op has 1 low paddings marked dynamic (-9223372036854775808) but 0 dynamic operands: a static value of INT64_MIN is not allowed}}
  %p = tensor.pad %x low[0, 1, -9223372036854775808, 0] high[0, 0, 0, 0] {
  ^bb0(%a0: index, %a1: index, %a2: index, %a3: index):
    tensor.yield %zero : f32
  } : tensor<2x7x6x3xf32> to tensor<2x8x8x3xf32>
  return %p : tensor<2x8x8x3xf32>
}

func.func @caller(%x: tensor<2x7x6x3xf32>) -> tensor<2x8x8x3xf32> {
  %r = call @helper(%x) : (tensor<2x7x6x3xf32>) -> tensor<2x8x8x3xf32>
  return %r : tensor<2x8x8x3xf32>
}
