// RUN: convbn-opt %s --convbn-strip-buffer-compute | FileCheck %s
// Linalg ops on buffers go; allocations, copies and ops on tensors stay.

// CHECK-LABEL: func.func @step
// CHECK:         memref.alloc
// CHECK-NOT:     linalg.fill
// CHECK-NOT:     linalg.generic
// CHECK:         memref.copy
// CHECK:         linalg.fill {{.*}} -> tensor<4xf32>
// CHECK:         memref.dealloc
func.func @step(%in: memref<4xf32>, %out: memref<4xf32>, %f: f32) -> tensor<4xf32> {
  %tmp = memref.alloc() : memref<4xf32>
  linalg.fill ins(%f : f32) outs(%tmp : memref<4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%in : memref<4xf32>) outs(%tmp : memref<4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  memref.copy %tmp, %out : memref<4xf32> to memref<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %t = linalg.fill ins(%f : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  memref.dealloc %tmp : memref<4xf32>
  return %t : tensor<4xf32>
}
