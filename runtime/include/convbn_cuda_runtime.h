/*===- convbn_cuda_runtime.h - convbn's CUDA runtime, C interface ---------===*\
|*                                                                            *|
|* The entry points that MLIR 22's `gpu-to-llvm` lowering calls (mgpu*), as   *|
|* implemented by libconvbn_cuda_runtime on the CUDA driver API, and a small  *|
|* C API for programs that embed compiled modules.                            *|
|*                                                                            *|
|* The driver (libcuda.so.1, or the library named by the environment variable *|
|* CONVBN_CUDA_DRIVER) is loaded with dlopen on first use; nothing links      *|
|* against it. Without a driver every call is a no-op that returns null, and  *|
|* the first one prints one line to stderr:                                   *|
|*   convbn runtime: no CUDA driver (libcuda.so.1 not found): <dlerror>      *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef CONVBN_CUDA_RUNTIME_H
#define CONVBN_CUDA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#define CONVBN_RUNTIME_API __attribute__((visibility("default")))
/* The static archive (for ahead-of-time compiled shared libraries) keeps the
   mgpu* symbols hidden, so that each library binds to its own copy and does
   not export or interpose them. */
#ifdef CONVBN_RUNTIME_STATIC
#define CONVBN_MGPU_API __attribute__((visibility("hidden")))
#else
#define CONVBN_MGPU_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The CUDA driver's opaque handles (the same struct names as cuda.h). */
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;

/*===--- convbn C API ------------------------------------------------------===*/

/* 1 when the CUDA driver loads, initializes and reports at least one device;
   0 otherwise (convbnCudaLastError() then says why). Prints nothing. */
CONVBN_RUNTIME_API int convbnCudaAvailable(void);

/* The last error the runtime reported on any thread (the same text it printed
   to stderr, without the newline), or "" when there was none. The string is
   owned by the calling thread and valid until its next call. */
CONVBN_RUNTIME_API const char *convbnCudaLastError(void);

/* Forgets the last error: convbnCudaLastError() returns "" until the next
   one. For callers that check each of their calls (convbn.cuda). */
CONVBN_RUNTIME_API void convbnCudaClearLastError(void);

/* The device copy of the `sizeBytes` constant bytes at `host`, made (with
   cuMemAlloc + cuMemcpyHtoD) on the first call and cached in `*slot`, which
   must start null; later calls return `*slot`. Thread-safe. Functions
   compiled by lower-to-nvvm call it for the constants their kernels read
   (weights in deploy mode, torch-mlir's dense_resource blobs), so that each
   is copied to the device once per process. Null (and an error reported)
   when the copy cannot be made. */
CONVBN_RUNTIME_API void *convbnDeviceConstant(void **slot, const void *host,
                                              uint64_t sizeBytes);

/*===--- The mgpu* ABI emitted by MLIR 22's gpu-to-llvm ----------------------===*/

/* Module loading, from the llvm.global_ctors/dtors that gpu.binary becomes. */
CONVBN_MGPU_API struct CUmod_st *mgpuModuleLoad(void *data, size_t gpuBlobSize);
CONVBN_MGPU_API struct CUmod_st *mgpuModuleLoadJIT(void *data, int optLevel);
CONVBN_MGPU_API void mgpuModuleUnload(struct CUmod_st *module);
CONVBN_MGPU_API struct CUfunc_st *mgpuModuleGetFunction(struct CUmod_st *module,
                                                        const char *name);

/* gpu.launch_func. Sizes are index-typed (intptr_t); paramsCount is the number
   of entries in params (unused by the driver API). */
CONVBN_MGPU_API void mgpuLaunchKernel(struct CUfunc_st *function, intptr_t gridX,
                                      intptr_t gridY, intptr_t gridZ,
                                      intptr_t blockX, intptr_t blockY,
                                      intptr_t blockZ, int32_t smem,
                                      struct CUstream_st *stream, void **params,
                                      void **extra, size_t paramsCount);
