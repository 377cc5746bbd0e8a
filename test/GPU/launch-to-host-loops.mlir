// RUN: convbn-opt %s --convbn-gpu-launch-to-host-loops --cse --split-input-file -verify-diagnostics | FileCheck %s

// A launch becomes loops over blocks (z, y, x) then threads (z, y, x), its
// ids bound to the loop variables; device allocations and copies become
// host ones (keeping cuMemAlloc's 256-byte alignment), deallocations are
// dropped, and private buffers move to the function's entry.

// CHECK-LABEL: func.func @launch
// CHECK:         %[[T:.*]] = memref.alloca() : memref<4xf32>
// CHECK:         %[[BUF:.*]] = memref.alloc() {alignment = 256 : i64} : memref<2x8xf32>
// CHECK:         memref.copy %arg0, %[[BUF]]
// CHECK:         scf.for %[[BZ:.*]] = %c0 to %c1 step %c1
// CHECK:           scf.for %[[BY:.*]] = %c0 to %c1 step %c1
// CHECK:             scf.for %[[BX:.*]] = %c0 to %c2 step %c1
// CHECK:               scf.for %[[TZ:.*]] = %c0 to %c1 step %c1
// CHECK:                 scf.for %[[TY:.*]] = %c0 to %c1 step %c1
// CHECK:                   scf.for %[[TX:.*]] = %c0 to %c8 step %c1
// CHECK:                     %[[V:.*]] = memref.load %[[BUF]][%[[BX]], %[[TX]]]
// CHECK:                     memref.store %[[V]], %[[T]][%c0]
// CHECK:                     memref.store %[[V]], %arg1[%[[BX]], %[[TX]]]
// CHECK-NOT:     gpu.
func.func @launch(%x: memref<2x8xf32>, %y: memref<2x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %buf = gpu.alloc () : memref<2x8xf32>
  gpu.memcpy %buf, %x : memref<2x8xf32>, memref<2x8xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1) {
    %t = memref.alloca() : memref<4xf32>
    %v = memref.load %buf[%bx, %tx] : memref<2x8xf32>
    memref.store %v, %t[%c0] : memref<4xf32>
    memref.store %v, %y[%bx, %tx] : memref<2x8xf32>
    gpu.terminator
  }
  gpu.dealloc %buf : memref<2x8xf32>
  return
}

// -----

// Threads that synchronise run in phases (launch-to-host-loops-barriers.mlir);
// what cannot be split into phases is rejected. A thread's scalars and
// vectors computed before a barrier and used after it are kept in
// per-thread buffers; a buffer chosen by a branch cannot be.

func.func @value_across_barrier(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1) {
    %low = arith.cmpi ult, %tx, %c4 : index
    // expected-error @+1 {{cannot run this launch on the host: this value is computed before a barrier and used after it (keep it in memory, or recompute it)}}
    %m = scf.if %low -> (memref<8xf32>) {
      scf.yield %x : memref<8xf32>
    } else {
      scf.yield %y : memref<8xf32>
    }
    gpu.barrier
    memref.store %zero, %m[%tx] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @barrier_under_thread_condition(%y: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  // expected-error @+1 {{cannot run this launch on the host: a barrier depends on the thread id}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1) {
    %low = arith.cmpi ult, %tx, %c4 : index
    scf.if %low {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}

// -----

// Values a loop around a barrier carries live in per-thread buffers on the
// host: scalars and vectors do, a buffer does not.
func.func @barrier_in_loop_carrying_a_buffer(%y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{cannot run this launch on the host: a loop around a barrier carries a value of type 'memref<8xf32>'}}
    %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %y) -> (memref<8xf32>) {
      gpu.barrier
      scf.yield %a : memref<8xf32>
    }
    memref.store %zero, %r[%tx] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @barrier_in_while(%y: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %false = arith.constant false
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{cannot run this launch on the host: a barrier inside 'scf.while' (only scf.for and scf.if may contain one)}}
    scf.while : () -> () {
      gpu.barrier
      scf.condition(%false)
    } do {
      scf.yield
    }
    gpu.terminator
  }
  return
}

// -----

func.func @private_buffer_dynamic_block(%y: memref<8xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %n, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{cannot run this launch on the host: a thread keeps this buffer across a barrier, which needs static block sizes and a static, contiguous buffer of whole bytes}}
    %t = memref.alloca() : memref<1xf32>
    gpu.barrier
    %v = memref.load %t[%c0] : memref<1xf32>
    memref.store %v, %y[%tx] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @dynamic_shared_memory(%y: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %bytes = arith.constant 64 : i32
  // expected-error @+1 {{cannot run this launch on the host: it uses dynamic shared memory}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1)
             dynamic_shared_memory_size %bytes {
    gpu.terminator
  }
  return
}

// -----

func.func @asynchronous(%y: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %t = gpu.wait async
  // expected-error @+1 {{cannot run this launch on the host: it is asynchronous}}
  %done = gpu.launch async [%t] blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    gpu.terminator
  }
  gpu.wait [%done]
  return
}

// -----

func.func @asynchronous_alloc() {
  %t = gpu.wait async
  // expected-error @+1 {{cannot run an asynchronous or host-shared gpu.alloc on the host}}
  %m, %t2 = gpu.alloc async [%t] () : memref<8xf32>
  gpu.wait [%t2]
  return
}
