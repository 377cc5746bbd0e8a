//===- FakeCuda.cpp - A fake CUDA driver for testing the runtime ----------===//
//
// See FakeCuda.h. Built as libfakecuda.so (every entry point) and
// libfakecuda_old.so (FAKECUDA_OLD_DRIVER: without the CUDA 12 entry points
// cuLaunchKernelEx and cuTensorMapEncodeTiled).
//
//===----------------------------------------------------------------------===//

#include "FakeCuda.h"

#include "../CudaDriver.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#define FAKECUDA_EXPORT extern "C" __attribute__((visibility("default")))

using namespace convbn::cuda;

// The driver's opaque handle types are ours to define here.
struct CUctx_st {
  int device;
};
struct CUmod_st {
  int id;
  std::string kind; // ptx, cubin, fatbin or unknown
  std::string ptx;  // the text of a PTX image
};
struct CUfunc_st {
  std::string name;
  CUmod_st *module;
};
struct CUstream_st {
  int id;
};
struct CUevent_st {
  int id;
};

namespace {

constexpr CUresult kInvalidValue = 1;
constexpr CUresult kOutOfMemory = 2;
constexpr CUresult kNotInitialized = 3;
constexpr CUresult kNoDevice = 100;
constexpr CUresult kInvalidDevice = 101;
constexpr CUresult kInvalidImage = 200;
constexpr CUresult kInvalidContext = 201;
constexpr CUresult kInvalidPtx = 218;
constexpr CUresult kInvalidHandle = 400;
constexpr CUresult kNotFound = 500;
constexpr int kMaxSharedMemoryOptin = 232448; // an H100's 227 KiB

struct ErrorEntry {
  CUresult code;
  const char *name;
  const char *text;
};
constexpr ErrorEntry kErrors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {kInvalidValue, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {kOutOfMemory, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {kNotInitialized, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down"},
    {kNoDevice, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {kInvalidDevice, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {kInvalidImage, "CUDA_ERROR_INVALID_IMAGE",
     "device kernel image is invalid"},
    {kInvalidContext, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {kInvalidPtx, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {kInvalidHandle, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {kNotFound, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
     "too many resources requested for launch"},
};

struct State {
  std::mutex mutex;
  bool initialized = false;
  std::vector<CUctx_st *> contexts; // primary contexts, by device
  std::map<std::string, int> calls, totalCalls;
  std::map<std::string, CUresult> failNext;
  std::set<CUmod_st *> modules;
  std::set<CUstream_st *> streams;
  std::set<CUevent_st *> events;
  std::vector<CUfunc_st *> functions; // kept for the life of the process
  std::map<uint64_t, size_t> allocations;
  std::map<void *, size_t> hostRegistrations;
  int nextId = 1;
  int callsWithoutContext = 0;

  FakeCudaLaunch lastLaunch{};
  FakeCudaModuleLoad lastModuleLoad{};
  FakeCudaAlloc lastAlloc{};
  FakeCudaTensorMap lastTensorMap{};
  uint64_t lastFree = 0;
  void *lastHostRegister = nullptr;
  size_t lastHostRegisterSize = 0;
  unsigned lastHostRegisterFlags = 0;
  void *lastHostUnregister = nullptr;
  int lastFuncAttribute = -1, lastFuncAttributeValue = 0;
  void *lastWaitStream = nullptr, *lastWaitEvent = nullptr;
  unsigned lastWaitFlags = 0;
  void *lastRecordEvent = nullptr, *lastRecordStream = nullptr;
  unsigned lastStreamFlags = 0, lastEventFlags = 0;
  void *lastAllocStream = nullptr, *lastFreeStream = nullptr;
  uint64_t poolReleaseThreshold = 0;
};

// Never destroyed: the runtime calls in from global destructors at exit.
State &state() {
  static auto *s = new State;
  return *s;
}

// Each thread's context stack (trivially destructible: the runtime pushes
// contexts from global destructors, after thread-local destructors ran).
constexpr int kMaxContextDepth = 64;
thread_local CUctx_st *contextStack[kMaxContextDepth];
thread_local int contextDepth = 0;

int envInt(const char *name, int fallback) {
  const char *value = getenv(name);
  return value && *value ? atoi(value) : fallback;
}

void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void trace(const char *fmt, ...) {
  if (envInt("FAKECUDA_TRACE", 0) == 0)
    return;
  char buffer[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buffer, sizeof(buffer), fmt, args);
  va_end(args);
  fprintf(stderr, "fakecuda: %s\n", buffer);
  fflush(stderr);
}

std::string streamName(CUstream stream) {
  return stream ? "stream#" + std::to_string(stream->id) : "null stream";
}

enum class Needs { Nothing, Init, Context };

/// Counts the call of `symbol`, and returns the error to give instead of
/// running it: an injected one, or one for a missing cuInit or context.
CUresult enter(State &s, const char *symbol, Needs needs) {
  ++s.calls[symbol];
  ++s.totalCalls[symbol];
  auto it = s.failNext.find(symbol);
  if (it != s.failNext.end()) {
    CUresult result = it->second;
    s.failNext.erase(it);
    trace("%s -> injected error %d", symbol, result);
    return result;
  }
  if (needs != Needs::Nothing && !s.initialized)
    return kNotInitialized;
  if (needs == Needs::Context && contextDepth == 0) {
    ++s.callsWithoutContext;
    trace("%s called without a current context", symbol);
    return kInvalidContext;
  }
  return 0;
}

#define FAKECUDA_ENTER(symbol, needs)                                          \
  State &s = state();                                                          \
  std::lock_guard<std::mutex> lock(s.mutex);                                   \
  if (CUresult injected = enter(s, symbol, needs))                             \
  return injected

std::string imageKind(const void *image) {
  const auto *bytes = static_cast<const unsigned char *>(image);
  if (!bytes)
    return "null";
  if (bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F')
    return "cubin";
  if (bytes[0] == 0x50 && bytes[1] == 0xed && bytes[2] == 0x55 &&
      bytes[3] == 0xba)
    return "fatbin";
  const char *text = static_cast<const char *>(image);
  while (*text == ' ' || *text == '\n' || *text == '\t')
    ++text;
  if (strncmp(text, "//", 2) == 0 || strncmp(text, ".version", 8) == 0)
    return "ptx";
  return "unknown";
}

CUresult loadModule(State &s, CUmodule *module, const void *image,
                    const char *symbol) {
  if (!module || !image)
    return kInvalidValue;
  auto *m = new CUmod_st{s.nextId++, imageKind(image), ""};
  if (m->kind == "ptx")
    m->ptx = static_cast<const char *>(image);
  s.modules.insert(m);
  *module = m;
  trace("%s(%s image) -> module#%d", symbol, m->kind.c_str(), m->id);
  return 0;
}

/// Whether a PTX module defines kernel `name` (".entry name(").
bool ptxHasEntry(const std::string &ptx, const std::string &name) {
  for (size_t at = ptx.find(".entry "); at != std::string::npos;
       at = ptx.find(".entry ", at + 1)) {
    size_t begin = at + 7;
    size_t end = ptx.find_first_of("( \t\n", begin);
    if (ptx.compare(begin, end - begin, name) == 0)
      return true;
  }
  return false;
}

void *hostPtr(CUdeviceptr ptr) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(ptr));
}

} // namespace

//===----------------------------------------------------------------------===//
// Driver entry points
//===----------------------------------------------------------------------===//

FAKECUDA_EXPORT CUresult cuInit(unsigned flags) {
  FAKECUDA_ENTER("cuInit", Needs::Nothing);
  trace("cuInit(%u)", flags);
  if (flags != 0)
    return kInvalidValue;
  CUresult result = envInt("FAKECUDA_INIT_RESULT", 0);
  if (result == 0)
    s.initialized = true;
  return result;
}

FAKECUDA_EXPORT CUresult cuGetErrorName(CUresult error, const char **name) {
  for (const ErrorEntry &entry : kErrors)
    if (entry.code == error) {
      *name = entry.name;
      return 0;
    }
  *name = nullptr;
  return kInvalidValue;
}

FAKECUDA_EXPORT CUresult cuGetErrorString(CUresult error, const char **text) {
  for (const ErrorEntry &entry : kErrors)
    if (entry.code == error) {
      *text = entry.text;
      return 0;
    }
  *text = nullptr;
  return kInvalidValue;
}

FAKECUDA_EXPORT CUresult cuDeviceGetCount(int *count) {
  FAKECUDA_ENTER("cuDeviceGetCount", Needs::Init);
  *count = envInt("FAKECUDA_DEVICE_COUNT", 2);
  return 0;
}

FAKECUDA_EXPORT CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  FAKECUDA_ENTER("cuDeviceGet", Needs::Init);
  trace("cuDeviceGet(%d)", ordinal);
  int count = envInt("FAKECUDA_DEVICE_COUNT", 2);
  if (count == 0)
    return kNoDevice;
  if (ordinal < 0 || ordinal >= count)
    return kInvalidDevice;
  *device = ordinal;
  return 0;
}

FAKECUDA_EXPORT CUresult cuDeviceGetAttribute(int *value, int attribute,
                                              CUdevice device) {
  FAKECUDA_ENTER("cuDeviceGetAttribute", Needs::Init);
  trace("cuDeviceGetAttribute(%d, device %d)", attribute, device);
  *value = attribute == CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
               ? kMaxSharedMemoryOptin
               : 0;
  return 0;
}

FAKECUDA_EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext *context,
                                                  CUdevice device) {
  FAKECUDA_ENTER("cuDevicePrimaryCtxRetain", Needs::Init);
  trace("cuDevicePrimaryCtxRetain(device %d)", device);
  if (device < 0 || device >= envInt("FAKECUDA_DEVICE_COUNT", 2))
    return kInvalidDevice;
  while (static_cast<int>(s.contexts.size()) <= device)
    s.contexts.push_back(new CUctx_st{static_cast<int>(s.contexts.size())});
  *context = s.contexts[device];
  return 0;
}

FAKECUDA_EXPORT CUresult cuCtxPushCurrent_v2(CUcontext context) {
  FAKECUDA_ENTER("cuCtxPushCurrent_v2", Needs::Init);
  if (!context || contextDepth == kMaxContextDepth)
    return kInvalidContext;
  contextStack[contextDepth++] = context;
  return 0;
}

FAKECUDA_EXPORT CUresult cuCtxPopCurrent_v2(CUcontext *context) {
  FAKECUDA_ENTER("cuCtxPopCurrent_v2", Needs::Init);
  if (contextDepth == 0)
    return kInvalidContext;
  --contextDepth;
  if (context)
    *context = contextStack[contextDepth];
  return 0;
}

FAKECUDA_EXPORT CUresult cuModuleLoadData(CUmodule *module, const void *image) {
  FAKECUDA_ENTER("cuModuleLoadData", Needs::Context);
  s.lastModuleLoad = FakeCudaModuleLoad{image, 0, -1, 0, 0};
  return loadModule(s, module, image, "cuModuleLoadData");
}

FAKECUDA_EXPORT CUresult cuModuleLoadDataEx(CUmodule *module, const void *image,
                                            unsigned numOptions,
                                            CUjit_option *options,
                                            void **values) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  FakeCudaModuleLoad load{image, numOptions, -1, 0, 0};
  char *errorLog = nullptr;
  for (unsigned i = 0; i < numOptions; ++i) {
    auto value = reinterpret_cast<uintptr_t>(values[i]);
    if (options[i] == CU_JIT_OPTIMIZATION_LEVEL)
      load.optLevel = static_cast<int>(value);
    else if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
      errorLog = static_cast<char *>(values[i]);
    else if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
      load.errorLogSize = value;
  }
  load.hasErrorLog = errorLog && load.errorLogSize > 0;
  s.lastModuleLoad = load;
  if (CUresult injected = enter(s, "cuModuleLoadDataEx", Needs::Context)) {
    if (load.hasErrorLog)
      snprintf(errorLog, load.errorLogSize, "%s", FAKECUDA_JIT_ERROR_LOG);
    return injected;
  }
  trace("cuModuleLoadDataEx: %u options, optLevel %d", numOptions,
        load.optLevel);
  return loadModule(s, module, image, "cuModuleLoadDataEx");
}

FAKECUDA_EXPORT CUresult cuModuleUnload(CUmodule module) {
  FAKECUDA_ENTER("cuModuleUnload", Needs::Context);
  if (!s.modules.erase(module))
    return kInvalidHandle;
  trace("cuModuleUnload(module#%d)", module->id);
  delete module;
  return 0;
}

FAKECUDA_EXPORT CUresult cuModuleGetFunction(CUfunction *function,
                                             CUmodule module,
                                             const char *name) {
  FAKECUDA_ENTER("cuModuleGetFunction", Needs::Context);
  if (!s.modules.count(module))
    return kInvalidHandle;
  if (!name)
    return kInvalidValue;
  trace("cuModuleGetFunction(module#%d, \"%s\")", module->id, name);
  if (module->kind == "ptx" && !ptxHasEntry(module->ptx, name))
    return kNotFound;
  auto *f = new CUfunc_st{name, module};
  s.functions.push_back(f);
  *function = f;
  return 0;
}

FAKECUDA_EXPORT CUresult cuFuncSetAttribute(CUfunction function, int attribute,
                                            int value) {
  FAKECUDA_ENTER("cuFuncSetAttribute", Needs::Context);
  if (!function)
    return kInvalidHandle;
  trace("cuFuncSetAttribute(%s, %d, %d)", function->name.c_str(), attribute,
        value);
  s.lastFuncAttribute = attribute;
  s.lastFuncAttributeValue = value;
  return 0;
}

FAKECUDA_EXPORT CUresult cuLaunchKernel(CUfunction function, unsigned gridX,
                                        unsigned gridY, unsigned gridZ,
                                        unsigned blockX, unsigned blockY,
                                        unsigned blockZ, unsigned smem,
                                        CUstream stream, void **params,
                                        void **extra) {
  FAKECUDA_ENTER("cuLaunchKernel", Needs::Context);
  if (!function)
    return kInvalidHandle;
  if (stream && !s.streams.count(stream))
    return kInvalidHandle;
  trace("cuLaunchKernel(%s, grid %ux%ux%u, block %ux%ux%u, smem %u, %s)",
        function->name.c_str(), gridX, gridY, gridZ, blockX, blockY, blockZ,
        smem, streamName(stream).c_str());
  s.lastLaunch = FakeCudaLaunch{function->name.c_str(),
                                {gridX, gridY, gridZ},
                                {blockX, blockY, blockZ},
                                {0, 0, 0},
                                -1,
                                smem,
                                stream,
                                params,
                                extra,
                                contextStack[contextDepth - 1]};
  return 0;
}

#ifndef FAKECUDA_OLD_DRIVER
FAKECUDA_EXPORT CUresult cuLaunchKernelEx(const CUlaunchConfig *config,
                                          CUfunction function, void **params,
                                          void **extra) {
  FAKECUDA_ENTER("cuLaunchKernelEx", Needs::Context);
  if (!function)
    return kInvalidHandle;
  FakeCudaLaunch launch{
      function->name.c_str(),
      {config->gridDimX, config->gridDimY, config->gridDimZ},
      {config->blockDimX, config->blockDimY, config->blockDimZ},
      {0, 0, 0},
      -1,
      config->sharedMemBytes,
      config->hStream,
      params,
      extra,
      contextStack[contextDepth - 1]};
  for (unsigned i = 0; i < config->numAttrs; ++i) {
    const CUlaunchAttribute &attr = config->attrs[i];
    if (attr.id == CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION) {
      launch.cluster[0] = attr.value.clusterDim.x;
      launch.cluster[1] = attr.value.clusterDim.y;
      launch.cluster[2] = attr.value.clusterDim.z;
    } else if (attr.id ==
               CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE) {
      launch.clusterPolicy = attr.value.clusterSchedulingPolicyPreference;
    }
  }
  trace("cuLaunchKernelEx(%s, cluster %ux%ux%u, grid %ux%ux%u, block "
        "%ux%ux%u, smem %u, %s)",
        launch.kernel, launch.cluster[0], launch.cluster[1], launch.cluster[2],
        launch.grid[0], launch.grid[1], launch.grid[2], launch.block[0],
        launch.block[1], launch.block[2], launch.sharedMemBytes,
        streamName(config->hStream).c_str());
  s.lastLaunch = launch;
  return 0;
}
#endif

FAKECUDA_EXPORT CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
  FAKECUDA_ENTER("cuStreamCreate", Needs::Context);
  auto *created = new CUstream_st{s.nextId++};
  s.streams.insert(created);
  s.lastStreamFlags = flags;
  *stream = created;
  trace("cuStreamCreate(flags %u) -> %s", flags, streamName(created).c_str());
  return 0;
}

FAKECUDA_EXPORT CUresult cuStreamDestroy_v2(CUstream stream) {
  FAKECUDA_ENTER("cuStreamDestroy_v2", Needs::Context);
  if (!s.streams.erase(stream))
    return kInvalidHandle;
  trace("cuStreamDestroy_v2(%s)", streamName(stream).c_str());
  delete stream;
  return 0;
}

FAKECUDA_EXPORT CUresult cuStreamSynchronize(CUstream stream) {
  FAKECUDA_ENTER("cuStreamSynchronize", Needs::Context);
  if (stream && !s.streams.count(stream))
    return kInvalidHandle;
  trace("cuStreamSynchronize(%s)", streamName(stream).c_str());
  return 0;
}

FAKECUDA_EXPORT CUresult cuStreamWaitEvent(CUstream stream, CUevent event,
                                           unsigned flags) {
  FAKECUDA_ENTER("cuStreamWaitEvent", Needs::Context);
  if ((stream && !s.streams.count(stream)) || !s.events.count(event))
    return kInvalidHandle;
  trace("cuStreamWaitEvent(%s, event#%d, %u)", streamName(stream).c_str(),
        event->id, flags);
  s.lastWaitStream = stream;
  s.lastWaitEvent = event;
  s.lastWaitFlags = flags;
  return 0;
}

FAKECUDA_EXPORT CUresult cuEventCreate(CUevent *event, unsigned flags) {
  FAKECUDA_ENTER("cuEventCreate", Needs::Context);
  auto *created = new CUevent_st{s.nextId++};
  s.events.insert(created);
  s.lastEventFlags = flags;
  *event = created;
  trace("cuEventCreate(flags %u) -> event#%d", flags, created->id);
  return 0;
}

FAKECUDA_EXPORT CUresult cuEventDestroy_v2(CUevent event) {
  FAKECUDA_ENTER("cuEventDestroy_v2", Needs::Context);
  if (!s.events.erase(event))
    return kInvalidHandle;
  trace("cuEventDestroy_v2(event#%d)", event->id);
  delete event;
  return 0;
}

FAKECUDA_EXPORT CUresult cuEventSynchronize(CUevent event) {
  FAKECUDA_ENTER("cuEventSynchronize", Needs::Context);
  if (!s.events.count(event))
    return kInvalidHandle;
  trace("cuEventSynchronize(event#%d)", event->id);
  return 0;
}

FAKECUDA_EXPORT CUresult cuEventRecord(CUevent event, CUstream stream) {
  FAKECUDA_ENTER("cuEventRecord", Needs::Context);
  if (!s.events.count(event) || (stream && !s.streams.count(stream)))
    return kInvalidHandle;
  trace("cuEventRecord(event#%d, %s)", event->id, streamName(stream).c_str());
  s.lastRecordEvent = event;
  s.lastRecordStream = stream;
  return 0;
}

static CUresult allocate(State &s, CUdeviceptr *ptr, size_t size, bool managed,
                         unsigned flags, const char *symbol,
                         const std::string &stream = "") {
  if (size == 0)
    return kInvalidValue;
  void *memory = aligned_alloc(256, (size + 255) / 256 * 256);
  if (!memory)
    return kOutOfMemory;
  *ptr = static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(memory));
  s.allocations[*ptr] = size;
  s.lastAlloc = FakeCudaAlloc{*ptr, size, managed, flags};
  if (stream.empty())
    trace("%s(%zu bytes)", symbol, size);
  else
    trace("%s(%zu bytes, %s)", symbol, size, stream.c_str());
  return 0;
}

FAKECUDA_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t size) {
  FAKECUDA_ENTER("cuMemAlloc_v2", Needs::Context);
  return allocate(s, ptr, size, false, 0, "cuMemAlloc_v2");
}

