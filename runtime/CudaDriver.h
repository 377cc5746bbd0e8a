//===- CudaDriver.h - The CUDA driver API subset the runtime uses --------===//
//
// The few CUDA driver types, constants and function-pointer types that
// convbn_cuda_runtime needs, declared here so that the runtime builds without
// a CUDA toolkit. The driver itself (libcuda.so.1) is loaded at run time with
// dlopen; nothing links against it.
//
// When cuda.h is available (CONVBN_HAVE_CUDA_H), the declarations below are
// checked against it at compile time: same sizes, same offsets, same enum
// values.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_RUNTIME_CUDADRIVER_H
#define CONVBN_RUNTIME_CUDADRIVER_H

#include <cstddef>
#include <cstdint>

// The driver's opaque handle structs, at global scope under the names cuda.h
// gives them, so that the handle types below are cuda.h's own types.
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;
struct CUmemPoolHandle_st;

namespace convbn::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = ::CUctx_st *;
using CUmodule = ::CUmod_st *;
using CUfunction = ::CUfunc_st *;
using CUstream = ::CUstream_st *;
using CUevent = ::CUevent_st *;
using CUjit_option = int;
using CUmemoryPool = ::CUmemPoolHandle_st *;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_DEINITIALIZED = 4;
constexpr CUresult CUDA_ERROR_NOT_FOUND = 500;
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
constexpr unsigned CU_EVENT_DISABLE_TIMING = 0x2;
constexpr unsigned CU_MEM_ATTACH_GLOBAL = 0x1;
constexpr int CU_MEMPOOL_ATTR_RELEASE_THRESHOLD = 4;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
constexpr int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
constexpr CUjit_option CU_JIT_INFO_LOG_BUFFER = 3;
constexpr CUjit_option CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr CUjit_option CU_JIT_OPTIMIZATION_LEVEL = 7;
constexpr int CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION = 4;
constexpr int CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE = 5;
constexpr int CU_CLUSTER_SCHEDULING_POLICY_SPREAD = 1;

// cuLaunchKernelEx's configuration (CUDA 12+).
union CUlaunchAttributeValue {
  char pad[64];
  struct {
    unsigned x, y, z;
  } clusterDim;
  int clusterSchedulingPolicyPreference;
};
struct CUlaunchAttribute {
  int id;
  char pad[8 - sizeof(int)];
  CUlaunchAttributeValue value;
};
struct CUlaunchConfig {
  unsigned gridDimX, gridDimY, gridDimZ;
  unsigned blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  CUstream hStream;
  CUlaunchAttribute *attrs;
  unsigned numAttrs;
};

// TMA descriptor (CUDA 12+): 128 opaque bytes, 128-byte aligned.
struct alignas(128) CUtensorMap {
  uint64_t opaque[16];
};

// Function-pointer types, named after the driver entry point they hold.
using PFN_cuInit = CUresult (*)(unsigned);
using PFN_cuGetErrorString = CUresult (*)(CUresult, const char **);
using PFN_cuGetErrorName = CUresult (*)(CUresult, const char **);
using PFN_cuDeviceGet = CUresult (*)(CUdevice *, int);
using PFN_cuDeviceGetCount = CUresult (*)(int *);
using PFN_cuDeviceGetAttribute = CUresult (*)(int *, int, CUdevice);
using PFN_cuDevicePrimaryCtxRetain = CUresult (*)(CUcontext *, CUdevice);
using PFN_cuCtxPushCurrent = CUresult (*)(CUcontext);
using PFN_cuCtxPopCurrent = CUresult (*)(CUcontext *);
using PFN_cuModuleLoadData = CUresult (*)(CUmodule *, const void *);
using PFN_cuModuleLoadDataEx = CUresult (*)(CUmodule *, const void *, unsigned,
                                            CUjit_option *, void **);
using PFN_cuModuleUnload = CUresult (*)(CUmodule);
using PFN_cuModuleGetFunction = CUresult (*)(CUfunction *, CUmodule,
                                             const char *);
using PFN_cuFuncSetAttribute = CUresult (*)(CUfunction, int, int);
using PFN_cuLaunchKernel = CUresult (*)(CUfunction, unsigned, unsigned,
                                        unsigned, unsigned, unsigned, unsigned,
                                        unsigned, CUstream, void **, void **);
using PFN_cuLaunchKernelEx = CUresult (*)(const CUlaunchConfig *, CUfunction,
                                          void **, void **);