/* gpu.launch_func with `clusters in` (sm_90+, CUDA 12+). MLIR 22 passes no
   paramsCount here. */
CONVBN_MGPU_API void
mgpuLaunchClusterKernel(struct CUfunc_st *function, intptr_t clusterX,
                        intptr_t clusterY, intptr_t clusterZ, intptr_t gridX,
                        intptr_t gridY, intptr_t gridZ, intptr_t blockX,
                        intptr_t blockY, intptr_t blockZ, int32_t smem,
                        struct CUstream_st *stream, void **params, void **extra);

/* Streams and events (async tokens). */
CONVBN_MGPU_API struct CUstream_st *mgpuStreamCreate(void);
CONVBN_MGPU_API void mgpuStreamDestroy(struct CUstream_st *stream);
CONVBN_MGPU_API void mgpuStreamSynchronize(struct CUstream_st *stream);
CONVBN_MGPU_API void mgpuStreamWaitEvent(struct CUstream_st *stream,
                                         struct CUevent_st *event);
CONVBN_MGPU_API struct CUevent_st *mgpuEventCreate(void);
CONVBN_MGPU_API void mgpuEventDestroy(struct CUevent_st *event);
CONVBN_MGPU_API void mgpuEventSynchronize(struct CUevent_st *event);
CONVBN_MGPU_API void mgpuEventRecord(struct CUevent_st *event,
                                     struct CUstream_st *stream);

/* Memory: gpu.alloc (host_shared: managed memory), gpu.dealloc, gpu.memcpy,
   gpu.memset (32- and 16-bit elements; count is in elements). */
CONVBN_MGPU_API void *mgpuMemAlloc(uint64_t sizeBytes, struct CUstream_st *stream,
                                   bool isHostShared);
CONVBN_MGPU_API void mgpuMemFree(void *ptr, struct CUstream_st *stream);
CONVBN_MGPU_API void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                                struct CUstream_st *stream);
CONVBN_MGPU_API void mgpuMemset32(void *dst, unsigned int value, size_t count,
                                  struct CUstream_st *stream);
CONVBN_MGPU_API void mgpuMemset16(void *dst, unsigned short value, size_t count,
                                  struct CUstream_st *stream);

/* gpu.host_register / gpu.host_unregister. `descriptor` points to a ranked
   memref descriptor {allocated, aligned, offset, sizes[rank], strides[rank]}. */
CONVBN_MGPU_API void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes);
CONVBN_MGPU_API void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                                               int64_t elementSizeBytes);
CONVBN_MGPU_API void mgpuMemHostUnregister(void *ptr);
CONVBN_MGPU_API void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                                 int64_t elementSizeBytes);

/* gpu.set_default_device (per thread, as upstream). */
CONVBN_MGPU_API void mgpuSetDefaultDevice(int32_t device);

/* nvgpu.tma.create.descriptor (CUDA 12+). The enum arguments are
   CUtensorMapDataType, CUtensorMapInterleave, CUtensorMapSwizzle,
   CUtensorMapL2promotion and CUtensorMapFloatOOBfill; MLIR 22 passes them as
   i64. Returns a device copy of the 128-byte CUtensorMap. */
CONVBN_MGPU_API void *mgpuTensorMapEncodeTiledMemref(
    int64_t tensorRank, void *rankedDescriptor, int64_t tensorDataType,
    int64_t interleave, int64_t swizzle, int64_t l2Promotion, int64_t oobFill,
    int64_t *inputBoxDims);
/* The same on raw arguments (as upstream; tensorMap is a host CUtensorMap). */
CONVBN_MGPU_API void mgpuTensorMapEncodeTiled(
    void *tensorMap, int tensorDataType, uint32_t tensorRank,
    void *globalAddress, const uint64_t *globalDim,
    const uint64_t *globalStrides, const uint32_t *boxDim,
    const uint32_t *elementStrides, int interleave, int swizzle,
    int l2Promotion, int oobFill);

#ifdef __cplusplus
}
#endif

#endif /* CONVBN_CUDA_RUNTIME_H */
