// mlir-runner with -shared-libs=libconvbn_cuda_runtime.so (%run-gpu) runs a
// module with a GPU kernel: here against the fake CUDA driver, whose "device"
// memory is host memory (gpu.memset's 3s come back through gpu.memcpy; the
// kernel does not run), and without a driver (nothing runs, one line says why).

// RUN: mlir-opt %s --gpu-lower-to-nvvm-pipeline="cubin-chip=sm_70 cubin-features=+ptx70 cubin-format=isa" -o %t.llvm.mlir
// RUN: env CONVBN_CUDA_DRIVER=%fakecuda FAKECUDA_TRACE=1 %run-gpu %t.llvm.mlir 2>&1 | FileCheck %s --check-prefix=FAKE --implicit-check-not="convbn runtime"
// RUN: env CONVBN_CUDA_DRIVER=/nonexistent/libcuda.so.1 %run-gpu %t.llvm.mlir 2>&1 | FileCheck %s --check-prefix=NODRIVER

// FAKE:      fakecuda: cuModuleLoadDataEx(ptx image) -> module#[[MODULE:[0-9]+]]
// FAKE:      fakecuda: cuMemAllocAsync(32 bytes, stream#[[STREAM:[0-9]+]])
// FAKE-NEXT: fakecuda: cuMemsetD32Async(0x40400000, 8 elements, stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuModuleGetFunction(module#[[MODULE]], "fill")
// FAKE-NEXT: fakecuda: cuLaunchKernel(fill, grid 1x1x1, block 8x1x1, smem 0, stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuMemcpyAsync(32 bytes, stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuMemFreeAsync(32 bytes, stream#[[STREAM]])
// FAKE:      [3,  3,  3,  3,  3,  3,  3,  3]

// NODRIVER: convbn runtime: no CUDA driver (/nonexistent/libcuda.so.1 not found)
// NODRIVER-NOT: convbn runtime
// NODRIVER: [0,  0,  0,  0,  0,  0,  0,  0]
// NODRIVER-NOT: convbn runtime

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @fill(%buf: memref<8xf32>, %v: f32) kernel {
      %i = gpu.thread_id x
      memref.store %v, %buf[%i] : memref<8xf32>
      gpu.return
    }
  }
  func.func private @printMemrefF32(memref<*xf32>)
  func.func @main() {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %zero = arith.constant 0.0 : f32
    %three = arith.constant 3.0 : f32
    %host = memref.alloc() : memref<8xf32>
    scf.for %i = %c0 to %c8 step %c1 {
      memref.store %zero, %host[%i] : memref<8xf32>
    }
    %t0 = gpu.wait async
    %dev, %t1 = gpu.alloc async [%t0] () : memref<8xf32>
    %t2 = gpu.memset async [%t1] %dev, %three : memref<8xf32>, f32
    %t3 = gpu.launch_func async [%t2] @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c8, %c1, %c1) args(%dev : memref<8xf32>, %three : f32)
    %t4 = gpu.memcpy async [%t3] %host, %dev : memref<8xf32>, memref<8xf32>
    %t5 = gpu.dealloc async [%t4] %dev : memref<8xf32>
    gpu.wait [%t5]
    %u = memref.cast %host : memref<8xf32> to memref<*xf32>
    call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    memref.dealloc %host : memref<8xf32>
    return
  }
}
