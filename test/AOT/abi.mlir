// The runtime interface: every host-side GPU operation that MLIR 22 lowers to a
// runtime call, compiled by convbn-aot. The declarations pin the signatures
// the runtime implements (runtime/include/convbn_cuda_runtime.h); the link
// (--no-undefined) proves the static runtime defines all of them; the run
// against the fake driver shows each call reaching the driver API.

// RUN: rm -rf %t && mkdir -p %t
// RUN: mlir-opt %s --gpu-lower-to-nvvm-pipeline="cubin-chip=sm_90 cubin-features=+ptx80 cubin-format=isa" -o %t/abi.llvm.mlir
// RUN: mlir-translate --mlir-to-llvmir %t/abi.llvm.mlir | FileCheck %s --check-prefix=ABI
// ABI-DAG: declare ptr @mgpuModuleLoadJIT(ptr, i32)
// ABI-DAG: declare void @mgpuModuleUnload(ptr)
// ABI-DAG: declare ptr @mgpuModuleGetFunction(ptr, ptr)
// ABI-DAG: declare void @mgpuLaunchKernel(ptr, i64, i64, i64, i64, i64, i64, i32, ptr, ptr, ptr, i64)
// ABI-DAG: declare void @mgpuLaunchClusterKernel(ptr, i64, i64, i64, i64, i64, i64, i64, i64, i64, i32, ptr, ptr, ptr)
// ABI-DAG: declare ptr @mgpuStreamCreate()
// ABI-DAG: declare void @mgpuStreamSynchronize(ptr)
// ABI-DAG: declare void @mgpuStreamDestroy(ptr)
// ABI-DAG: declare void @mgpuStreamWaitEvent(ptr, ptr)
// ABI-DAG: declare ptr @mgpuEventCreate()
// ABI-DAG: declare void @mgpuEventRecord(ptr, ptr)
// ABI-DAG: declare void @mgpuEventDestroy(ptr)
// ABI-DAG: declare ptr @mgpuMemAlloc(i64, ptr, i8)
// ABI-DAG: declare void @mgpuMemFree(ptr, ptr)
// ABI-DAG: declare void @mgpuMemcpy(ptr, ptr, i64, ptr)
// ABI-DAG: declare void @mgpuMemset32(ptr, i32, i64, ptr)
// ABI-DAG: declare void @mgpuMemset16(ptr, i16, i64, ptr)
// ABI-DAG: declare void @mgpuMemHostRegisterMemRef(i64, ptr, i64)
// ABI-DAG: declare void @mgpuMemHostUnregisterMemRef(i64, ptr, i64)
// ABI-DAG: declare void @mgpuSetDefaultDevice(i32)
// ABI-DAG: declare ptr @mgpuTensorMapEncodeTiledMemref(i64, ptr, i64, i64, i64, i64, i64, ptr)
// ABI-DAG: @llvm.global_ctors = {{.*}} @kernels_load
// ABI-DAG: @llvm.global_dtors = {{.*}} @kernels_unload

