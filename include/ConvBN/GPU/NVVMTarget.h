//===- NVVMTarget.h - NVIDIA target options ---------------------*- C++ -*-===//

#ifndef CONVBN_GPU_NVVMTARGET_H
#define CONVBN_GPU_NVVMTARGET_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlir::convbn {

/// The compute capability of an `sm_XY` chip name (e.g. 70 for sm_70, 90
/// for sm_90a), or nullopt.
std::optional<unsigned> getComputeCapability(llvm::StringRef chip);

/// Whether tensor-core warp code takes mma.sync's m16n8k16 shapes (ldmatrix
/// and mma.sync, sm_80 and later) rather than WMMA's m16n16k16: the
/// implicit GEMM writes one or the other and lower-to-nvvm converts it.
inline bool usesMmaSync(unsigned computeCapability) {
  return computeCapability >= 80;
}

/// The lowest PTX ISA version (e.g. 70 for 7.0) that supports `chip`.
unsigned getMinimumPTXVersion(unsigned computeCapability, bool archSpecific);

/// The `+ptxNN` features for `chip` when the user gave none.
std::string getDefaultFeatures(llvm::StringRef chip);

/// The default serialization format: PTX (`isa`) where CUDA 13's ptxas
/// cannot produce a binary (below sm_75), a cubin (`bin`) otherwise.
std::string getDefaultFormat(llvm::StringRef chip);

/// Checks the combination; returns an explanation when it is impossible.
std::optional<std::string> checkNVVMTarget(llvm::StringRef chip,
                                           llvm::StringRef features,
                                           llvm::StringRef format);

} // namespace mlir::convbn

#endif // CONVBN_GPU_NVVMTARGET_H
