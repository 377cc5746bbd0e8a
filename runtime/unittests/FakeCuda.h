//===- FakeCuda.h - A fake CUDA driver for testing the runtime ------------===//
//
// libfakecuda.so exports the CUDA driver entry points that
// convbn_cuda_runtime looks up (cuInit, cuModuleLoadData, cuLaunchKernel,
// cuMemAlloc_v2, ...) under the driver's own names, so the runtime loads it in
// place of libcuda.so.1 when CONVBN_CUDA_DRIVER names it. It runs nothing on
// a GPU: it records each call's arguments, keeps "device" memory in host
// memory (so copies and memsets have their effect), checks that a context is
// current for every call that needs one, and returns whatever error a test
// injects.
//
// Environment (read at each call):
//   FAKECUDA_TRACE=1          print one line per call on stderr ("fakecuda:
//   ...") FAKECUDA_INIT_RESULT=N    cuInit returns N (100:
//   CUDA_ERROR_NO_DEVICE) FAKECUDA_DEVICE_COUNT=N   number of devices (default
//   2)
//
// The functions below inspect and steer it from a test.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_RUNTIME_UNITTESTS_FAKECUDA_H
#define CONVBN_RUNTIME_UNITTESTS_FAKECUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct FakeCudaLaunch {
  const char *kernel; // name the function was looked up by
  unsigned grid[3];
  unsigned block[3];
  unsigned cluster[3]; // cuLaunchKernelEx only, else 0
  int clusterPolicy;   // cuLaunchKernelEx only, else -1
  unsigned sharedMemBytes;
  void *stream;
  void **params;
  void **extra;
  void *context; // current context during the call
};

struct FakeCudaModuleLoad {
  const void *image;
  unsigned numOptions;
  int optLevel;        // CU_JIT_OPTIMIZATION_LEVEL, or -1
  int hasErrorLog;     // CU_JIT_ERROR_LOG_BUFFER and its size were given
  size_t errorLogSize; // CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES
};

struct FakeCudaAlloc {
  uint64_t ptr;
  size_t size;
  int managed;
  unsigned flags; // cuMemAllocManaged's
};

struct FakeCudaTensorMap {
  int dataType;
  unsigned rank;
  void *globalAddress;
  uint64_t globalDim[5];
  uint64_t globalStrides[5];
  unsigned boxDim[5];
  unsigned elementStrides[5];
  int interleave, swizzle, l2Promotion, oobFill;
};

/// Forgets recorded calls and injected errors (not contexts or cuInit).
void fakecudaReset(void);
/// The next call of driver entry point `symbol` (as exported, e.g.
/// "cuMemAlloc_v2") returns `result` without doing anything.
void fakecudaFailNext(const char *symbol, int result);
/// Calls of `symbol` since the last reset / since the library was loaded.
int fakecudaCallCount(const char *symbol);
int fakecudaTotalCallCount(const char *symbol);
/// The arguments of the last call of each kind.
struct FakeCudaLaunch fakecudaLastLaunch(void);
struct FakeCudaModuleLoad fakecudaLastModuleLoad(void);
struct FakeCudaAlloc fakecudaLastAlloc(void);
struct FakeCudaTensorMap fakecudaLastTensorMap(void);
uint64_t fakecudaLastFree(void);
/// The streams of the last cuMemAllocAsync and cuMemFreeAsync.
void fakecudaLastAsyncStreams(void **alloc, void **free);
/// The default memory pool's release threshold, as last set.
uint64_t fakecudaPoolReleaseThreshold(void);
void *fakecudaLastHostRegister(size_t *size, unsigned *flags);
void *fakecudaLastHostUnregister(void);
void fakecudaLastFuncAttribute(int *attribute, int *value);
void fakecudaLastStreamWait(void **stream, void **event, unsigned *flags);
void fakecudaLastEventRecord(void **event, void **stream);
unsigned fakecudaLastStreamFlags(void);
unsigned fakecudaLastEventFlags(void);
/// The primary context of device `ordinal` (what the runtime should push).
void *fakecudaPrimaryContext(int ordinal);
/// The calling thread's current context and context-stack depth.
void *fakecudaCurrentContext(void);
int fakecudaContextDepth(void);
/// Driver calls made without a current context (should stay 0).
int fakecudaCallsWithoutContext(void);
/// The error text written into the JIT error log when cuModuleLoadDataEx fails.
/// A literal, not an exported array: libfakecuda.so and libfakecuda_old.so
/// can be loaded into one process (ConvBNRuntimeTests links one and the
/// runtime dlopens the other), where two definitions of one global would be
/// an ODR violation (AddressSanitizer's detect_odr_violation reports it).
/// FakeCuda.cpp exports functions only.
#define FAKECUDA_JIT_ERROR_LOG                                                 \
  "ptxas application ptx input, line 1; fatal : fake JIT failure"

#ifdef __cplusplus
}
#endif

#endif // CONVBN_RUNTIME_UNITTESTS_FAKECUDA_H