FAKECUDA_EXPORT CUresult cuMemAllocManaged(CUdeviceptr *ptr, size_t size,
                                           unsigned flags) {
  FAKECUDA_ENTER("cuMemAllocManaged", Needs::Context);
  return allocate(s, ptr, size, true, flags, "cuMemAllocManaged");
}

FAKECUDA_EXPORT CUresult cuMemFree_v2(CUdeviceptr ptr) {
  FAKECUDA_ENTER("cuMemFree_v2", Needs::Context);
  auto it = s.allocations.find(ptr);
  if (it == s.allocations.end())
    return kInvalidValue;
  trace("cuMemFree_v2(%zu bytes)", it->second);
  s.allocations.erase(it);
  s.lastFree = ptr;
  free(hostPtr(ptr));
  return 0;
}

#ifndef FAKECUDA_OLD_DRIVER
// Stream-ordered allocation (CUDA 11.2): like cuMemAlloc / cuMemFree, on a
// stream.
FAKECUDA_EXPORT CUresult cuMemAllocAsync(CUdeviceptr *ptr, size_t size,
                                         CUstream stream) {
  FAKECUDA_ENTER("cuMemAllocAsync", Needs::Context);
  if (stream && !s.streams.count(stream))
    return kInvalidHandle;
  s.lastAllocStream = stream;
  return allocate(s, ptr, size, false, 0, "cuMemAllocAsync",
                  streamName(stream));
}

