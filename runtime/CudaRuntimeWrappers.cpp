//===- CudaRuntimeWrappers.cpp - mgpu* entry points on the CUDA driver ----===//
//
// convbn's replacement for MLIR's libmlir_cuda_runtime (which Debian's MLIR
// does not ship): the mgpu* functions that MLIR 22's `gpu-to-llvm` lowering
// and gpu.binary's offloading translation call, implemented on the CUDA
// driver API.
//
// The driver is not linked: libcuda.so.1 (or $CONVBN_CUDA_DRIVER) is opened
// with dlopen on first use and every entry point is looked up with dlsym. So
// the runtime, and everything linked against it, loads on machines without
// CUDA; there every call is a no-op returning null and the first one prints a
// single line saying so.
//
// As upstream, each call makes the primary context of the current default
// device current for its duration (ScopedContext) and reports every CUresult
// other than CUDA_SUCCESS on stderr, with the driver's name and text for it.
//
//===----------------------------------------------------------------------===//

#include "convbn_cuda_runtime.h"

#include "CudaDriver.h"

#include <dlfcn.h>

#include <atomic>
#include <cinttypes>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>

// Everything is defined inside convbn::cuda so that its driver declarations
// take precedence over cuda.h's, when that is included for checking. The
// extern "C" functions are the global ones all the same (but GCC wants their
// visibility repeated here).
namespace convbn::cuda {
namespace {

// The runtime's state is allocated once and never destroyed: modules are
// unloaded (mgpuModuleUnload) from the global destructors of the libraries
// that embed them, which can run after this file's static objects would have
// been destroyed at exit.

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

std::mutex &lastErrorMutex() {
  static auto *mutex = new std::mutex;
  return *mutex;
}
std::string &lastErrorStorage() {
  static auto *message = new std::string;
  return *message;
}

void setLastError(const std::string &message) {
  std::lock_guard<std::mutex> lock(lastErrorMutex());
  lastErrorStorage() = message;
}

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  char buffer[2048];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buffer, sizeof(buffer), fmt, args);
  va_end(args);
  return buffer;
}

/// Prints `message` as one line on stderr and records it as the last error.
void report(const std::string &message) {
  fprintf(stderr, "%s\n", message.c_str());
  fflush(stderr);
  setLastError(message);
}

//===----------------------------------------------------------------------===//
// The driver, loaded once
//===----------------------------------------------------------------------===//

// X(member, symbol, required): the entry points the runtime uses. `symbol` is
// the name the driver exports (cuda.h maps some names to their _v2 versions).
// Optional ones (CUDA 12+) are only needed by the calls that use them.
#define CONVBN_DRIVER_ENTRY_POINTS(X)                                          \
  X(cuInit, "cuInit", true)                                                    \
  X(cuGetErrorString, "cuGetErrorString", true)                                \
  X(cuGetErrorName, "cuGetErrorName", true)                                    \
  X(cuDeviceGet, "cuDeviceGet", true)                                          \
  X(cuDeviceGetCount, "cuDeviceGetCount", true)                                \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute", true)                        \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", true)                \
  X(cuCtxPushCurrent, "cuCtxPushCurrent_v2", true)                             \
  X(cuCtxPopCurrent, "cuCtxPopCurrent_v2", true)                               \
  X(cuModuleLoadData, "cuModuleLoadData", true)                                \
  X(cuModuleLoadDataEx, "cuModuleLoadDataEx", true)                            \
  X(cuModuleUnload, "cuModuleUnload", true)                                    \
  X(cuModuleGetFunction, "cuModuleGetFunction", true)                          \
  X(cuFuncSetAttribute, "cuFuncSetAttribute", true)                            \
  X(cuLaunchKernel, "cuLaunchKernel", true)                                    \
  X(cuLaunchKernelEx, "cuLaunchKernelEx", false)                               \
  X(cuStreamCreate, "cuStreamCreate", true)                                    \
  X(cuStreamDestroy, "cuStreamDestroy_v2", true)                               \
  X(cuStreamSynchronize, "cuStreamSynchronize", true)                          \
  X(cuStreamWaitEvent, "cuStreamWaitEvent", true)                              \
  X(cuEventCreate, "cuEventCreate", true)                                      \
  X(cuEventDestroy, "cuEventDestroy_v2", true)                                 \
  X(cuEventSynchronize, "cuEventSynchronize", true)                            \
  X(cuEventRecord, "cuEventRecord", true)                                      \
  X(cuMemAlloc, "cuMemAlloc_v2", true)                                         \
  X(cuMemAllocManaged, "cuMemAllocManaged", true)                              \
  X(cuMemFree, "cuMemFree_v2", true)                                           \
  X(cuMemAllocAsync, "cuMemAllocAsync", false)                                 \
  X(cuMemFreeAsync, "cuMemFreeAsync", false)                                   \
  X(cuDeviceGetDefaultMemPool, "cuDeviceGetDefaultMemPool", false)             \
  X(cuMemPoolSetAttribute, "cuMemPoolSetAttribute", false)                     \
  X(cuMemcpyAsync, "cuMemcpyAsync", true)                                      \
  X(cuMemcpyHtoD, "cuMemcpyHtoD_v2", true)                                     \
  X(cuMemsetD32Async, "cuMemsetD32Async", true)                                \
  X(cuMemsetD16Async, "cuMemsetD16Async", true)                                \
  X(cuMemHostRegister, "cuMemHostRegister_v2", true)                           \
  X(cuMemHostUnregister, "cuMemHostUnregister", true)                          \
  X(cuTensorMapEncodeTiled, "cuTensorMapEncodeTiled", false)

