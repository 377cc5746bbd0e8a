// RUN: convbn-opt %s --convbn-free-after-last-use -split-input-file | FileCheck %s

// The free of a buffer moves up to just after its last use.
// CHECK-LABEL: func.func @chain(
// CHECK:       %[[A:.+]] = memref.alloc() : memref<4xf32>
// CHECK:       memref.store %{{.+}}, %[[A]]
// CHECK:       %[[X:.+]] = memref.load %[[A]]
// CHECK-NEXT:  memref.dealloc %[[A]]
// CHECK:       %[[B:.+]] = memref.alloc() : memref<4xf32>
// CHECK:       %[[Y:.+]] = memref.load %[[B]]
// CHECK-NEXT:  memref.dealloc %[[B]]
// CHECK-NEXT:  return %[[Y]]
func.func @chain(%v: f32) -> f32 {
  %i = arith.constant 0 : index
  %a = memref.alloc() : memref<4xf32>
  memref.store %v, %a[%i] : memref<4xf32>
  %x = memref.load %a[%i] : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  memref.store %x, %b[%i] : memref<4xf32>
  %y = memref.load %b[%i] : memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  return %y : f32
}

// -----

// Uses of views (subview, expand_shape, cast) are uses of the buffer.
// CHECK-LABEL: func.func @views(
// CHECK:       %[[A:.+]] = memref.alloc() : memref<8xf32>
// CHECK:       memref.load %{{.+}}[%{{.+}}] : memref<?xf32>
// CHECK-NEXT:  memref.dealloc %[[A]]
// CHECK:       memref.load %{{.+}}[%{{.+}}, %{{.+}}] : memref<2x4xf32>
// CHECK-NEXT:  memref.dealloc
// CHECK-NEXT:  return
func.func @views(%v: f32) -> (f32, f32) {
  %i = arith.constant 0 : index
  %a = memref.alloc() : memref<8xf32>
  %s = memref.subview %a[2] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 2>>
  memref.store %v, %s[%i] : memref<4xf32, strided<[1], offset: 2>>
  %c = memref.cast %a : memref<8xf32> to memref<?xf32>
  %x = memref.load %c[%i] : memref<?xf32>
  %b = memref.alloc() : memref<8xf32>
  %e = memref.expand_shape %b [[0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
  memref.store %x, %e[%i, %i] : memref<2x4xf32>
  %y = memref.load %e[%i, %i] : memref<2x4xf32>
  memref.dealloc %a : memref<8xf32>
  memref.dealloc %b : memref<8xf32>
  return %x, %y : f32, f32
}

// -----

// A use inside a loop ends with the loop.
// CHECK-LABEL: func.func @loop(
// CHECK:       %[[A:.+]] = memref.alloc()
// CHECK:       scf.for
// CHECK:         memref.store
// CHECK:       }
// CHECK-NEXT:  memref.dealloc %[[A]]
// CHECK-NEXT:  arith.addf
func.func @loop(%v: f32, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<4xf32>
  scf.for %i = %c0 to %n step %c1 {
    memref.store %v, %a[%c0] : memref<4xf32>
  }
  %w = arith.addf %v, %v : f32
  memref.dealloc %a : memref<4xf32>
  return %w : f32
}

// -----

// Left where it is: a view escapes through a terminator, or an op that is
// not a view returns a memref from it (its aliasing is unknown).
// CHECK-LABEL: func.func @escapes(
// CHECK:       scf.yield
// CHECK:       memref.load
// CHECK-NEXT:  arith.addf
// CHECK-NEXT:  memref.dealloc
// CHECK-NEXT:  return
func.func @escapes(%v: f32, %p: i1) -> f32 {
  %i = arith.constant 0 : index
  %a = memref.alloc() : memref<4xf32>
  memref.store %v, %a[%i] : memref<4xf32>
  %r = scf.if %p -> memref<4xf32> {
    scf.yield %a : memref<4xf32>
  } else {
    scf.yield %a : memref<4xf32>
  }
  %x = memref.load %r[%i] : memref<4xf32>
  %w = arith.addf %x, %x : f32
  memref.dealloc %a : memref<4xf32>
  return %w : f32
}

// CHECK-LABEL: func.func @unknown_alias(
// CHECK:       call @id
// CHECK:       memref.load
// CHECK-NEXT:  memref.dealloc
// CHECK-NEXT:  return
func.func private @id(memref<4xf32>) -> memref<4xf32>
func.func @unknown_alias(%v: f32) -> f32 {
  %i = arith.constant 0 : index
  %a = memref.alloc() : memref<4xf32>
  memref.store %v, %a[%i] : memref<4xf32>
  %r = call @id(%a) : (memref<4xf32>) -> memref<4xf32>
  %x = memref.load %r[%i] : memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  return %x : f32
}