FAKECUDA_EXPORT CUresult cuMemFreeAsync(CUdeviceptr ptr, CUstream stream) {
  FAKECUDA_ENTER("cuMemFreeAsync", Needs::Context);
  if (stream && !s.streams.count(stream))
    return kInvalidHandle;
  auto it = s.allocations.find(ptr);
  if (it == s.allocations.end())
    return kInvalidValue;
  trace("cuMemFreeAsync(%zu bytes, %s)", it->second,
        streamName(stream).c_str());
  s.allocations.erase(it);
  s.lastFree = ptr;
  s.lastFreeStream = stream;
  free(hostPtr(ptr));
  return 0;
}

FAKECUDA_EXPORT CUresult cuDeviceGetDefaultMemPool(void **pool,
                                                   CUdevice device) {
  FAKECUDA_ENTER("cuDeviceGetDefaultMemPool", Needs::Init);
  static int pools[8];
  if (!pool || device < 0 || device >= 8)
    return kInvalidValue;
  *pool = &pools[device];
  return 0;
}

FAKECUDA_EXPORT CUresult cuMemPoolSetAttribute(void *pool, int attribute,
                                               void *value) {
  FAKECUDA_ENTER("cuMemPoolSetAttribute", Needs::Init);
  if (!pool || !value)
    return kInvalidValue;
  if (attribute == 4) { // CU_MEMPOOL_ATTR_RELEASE_THRESHOLD
    s.poolReleaseThreshold = *static_cast<uint64_t *>(value);
    trace("cuMemPoolSetAttribute(release threshold %" PRIu64 ")",
          s.poolReleaseThreshold);
  }
  return 0;
}
#endif // FAKECUDA_OLD_DRIVER

