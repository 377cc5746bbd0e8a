// RUN: convbn-opt %s --convbn-strided-copies-to-linalg --split-input-file | FileCheck %s
// RUN: convbn-opt %s --lower-to-cpu --split-input-file | FileCheck %s --check-prefix=CPU

// A copy into the interior of a padded buffer (tensor.pad bufferized): the
// target is strided, so it becomes a linalg.copy; copies between contiguous
// buffers stay memref.copy, which lowers to a memcpy. lower-to-cpu then calls
// no runner library (CPU-NOT: memrefCopy).

// CPU-NOT:     memrefCopy
// CPU:         llvm.func @into_interior
// CPU-NOT:     memrefCopy
// CPU:         // -----
// CHECK-LABEL: func.func @into_interior(
// CHECK-SAME:      %[[SRC:.+]]: memref<1x3x8x8xf32>, %[[DST:.+]]: memref<1x3x10x10xf32>, %[[TMP:.+]]: memref<1x3x8x8xf32>)
// CHECK:         %[[VIEW:.+]] = memref.subview %[[DST]][0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1]
// CHECK:         linalg.copy ins(%[[SRC]] : memref<1x3x8x8xf32>) outs(%[[VIEW]] : memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>)
// CHECK:         memref.copy %[[SRC]], %[[TMP]] : memref<1x3x8x8xf32> to memref<1x3x8x8xf32>
func.func @into_interior(%src: memref<1x3x8x8xf32>, %dst: memref<1x3x10x10xf32>, %tmp: memref<1x3x8x8xf32>) {
  %view = memref.subview %dst[0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1] : memref<1x3x10x10xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  memref.copy %src, %view : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  memref.copy %src, %tmp : memref<1x3x8x8xf32> to memref<1x3x8x8xf32>
  return
}

// -----

// Unranked copies have no linalg.copy: they stay.
// CHECK-LABEL: func.func @unranked(
// CHECK:         memref.copy %{{.+}}, %{{.+}} : memref<*xf32> to memref<*xf32>
func.func @unranked(%a: memref<*xf32>, %b: memref<*xf32>) {
  memref.copy %a, %b : memref<*xf32> to memref<*xf32>
  return
}
