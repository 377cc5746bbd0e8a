// RUN: convbn-opt %s --convbn-gpu-host-memory --split-input-file -verify-diagnostics

// External functions get host copies of the buffers they are passed; a
// buffer whose shape or layout the copy cannot know is refused.

func.func private @print(memref<*xf32>)

func.func @unranked(%m: memref<*xf32>) {
  // expected-error @+1 {{cannot copy an unranked buffer of unknown shape to the host for this call}}
  call @print(%m) : (memref<*xf32>) -> ()
  return
}

// -----

func.func private @consume(memref<4xf32, strided<[2]>>)

func.func @strided(%m: memref<8xf32>) {
  %s = memref.subview %m[0] [4] [2] : memref<8xf32> to memref<4xf32, strided<[2]>>
  // expected-error @+1 {{cannot copy a strided buffer to the host for this call}}
  call @consume(%s) : (memref<4xf32, strided<[2]>>) -> ()
  return
}

// -----

// Host copies become device copies, which take their sizes from the types:
// an unranked copy is refused (the pass used to crash on it; the fuzzer
// found it in a mutant of StridedCopiesToLinalg/basic.mlir).
func.func @unranked_copy(%a: memref<*xi64>, %b: memref<*xi64>) {
  // expected-error @+1 {{lower-to-nvvm cannot copy an unranked buffer between host and device}}
  memref.copy %a, %b : memref<*xi64> to memref<*xi64>
  return
}

// -----

func.func @unranked_copy_in_kernel(%a: memref<*xf32>, %b: memref<*xf32>) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{lower-to-nvvm cannot copy an unranked buffer in a kernel}}
    memref.copy %a, %b : memref<*xf32> to memref<*xf32>
    gpu.terminator
  }
  return
}