FAKECUDA_EXPORT CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src,
                                       size_t size, CUstream stream) {
  FAKECUDA_ENTER("cuMemcpyAsync", Needs::Context);
  if (stream && !s.streams.count(stream))
    return kInvalidHandle;
  if (!dst || !src)
    return kInvalidValue;
  trace("cuMemcpyAsync(%zu bytes, %s)", size, streamName(stream).c_str());
  memmove(hostPtr(dst), hostPtr(src), size);
  return 0;
}

FAKECUDA_EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src,
                                         size_t size) {
  FAKECUDA_ENTER("cuMemcpyHtoD_v2", Needs::Context);
  if (!dst || !src)
    return kInvalidValue;
  trace("cuMemcpyHtoD_v2(%zu bytes)", size);
  memcpy(hostPtr(dst), src, size);
  return 0;
}

FAKECUDA_EXPORT CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value,
                                          size_t count, CUstream stream) {
  FAKECUDA_ENTER("cuMemsetD32Async", Needs::Context);
  if (stream && !s.streams.count(stream))
    return kInvalidHandle;
  trace("cuMemsetD32Async(0x%08x, %zu elements, %s)", value, count,
        streamName(stream).c_str());
  auto *out = static_cast<uint32_t *>(hostPtr(dst));
  for (size_t i = 0; i < count; ++i)
    out[i] = value;
  return 0;
}