// The exported name of each entry point, for messages: kSymbol_cuMemAlloc is
// "cuMemAlloc_v2".
#define CONVBN_SYMBOL_NAME(member, symbol, required)                           \
  [[maybe_unused]] constexpr const char *kSymbol_##member = symbol;
CONVBN_DRIVER_ENTRY_POINTS(CONVBN_SYMBOL_NAME)
#undef CONVBN_SYMBOL_NAME

struct Driver {
#define CONVBN_DRIVER_MEMBER(member, symbol, required)                         \
  PFN_##member member = nullptr;
  CONVBN_DRIVER_ENTRY_POINTS(CONVBN_DRIVER_MEMBER)
#undef CONVBN_DRIVER_MEMBER

  /// Whether every required entry point was found and cuInit succeeded.
  bool ready = false;
  /// Why not, as the one line printed by the first call that needs it.
  std::string failure;
  std::atomic<bool> failurePrinted{false};

  void load();
  std::string describe(CUresult result) const;
};

void Driver::load() {
  const char *override = getenv("CONVBN_CUDA_DRIVER");
  std::string path = override && *override ? override : "libcuda.so.1";
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    failure = format("convbn runtime: no CUDA driver (%s not found): %s",
                     path.c_str(), why ? why : "dlopen failed");
    return;
  }
#define CONVBN_DRIVER_LOOKUP(member, symbol, required)                         \
  member = reinterpret_cast<PFN_##member>(dlsym(handle, symbol));              \
  if (required && !member) {                                                   \
    failure = format("convbn runtime: %s is not a usable CUDA driver: it "     \
                     "lacks %s",                                               \
                     path.c_str(), symbol);                                    \
    return;                                                                    \
  }
  CONVBN_DRIVER_ENTRY_POINTS(CONVBN_DRIVER_LOOKUP)
#undef CONVBN_DRIVER_LOOKUP
  // The handle stays open for the life of the process: modules are unloaded
  // from global destructors, after any point where closing it would be safe.

  CUresult result = cuInit(/*flags=*/0);
  if (result != CUDA_SUCCESS) {
    failure =
        format("convbn runtime: cuInit failed: %s", describe(result).c_str());
    return;
  }
  ready = true;
}

/// "CUDA_ERROR_OUT_OF_MEMORY (2): out of memory".
std::string Driver::describe(CUresult result) const {
  const char *name = nullptr;
  const char *text = nullptr;
  if (cuGetErrorName(result, &name) != CUDA_SUCCESS || !name)
    name = "CUDA_ERROR_UNKNOWN_CODE";
  if (cuGetErrorString(result, &text) != CUDA_SUCCESS || !text)
    text = "unrecognized CUDA error code";
  return format("%s (%d): %s", name, result, text);
}

Driver &driver() {
  static Driver *instance = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    instance = new Driver;
    instance->load();
  });
  return *instance;
}

/// The driver when it is ready. Otherwise null, and the reason is recorded as
/// the last error and, unless `quiet`, printed (once per process).
Driver *readyDriver(bool quiet) {
  Driver &d = driver();
  if (d.ready)
    return &d;
  setLastError(d.failure);
  if (!quiet && !d.failurePrinted.exchange(true)) {
    fprintf(stderr, "%s\n", d.failure.c_str());
    fflush(stderr);
  }
  return nullptr;
}