// RUN: convbn-aot %t/abi.llvm.mlir -o %t/libabi.so
// RUN: %host_cc -Wall -Werror -I%convbn_runtime_include %S/Inputs/abi-main.c -L%t -labi -Wl,-rpath,%t -o %t/abi-main
// RUN: env CONVBN_CUDA_DRIVER=%fakecuda FAKECUDA_TRACE=1 %t/abi-main 2>&1 | FileCheck %s --check-prefix=FAKE --implicit-check-not="convbn runtime"
// FAKE:      fakecuda: cuModuleLoadDataEx(ptx image) -> module#[[MODULE:[0-9]+]]
// FAKE:      available: 1
// gpu.set_default_device 0, gpu.host_register of the 64 floats:
// FAKE-NEXT: fakecuda: cuMemHostRegister_v2(256 bytes, flags 0)
// gpu.alloc host_shared:
// FAKE-NEXT: fakecuda: cuMemAllocManaged(256 bytes)
// FAKE-NEXT: fakecuda: cuStreamCreate(flags 1) -> stream#[[S1:[0-9]+]]
// FAKE-NEXT: fakecuda: cuStreamCreate(flags 1) -> stream#[[S2:[0-9]+]]
// Device buffers are stream-ordered, from a pool that keeps freed memory:
// FAKE-NEXT: fakecuda: cuMemPoolSetAttribute(release threshold 18446744073709551615)
// FAKE-NEXT: fakecuda: cuMemAllocAsync(256 bytes, stream#[[S1]])
// FAKE-NEXT: fakecuda: cuEventCreate(flags 2) -> event#[[E1:[0-9]+]]
// FAKE-NEXT: fakecuda: cuEventRecord(event#[[E1]], stream#[[S1]])
// FAKE-NEXT: fakecuda: cuMemAllocAsync(96 bytes, stream#[[S2]])
// FAKE-NEXT: fakecuda: cuMemsetD16Async(0x0007, 48 elements, stream#[[S2]])
// FAKE-NEXT: fakecuda: cuEventCreate(flags 2) -> event#[[E2:[0-9]+]]
// FAKE-NEXT: fakecuda: cuEventRecord(event#[[E2]], stream#[[S2]])
// gpu.wait async [%t1, %t3]: a new stream waits for both.
// FAKE-NEXT: fakecuda: cuStreamCreate(flags 1) -> stream#[[S3:[0-9]+]]
// FAKE-NEXT: fakecuda: cuStreamWaitEvent(stream#[[S3]], event#[[E1]], 0)
// FAKE-NEXT: fakecuda: cuStreamWaitEvent(stream#[[S3]], event#[[E2]], 0)
// FAKE-NEXT: fakecuda: cuEventDestroy_v2(event#[[E1]])
// FAKE-NEXT: fakecuda: cuEventDestroy_v2(event#[[E2]])
// FAKE-NEXT: fakecuda: cuMemcpyAsync(256 bytes, stream#[[S3]])
// FAKE-NEXT: fakecuda: cuMemsetD32Async(0x3f800000, 64 elements, stream#[[S3]])
// 128 bytes of dynamic shared memory: checked, then set on the kernel.
// FAKE-NEXT: fakecuda: cuModuleGetFunction(module#[[MODULE]], "touch")
// FAKE-NEXT: fakecuda: cuDeviceGetAttribute(97, device 0)
// FAKE-NEXT: fakecuda: cuFuncSetAttribute(touch, 8, 128)
// FAKE-NEXT: fakecuda: cuLaunchKernel(touch, grid 2x1x1, block 32x1x1, smem 128, stream#[[S3]])
// FAKE-NEXT: fakecuda: cuModuleGetFunction(module#[[MODULE]], "touch")
// FAKE-NEXT: fakecuda: cuLaunchKernelEx(touch, cluster 2x1x1, grid 2x1x1, block 32x1x1, smem 0, stream#[[S3]])
// FAKE-NEXT: fakecuda: cuMemcpyAsync(256 bytes, stream#[[S3]])
// FAKE-NEXT: fakecuda: cuMemFreeAsync(256 bytes, stream#[[S3]])
// FAKE-NEXT: fakecuda: cuMemFreeAsync(96 bytes, stream#[[S3]])
// FAKE-NEXT: fakecuda: cuStreamSynchronize(stream#[[S3]])
// FAKE-NEXT: fakecuda: cuStreamDestroy_v2(stream#[[S3]])
// FAKE-NEXT: fakecuda: cuStreamCreate(flags 1) -> stream#[[S4:[0-9]+]]
// FAKE-NEXT: fakecuda: cuMemFree_v2(256 bytes)
// FAKE-NEXT: fakecuda: cuStreamSynchronize(stream#[[S4]])
// FAKE-NEXT: fakecuda: cuStreamDestroy_v2(stream#[[S4]])
// FAKE-NEXT: fakecuda: cuMemHostUnregister(256 bytes)
// nvgpu.tma.create.descriptor: encoded, then copied to the device.
// FAKE-NEXT: fakecuda: cuTensorMapEncodeTiled(type 6, rank 2)
// FAKE-NEXT: fakecuda: cuMemAlloc_v2(128 bytes)
// FAKE-NEXT: fakecuda: cuMemcpyHtoD_v2(128 bytes)
// FAKE-NEXT: returned
// FAKE-NEXT: fakecuda: cuModuleUnload(module#[[MODULE]])

!desc = !nvgpu.tensormap.descriptor<tensor = memref<64x32xf16, 3>, swizzle = swizzle_64b, l2promo = none, oob = zero, interleave = none>
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @touch(%buf: memref<?xf32>) kernel {
      %i = gpu.thread_id x
      %x = memref.load %buf[%i] : memref<?xf32>
      memref.store %x, %buf[%i] : memref<?xf32>
      gpu.return
    }
  }
  func.func @everything(%host: memref<?xf32>, %halves: memref<?xi16>, %tile: memref<128x32xf16>, %device: i32) attributes {llvm.emit_c_interface} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %smem = arith.constant 128 : i32
    %one = arith.constant 1.0 : f32
    %h = arith.constant 7 : i16
    gpu.set_default_device %device
    %n = memref.dim %host, %c0 : memref<?xf32>
    %m = memref.dim %halves, %c0 : memref<?xi16>
    %unranked = memref.cast %host : memref<?xf32> to memref<*xf32>
    gpu.host_register %unranked : memref<*xf32>
    %shared = gpu.alloc host_shared (%n) : memref<?xf32>
    %a = gpu.wait async
    %b = gpu.wait async
    %dev, %t1 = gpu.alloc async [%a] (%n) : memref<?xf32>
    %dev16, %t2 = gpu.alloc async [%b] (%m) : memref<?xi16>
    %t3 = gpu.memset async [%t2] %dev16, %h : memref<?xi16>, i16
    %joined = gpu.wait async [%t1, %t3]
    %t4 = gpu.memcpy async [%joined] %dev, %host : memref<?xf32>, memref<?xf32>
    %t5 = gpu.memset async [%t4] %dev, %one : memref<?xf32>, f32
    %t6 = gpu.launch_func async [%t5] @kernels::@touch blocks in (%c2, %c1, %c1) threads in (%c32, %c1, %c1) dynamic_shared_memory_size %smem args(%dev : memref<?xf32>)
    %t7 = gpu.launch_func async [%t6] @kernels::@touch clusters in (%c2, %c1, %c1) blocks in (%c2, %c1, %c1) threads in (%c32, %c1, %c1) args(%dev : memref<?xf32>)
    %t8 = gpu.memcpy async [%t7] %host, %dev : memref<?xf32>, memref<?xf32>
    %t9 = gpu.dealloc async [%t8] %dev : memref<?xf32>
    %t10 = gpu.dealloc async [%t9] %dev16 : memref<?xi16>
    gpu.wait [%t10]
    %z = gpu.wait async
    %t11 = gpu.dealloc async [%z] %shared : memref<?xf32>
    gpu.wait [%t11]
    gpu.host_unregister %unranked : memref<*xf32>
    %tileu = memref.cast %tile : memref<128x32xf16> to memref<*xf16>
    %d = nvgpu.tma.create.descriptor %tileu box[%c64, %c32] : memref<*xf16> -> !desc
    return
  }
}