FAKECUDA_EXPORT CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short value,
                                          size_t count, CUstream stream) {
  FAKECUDA_ENTER("cuMemsetD16Async", Needs::Context);
  if (stream && !s.streams.count(stream))
    return kInvalidHandle;
  trace("cuMemsetD16Async(0x%04x, %zu elements, %s)", value, count,
        streamName(stream).c_str());
  auto *out = static_cast<uint16_t *>(hostPtr(dst));
  for (size_t i = 0; i < count; ++i)
    out[i] = value;
  return 0;
}

FAKECUDA_EXPORT CUresult cuMemHostRegister_v2(void *ptr, size_t size,
                                              unsigned flags) {
  FAKECUDA_ENTER("cuMemHostRegister_v2", Needs::Context);
  if (!ptr || size == 0)
    return kInvalidValue;
  trace("cuMemHostRegister_v2(%zu bytes, flags %u)", size, flags);
  s.hostRegistrations[ptr] = size;
  s.lastHostRegister = ptr;
  s.lastHostRegisterSize = size;
  s.lastHostRegisterFlags = flags;
  return 0;
}

FAKECUDA_EXPORT CUresult cuMemHostUnregister(void *ptr) {
  FAKECUDA_ENTER("cuMemHostUnregister", Needs::Context);
  s.lastHostUnregister = ptr;
  auto it = s.hostRegistrations.find(ptr);
  if (it == s.hostRegistrations.end())
    return kInvalidValue; // CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED, really
  trace("cuMemHostUnregister(%zu bytes)", it->second);
  s.hostRegistrations.erase(it);
  return 0;
}