/// Reports `result` when it is not CUDA_SUCCESS: "convbn runtime: <symbol>
/// failed in <caller>: <name> (<code>): <text>". Returns whether it succeeded.
bool check(const Driver &d, CUresult result, const char *symbol,
           const char *caller) {
  if (result == CUDA_SUCCESS)
    return true;
  report(format("convbn runtime: %s failed in %s: %s", symbol, caller,
                d.describe(result).c_str()));
  return false;
}

// Calls driver entry point `member` of Driver `d` and reports a failure in
// the name of the enclosing mgpu* function. Evaluates to true on success.
#define CONVBN_CU(d, member, ...)                                              \
  check(d, (d).member(__VA_ARGS__), kSymbol_##member, __func__)

//===----------------------------------------------------------------------===//
// Primary contexts
//===----------------------------------------------------------------------===//

thread_local int32_t defaultDevice = 0;

struct DeviceContext {
  CUdevice device = 0;
  CUcontext context = nullptr;
};

/// The primary context of device ordinal `ordinal`, retained on first use and
/// kept for the life of the process. Null (and reported) when that fails.
bool primaryContext(Driver &d, int32_t ordinal, const char *caller,
                    DeviceContext &out) {
  static auto *mutex = new std::mutex;
  static auto *contexts = new std::map<int32_t, DeviceContext>;
  std::lock_guard<std::mutex> lock(*mutex);
  auto it = contexts->find(ordinal);
  if (it != contexts->end()) {
    out = it->second;
    return true;
  }
  DeviceContext entry;
  if (!check(d, d.cuDeviceGet(&entry.device, ordinal), kSymbol_cuDeviceGet,
             caller))
    return false;
  // Retaining does not make the context current.
  if (!check(d, d.cuDevicePrimaryCtxRetain(&entry.context, entry.device),
             kSymbol_cuDevicePrimaryCtxRetain, caller))
    return false;
  contexts->emplace(ordinal, entry);
  out = entry;
  return true;
}

/// Makes the primary context of the thread's default device current for the
/// lifetime of the object and restores the previous one afterwards. Converts
/// to false (after reporting why) when there is no driver or no context; the
/// caller then returns without calling the driver.
class ScopedContext {
public:
  explicit ScopedContext(const char *caller) : caller(caller) {
    d = readyDriver(/*quiet=*/false);
    if (!d || !primaryContext(*d, defaultDevice, caller, entry))
      return;
    pushed = check(*d, d->cuCtxPushCurrent(entry.context),
                   kSymbol_cuCtxPushCurrent, caller);
  }
  ~ScopedContext() {
    if (pushed)
      check(*d, d->cuCtxPopCurrent(nullptr), kSymbol_cuCtxPopCurrent, caller);
  }
  ScopedContext(const ScopedContext &) = delete;
  ScopedContext &operator=(const ScopedContext &) = delete;

  explicit operator bool() const { return pushed; }
  Driver &drv() const { return *d; }
  CUdevice device() const { return entry.device; }

private:
  const char *caller;
  Driver *d = nullptr;
  DeviceContext entry;
  bool pushed = false;
};

CUdeviceptr devicePtr(const void *ptr) {
  return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(ptr));
}

/// Checks that a launch dimension fits the driver's unsigned int.
bool validDimensions(const char *caller, std::initializer_list<intptr_t> dims) {
  for (intptr_t dim : dims) {
    if (dim < 1 || static_cast<uint64_t>(dim) > UINT_MAX) {
      report(format("convbn runtime: %s: launch dimension %" PRIdPTR
                    " is out of range [1, %u]; the kernel is not launched",
                    caller, dim, UINT_MAX));
      return false;
    }
  }
  return true;
}

/// Checks and sets the dynamic shared memory of `function` before a launch.
bool prepareSharedMemory(ScopedContext &ctx, CUfunction function, int32_t smem,
                         const char *caller) {
  Driver &d = ctx.drv();
  if (smem < 0) {
    report(format("convbn runtime: %s: negative dynamic shared memory size "
                  "%d; the kernel is not launched",
                  caller, smem));
    return false;
  }
  if (smem == 0)
    return true;
  int maxShmem = 0;
  if (!check(d,
             d.cuDeviceGetAttribute(
                 &maxShmem,
                 CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                 ctx.device()),
             kSymbol_cuDeviceGetAttribute, caller))
    return false;
  if (smem > maxShmem) {
    report(format("convbn runtime: %s: requested %d bytes of dynamic shared "
                  "memory, more than the device's maximum of %d bytes per "
                  "block; the kernel is not launched",
                  caller, smem, maxShmem));
    return false;
  }
  return check(
      d,
      d.cuFuncSetAttribute(
          function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem),
      kSymbol_cuFuncSetAttribute, caller);
}

