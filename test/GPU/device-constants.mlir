// RUN: convbn-opt %s --convbn-gpu-device-constants | FileCheck %s

// A per-call device copy of a constant global (as convbn-gpu-host-memory
// makes it) becomes the runtime's cached copy: one slot per global, shared
// by the functions that read it; the memref is rebuilt around the pointer.

memref.global "private" constant @weights : memref<2x3xf32> = dense<1.0>
memref.global "private" @state : memref<4xf32> = dense<0.0>

// CHECK-DAG: llvm.func @convbnDeviceConstant(!llvm.ptr, !llvm.ptr, i64) -> !llvm.ptr
// CHECK-DAG: llvm.mlir.global internal @__convbn_device_weights() {{.*}} : !llvm.ptr {
// CHECK-NOT: llvm.mlir.global internal @__convbn_device_state

// CHECK-LABEL: func.func @first
// CHECK:         %[[SLOT:.*]] = llvm.mlir.addressof @__convbn_device_weights : !llvm.ptr
// CHECK:         %[[HOST:.*]] = memref.extract_aligned_pointer_as_index %{{.*}} : memref<2x3xf32> -> index
// CHECK:         %[[HOSTINT:.*]] = arith.index_cast %[[HOST]] : index to i64
// CHECK:         %[[HOSTPTR:.*]] = llvm.inttoptr %[[HOSTINT]] : i64 to !llvm.ptr
// CHECK:         %[[BYTES:.*]] = llvm.mlir.constant(24 : i64) : i64
// CHECK:         %[[DEV:.*]] = llvm.call @convbnDeviceConstant(%[[SLOT]], %[[HOSTPTR]], %[[BYTES]])
// CHECK:         llvm.insertvalue %[[DEV]], %{{.*}}[0]
// CHECK:         llvm.insertvalue %[[DEV]], %{{.*}}[1]
// CHECK:         %[[DESC:.*]] = llvm.insertvalue %{{.*}}[4, 1]
// CHECK:         %[[M:.*]] = builtin.unrealized_conversion_cast %[[DESC]] : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<2x3xf32>
// CHECK:         gpu.launch
// CHECK:           memref.load %[[M]]
// CHECK-NOT:     gpu.memcpy
// CHECK-NOT:     gpu.dealloc
// CHECK:         return
func.func @first(%out: memref<1xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %g = memref.get_global @weights : memref<2x3xf32>
  %d = gpu.alloc () : memref<2x3xf32>
  gpu.memcpy %d, %g : memref<2x3xf32>, memref<2x3xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %d[%c0, %c0] : memref<2x3xf32>
    memref.store %v, %out[%c0] : memref<1xf32>
    gpu.terminator
  }
  gpu.dealloc %d : memref<2x3xf32>
  return
}

// CHECK-LABEL: func.func @second
// CHECK:         llvm.mlir.addressof @__convbn_device_weights
// CHECK:         llvm.call @convbnDeviceConstant
func.func @second(%out: memref<1xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %g = memref.get_global @weights : memref<2x3xf32>
  %d = gpu.alloc () : memref<2x3xf32>
  gpu.memcpy %d, %g : memref<2x3xf32>, memref<2x3xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %d[%c0, %c1] : memref<2x3xf32>
    memref.store %v, %out[%c0] : memref<1xf32>
    gpu.terminator
  }
  gpu.dealloc %d : memref<2x3xf32>
  return
}

// A global that is not constant may change between calls: copied per call.
// CHECK-LABEL: func.func @mutable
// CHECK:         gpu.alloc
// CHECK:         gpu.memcpy
// CHECK-NOT:     convbnDeviceConstant
// CHECK:         gpu.dealloc
func.func @mutable(%out: memref<1xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %g = memref.get_global @state : memref<4xf32>
  %d = gpu.alloc () : memref<4xf32>
  gpu.memcpy %d, %g : memref<4xf32>, memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %d[%c0] : memref<4xf32>
    memref.store %v, %out[%c0] : memref<1xf32>
    gpu.terminator
  }
  gpu.dealloc %d : memref<4xf32>
  return
}