#ifndef FAKECUDA_OLD_DRIVER
FAKECUDA_EXPORT CUresult cuTensorMapEncodeTiled(
    CUtensorMap *tensorMap, int dataType, uint32_t rank, void *globalAddress,
    const uint64_t *globalDim, const uint64_t *globalStrides,
    const uint32_t *boxDim, const uint32_t *elementStrides, int interleave,
    int swizzle, int l2Promotion, int oobFill) {
  FAKECUDA_ENTER("cuTensorMapEncodeTiled", Needs::Context);
  if (rank < 1 || rank > 5)
    return kInvalidValue;
  FakeCudaTensorMap map{};
  map.dataType = dataType;
  map.rank = rank;
  map.globalAddress = globalAddress;
  for (uint32_t i = 0; i < rank; ++i) {
    map.globalDim[i] = globalDim[i];
    map.globalStrides[i] = i + 1 < rank ? globalStrides[i] : 0;
    map.boxDim[i] = boxDim[i];
    map.elementStrides[i] = elementStrides[i];
  }
  map.interleave = interleave;
  map.swizzle = swizzle;
  map.l2Promotion = l2Promotion;
  map.oobFill = oobFill;
  s.lastTensorMap = map;
  // "Encode": a recognisable pattern.
  for (int i = 0; i < 16; ++i)
    tensorMap->opaque[i] = 0x7e45000000000000ull + i;
  trace("cuTensorMapEncodeTiled(type %d, rank %u)", dataType, rank);
  return 0;
}
#endif

