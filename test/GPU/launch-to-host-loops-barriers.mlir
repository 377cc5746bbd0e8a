// RUN: convbn-opt %s --convbn-gpu-launch-to-host-loops --cse | FileCheck %s
// RUN: convbn-opt %s --convbn-gpu-launch-to-host-loops --lower-to-cpu \
// RUN:   | %run-cpu | FileCheck %s --check-prefix=EXEC

// Threads that synchronise run in phases: the loops over a block's threads
// are split at every gpu.barrier, so that every thread finishes a phase
// before any starts the next. Workgroup memory is one buffer (reused by the
// blocks, which run one after another); a private buffer a thread keeps
// across a barrier has one copy per thread; pure values (indices) are
// recomputed in each phase.

// CHECK-LABEL: func.func @main
// CHECK-DAG:     %[[SHARED:.*]] = memref.alloca() {alignment = 64 : i64} : memref<8xf32>
// CHECK-DAG:     %[[COPIES:.*]] = memref.alloca() {alignment = 64 : i64} : memref<512xi8>
// CHECK:         scf.for %[[BX:.*]] = %c0 to %c2 step %c1
// CHECK:           scf.for %{{.*}} = %c0 to %c1 step %c1
// CHECK:             scf.for %[[T:.*]] = %c0 to %c8 step %c1
// CHECK:               memref.view %[[COPIES]]
// CHECK:               memref.store %{{.*}}, %{{.*}}[%c0] : memref<1xf32>
// CHECK:           scf.for %[[K:.*]] = %c0 to %c3 step %c1
// CHECK:             scf.for %{{.*}} = %c0 to %c1 step %c1
// CHECK:               scf.for %[[T1:.*]] = %c0 to %c8 step %c1
// CHECK:                 memref.store %{{.*}}, %[[SHARED]][%[[T1]]]
// CHECK-NOT:             memref.load %[[SHARED]]
// CHECK:             scf.for %{{.*}} = %c0 to %c1 step %c1
// CHECK:               scf.for %[[T2:.*]] = %c0 to %c8 step %c1
// CHECK:                 memref.load %[[SHARED]]
// CHECK-NOT:     gpu.

// Each thread t of block b adds up x[b][(7 - t + k) mod 8] for k = 0, 1, 2,
// read through workgroup memory where thread 7 - t wrote it:
// EXEC: [8, 13, 18, 15, 12, 9, 6, 3]
// EXEC: [38, 43, 48, 45, 42, 39, 36, 33]
// A tree reduction of each block's row in workgroup memory: 0 + ... + 7
// and 10 + ... + 17.
// EXEC: [28, 108]
// The first sums plus x[b][t], with the sum carried by a loop:
// EXEC: [8, 14, 20, 18, 16, 14, 12, 10]
// EXEC: [48, 54, 60, 58, 56, 54, 52, 50]
func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %c10 = arith.constant 10 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.alloc() : memref<2x8xf32>
  %y = memref.alloc() : memref<2x8xf32>
  %z = memref.alloc() : memref<2xf32>
  scf.for %b = %c0 to %c2 step %c1 {
    scf.for %i = %c0 to %c8 step %c1 {
      %v = affine.apply affine_map<(b, i) -> (b * 10 + i)>(%b, %i)
      %vi = arith.index_cast %v : index to i32
      %vf = arith.sitofp %vi : i32 to f32
      memref.store %vf, %x[%b, %i] : memref<2x8xf32>
    }
  }

  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1)
             workgroup(%shared : memref<8xf32, #gpu.address_space<workgroup>>) {
    %acc = memref.alloca() : memref<1xf32>
    memref.store %zero, %acc[%c0] : memref<1xf32>
    %mirror = arith.subi %c7, %tx : index
    scf.for %k = %c0 to %c3 step %c1 {
      %j = arith.addi %tx, %k : index
      %jm = arith.remui %j, %c8 : index
      %v = memref.load %x[%bx, %jm] : memref<2x8xf32>
      memref.store %v, %shared[%tx] : memref<8xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %r = memref.load %shared[%mirror] : memref<8xf32, #gpu.address_space<workgroup>>
      %a = memref.load %acc[%c0] : memref<1xf32>
      %s = arith.addf %a, %r : f32
      memref.store %s, %acc[%c0] : memref<1xf32>
      gpu.barrier
    }
    %final = memref.load %acc[%c0] : memref<1xf32>
    memref.store %final, %y[%bx, %tx] : memref<2x8xf32>
    gpu.terminator
  }

  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1) {
    %row = memref.alloca() : memref<8xf32, #gpu.address_space<workgroup>>
    %v = memref.load %x[%bx, %tx] : memref<2x8xf32>
    memref.store %v, %row[%tx] : memref<8xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    scf.for %i = %c0 to %c3 step %c1 {
      %shift = arith.shrui %c4, %i : index
      %active = arith.cmpi ult, %tx, %shift : index
      scf.if %active {
        %other = arith.addi %tx, %shift : index
        %p = memref.load %row[%tx] : memref<8xf32, #gpu.address_space<workgroup>>
        %q = memref.load %row[%other] : memref<8xf32, #gpu.address_space<workgroup>>
        %s = arith.addf %p, %q : f32
        memref.store %s, %row[%tx] : memref<8xf32, #gpu.address_space<workgroup>>
      }
      gpu.barrier
    }
    %first = arith.cmpi eq, %tx, %c0 : index
    scf.if %first {
      %sum = memref.load %row[%c0] : memref<8xf32, #gpu.address_space<workgroup>>
      memref.store %sum, %z[%bx] : memref<2xf32>
    }
    gpu.terminator
  }

  // The first launch again, its sum carried by the loop as a value (as a
  // tensor-core kernel carries its accumulators) and stored after the
  // second barrier, plus the thread's own x[b][t], loaded before the loop
  // and used after it: both kept in per-thread buffers across the phases.
  %w = memref.alloc() : memref<2x8xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1)
             workgroup(%shared : memref<8xf32, #gpu.address_space<workgroup>>) {
    %mirror = arith.subi %c7, %tx : index
    %own = memref.load %x[%bx, %tx] : memref<2x8xf32>
    %sum = scf.for %k = %c0 to %c3 step %c1 iter_args(%a = %zero) -> (f32) {
      %j = arith.addi %tx, %k : index
      %jm = arith.remui %j, %c8 : index
      %v = memref.load %x[%bx, %jm] : memref<2x8xf32>
      memref.store %v, %shared[%tx] : memref<8xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %r = memref.load %shared[%mirror] : memref<8xf32, #gpu.address_space<workgroup>>
      %s = arith.addf %a, %r : f32
      gpu.barrier
      scf.yield %s : f32
    }
    %total = arith.addf %sum, %own : f32
    memref.store %total, %w[%bx, %tx] : memref<2x8xf32>
    gpu.terminator
  }

  %yu = memref.cast %y : memref<2x8xf32> to memref<*xf32>
  call @printMemrefF32(%yu) : (memref<*xf32>) -> ()
  %zu = memref.cast %z : memref<2xf32> to memref<*xf32>
  call @printMemrefF32(%zu) : (memref<*xf32>) -> ()
  %wu = memref.cast %w : memref<2x8xf32> to memref<*xf32>
  call @printMemrefF32(%wu) : (memref<*xf32>) -> ()
  return
}