using PFN_cuStreamCreate = CUresult (*)(CUstream *, unsigned);
using PFN_cuStreamDestroy = CUresult (*)(CUstream);
using PFN_cuStreamSynchronize = CUresult (*)(CUstream);
using PFN_cuStreamWaitEvent = CUresult (*)(CUstream, CUevent, unsigned);
using PFN_cuEventCreate = CUresult (*)(CUevent *, unsigned);
using PFN_cuEventDestroy = CUresult (*)(CUevent);
using PFN_cuEventSynchronize = CUresult (*)(CUevent);
using PFN_cuEventRecord = CUresult (*)(CUevent, CUstream);
using PFN_cuMemAlloc = CUresult (*)(CUdeviceptr *, size_t);
using PFN_cuMemAllocManaged = CUresult (*)(CUdeviceptr *, size_t, unsigned);
using PFN_cuMemFree = CUresult (*)(CUdeviceptr);
using PFN_cuMemAllocAsync = CUresult (*)(CUdeviceptr *, size_t, CUstream);
using PFN_cuMemFreeAsync = CUresult (*)(CUdeviceptr, CUstream);
using PFN_cuDeviceGetDefaultMemPool = CUresult (*)(CUmemoryPool *, CUdevice);
using PFN_cuMemPoolSetAttribute = CUresult (*)(CUmemoryPool, int, void *);
using PFN_cuMemcpyAsync = CUresult (*)(CUdeviceptr, CUdeviceptr, size_t,
                                       CUstream);
using PFN_cuMemcpyHtoD = CUresult (*)(CUdeviceptr, const void *, size_t);
using PFN_cuMemsetD32Async = CUresult (*)(CUdeviceptr, unsigned, size_t,
                                          CUstream);
using PFN_cuMemsetD16Async = CUresult (*)(CUdeviceptr, unsigned short, size_t,
                                          CUstream);
using PFN_cuMemHostRegister = CUresult (*)(void *, size_t, unsigned);
using PFN_cuMemHostUnregister = CUresult (*)(void *);
using PFN_cuTensorMapEncodeTiled = CUresult (*)(
    CUtensorMap *, int, uint32_t, void *, const uint64_t *, const uint64_t *,
    const uint32_t *, const uint32_t *, int, int, int, int);

} // namespace convbn::cuda

