// math.fpowi on vectors lowers on the CPU. GPU thread code vectorizes a
// generic's `x ** n` into an fpowi of vectors whose exponent is a vector,
// which upstream's math-to-llvm turns into an llvm.intr.powi that LLVM
// rejects (its exponent must be a scalar): a training step with an MSE
// loss, run on the host as launches, did not lower. lower-to-cpu expands
// fpowi first (math-expand-ops): a constant exponent into multiplications,
// any other into powf of the converted exponent.
//
// RUN: convbn-opt %s --convbn-gpu-launches --convbn-gpu-launch-to-host-loops --lower-to-cpu | FileCheck %s
// RUN: %exec-compare %s --all-funcs \
// RUN:   "--passes=--convbn-gpu-launches --convbn-gpu-launch-to-host-loops"

// CHECK-NOT: llvm.intr.powi
// CHECK-LABEL: llvm.func @square
// CHECK: llvm.fmul {{.*}} : vector<4xf32>
// CHECK-LABEL: llvm.func @varying_exponent
// CHECK: llvm.intr.pow(
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @square(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %c2 = arith.constant 2 : i32
  %e = tensor.empty() : tensor<16x64xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = math.fpowi %a, %c2 : f32, i32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

func.func @inverse_cube(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %cm3 = arith.constant -3 : i32
  %e = tensor.empty() : tensor<16x64xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = math.fpowi %a, %cm3 : f32, i32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// The exponent varies along the row (0, 1, 2, 3, 0, ...), negative bases
// included: powf of an integral exponent is exact in sign.
func.func @varying_exponent(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %c4 = arith.constant 4 : index
  %e = tensor.empty() : tensor<16x64xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %j = linalg.index 1 : index
    %k = arith.remui %j, %c4 : index
    %n = arith.index_cast %k : index to i32
    %p = math.fpowi %a, %n : f32, i32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}