//===----------------------------------------------------------------------===//
// Inspection
//===----------------------------------------------------------------------===//

#define FAKECUDA_LOCKED                                                        \
  State &s = state();                                                          \
  std::lock_guard<std::mutex> lock(s.mutex)

FAKECUDA_EXPORT void fakecudaReset(void) {
  FAKECUDA_LOCKED;
  s.calls.clear();
  s.failNext.clear();
  s.callsWithoutContext = 0;
  s.lastLaunch = FakeCudaLaunch{};
  s.lastModuleLoad = FakeCudaModuleLoad{};
  s.lastAlloc = FakeCudaAlloc{};
  s.lastTensorMap = FakeCudaTensorMap{};
  s.lastFree = 0;
  s.lastHostRegister = s.lastHostUnregister = nullptr;
  s.lastFuncAttribute = -1;
}

FAKECUDA_EXPORT void fakecudaFailNext(const char *symbol, int result) {
  FAKECUDA_LOCKED;
  s.failNext[symbol] = result;
}

FAKECUDA_EXPORT int fakecudaCallCount(const char *symbol) {
  FAKECUDA_LOCKED;
  auto it = s.calls.find(symbol);
  return it == s.calls.end() ? 0 : it->second;
}

FAKECUDA_EXPORT int fakecudaTotalCallCount(const char *symbol) {
  FAKECUDA_LOCKED;
  auto it = s.totalCalls.find(symbol);
  return it == s.totalCalls.end() ? 0 : it->second;
}

