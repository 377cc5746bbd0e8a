// convbn-aot: a module with a GPU kernel becomes a shared library that needs
// no LLVM, MLIR or CUDA library, exports the C interface of its functions and
// loads the CUDA driver at run time. Checked without a GPU: with no driver
// (calls do nothing, one line says why) and with the fake driver (the kernel
// image, the launch and the copies reach it). scale-gpu.test runs it on a GPU.

// RUN: rm -rf %t && mkdir -p %t
// RUN: mlir-opt %s --gpu-lower-to-nvvm-pipeline="cubin-chip=sm_70 cubin-features=+ptx70 cubin-format=isa" -o %t/scale.llvm.mlir
// RUN: convbn-aot %t/scale.llvm.mlir -o %t/libscale.so
// RUN: %host_cc -Wall -Werror -I%convbn_runtime_include %S/Inputs/scale-main.c -L%t -lscale -Wl,-rpath,%t -o %t/scale-main

// Only libc, libstdc++, libgcc_s (and libm, libdl) are needed.
// RUN: llvm-readelf -d %t/libscale.so | grep NEEDED > %t/needed
// RUN: FileCheck %s --check-prefix=DEPS < %t/needed
// RUN: not grep -E 'LLVM|MLIR|mlir|cuda|nvrtc|nvJit' %t/needed
// DEPS-DAG: [libstdc++.so.6]
// DEPS-DAG: [libc.so.6]

// The C interface and the runtime's C API are exported; the mgpu* entry
// points stay inside.
// RUN: llvm-nm -D --defined-only -j %t/libscale.so > %t/symbols
// RUN: FileCheck %s --check-prefix=SYMS < %t/symbols
// RUN: not grep mgpu %t/symbols
// SYMS-DAG: {{^}}_mlir_ciface_scale{{$}}
// SYMS-DAG: {{^}}convbnCudaAvailable{{$}}
// SYMS-DAG: {{^}}convbnCudaLastError{{$}}

// No driver: the library loads, calls are no-ops, one line on stderr.
// RUN: env CONVBN_CUDA_DRIVER=/nonexistent/libcuda.so.1 %t/scale-main 2>%t/nodriver.err | FileCheck %s --check-prefix=NODRIVER
// RUN: FileCheck %s --check-prefix=NODRIVER-ERR --implicit-check-not=convbn < %t/nodriver.err
// NODRIVER: available: 0
// NODRIVER-NEXT: why: convbn runtime: no CUDA driver (/nonexistent/libcuda.so.1 not found): /nonexistent/libcuda.so.1: cannot open shared object file
// NODRIVER-NEXT: unchanged
// NODRIVER-ERR: convbn runtime: no CUDA driver (/nonexistent/libcuda.so.1 not found)

// The fake driver: the PTX is JIT-loaded when the library is, the kernel is
// looked up and launched with the grid and block of the launch_func, data
// goes to the device and back (the fake runs no kernel: "unchanged").
// RUN: env CONVBN_CUDA_DRIVER=%fakecuda FAKECUDA_TRACE=1 %t/scale-main 2>&1 | FileCheck %s --check-prefix=FAKE
// FAKE:      fakecuda: cuInit(0)
// FAKE:      fakecuda: cuModuleLoadDataEx: 3 options, optLevel 2
// FAKE-NEXT: fakecuda: cuModuleLoadDataEx(ptx image) -> module#[[MODULE:[0-9]+]]
// FAKE:      available: 1
// FAKE-NEXT: fakecuda: cuStreamCreate(flags 1) -> stream#[[STREAM:[0-9]+]]
// FAKE-NEXT: fakecuda: cuMemPoolSetAttribute(release threshold 18446744073709551615)
// FAKE-NEXT: fakecuda: cuMemAllocAsync(4000 bytes, stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuMemcpyAsync(4000 bytes, stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuModuleGetFunction(module#[[MODULE]], "scale")
// FAKE-NEXT: fakecuda: cuLaunchKernel(scale, grid 4x1x1, block 256x1x1, smem 0, stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuMemcpyAsync(4000 bytes, stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuMemFreeAsync(4000 bytes, stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuStreamSynchronize(stream#[[STREAM]])
// FAKE-NEXT: fakecuda: cuStreamDestroy_v2(stream#[[STREAM]])
// FAKE-NEXT: unchanged
// FAKE-NEXT: fakecuda: cuModuleUnload(module#[[MODULE]])
// FAKE-NOT:  convbn runtime

// Exporting only the C interface.
// RUN: convbn-aot %t/scale.llvm.mlir --export=ciface -o %t/libscale-ciface.so
// RUN: llvm-nm -D --defined-only -j %t/libscale-ciface.so | sort | FileCheck %s --check-prefix=CIFACE --match-full-lines
// CIFACE:      _mlir_ciface_scale
// CIFACE-NEXT: convbnCudaAvailable
// CIFACE-NEXT: convbnCudaClearLastError
// CIFACE-NEXT: convbnCudaLastError
// CIFACE-NOT:  {{.}}

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @scale(%buf: memref<?xf32>, %n: index, %factor: f32) kernel {
      %i = gpu.global_id x
      %inside = arith.cmpi ult, %i, %n : index
      scf.if %inside {
        %x = memref.load %buf[%i] : memref<?xf32>
        %y = arith.mulf %x, %factor : f32
        memref.store %y, %buf[%i] : memref<?xf32>
      }
      gpu.return
    }
  }

  // Multiplies `host` by `factor` on the GPU.
  func.func @scale(%host: memref<?xf32>, %factor: f32) attributes {llvm.emit_c_interface} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c256 = arith.constant 256 : index
    %n = memref.dim %host, %c0 : memref<?xf32>
    %blocks = arith.ceildivui %n, %c256 : index
    %t0 = gpu.wait async
    %dev, %t1 = gpu.alloc async [%t0] (%n) : memref<?xf32>
    %t2 = gpu.memcpy async [%t1] %dev, %host : memref<?xf32>, memref<?xf32>
    %t3 = gpu.launch_func async [%t2] @kernels::@scale blocks in (%blocks, %c1, %c1) threads in (%c256, %c1, %c1) args(%dev : memref<?xf32>, %n : index, %factor : f32)
    %t4 = gpu.memcpy async [%t3] %host, %dev : memref<?xf32>, memref<?xf32>
    %t5 = gpu.dealloc async [%t4] %dev : memref<?xf32>
    gpu.wait [%t5]
    return
  }
}