/// A ranked memref descriptor: {allocated, aligned, offset, sizes[rank],
/// strides[rank]}.
struct MemRefDescriptor {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};

/// The bytes that the elements of a (possibly strided) memref span: the
/// address of its lowest element and the distance to its highest one.
bool memrefSpan(int64_t rank, void *descriptor, int64_t elementSizeBytes,
                char *&start, uint64_t &sizeBytes) {
  auto *desc = static_cast<MemRefDescriptor *>(descriptor);
  const int64_t *sizes = desc->sizesAndStrides;
  const int64_t *strides = desc->sizesAndStrides + rank;
  int64_t low = 0, high = 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (sizes[i] == 0)
      return false; // no elements
    int64_t extent = (sizes[i] - 1) * strides[i];
    (extent < 0 ? low : high) += extent;
  }
  start = desc->aligned + (desc->offset + low) * elementSizeBytes;
  sizeBytes = static_cast<uint64_t>(high - low + 1) * elementSizeBytes;
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// C API
//===----------------------------------------------------------------------===//

extern "C" CONVBN_RUNTIME_API int convbnCudaAvailable(void) {
  Driver *d = readyDriver(/*quiet=*/true);
  if (!d)
    return 0;
  int count = 0;
  CUresult result = d->cuDeviceGetCount(&count);
  if (result != CUDA_SUCCESS) {
    setLastError(format("convbn runtime: cuDeviceGetCount failed: %s",
                        d->describe(result).c_str()));
    return 0;
  }
  if (count < 1) {
    setLastError("convbn runtime: the CUDA driver reports no device");
    return 0;
  }
  return 1;
}

extern "C" CONVBN_RUNTIME_API const char *convbnCudaLastError(void) {
  // Trivially destructible, so usable from destructors at exit.
  thread_local char copy[4096];
  std::lock_guard<std::mutex> lock(lastErrorMutex());
  snprintf(copy, sizeof(copy), "%s", lastErrorStorage().c_str());
  return copy;
}

extern "C" CONVBN_RUNTIME_API void convbnCudaClearLastError(void) {
  std::lock_guard<std::mutex> lock(lastErrorMutex());
  lastErrorStorage().clear();
}

//===----------------------------------------------------------------------===//
// Modules and kernels
//===----------------------------------------------------------------------===//

extern "C" CONVBN_MGPU_API CUmodule mgpuModuleLoad(void *data,
                                                   size_t /*gpuBlobSize*/) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return nullptr;
  CUmodule module = nullptr;
  // cuModuleLoadData takes cubin, fatbin and PTX images and finds their size
  // itself.
  CONVBN_CU(ctx.drv(), cuModuleLoadData, &module, data);
  return module;
}

extern "C" CONVBN_MGPU_API CUmodule mgpuModuleLoadJIT(void *data,
                                                      int optLevel) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return nullptr;
  Driver &d = ctx.drv();
  char errorLog[8192] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {errorLog, reinterpret_cast<void *>(sizeof(errorLog)),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  CUmodule module = nullptr;
  if (!CONVBN_CU(d, cuModuleLoadDataEx, &module, data, 3, options, values)) {
    errorLog[sizeof(errorLog) - 1] = 0;
    if (errorLog[0])
      report(format("convbn runtime: PTX JIT log: %s", errorLog));
    return nullptr;
  }
  return module;
}

extern "C" CONVBN_MGPU_API void mgpuModuleUnload(CUmodule module) {
  // A module that failed to load was reported then; its destructor is a no-op.
  if (!module)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  // Modules are unloaded from global destructors; when the driver has shut
  // down before them, there is nothing left to unload.
  CUresult result = ctx.drv().cuModuleUnload(module);
  if (result != CUDA_ERROR_DEINITIALIZED)
    check(ctx.drv(), result, kSymbol_cuModuleUnload, __func__);
}