FAKECUDA_EXPORT FakeCudaLaunch fakecudaLastLaunch(void) {
  FAKECUDA_LOCKED;
  return s.lastLaunch;
}

FAKECUDA_EXPORT FakeCudaModuleLoad fakecudaLastModuleLoad(void) {
  FAKECUDA_LOCKED;
  return s.lastModuleLoad;
}

FAKECUDA_EXPORT FakeCudaAlloc fakecudaLastAlloc(void) {
  FAKECUDA_LOCKED;
  return s.lastAlloc;
}

FAKECUDA_EXPORT FakeCudaTensorMap fakecudaLastTensorMap(void) {
  FAKECUDA_LOCKED;
  return s.lastTensorMap;
}

FAKECUDA_EXPORT uint64_t fakecudaLastFree(void) {
  FAKECUDA_LOCKED;
  return s.lastFree;
}

FAKECUDA_EXPORT void fakecudaLastAsyncStreams(void **alloc, void **free) {
  FAKECUDA_LOCKED;
  *alloc = s.lastAllocStream;
  *free = s.lastFreeStream;
}

FAKECUDA_EXPORT uint64_t fakecudaPoolReleaseThreshold(void) {
  FAKECUDA_LOCKED;
  return s.poolReleaseThreshold;
}

FAKECUDA_EXPORT void *fakecudaLastHostRegister(size_t *size, unsigned *flags) {
  FAKECUDA_LOCKED;
  if (size)
    *size = s.lastHostRegisterSize;
  if (flags)
    *flags = s.lastHostRegisterFlags;
  return s.lastHostRegister;
}

FAKECUDA_EXPORT void *fakecudaLastHostUnregister(void) {
  FAKECUDA_LOCKED;
  return s.lastHostUnregister;
}

FAKECUDA_EXPORT void fakecudaLastFuncAttribute(int *attribute, int *value) {
  FAKECUDA_LOCKED;
  *attribute = s.lastFuncAttribute;
  *value = s.lastFuncAttributeValue;
}

FAKECUDA_EXPORT void fakecudaLastStreamWait(void **stream, void **event,
                                            unsigned *flags) {
  FAKECUDA_LOCKED;
  *stream = s.lastWaitStream;
  *event = s.lastWaitEvent;
  *flags = s.lastWaitFlags;
}

FAKECUDA_EXPORT void fakecudaLastEventRecord(void **event, void **stream) {
  FAKECUDA_LOCKED;
  *event = s.lastRecordEvent;
  *stream = s.lastRecordStream;
}

FAKECUDA_EXPORT unsigned fakecudaLastStreamFlags(void) {
  FAKECUDA_LOCKED;
  return s.lastStreamFlags;
}

FAKECUDA_EXPORT unsigned fakecudaLastEventFlags(void) {
  FAKECUDA_LOCKED;
  return s.lastEventFlags;
}

FAKECUDA_EXPORT void *fakecudaPrimaryContext(int ordinal) {
  FAKECUDA_LOCKED;
  return ordinal >= 0 && ordinal < static_cast<int>(s.contexts.size())
             ? s.contexts[ordinal]
             : nullptr;
}

FAKECUDA_EXPORT void *fakecudaCurrentContext(void) {
  return contextDepth == 0 ? nullptr : contextStack[contextDepth - 1];
}

FAKECUDA_EXPORT int fakecudaContextDepth(void) { return contextDepth; }

FAKECUDA_EXPORT int fakecudaCallsWithoutContext(void) {
  FAKECUDA_LOCKED;
  return s.callsWithoutContext;
}
