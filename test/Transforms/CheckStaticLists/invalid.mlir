// RUN: convbn-opt %s --split-input-file --verify-diagnostics
// RUN: convbn-opt %s --split-input-file --verify-diagnostics --canonicalize
// RUN: convbn-opt %s --split-input-file --verify-diagnostics --fuse-convbn=remarks=true --canonicalize
// RUN: convbn-opt %s --split-input-file --verify-diagnostics --convbn-check-static-lists
// A static INT64_MIN (ShapedType::kDynamic) in a list that uses it to mark a
// dynamic value, with no operand for it: the parser and the verifiers accept
// it; the printer, the folders and the canonicalizer read past the op's
// operands and crash (utils/fuzz_convbn.py, seed 7, cases 8634 and 8652:
// a segfault in the canonicalizer after fuse-convbn, and `<<NULL VALUE>>`
// printed). convbn-opt runs convbn-check-static-lists before any pipeline,
// the empty one included.

func.func @pad(%x: tensor<2x3x9x9xf32>) -> tensor<2x3x9x11xf32> {
  %c0 = arith.constant 0.0 : f32
  // expected-error @below {{'tensor.pad' op has 1 low paddings marked dynamic (-9223372036854775808) but 0 dynamic operands}}
  %p = tensor.pad %x low[0, 0, -9223372036854775808, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : f32
  } : tensor<2x3x9x9xf32> to tensor<2x3x9x11xf32>
  return %p : tensor<2x3x9x11xf32>
}

// -----

func.func @pad_high(%x: tensor<2x3x9x9xf32>, %h: index) -> tensor<2x3x?x11xf32> {
  %c0 = arith.constant 0.0 : f32
  // expected-error @below {{'tensor.pad' op has 2 high paddings marked dynamic (-9223372036854775808) but 1 dynamic operands}}
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, %h, -9223372036854775808] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : f32
  } : tensor<2x3x9x9xf32> to tensor<2x3x?x11xf32>
  return %p : tensor<2x3x?x11xf32>
}