extern "C" CONVBN_MGPU_API CUfunction mgpuModuleGetFunction(CUmodule module,
                                                            const char *name) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return nullptr;
  if (!module) {
    report(format("convbn runtime: %s: no module to look up kernel '%s' in "
                  "(loading it failed)",
                  __func__, name ? name : "<null>"));
    return nullptr;
  }
  CUfunction function = nullptr;
  if (!CONVBN_CU(ctx.drv(), cuModuleGetFunction, &function, module, name))
    return nullptr;
  return function;
}

extern "C" CONVBN_MGPU_API void
mgpuLaunchKernel(CUfunction function, intptr_t gridX, intptr_t gridY,
                 intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                 intptr_t blockZ, int32_t smem, CUstream stream, void **params,
                 void **extra, size_t /*paramsCount*/) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  if (!function) {
    report(format("convbn runtime: %s: no kernel (its module failed to load "
                  "or it was not found); the kernel is not launched",
                  __func__));
    return;
  }
  // A grid without blocks is the launch of work of size zero (a dynamic
  // batch of 0: the grid is ceil(0 / tile)): nothing to run, not an error.
  // The driver would reject it as CUDA_ERROR_INVALID_VALUE.
  if ((gridX == 0 || gridY == 0 || gridZ == 0) && gridX >= 0 && gridY >= 0 &&
      gridZ >= 0)
    return;
  if (!validDimensions(__func__,
                       {gridX, gridY, gridZ, blockX, blockY, blockZ}) ||
      !prepareSharedMemory(ctx, function, smem, __func__))
    return;
  CONVBN_CU(ctx.drv(), cuLaunchKernel, function, gridX, gridY, gridZ, blockX,
            blockY, blockZ, smem, stream, params, extra);
}

extern "C" CONVBN_MGPU_API void
mgpuLaunchClusterKernel(CUfunction function, intptr_t clusterX,
                        intptr_t clusterY, intptr_t clusterZ, intptr_t gridX,
                        intptr_t gridY, intptr_t gridZ, intptr_t blockX,
                        intptr_t blockY, intptr_t blockZ, int32_t smem,
                        CUstream stream, void **params, void **extra) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  Driver &d = ctx.drv();
  if (!d.cuLaunchKernelEx) {
    report(format("convbn runtime: %s: the CUDA driver lacks cuLaunchKernelEx "
                  "(CUDA 12+); the kernel is not launched",
                  __func__));
    return;
  }
  if (!function) {
    report(format("convbn runtime: %s: no kernel (its module failed to load "
                  "or it was not found); the kernel is not launched",
                  __func__));
    return;
  }
  if (!validDimensions(__func__, {clusterX, clusterY, clusterZ, gridX, gridY,
                                  gridZ, blockX, blockY, blockZ}) ||
      !prepareSharedMemory(ctx, function, smem, __func__))
    return;
  CUlaunchAttribute attrs[2];
  memset(attrs, 0, sizeof(attrs));
  attrs[0].id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  attrs[0].value.clusterDim.x = static_cast<unsigned>(clusterX);
  attrs[0].value.clusterDim.y = static_cast<unsigned>(clusterY);
  attrs[0].value.clusterDim.z = static_cast<unsigned>(clusterZ);
  attrs[1].id = CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE;
  attrs[1].value.clusterSchedulingPolicyPreference =
      CU_CLUSTER_SCHEDULING_POLICY_SPREAD;
  CUlaunchConfig config;
  memset(&config, 0, sizeof(config));
  config.gridDimX = static_cast<unsigned>(gridX);
  config.gridDimY = static_cast<unsigned>(gridY);
  config.gridDimZ = static_cast<unsigned>(gridZ);
  config.blockDimX = static_cast<unsigned>(blockX);
  config.blockDimY = static_cast<unsigned>(blockY);
  config.blockDimZ = static_cast<unsigned>(blockZ);
  config.sharedMemBytes = static_cast<unsigned>(smem);
  config.hStream = stream;
  config.attrs = attrs;
  config.numAttrs = 2;
  CONVBN_CU(d, cuLaunchKernelEx, &config, function, params, extra);
}

//===----------------------------------------------------------------------===//
// Streams and events
//===----------------------------------------------------------------------===//

extern "C" CONVBN_MGPU_API CUstream mgpuStreamCreate(void) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return nullptr;
  CUstream stream = nullptr;
  CONVBN_CU(ctx.drv(), cuStreamCreate, &stream, CU_STREAM_NON_BLOCKING);
  return stream;
}

