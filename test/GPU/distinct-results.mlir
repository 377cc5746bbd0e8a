// RUN: convbn-opt %s --convbn-gpu-distinct-results | FileCheck %s
// RUN: convbn-opt %s --lower-to-nvvm=chip=sm_80 | FileCheck %s --check-prefix=NVVM
// A tensor returned twice (a training graph's shared gradient) is copied
// for its second position: buffer-results-to-out-params crashed on one
// buffer returned twice (found by utils/fuzz_convbn.py on ResNet-18's step).

// CHECK-LABEL: func.func @twice
// CHECK:         %[[S:.+]] = linalg.add
// CHECK:         %[[C:.+]] = bufferization.alloc_tensor() copy(%[[S]]) : tensor<4xf32>
// CHECK:         %[[C2:.+]] = bufferization.alloc_tensor() copy(%[[S]]) : tensor<4xf32>
// CHECK:         return %[[S]], %[[C]], %[[C2]]
// NVVM-LABEL:  llvm.func @twice
// NVVM-COUNT-2: llvm.call @mgpuMemcpy
func.func @twice(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.add ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %s, %s, %s : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// A returned tensor.empty that the add also writes into in place: one
// buffer after bufferization for two different tensors (legal: the empty
// tensor's contents are undefined), so the pipeline dedupes again after
// bufferization (fuzz seed 7, case 1910: a segfault in
// buffer-results-to-out-params).
// CHECK-LABEL: func.func @empty_returned
// NVVM-LABEL:  llvm.func @empty_returned
func.func @empty_returned(%a: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %e = tensor.empty() : tensor<3xf32>
  %s = linalg.add ins(%a, %b : tensor<3xf32>, tensor<3xf32>) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  return %s, %s, %e : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// On buffers: a copy into a new buffer per extra position.
// CHECK-LABEL: func.func @buffer_twice
// CHECK:         %[[C:.+]] = memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK:         memref.copy %arg0, %[[C]]
// CHECK:         return %arg0, %[[C]]
func.func @buffer_twice(%a: memref<?xf32>) -> (memref<?xf32>, memref<?xf32>) {
  return %a, %a : memref<?xf32>, memref<?xf32>
}

// A dynamically sized tensor returned twice: the copy takes its sizes from
// the copied tensor (alloc_tensor with copy accepts no dynamic sizes; the
// pass used to pass them and produced IR that does not verify).
// CHECK-LABEL: func.func @dynamic_twice
// CHECK:         %[[C:.+]] = bufferization.alloc_tensor() copy(%arg0) : tensor<?xf32>
// CHECK:         return %arg0, %[[C]]
// NVVM-LABEL:  llvm.func @dynamic_twice
func.func @dynamic_twice(%a: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  return %a, %a : tensor<?xf32>, tensor<?xf32>
}
