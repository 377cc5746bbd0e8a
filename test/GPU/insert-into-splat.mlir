// torch's slice_scatter into zeros (max_pool2d_with_indices_backward
// scatters each window position's gradient this way, at a stride, into one
// zero constant): each insert becomes one generic that gathers from its
// source on the slice and yields the splat elsewhere. As a fill plus a copy
// into a strided slice, CSE made the fills one shared destination, which
// bufferized out of place with a strided copy left on the host (ResNet-18's
// training step did not lower to the GPU).
//
// RUN: convbn-opt %s --convbn-insert-slice-to-copy | FileCheck %s
// RUN: convbn-opt %s --lower-to-nvvm -o /dev/null
// RUN: %exec-compare %s --all-funcs \
// RUN:   "--passes=--convbn-gpu-launches --convbn-gpu-launch-to-host-loops" --rtol 0 --atol 0

// CHECK-LABEL: func.func @scatter_sum(
// CHECK-SAME:      %[[A:[^:]+]]: tensor<2x4x8x8xf32>, %[[B:[^:]+]]: tensor<2x4x8x8xf32>
// CHECK-NOT:     tensor.insert_slice
// CHECK:         %[[G0:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<2x4x8x18xf32>)
// CHECK:           linalg.index 3
// CHECK:           arith.divui
// CHECK:           arith.remui
// CHECK:           tensor.extract %[[A]]
// CHECK:           arith.select
// CHECK:         %[[G1:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<2x4x8x18xf32>)
// CHECK:           linalg.index 3
// CHECK:           arith.subi
// CHECK:           tensor.extract %[[B]]
// CHECK:         linalg.generic {{.*}} ins(%[[G0]], %[[G1]], %{{.+}} :
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @scatter_sum(%a: tensor<2x4x8x8xf32>, %b: tensor<2x4x8x8xf32>, %c: tensor<2x4x8x8xf32>) -> tensor<2x4x8x18xf32> {
  %zeros = arith.constant dense<0.0> : tensor<2x4x8x18xf32>
  %i0 = tensor.insert_slice %a into %zeros[0, 0, 0, 0] [2, 4, 8, 8] [1, 1, 1, 2] : tensor<2x4x8x8xf32> into tensor<2x4x8x18xf32>
  %i1 = tensor.insert_slice %b into %zeros[0, 0, 0, 1] [2, 4, 8, 8] [1, 1, 1, 2] : tensor<2x4x8x8xf32> into tensor<2x4x8x18xf32>
  %i2 = tensor.insert_slice %c into %zeros[0, 0, 0, 2] [2, 4, 8, 8] [1, 1, 1, 2] : tensor<2x4x8x8xf32> into tensor<2x4x8x18xf32>
  %e = tensor.empty() : tensor<2x4x8x18xf32>
  %s = linalg.generic {indexing_maps = [#map, #map, #map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%i0, %i1, %i2 : tensor<2x4x8x18xf32>, tensor<2x4x8x18xf32>, tensor<2x4x8x18xf32>) outs(%e : tensor<2x4x8x18xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32, %out: f32):
    %r = arith.addf %x, %y : f32
    %t = arith.addf %r, %z : f32
    linalg.yield %t : f32
  } -> tensor<2x4x8x18xf32>
  return %s : tensor<2x4x8x18xf32>
}

// A splat other than zero, an offset in two dimensions and a stride of 3;
// then the second insert of torch's two-dimensional scatter, into zeros.
// CHECK-LABEL: func.func @offset_stride3(
// CHECK-NOT:     tensor.insert_slice
func.func @offset_stride3(%a: tensor<1x2x3x2xf32>) -> tensor<1x2x10x7xf32> {
  %ones = arith.constant dense<1.5> : tensor<1x2x3x7xf32>
  %zeros = arith.constant dense<0.0> : tensor<1x2x10x7xf32>
  %i0 = tensor.insert_slice %a into %ones[0, 0, 0, 2] [1, 2, 3, 2] [1, 1, 1, 3] : tensor<1x2x3x2xf32> into tensor<1x2x3x7xf32>
  %i1 = tensor.insert_slice %i0 into %zeros[0, 0, 1, 0] [1, 2, 3, 7] [1, 1, 3, 1] : tensor<1x2x3x7xf32> into tensor<1x2x10x7xf32>
  return %i1 : tensor<1x2x10x7xf32>
}
