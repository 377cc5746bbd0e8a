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