extern "C" CONVBN_MGPU_API void mgpuStreamDestroy(CUstream stream) {
  if (!stream) // never created (reported then); the null stream is not ours
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuStreamDestroy, stream);
}

extern "C" CONVBN_MGPU_API void mgpuStreamSynchronize(CUstream stream) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuStreamSynchronize, stream);
}

extern "C" CONVBN_MGPU_API void mgpuStreamWaitEvent(CUstream stream,
                                                    CUevent event) {
  if (!event)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuStreamWaitEvent, stream, event, /*flags=*/0);
}

extern "C" CONVBN_MGPU_API CUevent mgpuEventCreate(void) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return nullptr;
  CUevent event = nullptr;
  CONVBN_CU(ctx.drv(), cuEventCreate, &event, CU_EVENT_DISABLE_TIMING);
  return event;
}

extern "C" CONVBN_MGPU_API void mgpuEventDestroy(CUevent event) {
  if (!event)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuEventDestroy, event);
}

extern "C" CONVBN_MGPU_API void mgpuEventSynchronize(CUevent event) {
  if (!event)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuEventSynchronize, event);
}

extern "C" CONVBN_MGPU_API void mgpuEventRecord(CUevent event,
                                                CUstream stream) {
  if (!event)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuEventRecord, event, stream);
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

namespace {

/// The buffers from cuMemAllocAsync, which mgpuMemFree must free with
/// cuMemFreeAsync (others: managed memory, or an older driver's cuMemAlloc).
struct StreamOrderedBuffers {
  std::mutex mutex;
  std::set<CUdeviceptr> buffers;
  /// Devices whose default memory pool keeps freed memory.
  std::set<CUdevice> configuredPools;
};

StreamOrderedBuffers &streamOrderedBuffers() {
  // Never destroyed: buffers are freed from global destructors at exit.
  static auto *instance = new StreamOrderedBuffers;
  return *instance;
}

/// The default pool would return freed memory to the driver at every
/// synchronisation (release threshold 0), so that each call of a compiled
/// function allocated its temporaries anew; keep it instead, as PyTorch's
/// caching allocator does.
void keepPoolMemory(ScopedContext &ctx) {
  Driver &d = ctx.drv();
  if (!d.cuDeviceGetDefaultMemPool || !d.cuMemPoolSetAttribute)
    return;
  CUmemoryPool pool = nullptr;
  if (!CONVBN_CU(d, cuDeviceGetDefaultMemPool, &pool, ctx.device()))
    return;
  uint64_t keepAll = UINT64_MAX;
  CONVBN_CU(d, cuMemPoolSetAttribute, pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD,
            &keepAll);
}

} // namespace

/// Device buffers come from the driver's stream-ordered allocator
/// (cuMemAllocAsync on the caller's stream, CUDA 11.2+): allocating and
/// freeing the temporaries of a compiled function on every call is then
/// cheap and does not synchronise the device, where cuMemAlloc / cuMemFree
/// would. Older drivers get cuMemAlloc.
extern "C" CONVBN_MGPU_API void *
mgpuMemAlloc(uint64_t sizeBytes, CUstream stream, bool isHostShared) {
  ScopedContext ctx(__func__);
  if (!ctx || sizeBytes == 0)
    return nullptr;
  CUdeviceptr ptr = 0;
  Driver &d = ctx.drv();
  if (isHostShared) {
    if (!CONVBN_CU(d, cuMemAllocManaged, &ptr, sizeBytes,
                   CU_MEM_ATTACH_GLOBAL))
      return nullptr;
  } else if (d.cuMemAllocAsync && d.cuMemFreeAsync) {
    StreamOrderedBuffers &owned = streamOrderedBuffers();
    {
      std::lock_guard<std::mutex> lock(owned.mutex);
      if (owned.configuredPools.insert(ctx.device()).second)
        keepPoolMemory(ctx);
    }
    if (!CONVBN_CU(d, cuMemAllocAsync, &ptr, sizeBytes, stream))
      return nullptr;
    std::lock_guard<std::mutex> lock(owned.mutex);
    owned.buffers.insert(ptr);
  } else if (!CONVBN_CU(d, cuMemAlloc, &ptr, sizeBytes)) {
    return nullptr;
  }
  return reinterpret_cast<void *>(static_cast<uintptr_t>(ptr));
}

