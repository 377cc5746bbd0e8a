//===- MemoryTracker.cpp - peak live bytes of a compiled program ----------===//
//
// MLIR's `finalize-memref-to-llvm` with `use-generic-functions` (what
// `--lower-to-cpu=track-memory=true` sets) allocates every memref buffer
// through `_mlir_memref_to_llvm_alloc` / `_aligned_alloc` and frees it
// through `_mlir_memref_to_llvm_free`. This library defines them on top of
// malloc and counts the bytes live and their peak: the memory a compiled
// program holds, as the paper measures it, without the allocations of the
// runner or of LLVM in the same process. Load it with
// `mlir-runner -shared-libs=libconvbn_memtrack.so`; the program reads the
// counters through the `convbnMemtrack*` functions.
//
//===----------------------------------------------------------------------===//

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
// Every block starts with a header holding the requested size and the
// offset back to what malloc returned (aligned blocks are shifted).
struct Header {
  uint64_t size;
  uint64_t offset;
};
constexpr size_t kHeaderSpace = 16; // keeps malloc's 16-byte alignment
static_assert(sizeof(Header) <= kHeaderSpace, "header does not fit");

// CONVBN_MEMTRACK_TRACE=FILE appends `+ ADDRESS SIZE` per allocation and
// `- ADDRESS` per free to FILE: which buffers are live at the peak
// (bench/training_memory.py --trace summarises it).
FILE *traceFile() {
  static FILE *file = [] {
    const char *path = std::getenv("CONVBN_MEMTRACK_TRACE");
    return path && *path ? std::fopen(path, "w") : nullptr;
  }();
  return file;
}

int64_t liveBytes = 0;
int64_t peakBytes = 0;
int64_t baselineBytes = 0; // live at the last reset
int64_t allocations = 0;

void *track(char *base, char *block, size_t size) {
  Header header{size, static_cast<uint64_t>(block - base)};
  std::memcpy(block - kHeaderSpace, &header, sizeof(header));
  liveBytes += static_cast<int64_t>(size);
  if (liveBytes > peakBytes)
    peakBytes = liveBytes;
  ++allocations;
  if (FILE *trace = traceFile())
    std::fprintf(trace, "+ %p %zu\n", static_cast<void *>(block), size);
  return block;
}
} // namespace

extern "C" {

__attribute__((visibility("default"))) void *
_mlir_memref_to_llvm_alloc(size_t size) {
  auto *base = static_cast<char *>(std::malloc(size + kHeaderSpace));
  if (!base)
    return nullptr;
  return track(base, base + kHeaderSpace, size);
}

__attribute__((visibility("default"))) void *
_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  if (alignment < kHeaderSpace)
    alignment = kHeaderSpace;
  auto *base =
      static_cast<char *>(std::malloc(size + kHeaderSpace + alignment));
  if (!base)
    return nullptr;
  uintptr_t first = reinterpret_cast<uintptr_t>(base) + kHeaderSpace;
  uintptr_t aligned = (first + alignment - 1) / alignment * alignment;
  return track(base, reinterpret_cast<char *>(aligned), size);
}

__attribute__((visibility("default"))) void
_mlir_memref_to_llvm_free(void *pointer) {
  if (!pointer)
    return;
  auto *block = static_cast<char *>(pointer);
  Header header;
  std::memcpy(&header, block - kHeaderSpace, sizeof(header));
  liveBytes -= static_cast<int64_t>(header.size);
  if (FILE *trace = traceFile())
    std::fprintf(trace, "- %p\n", pointer);
  std::free(block - header.offset);
}

/// Starts a measurement: the peak and the baseline become what is live now.
__attribute__((visibility("default"))) void convbnMemtrackReset() {
  peakBytes = baselineBytes = liveBytes;
  allocations = 0;
  if (FILE *trace = traceFile())
    std::fprintf(trace, "reset\n");
}

__attribute__((visibility("default"))) int64_t convbnMemtrackLiveBytes() {
  return liveBytes;
}

__attribute__((visibility("default"))) int64_t convbnMemtrackPeakBytes() {
  return peakBytes;
}

/// Prints `convbn-memtrack: baseline B live L peak P allocations A` on
/// stdout (bytes; B is what was live at the last reset).
__attribute__((visibility("default"))) void convbnMemtrackPrint() {
  if (FILE *trace = traceFile())
    std::fflush(trace);
  std::printf("convbn-memtrack: baseline %lld live %lld peak %lld "
              "allocations %lld\n",
              static_cast<long long>(baselineBytes),
              static_cast<long long>(liveBytes),
              static_cast<long long>(peakBytes),
              static_cast<long long>(allocations));
  std::fflush(stdout);
}
}
