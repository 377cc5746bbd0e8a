// Impossible target options are a clear error before any code generation,
// never an LLVM abort.
// RUN: not convbn-opt %s --lower-to-nvvm="chip=sm_90 features=+ptx60" 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not convbn-opt %s --lower-to-nvvm="chip=sm_70 format=bin" 2>&1 | FileCheck %s --check-prefix=BIN
// RUN: not convbn-opt %s --lower-to-nvvm="chip=gfx90a" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not convbn-opt %s --lower-to-nvvm="chip=sm_80 format=elf" 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not convbn-opt %s --lower-to-nvvm="chip=sm_80 features=+ptxabc" 2>&1 | FileCheck %s --check-prefix=FEATURE

// PTX: error: lower-to-nvvm: PTX 6.0 does not support sm_90: it needs +ptx78 or later
// BIN: error: lower-to-nvvm: CUDA 13's ptxas cannot compile for sm_70: use format=isa
// CHIP: error: lower-to-nvvm: chip 'gfx90a' is not an NVIDIA architecture of the form sm_XY
// FORMAT: error: lower-to-nvvm: format 'elf' is not one of isa, bin, fatbin
// FEATURE: error: lower-to-nvvm: feature '+ptxabc' is not +ptxNN

func.func @f(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  return %x : tensor<1x4x8x8xf32>
}
