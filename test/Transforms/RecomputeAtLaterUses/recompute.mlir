// RUN: convbn-opt %s --convbn-recompute-at-later-uses --split-input-file | FileCheck %s

// The pad CSE shared between a forward conv and the backward's filter
// gradient: the backward gets its own copy, made just before it reads it, so
// the first copy dies with the forward conv. %x is an argument (alive anyway).
// CHECK-LABEL: func.func @pad_for_backward(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<1x2x4x4xf32>
// CHECK:         %[[P1:.+]] = tensor.pad %[[X]]
// CHECK:         %[[FWD:.+]] = linalg.conv_2d_nchw_fchw{{.*}} ins(%[[P1]],
// CHECK:         %[[MID:.+]] = linalg.generic {{.*}} ins(%[[FWD]] :
// CHECK:         %[[P2:.+]] = tensor.pad %[[X]]
// CHECK:         linalg.conv_2d_nchw_fchw{{.*}} ins(%[[P2]],
func.func @pad_for_backward(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x3x3xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  %init = tensor.empty() : tensor<1x2x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %fwd = linalg.conv_2d_nchw_fchw ins(%padded, %w : tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) outs(%fill : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %mid = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%fwd : tensor<1x2x4x4xf32>) outs(%init : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x2x4x4xf32>
  %bwd = linalg.conv_2d_nchw_fchw ins(%padded, %w : tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) outs(%mid : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %fwd, %bwd : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Users next to each other share one copy: recomputing would free nothing.
// CHECK-LABEL: func.func @adjacent_users(
// CHECK-COUNT-1: tensor.pad
// CHECK-NOT:     tensor.pad
func.func @adjacent_users(%x: tensor<4xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<4xf32> to tensor<6xf32>
  %a = math.exp %padded : tensor<6xf32>
  %b = math.log %padded : tensor<6xf32>
  return %a, %b : tensor<6xf32>, tensor<6xf32>
}

// -----

// %x dies at the pad: a copy at the later user would keep %x alive instead
// (a lifetime extended), so the pad stays shared.
// CHECK-LABEL: func.func @source_not_alive(
// CHECK-COUNT-1: tensor.pad
// CHECK-NOT:     tensor.pad
func.func @source_not_alive(%y: tensor<4xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %zero = arith.constant 0.0 : f32
  %x = math.exp %y : tensor<4xf32>
  %padded = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<4xf32> to tensor<6xf32>
  %a = math.exp %padded : tensor<6xf32>
  %b = math.log %a : tensor<6xf32>
  %c = math.sqrt %padded : tensor<6xf32>
  return %b, %c : tensor<6xf32>, tensor<6xf32>
}

// -----

// %x is read after the later user too: alive there anyway, so that user gets
// a copy.
// CHECK-LABEL: func.func @source_alive_later(
// CHECK:         %[[X:.+]] = math.exp
// CHECK:         %[[P1:.+]] = tensor.pad %[[X]]
// CHECK:         math.exp %[[P1]]
// CHECK:         math.log
// CHECK:         %[[P2:.+]] = tensor.pad %[[X]]
// CHECK:         math.sqrt %[[P2]]
// CHECK:         math.absf %[[X]]
func.func @source_alive_later(%y: tensor<4xf32>) -> (tensor<6xf32>, tensor<6xf32>, tensor<4xf32>) {
  %zero = arith.constant 0.0 : f32
  %x = math.exp %y : tensor<4xf32>
  %padded = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<4xf32> to tensor<6xf32>
  %a = math.exp %padded : tensor<6xf32>
  %b = math.log %a : tensor<6xf32>
  %c = math.sqrt %padded : tensor<6xf32>
  %d = math.absf %x : tensor<4xf32>
  return %b, %c, %d : tensor<6xf32>, tensor<6xf32>, tensor<4xf32>
}

// -----

// An elementwise generic (here a per-channel scale of a filter, as a fold
// is) is recomputed with its own tensor.empty; its broadcast vector %s is an
// argument.
// CHECK-LABEL: func.func @elementwise_generic(
// CHECK:         %[[E1:.+]] = tensor.empty
// CHECK:         %[[F1:.+]] = linalg.generic {{.*}} outs(%[[E1]] :
// CHECK:         math.exp %[[F1]]
// CHECK:         math.log
// CHECK:         %[[E2:.+]] = tensor.empty
// CHECK:         %[[F2:.+]] = linalg.generic {{.*}} outs(%[[E2]] :
// CHECK:         math.sqrt %[[F2]]
#id = affine_map<(a, b) -> (a, b)>
#row = affine_map<(a, b) -> (a)>
func.func @elementwise_generic(%w: tensor<4x3xf32>, %s: tensor<4xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %e = tensor.empty() : tensor<4x3xf32>
  %f = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%w, %s : tensor<4x3xf32>, tensor<4xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x3xf32>
  %x = math.exp %f : tensor<4x3xf32>
  %y = math.log %x : tensor<4x3xf32>
  %z = math.sqrt %f : tensor<4x3xf32>
  return %y, %z : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// Reductions are not recomputed (not cheap, and smaller than what they read).
// CHECK-LABEL: func.func @reduction_kept(
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT:     linalg.generic
func.func @reduction_kept(%w: tensor<4x3xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a)>], iterator_types = ["parallel", "reduction"]} ins(%w : tensor<4x3xf32>) outs(%fill : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %o : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %x = math.exp %sum : tensor<4xf32>
  %y = math.log %x : tensor<4xf32>
  %z = math.sqrt %sum : tensor<4xf32>
  return %y, %z : tensor<4xf32>, tensor<4xf32>
}

// -----

// A read inside a loop counts at the loop.
// CHECK-LABEL: func.func @loop_user(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<4xf32>
// CHECK:         %[[P1:.+]] = tensor.pad %[[X]]
// CHECK:         math.exp %[[P1]]
// CHECK:         math.log
// CHECK:         %[[P2:.+]] = tensor.pad %[[X]]
// CHECK:         scf.for
// CHECK:           math.sqrt %[[P2]]
func.func @loop_user(%x: tensor<4xf32>, %n: index) -> (tensor<6xf32>, tensor<6xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %padded = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<4xf32> to tensor<6xf32>
  %a = math.exp %padded : tensor<6xf32>
  %b = math.log %a : tensor<6xf32>
  %c = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %b) -> tensor<6xf32> {
    %s = math.sqrt %padded : tensor<6xf32>
    %t = arith.addf %acc, %s : tensor<6xf32>
    scf.yield %t : tensor<6xf32>
  }
  return %b, %c : tensor<6xf32>, tensor<6xf32>
}

// -----

// Chains are not followed: the generic's only tensor operand is the pad,
// which dies at the generic, so a copy of the generic would keep the pad
// alive instead; neither is recomputed.
// CHECK-LABEL: func.func @chain_not_followed(
// CHECK-COUNT-1: tensor.pad
// CHECK-NOT:     tensor.pad
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT:     linalg.generic
func.func @chain_not_followed(%x: tensor<4xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<4xf32> to tensor<6xf32>
  %e = tensor.empty() : tensor<6xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(a) -> (a)>, affine_map<(a) -> (a)>], iterator_types = ["parallel"]} ins(%padded : tensor<6xf32>) outs(%e : tensor<6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.negf %a : f32
    linalg.yield %m : f32
  } -> tensor<6xf32>
  %a = math.exp %g : tensor<6xf32>
  %b = math.log %a : tensor<6xf32>
  %c = math.sqrt %g : tensor<6xf32>
  return %b, %c : tensor<6xf32>, tensor<6xf32>
}
