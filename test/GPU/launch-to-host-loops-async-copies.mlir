// RUN: convbn-opt %s --convbn-gpu-launch-to-host-loops --cse | FileCheck %s
// RUN: convbn-opt %s --convbn-gpu-launch-to-host-loops --lower-to-cpu \
// RUN:   | %run-cpu | FileCheck %s --check-prefix=EXEC

// Asynchronous copies (nvgpu.device_async_copy) complete at once on the
// host: each becomes a loop over its destination's elements that reads the
// source's first `srcElements` and writes zeros after them; the groups and
// waits go. A correct kernel cannot tell, as it reads a copy's destination
// only after waiting for it (and a barrier).

// CHECK-LABEL: func.func @main
// CHECK-NOT:     nvgpu.
// The threads' loop, then the copy's.
// CHECK:         scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK:           scf.for %[[I:.*]] = %c0 to %c4 step %c1
// CHECK:           %[[READ:.*]] = arith.cmpi ult, %[[I]], %{{.*}} : index
// CHECK:           scf.if %[[READ]] -> (f32)
// CHECK:             memref.load
// CHECK:           } else {
// CHECK:             scf.yield %cst
// CHECK:           memref.store
// CHECK-NOT:     nvgpu.

// Two threads copy 4 floats each into workgroup memory, the second thread
// only 2 of its 4 (the rest zero-filled); after the barrier each thread
// writes the other's half.
func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %source = memref.alloc() : memref<8xf32>
  %out = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %j = arith.addi %i, %c4 : index
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %ji = arith.index_cast %j : index to i32
    %fj = arith.sitofp %ji : i32 to f32
    memref.store %fi, %source[%i] : memref<8xf32>
    memref.store %fj, %source[%j] : memref<8xf32>
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c2, %sy = %c1, %sz = %c1)
             workgroup(%shared : memref<2x4xf32, #gpu.address_space<workgroup>>) {
    %first = arith.muli %tx, %c4 : index
    // 4 elements for thread 0, 2 for thread 1.
    %is0 = arith.cmpi eq, %tx, %c0 : index
    %count = arith.select %is0, %c4, %c2 : index
    %t = nvgpu.device_async_copy %source[%first], %shared[%tx, %c0], 4, %count
        : memref<8xf32> to memref<2x4xf32, #gpu.address_space<workgroup>>
    %g = nvgpu.device_async_create_group %t
    nvgpu.device_async_wait %g {numGroups = 0 : i32}
    gpu.barrier
    %other = arith.subi %c1, %tx : index
    scf.for %i = %c0 to %c4 step %c1 {
      %v = memref.load %shared[%other, %i] : memref<2x4xf32, #gpu.address_space<workgroup>>
      %at = arith.addi %first, %i : index
      memref.store %v, %out[%at] : memref<8xf32>
    }
    gpu.terminator
  }
  %cast = memref.cast %out : memref<8xf32> to memref<*xf32>
  // EXEC: [4, 5, 0, 0, 0, 1, 2, 3]
  call @printMemrefF32(%cast) : (memref<*xf32>) -> ()
  return
}

func.func private @printMemrefF32(memref<*xf32>)
