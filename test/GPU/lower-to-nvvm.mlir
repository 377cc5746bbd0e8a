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
// grid and block shape. The convolution is one implicit GEMM (M = 4 x 28 x
// 28 = 3136 rows in 25 blocks of 128, N = 64 channels, 256 threads) with
// the pad, the weight fold or the normalisation absorbed; tune's
// per-channel scale, which the fold and the bias share, is computed per
// block inside the kernel: one launch in either mode.
// OUTLINED-LABEL: func.func @tune
// OUTLINED-NOT:     gpu.alloc
// OUTLINED:         gpu.launch_func @tune_kernel::@tune_kernel blocks in (%c25, %c1, %c1) threads in (%c256, %c1, %c1)
// OUTLINED-NOT:     gpu.launch_func
// OUTLINED:       gpu.module @tune_kernel
// OUTLINED:         gpu.func @tune_kernel({{.*}}) workgroup(%{{.*}} : memref<2x8x128xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x8x64xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<64xf32, #gpu.address_space<workgroup>>)
// OUTLINED-LABEL: func.func @eval
// OUTLINED-NOT:     gpu.alloc
// OUTLINED:         gpu.launch_func @eval_kernel::@eval_kernel blocks in (%c25, %c1, %c1) threads in (%c256, %c1, %c1)
// OUTLINED-NOT:     gpu.launch_func
// OUTLINED:         return
// The convolution kernels: two stages of workgroup memory for the input and
// filter slices (and tune's scale for the block's 64 columns), each
// thread's 8 x 4 accumulators in a private buffer.
// OUTLINED:       gpu.module @eval_kernel
// OUTLINED:         gpu.func @eval_kernel({{.*}}) workgroup(%{{.*}} : memref<2x8x128xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x8x64xf32, #gpu.address_space<workgroup>>)
// OUTLINED:           memref.alloca() : memref<8x4xf32>
// OUTLINED:           gpu.barrier

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

// Registers, not local memory: the accumulators are a static alloca
// indexed by constants, so ptxas reports no stack frame.
// RUN: %if ptxas %{ %python %convbn_utils/extract_ptx.py %t.sm70.mlir %t.ptx > /dev/null %}
// RUN: %if ptxas %{ %ptxas --gpu-name sm_80 -v %t.ptx/eval_kernel.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=REGS %}
// REGS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// REGS: 12288 bytes smem

// The kernel: the first slice gathered into workgroup memory; per slice,
// one barrier, the next slice's gathers from global memory, the
// multiply-adds out of workgroup memory (16-byte loads, FMAs), the next
// slice's stores into the other stage; then the normalised outputs.
// RUN: %if ptxas %{ FileCheck %s --check-prefix=LOOP < %t.ptx/eval_kernel.ptx %}
// LOOP:     ld.global.b32
// LOOP:     st.shared.b32
// LOOP:     bar.sync
// LOOP:     ld.global.b32
// LOOP:     ld.shared.v4.b32
// LOOP:     fma.rn.f32
// LOOP:     st.shared.b32
// LOOP-NOT: bar.sync
// LOOP:     st.global.b32
