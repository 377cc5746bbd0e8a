// REQUIRES: libdevice
// The whole pipeline on a ConvBN block in each mode: kernels are outlined
// with their launch shape, NVVM code is serialized to PTX for the V100
// (sm_70, PTX 6.0, no unresolved libdevice functions) or to cubins for
// sm_80 / sm_90, and the host code calls the mgpu* runtime.
//
// RUN: convbn-opt %s --lower-to-nvvm --mlir-print-ir-after=gpu-kernel-outlining \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=OUTLINED
// RUN: convbn-opt %s --lower-to-nvvm | FileCheck %s --check-prefix=PTX
// RUN: convbn-opt %s --lower-to-nvvm -o %t.sm70.mlir
// RUN: %python %convbn_utils/check_ptx.py %t.sm70.mlir | FileCheck %s --check-prefix=CHECKED
// RUN: convbn-opt %s --lower-to-nvvm="chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: convbn-opt %s --lower-to-nvvm="chip=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: convbn-opt %s --lower-to-nvvm="chip=sm_90 format=isa features=+ptx80" | FileCheck %s --check-prefix=SM90PTX

!x = tensor<4x16x28x28xf32>
!w = tensor<64x16x3x3xf32>
!v = tensor<64xf32>
!y = tensor<4x64x28x28xf32>

func.func @tune(%x: !x, %w: !w, %g: !v, %b: !v, %m: !v, %v: !v) -> !y {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-05 : !x, !w, !v
  return %y : !y
}

func.func @eval(%x: !x, %w: !w, %g: !v, %b: !v, %m: !v, %v: !v) -> !y {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-05 : !x, !w, !v
  return %y : !y
}

// Host code: buffers are device buffers, each kernel launched with its
// grid and block shape; the weight fold of `tune` runs in kernels of its own
// on weight-sized data, `eval` has none.
// OUTLINED-LABEL: func.func @tune
// OUTLINED:         gpu.alloc () : memref<64xf32>
// OUTLINED:         gpu.launch_func @tune_kernel::@tune_kernel blocks in (%c1, %c1, %c1) threads in (%c64, %c1, %c1)
// OUTLINED:         gpu.alloc () : memref<64x16x3x3xf32>
// OUTLINED:         gpu.launch_func @tune_kernel_0::@tune_kernel
// OUTLINED:         gpu.launch_func @tune_kernel_1::@tune_kernel
// OUTLINED:         gpu.launch_func @tune_kernel_2::@tune_kernel blocks in (%c1, %c64, %c4) threads in (%c7, %c28, %c1)
// OUTLINED-NOT:     gpu.launch_func
// OUTLINED-LABEL: func.func @eval
// OUTLINED-NOT:     gpu.alloc {{.*}}memref<64x16x3x3xf32>
// OUTLINED:         gpu.launch_func @eval_kernel::@eval_kernel blocks in (%c2, %c16, %c4) threads in (%c8, %c16, %c1)
// OUTLINED:         gpu.launch_func @eval_kernel_{{[0-9]+}}::@eval_kernel blocks in (%c1, %c64, %c4) threads in (%c7, %c28, %c1)
// OUTLINED-NOT:     gpu.launch_func
// OUTLINED:         return
// The convolution kernel: each thread fills, convolves and normalises its
// four outputs in a private buffer.
// OUTLINED:       gpu.module @eval_kernel_{{[0-9]+}}
// OUTLINED:         gpu.func @eval_kernel
// OUTLINED-DAG:       gpu.block_id
// OUTLINED-DAG:       gpu.thread_id
// OUTLINED-DAG:       memref.alloca() : memref<1x1x1x4xf32>

// PTX-DAG:  gpu.binary @tune_kernel  [#gpu.object<#nvvm.target<O = 3, chip = "sm_70", features = "+ptx60"
// PTX-DAG:  .version 6.0\0A.target sm_70
// PTX-DAG:  llvm.func @_mlir_ciface_eval

// CHECKED: unresolved __nv externs: 0
// CHECKED: min threads per block: {{[0-9]+}} (required 64)
// CHECKED: ptx targets: sm_70
// CHECKED: ok

// SM80: #nvvm.target<O = 3, chip = "sm_80", features = "+ptx70"
// SM80-SAME: }, bin = "
// SM90: #nvvm.target<O = 3, chip = "sm_90", features = "+ptx78"
// SM90-SAME: }, bin = "
// SM90PTX: .version 8.0\0A.target sm_90

// Registers, not local memory: the private tile is a static alloca at the
// kernel's entry indexed by constants (sunk into the kernel, loops over the
// four outputs unrolled), so ptxas reports no stack frame.
// RUN: %if ptxas %{ %python %convbn_utils/extract_ptx.py %t.sm70.mlir %t.ptx > /dev/null %}
// RUN: %if ptxas %{ %ptxas --gpu-name sm_80 -v %t.ptx/eval_kernel_3.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=REGS %}
// REGS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads

// The convolution's inner loop: each thread reads its 6-column window of a
// padded input row as one 16-byte and one 8-byte load (padded rows are kept
// 32 floats apart, so each starts 16-byte aligned), multiplies-and-adds with
// FMAs (convbn-gpu-allow-fma), and writes its four outputs with one 16-byte
// store.
// RUN: %if ptxas %{ FileCheck %s --check-prefix=LOOP < %t.ptx/eval_kernel_3.ptx %}
// LOOP:     ld.global.v4.b32
// LOOP:     ld.global.v2.b32
// LOOP:     fma.rn.f32
// LOOP-NOT: mul.rn.f32
// LOOP:     st.global.v4.b32