#ifdef CONVBN_HAVE_CUDA_H
#include <cuda.h>
#include <type_traits>
namespace convbn::cuda {
static_assert(CUDA_VERSION >= 12000, "cuda.h older than CUDA 12");
static_assert(sizeof(CUdeviceptr) == sizeof(::CUdeviceptr));
static_assert(sizeof(CUresult) == sizeof(::CUresult));
static_assert(sizeof(CUdevice) == sizeof(::CUdevice));
static_assert(sizeof(CUlaunchAttributeValue) ==
              sizeof(::CUlaunchAttributeValue));
static_assert(sizeof(CUlaunchAttribute) == sizeof(::CUlaunchAttribute));
static_assert(offsetof(CUlaunchAttribute, value) ==
              offsetof(::CUlaunchAttribute, value));
static_assert(sizeof(CUlaunchConfig) == sizeof(::CUlaunchConfig));
static_assert(offsetof(CUlaunchConfig, hStream) ==
              offsetof(::CUlaunchConfig, hStream));
static_assert(offsetof(CUlaunchConfig, attrs) ==
              offsetof(::CUlaunchConfig, attrs));
static_assert(offsetof(CUlaunchConfig, numAttrs) ==
              offsetof(::CUlaunchConfig, numAttrs));
static_assert(sizeof(CUtensorMap) == sizeof(::CUtensorMap));
static_assert(alignof(CUtensorMap) == alignof(::CUtensorMap));
static_assert(CUDA_ERROR_DEINITIALIZED == ::CUDA_ERROR_DEINITIALIZED);
static_assert(CUDA_ERROR_NOT_FOUND == ::CUDA_ERROR_NOT_FOUND);
static_assert(CU_STREAM_NON_BLOCKING == ::CU_STREAM_NON_BLOCKING);
static_assert(CU_EVENT_DISABLE_TIMING == ::CU_EVENT_DISABLE_TIMING);
static_assert(CU_MEM_ATTACH_GLOBAL == ::CU_MEM_ATTACH_GLOBAL);
static_assert(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN ==
              ::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
static_assert(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES ==
              ::CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
static_assert(CU_JIT_INFO_LOG_BUFFER == ::CU_JIT_INFO_LOG_BUFFER);
static_assert(CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES ==
              ::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES);
static_assert(CU_JIT_ERROR_LOG_BUFFER == ::CU_JIT_ERROR_LOG_BUFFER);
static_assert(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES ==
              ::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
static_assert(CU_JIT_OPTIMIZATION_LEVEL == ::CU_JIT_OPTIMIZATION_LEVEL);
static_assert(CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION ==
              ::CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION);
static_assert(CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE ==
              ::CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE);
static_assert(CU_CLUSTER_SCHEDULING_POLICY_SPREAD ==
              ::CU_CLUSTER_SCHEDULING_POLICY_SPREAD);
static_assert(std::is_same_v<CUcontext, ::CUcontext>);
static_assert(std::is_same_v<CUmodule, ::CUmodule>);
static_assert(std::is_same_v<CUfunction, ::CUfunction>);
static_assert(std::is_same_v<CUstream, ::CUstream>);
static_assert(std::is_same_v<CUevent, ::CUevent>);
static_assert(std::is_same_v<CUdeviceptr, ::CUdeviceptr>);
// The function-pointer types take exactly the parameters of cuda.h's
// prototypes (CUresult is an int-sized enum there, an int here: the same in
// the C ABI). Entry points that take enums (an int here) are not listed.
template <typename R1, typename... A1, typename R2, typename... A2>
constexpr bool sameParameters(R1 (*)(A1...), R2 (*)(A2...)) {
  return sizeof(R1) == sizeof(R2) &&
         std::is_same_v<void (*)(A1...), void (*)(A2...)>;
}
#define CONVBN_CHECK_PFN(name, symbol)                                         \
  static_assert(sameParameters(PFN_##name{}, &::symbol),                       \
                #symbol " does not match cuda.h")
CONVBN_CHECK_PFN(cuInit, cuInit);
CONVBN_CHECK_PFN(cuDeviceGetCount, cuDeviceGetCount);
CONVBN_CHECK_PFN(cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRetain);
CONVBN_CHECK_PFN(cuCtxPushCurrent, cuCtxPushCurrent_v2);
CONVBN_CHECK_PFN(cuCtxPopCurrent, cuCtxPopCurrent_v2);
CONVBN_CHECK_PFN(cuModuleLoadData, cuModuleLoadData);
CONVBN_CHECK_PFN(cuModuleUnload, cuModuleUnload);
CONVBN_CHECK_PFN(cuModuleGetFunction, cuModuleGetFunction);
CONVBN_CHECK_PFN(cuLaunchKernel, cuLaunchKernel);
CONVBN_CHECK_PFN(cuStreamCreate, cuStreamCreate);
CONVBN_CHECK_PFN(cuStreamDestroy, cuStreamDestroy_v2);
CONVBN_CHECK_PFN(cuStreamSynchronize, cuStreamSynchronize);
CONVBN_CHECK_PFN(cuStreamWaitEvent, cuStreamWaitEvent);
CONVBN_CHECK_PFN(cuEventCreate, cuEventCreate);
CONVBN_CHECK_PFN(cuEventDestroy, cuEventDestroy_v2);
CONVBN_CHECK_PFN(cuEventSynchronize, cuEventSynchronize);
CONVBN_CHECK_PFN(cuEventRecord, cuEventRecord);
CONVBN_CHECK_PFN(cuMemAlloc, cuMemAlloc_v2);
CONVBN_CHECK_PFN(cuMemAllocManaged, cuMemAllocManaged);
CONVBN_CHECK_PFN(cuMemFree, cuMemFree_v2);
CONVBN_CHECK_PFN(cuMemAllocAsync, cuMemAllocAsync);
CONVBN_CHECK_PFN(cuMemFreeAsync, cuMemFreeAsync);
CONVBN_CHECK_PFN(cuDeviceGetDefaultMemPool, cuDeviceGetDefaultMemPool);
static_assert(CU_MEMPOOL_ATTR_RELEASE_THRESHOLD ==
              ::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD);
CONVBN_CHECK_PFN(cuMemcpyAsync, cuMemcpyAsync);
CONVBN_CHECK_PFN(cuMemcpyHtoD, cuMemcpyHtoD_v2);
CONVBN_CHECK_PFN(cuMemsetD32Async, cuMemsetD32Async);
CONVBN_CHECK_PFN(cuMemsetD16Async, cuMemsetD16Async);
CONVBN_CHECK_PFN(cuMemHostRegister, cuMemHostRegister_v2);
CONVBN_CHECK_PFN(cuMemHostUnregister, cuMemHostUnregister);
#undef CONVBN_CHECK_PFN
} // namespace convbn::cuda
#endif // CONVBN_HAVE_CUDA_H

#endif // CONVBN_RUNTIME_CUDADRIVER_H