extern "C" CONVBN_MGPU_API void mgpuMemFree(void *ptr, CUstream stream) {
  if (!ptr)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  StreamOrderedBuffers &owned = streamOrderedBuffers();
  bool streamOrdered;
  {
    std::lock_guard<std::mutex> lock(owned.mutex);
    streamOrdered = owned.buffers.erase(devicePtr(ptr)) != 0;
  }
  if (streamOrdered)
    CONVBN_CU(ctx.drv(), cuMemFreeAsync, devicePtr(ptr), stream);
  else
    CONVBN_CU(ctx.drv(), cuMemFree, devicePtr(ptr));
}

extern "C" CONVBN_MGPU_API void mgpuMemcpy(void *dst, void *src,
                                           size_t sizeBytes, CUstream stream) {
  if (sizeBytes == 0)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuMemcpyAsync, devicePtr(dst), devicePtr(src), sizeBytes,
            stream);
}

/// The device copy of a constant buffer, made on the first call and kept for
/// the life of the process: compiled functions read their constant weights
/// from it instead of copying them to the device on every call. `slot` is a
/// pointer-sized global of the calling library, null until then.
extern "C" CONVBN_RUNTIME_API void *
convbnDeviceConstant(void **slot, const void *host, uint64_t sizeBytes) {
  // One copy even when several threads make their first call at once.
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (*slot || sizeBytes == 0)
    return *slot;
  ScopedContext ctx(__func__);
  if (!ctx)
    return nullptr;
  CUdeviceptr ptr = 0;
  if (!CONVBN_CU(ctx.drv(), cuMemAlloc, &ptr, sizeBytes))
    return nullptr;
  if (!CONVBN_CU(ctx.drv(), cuMemcpyHtoD, ptr, host, sizeBytes)) {
    CONVBN_CU(ctx.drv(), cuMemFree, ptr);
    return nullptr;
  }
  *slot = reinterpret_cast<void *>(static_cast<uintptr_t>(ptr));
  return *slot;
}

extern "C" CONVBN_MGPU_API void mgpuMemset32(void *dst, unsigned int value,
                                             size_t count, CUstream stream) {
  if (count == 0)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuMemsetD32Async, devicePtr(dst), value, count, stream);
}

extern "C" CONVBN_MGPU_API void mgpuMemset16(void *dst, unsigned short value,
                                             size_t count, CUstream stream) {
  if (count == 0)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuMemsetD16Async, devicePtr(dst), value, count, stream);
}

extern "C" CONVBN_MGPU_API void mgpuMemHostRegister(void *ptr,
                                                    uint64_t sizeBytes) {
  if (sizeBytes == 0)
    return;
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuMemHostRegister, ptr, sizeBytes, /*flags=*/0);
}

extern "C" CONVBN_MGPU_API void mgpuMemHostUnregister(void *ptr) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  CONVBN_CU(ctx.drv(), cuMemHostUnregister, ptr);
}

// Registers the bytes that the memref's elements span (upstream requires a
// dense memref; any strides work here).
extern "C" CONVBN_MGPU_API void
mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                          int64_t elementSizeBytes) {
  char *start = nullptr;
  uint64_t sizeBytes = 0;
  if (memrefSpan(rank, descriptor, elementSizeBytes, start, sizeBytes))
    mgpuMemHostRegister(start, sizeBytes);
}

extern "C" CONVBN_MGPU_API void
mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                            int64_t elementSizeBytes) {
  char *start = nullptr;
  uint64_t sizeBytes = 0;
  if (memrefSpan(rank, descriptor, elementSizeBytes, start, sizeBytes))
    mgpuMemHostUnregister(start);
}

extern "C" CONVBN_MGPU_API void mgpuSetDefaultDevice(int32_t device) {
  defaultDevice = device;
}

//===----------------------------------------------------------------------===//
// TMA descriptors (CUDA 12+)
//===----------------------------------------------------------------------===//

extern "C" CONVBN_MGPU_API void
mgpuTensorMapEncodeTiled(void *tensorMap, int tensorDataType,
                         uint32_t tensorRank, void *globalAddress,
                         const uint64_t *globalDim,
                         const uint64_t *globalStrides, const uint32_t *boxDim,
                         const uint32_t *elementStrides, int interleave,
                         int swizzle, int l2Promotion, int oobFill) {
  ScopedContext ctx(__func__);
  if (!ctx)
    return;
  Driver &d = ctx.drv();
  if (!d.cuTensorMapEncodeTiled) {
    report(format("convbn runtime: %s: the CUDA driver lacks "
                  "cuTensorMapEncodeTiled (CUDA 12+)",
                  __func__));
    return;
  }
  CONVBN_CU(d, cuTensorMapEncodeTiled, static_cast<CUtensorMap *>(tensorMap),
            tensorDataType, tensorRank, globalAddress, globalDim, globalStrides,
            boxDim, elementStrides, interleave, swizzle, l2Promotion, oobFill);
}

