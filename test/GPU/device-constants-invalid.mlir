// RUN: convbn-opt %s --convbn-gpu-device-constants --split-input-file -verify-diagnostics

// The runtime's function name is reserved: a module that defines it as
// something else is told so, instead of getting a second symbol of the name.

memref.global "private" constant @weights : memref<2xf32> = dense<1.0>

// expected-error @+1 {{'convbnDeviceConstant' is the runtime's function '!llvm.func<ptr (ptr, ptr, i64)>' that copies constants to the device; this symbol cannot be defined otherwise}}
func.func private @convbnDeviceConstant(i32)

func.func @f(%out: memref<1xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %g = memref.get_global @weights : memref<2xf32>
  %d = gpu.alloc () : memref<2xf32>
  gpu.memcpy %d, %g : memref<2xf32>, memref<2xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %d[%c0] : memref<2xf32>
    memref.store %v, %out[%c0] : memref<1xf32>
    gpu.terminator
  }
  gpu.dealloc %d : memref<2xf32>
  return
}

// -----

memref.global "private" constant @weights : memref<2xf32> = dense<1.0>

// expected-error @+1 {{'convbnDeviceConstant' is the runtime's function}}
llvm.func @convbnDeviceConstant(!llvm.ptr) -> !llvm.ptr

func.func @f(%out: memref<1xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %g = memref.get_global @weights : memref<2xf32>
  %d = gpu.alloc () : memref<2xf32>
  gpu.memcpy %d, %g : memref<2xf32>, memref<2xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %d[%c0] : memref<2xf32>
    memref.store %v, %out[%c0] : memref<1xf32>
    gpu.terminator
  }
  gpu.dealloc %d : memref<2xf32>
  return
}
