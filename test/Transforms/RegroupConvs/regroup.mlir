// RUN: convbn-opt %s --convbn-regroup-convs | FileCheck %s
// RUN: %exec-compare %s --func biased "--passes=--convbn-regroup-convs" | FileCheck %s --check-prefix=EXEC
// RUN: %exec-compare %s --func partly_biased "--passes=--convbn-regroup-convs" | FileCheck %s --check-prefix=EXEC
// EXEC: values agree

#vec = affine_map<(n, h, w, c) -> (c)>
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>

// Two groups, each with its slice of one bias vector: one grouped conv
// whose output starts from the whole vector.
// CHECK-LABEL: func.func @biased
// CHECK:       tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 6, 6, 2, 2]
// CHECK:       tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 3, 3, 2]
// CHECK:       linalg.conv_2d_nhwgc_gfhwc
// CHECK:       tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2], [3, 4]] : tensor<1x4x4x2x3xf32> into tensor<1x4x4x6xf32>
// CHECK-NOT:   linalg.conv_2d_nhwc_fhwc
func.func @biased(%x: tensor<1x6x6x4xf32>, %w: tensor<6x3x3x2xf32>, %b: tensor<6xf32>) -> tensor<1x4x4x6xf32> {
  %out = tensor.empty() : tensor<1x4x4x6xf32>
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %x0 = tensor.extract_slice %x[0, 0, 0, 0] [1, 6, 6, 2] [1, 1, 1, 1] : tensor<1x6x6x4xf32> to tensor<1x6x6x2xf32>
  %w0 = tensor.extract_slice %w[0, 0, 0, 0] [3, 3, 3, 2] [1, 1, 1, 1] : tensor<6x3x3x2xf32> to tensor<3x3x3x2xf32>
  %b0 = tensor.extract_slice %b[0] [3] [1] : tensor<6xf32> to tensor<3xf32>
  %i0 = linalg.generic {indexing_maps = [#vec, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b0 : tensor<3xf32>) outs(%e : tensor<1x4x4x3xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x3xf32>
  %c0 = linalg.conv_2d_nhwc_fhwc ins(%x0, %w0 : tensor<1x6x6x2xf32>, tensor<3x3x3x2xf32>) outs(%i0 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0, 2] [1, 6, 6, 2] [1, 1, 1, 1] : tensor<1x6x6x4xf32> to tensor<1x6x6x2xf32>
  %w1 = tensor.extract_slice %w[3, 0, 0, 0] [3, 3, 3, 2] [1, 1, 1, 1] : tensor<6x3x3x2xf32> to tensor<3x3x3x2xf32>
  %b1 = tensor.extract_slice %b[3] [3] [1] : tensor<6xf32> to tensor<3xf32>
  %i1 = linalg.generic {indexing_maps = [#vec, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b1 : tensor<3xf32>) outs(%e : tensor<1x4x4x3xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x3xf32>
  %c1 = linalg.conv_2d_nhwc_fhwc ins(%x1, %w1 : tensor<1x6x6x2xf32>, tensor<3x3x3x2xf32>) outs(%i1 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %r0 = tensor.insert_slice %c0 into %out[0, 0, 0, 0] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x6xf32>
  %r1 = tensor.insert_slice %c1 into %r0[0, 0, 0, 3] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x6xf32>
  return %r1 : tensor<1x4x4x6xf32>
}

// Only the second group is biased: one grouped conv starting from the whole
// vector would bias the first group too, so nothing changes.
// CHECK-LABEL: func.func @partly_biased
// CHECK-COUNT-2: linalg.conv_2d_nhwc_fhwc
// CHECK-NOT:     linalg.conv_2d_nhwgc_gfhwc
func.func @partly_biased(%x: tensor<1x6x6x4xf32>, %w: tensor<6x3x3x2xf32>, %b: tensor<6xf32>) -> tensor<1x4x4x6xf32> {
  %out = tensor.empty() : tensor<1x4x4x6xf32>
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %zero = arith.constant 0.0 : f32
  %x0 = tensor.extract_slice %x[0, 0, 0, 0] [1, 6, 6, 2] [1, 1, 1, 1] : tensor<1x6x6x4xf32> to tensor<1x6x6x2xf32>
  %w0 = tensor.extract_slice %w[0, 0, 0, 0] [3, 3, 3, 2] [1, 1, 1, 1] : tensor<6x3x3x2xf32> to tensor<3x3x3x2xf32>
  %i0 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c0 = linalg.conv_2d_nhwc_fhwc ins(%x0, %w0 : tensor<1x6x6x2xf32>, tensor<3x3x3x2xf32>) outs(%i0 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0, 2] [1, 6, 6, 2] [1, 1, 1, 1] : tensor<1x6x6x4xf32> to tensor<1x6x6x2xf32>
  %w1 = tensor.extract_slice %w[3, 0, 0, 0] [3, 3, 3, 2] [1, 1, 1, 1] : tensor<6x3x3x2xf32> to tensor<3x3x3x2xf32>
  %b1 = tensor.extract_slice %b[3] [3] [1] : tensor<6xf32> to tensor<3xf32>
  %i1 = linalg.generic {indexing_maps = [#vec, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b1 : tensor<3xf32>) outs(%e : tensor<1x4x4x3xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x3xf32>
  %c1 = linalg.conv_2d_nhwc_fhwc ins(%x1, %w1 : tensor<1x6x6x2xf32>, tensor<3x3x3x2xf32>) outs(%i1 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %r0 = tensor.insert_slice %c0 into %out[0, 0, 0, 0] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x6xf32>
  %r1 = tensor.insert_slice %c1 into %r0[0, 0, 0, 3] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x6xf32>
  return %r1 : tensor<1x4x4x6xf32>
}

// A dynamically sized bias vector (its groups' slices static): the grouped
// conv's reshapes would be static, so nothing changes (fuzz seed 7, case
// 3618: an expand_shape of tensor<?xf32> to static sizes that did not
// verify).
// CHECK-LABEL: func.func @dynamic_bias
// CHECK-COUNT-2: linalg.conv_2d_nhwc_fhwc
// CHECK-NOT:     linalg.conv_2d_nhwgc_gfhwc
func.func @dynamic_bias(%x: tensor<1x6x6x4xf32>, %w: tensor<6x3x3x2xf32>, %b: tensor<?xf32>) -> tensor<1x4x4x6xf32> {
  %out = tensor.empty() : tensor<1x4x4x6xf32>
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %x0 = tensor.extract_slice %x[0, 0, 0, 0] [1, 6, 6, 2] [1, 1, 1, 1] : tensor<1x6x6x4xf32> to tensor<1x6x6x2xf32>
  %w0 = tensor.extract_slice %w[0, 0, 0, 0] [3, 3, 3, 2] [1, 1, 1, 1] : tensor<6x3x3x2xf32> to tensor<3x3x3x2xf32>
  %b0 = tensor.extract_slice %b[0] [3] [1] : tensor<?xf32> to tensor<3xf32>
  %i0 = linalg.generic {indexing_maps = [#vec, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b0 : tensor<3xf32>) outs(%e : tensor<1x4x4x3xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x3xf32>
  %c0 = linalg.conv_2d_nhwc_fhwc ins(%x0, %w0 : tensor<1x6x6x2xf32>, tensor<3x3x3x2xf32>) outs(%i0 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0, 2] [1, 6, 6, 2] [1, 1, 1, 1] : tensor<1x6x6x4xf32> to tensor<1x6x6x2xf32>
  %w1 = tensor.extract_slice %w[3, 0, 0, 0] [3, 3, 3, 2] [1, 1, 1, 1] : tensor<6x3x3x2xf32> to tensor<3x3x3x2xf32>
  %b1 = tensor.extract_slice %b[3] [3] [1] : tensor<?xf32> to tensor<3xf32>
  %i1 = linalg.generic {indexing_maps = [#vec, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b1 : tensor<3xf32>) outs(%e : tensor<1x4x4x3xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x3xf32>
  %c1 = linalg.conv_2d_nhwc_fhwc ins(%x1, %w1 : tensor<1x6x6x2xf32>, tensor<3x3x3x2xf32>) outs(%i1 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %r0 = tensor.insert_slice %c0 into %out[0, 0, 0, 0] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x6xf32>
  %r1 = tensor.insert_slice %c1 into %r0[0, 0, 0, 3] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x6xf32>
  return %r1 : tensor<1x4x4x6xf32>
}