extern "C" CONVBN_MGPU_API void *
mgpuTensorMapEncodeTiledMemref(int64_t tensorRank, void *rankedDescriptor,
                               int64_t tensorDataType, int64_t interleave,
                               int64_t swizzle, int64_t l2Promotion,
                               int64_t oobFill, int64_t *inputBoxDims) {
  // Bytes per element of each CUtensorMapDataType, UINT8 .. TFLOAT32_FTZ.
  static constexpr int kElementBytes[] = {1, 2, 4, 4, 8, 8, 2,
                                          4, 8, 2, 4, 4, 4};
  constexpr int64_t kNumTypes = sizeof(kElementBytes) / sizeof(int);
  ScopedContext ctx(__func__);
  if (!ctx)
    return nullptr;
  if (tensorRank < 1 || tensorRank > 5) {
    report(format("convbn runtime: %s: rank %" PRId64
                  " is not supported (1 to 5)",
                  __func__, tensorRank));
    return nullptr;
  }
  if (tensorDataType < 0 || tensorDataType >= kNumTypes) {
    report(
        format("convbn runtime: %s: unsupported CUtensorMapDataType %" PRId64,
               __func__, tensorDataType));
    return nullptr;
  }
  int64_t elementBytes = kElementBytes[tensorDataType];
  auto *desc = static_cast<MemRefDescriptor *>(rankedDescriptor);
  const int64_t *sizes = desc->sizesAndStrides;
  const int64_t *strides = desc->sizesAndStrides + tensorRank;
  // The driver lists dimensions innermost first; memrefs outermost first.
  uint64_t globalDim[5] = {1, 1, 1, 1, 1};
  uint64_t globalStrides[5] = {0, 0, 0, 0, 0};
  uint32_t boxDim[5] = {1, 1, 1, 1, 1};
  uint32_t elementStrides[5] = {1, 1, 1, 1, 1};
  for (int64_t i = 0; i < tensorRank; ++i) {
    globalDim[i] = static_cast<uint64_t>(sizes[tensorRank - 1 - i]);
    boxDim[i] = static_cast<uint32_t>(inputBoxDims[tensorRank - 1 - i]);
  }
  // Strides of all but the innermost dimension, in bytes.
  for (int64_t i = 0; i + 1 < tensorRank; ++i)
    globalStrides[i] =
        static_cast<uint64_t>(strides[tensorRank - 2 - i] * elementBytes);
  void *globalAddress = desc->aligned + desc->offset * elementBytes;

  CUtensorMap tensorMap;
  memset(&tensorMap, 0, sizeof(tensorMap));
  Driver &d = ctx.drv();
  if (!d.cuTensorMapEncodeTiled) {
    report(format("convbn runtime: %s: the CUDA driver lacks "
                  "cuTensorMapEncodeTiled (CUDA 12+)",
                  __func__));
    return nullptr;
  }
  if (!CONVBN_CU(d, cuTensorMapEncodeTiled, &tensorMap,
                 static_cast<int>(tensorDataType),
                 static_cast<uint32_t>(tensorRank), globalAddress, globalDim,
                 globalStrides, boxDim, elementStrides,
                 static_cast<int>(interleave), static_cast<int>(swizzle),
                 static_cast<int>(l2Promotion), static_cast<int>(oobFill)))
    return nullptr;
  // Kernels take the descriptor by pointer to device memory (as upstream,
  // it lives as long as the process).
  CUdeviceptr deviceMap = 0;
  if (!CONVBN_CU(d, cuMemAlloc, &deviceMap, sizeof(tensorMap)))
    return nullptr;
  if (!CONVBN_CU(d, cuMemcpyHtoD, deviceMap, &tensorMap, sizeof(tensorMap))) {
    CONVBN_CU(d, cuMemFree, deviceMap);
    return nullptr;
  }
  return reinterpret_cast<void *>(static_cast<uintptr_t>(deviceMap));
}

} // namespace convbn::cuda
