// RUN: convbn-opt %s --convbn-gpu-check-argument-alignment | FileCheck %s
// RUN: convbn-opt %s --convbn-gpu-check-argument-alignment --lower-to-cpu \
// RUN:   | %run-cpu | FileCheck %s --check-prefix=ALIGNED
// RUN: convbn-opt %s --convbn-gpu-check-argument-alignment --lower-to-cpu \
// RUN:   | not --crash %run-cpu -e misaligned 2>&1 | FileCheck %s --check-prefix=MISALIGNED

// Every buffer argument of a public function is checked on entry; scalars
// and private functions (called only with buffers the module allocated) are
// not.

// CHECK-LABEL: func.func @scale
// CHECK:         %[[MASK:.*]] = arith.constant 15 : index
// CHECK:         %[[ZERO:.*]] = arith.constant 0 : index
// CHECK:         %[[P0:.*]] = memref.extract_aligned_pointer_as_index %arg0
// CHECK:         %[[R0:.*]] = arith.andi %[[P0]], %[[MASK]]
// CHECK:         %[[BAD0:.*]] = arith.cmpi ne, %[[R0]], %[[ZERO]]
// CHECK:         scf.if %[[BAD0]] {
// CHECK:           llvm.mlir.addressof @__convbn_misaligned_scale_0
// CHECK:           llvm.call @write(%{{.*}}, %{{.*}}, %{{.*}}) : (i32, !llvm.ptr, i64) -> i64
// CHECK:           llvm.call @abort()
// CHECK:         memref.extract_aligned_pointer_as_index %arg2
// CHECK:         llvm.mlir.addressof @__convbn_misaligned_scale_2
// CHECK-NOT:     extract_aligned_pointer
// CHECK:         linalg.generic
func.func @scale(%x: memref<4xf32>, %s: f32, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %s : f32
    linalg.yield %m : f32
  }
  return
}

// CHECK-LABEL: func.func private @helper
// CHECK-NEXT:    return
func.func private @helper(%x: memref<4xf32>) {
  return
}

// The check at work: buffers the runtime allocates pass; a view 4 bytes
// into one stops the program, and the message reaches stderr although
// output is piped.
func.func @main() {
  %buffer = memref.alloc() {alignment = 64 : i64} : memref<32xi8>
  %c0 = arith.constant 0 : index
  %x = memref.view %buffer[%c0][] : memref<32xi8> to memref<4xf32>
  %y = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  %two = arith.constant 2.0 : f32
  call @scale(%x, %two, %y) : (memref<4xf32>, f32, memref<4xf32>) -> ()
  vector.print str "aligned buffers pass\n"
  return
}
// ALIGNED: aligned buffers pass

func.func @misaligned() {
  %buffer = memref.alloc() {alignment = 64 : i64} : memref<32xi8>
  %c4 = arith.constant 4 : index
  %x = memref.view %buffer[%c4][] : memref<32xi8> to memref<4xf32>
  %y = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  %two = arith.constant 2.0 : f32
  call @scale(%x, %two, %y) : (memref<4xf32>, f32, memref<4xf32>) -> ()
  vector.print str "not reached\n"
  return
}
// MISALIGNED: convbn: argument 0 of @scale is not 16-byte aligned
// MISALIGNED-NOT: not reached
