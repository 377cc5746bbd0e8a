// Asynchronous copies (sm_80 and later): an operand slice whose rows are
// contiguous in memory as in workgroup memory is copied with
// nvgpu.device_async_copy (cp.async) in 4- to 16-byte runs, zero-filled
// where the slice leaves the GEMM or meets padding, three stages deep: two
// slices in flight while one is computed. An operand computed elementwise
// from one tensor in memory (tune's weight fold) is copied, and computed
// in workgroup memory after. Other slices (non-zero padding, gathers that
// are not contiguous, views of unknown alignment) go through registers.
//
// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=chip=sm_80 --cse | FileCheck %s
// RUN: convbn-opt %s "--convbn-gpu-implicit-gemm=chip=sm_80 async-copies=false" \
// RUN:   | FileCheck %s --check-prefix=SYNC
// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=chip=sm_75 | FileCheck %s --check-prefix=SYNC
// SYNC-NOT: nvgpu.device_async
//
// On the host (copies complete at once there, so this checks what is
// copied where, not the groups' accounting, which FileCheck does): with the
// heuristic's tiles, with tiles that divide nothing, through the whole
// launch pipeline, and with SIMT tiles large enough for two stages only.
// RUN: %exec-compare %s --all-funcs --quiet --rtol 4e-3 --atol 1e-3 \
// RUN:   "--passes=--convbn-gpu-implicit-gemm=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes='--convbn-gpu-implicit-gemm=chip=sm_90 mma-tiles=32,48,16,16,16 tiles=16,12,8,2,3' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convbn-gpu-launches=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes='--convbn-gpu-implicit-gemm=chip=sm_80 tiles=128,128,24,8,8' --convbn-gpu-launch-to-host-loops" \
// RUN:   | FileCheck %s --check-prefix=EXEC
// EXEC-COUNT-4: all 7 functions agree
//
// SIMT tiles of 128 x 128 x 24 need 72 KiB for three stages of f32
// slices, more than a block may have: two stages, each slice's copies
// waited for completely at the end of the previous slice.
// RUN: convbn-opt %s "--convbn-gpu-implicit-gemm=chip=sm_80 tiles=128,128,24,8,8" \
// RUN:   | FileCheck %s --check-prefix=TWO-STAGES
// TWO-STAGES-LABEL: func.func @nchw_1x1_f32
// TWO-STAGES:         workgroup(%{{.*}} : memref<2x24x128xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x24x128xf32, #gpu.address_space<workgroup>>)
// TWO-STAGES:         nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// TWO-STAGES:         scf.for
// TWO-STAGES:           nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
//
// PTX for sm_80 and sm_90: cp.async of 16 bytes with a source size (the
// zero fill), one commit per slice, waits for all but the last group; no
// global loads into registers. ptxas: no spills (the same kernel through
// registers, async-copies=false, needs 255 registers and spills on sm_80).
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_80 format=isa" -o %t.sm80.mlir
// RUN: %python %convbn_utils/extract_ptx.py %t.sm80.mlir %t.sm80 > /dev/null
// RUN: FileCheck %s --check-prefix=PTX < %t.sm80/nhwc_padded_kernel.ptx
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_90 format=isa" -o %t.sm90.mlir
// RUN: %python %convbn_utils/extract_ptx.py %t.sm90.mlir %t.sm90 > /dev/null
// RUN: FileCheck %s --check-prefix=PTX < %t.sm90/nhwc_padded_kernel.ptx
// PTX-NOT: ld.global
// PTX:     cp.async.cg.shared.global [{{.*}}], [{{.*}}], 16, {{.*}};
// PTX:     cp.async.commit_group;
// PTX:     cp.async.wait_group{{[[:space:]]+}}1;
// PTX-NOT: ld.global
// PTX:     bar.sync
// PTX:     cp.async.cg.shared.global
// PTX:     mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX:     cp.async.commit_group;
// PTX:     cp.async.wait_group{{[[:space:]]+}}1;
// PTX-NOT: ld.global
// RUN: %if ptxas %{ %ptxas --gpu-name sm_80 -v %t.sm80/nhwc_padded_kernel.ptx -o %t.sm80.cubin 2>&1 | FileCheck %s --check-prefix=REGS %}
// RUN: %if ptxas %{ %ptxas --gpu-name sm_90 -v %t.sm90/nhwc_padded_kernel.ptx -o %t.sm90.cubin 2>&1 | FileCheck %s --check-prefix=REGS %}
// REGS: 0 bytes spill stores, 0 bytes spill loads

// NHWC, 3x3, padding 1, f16: M = 2 x 6 x 6, N = 32, K = 3 x 3 x 16. The
// input's channels and the HWCF filter's output channels are contiguous:
// both slices are copied, 8 halves at a time, the input's zero padding by
// zero fill (a source size of 0 where the window leaves the image, whose
// address is clamped to the buffer's start).

// CHECK-LABEL: func.func @nhwc_padded
// CHECK:         %[[X:.*]] = bufferization.to_buffer %arg0 read_only : tensor<2x6x6x16xf16> to memref<2x6x6x16xf16>
// CHECK:         %[[W:.*]] = bufferization.to_buffer %arg1 read_only : tensor<3x3x16x32xf16> to memref<3x3x16x32xf16>
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%[[A:.*]] : memref<3x64x40xf16, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x32x40xf16, #gpu.address_space<workgroup>>, %{{.*}} : memref<64x36xf32, #gpu.address_space<workgroup>>)
// Copies read flat views of the buffers (a thread's copies a constant
// distance apart are a constant offset apart).
// CHECK-DAG:       %[[XF:.*]] = memref.collapse_shape %[[X]] {{\[\[}}0, 1, 2, 3]] : memref<2x6x6x16xf16> into memref<1152xf16>
// CHECK-DAG:       %[[WF:.*]] = memref.collapse_shape %[[W]] {{\[\[}}0, 1, 2, 3]] : memref<3x3x16x32xf16> into memref<4608xf16>
// The first two slices, one group each; the first is waited for.
// CHECK:           %[[SOURCE:.*]] = arith.select %{{.*}}, %c8, %c0 : index
// CHECK:           %[[T0:.*]] = nvgpu.device_async_copy %[[XF]][{{.*}}], %[[A]][%c0, {{.*}}], 8, %[[SOURCE]] {bypassL1}
// CHECK:           nvgpu.device_async_copy %[[WF]][{{.*}}], %[[B]][%c0, {{.*}}], 8, %{{.*}} {bypassL1}
// CHECK:           nvgpu.device_async_create_group %[[T0]],
// CHECK-NOT:       nvgpu.device_async_wait
// CHECK:           nvgpu.device_async_copy %[[XF]][{{.*}}], %[[A]][%c1,
// CHECK:           %[[G1:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT:      nvgpu.device_async_wait %[[G1]] {numGroups = 1 : i32}
// Per slice: a barrier, the copies of the slice two ahead into the stage
// the previous slice left, the fragments of this slice, a wait.
// CHECK:           scf.for %[[K0:.*]] = %c0 to %c160 step %c32
// CHECK-NEXT:        gpu.barrier
// CHECK:             %[[STAGE:.*]] = arith.remui %{{.*}}, %c3
// CHECK:             %[[FILL:.*]] = arith.remui %{{.*}}, %c3
// CHECK:             arith.addi %[[K0]], %c64
// CHECK:             nvgpu.device_async_copy %[[XF]][{{.*}}], %[[A]][%[[FILL]],
// CHECK:             nvgpu.device_async_copy %[[WF]][{{.*}}], %[[B]][%[[FILL]],
// CHECK:             vector.transfer_read %[[A]][%[[STAGE]],
// CHECK:             vector.contract
// CHECK:             %[[G:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT:        nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// CHECK-NEXT:        scf.yield
func.func @nhwc_padded(%x: tensor<2x6x6x16xf16>, %w: tensor<3x3x16x32xf16>) -> tensor<2x6x6x32xf32> {
  %zero = arith.constant 0.0 : f16
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f16
  } : tensor<2x6x6x16xf16> to tensor<2x8x8x16xf16>
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x6x6x32xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x6x6x32xf32>) -> tensor<2x6x6x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<2x8x8x16xf16>, tensor<3x3x16x32xf16>)
      outs(%fill : tensor<2x6x6x32xf32>) -> tensor<2x6x6x32xf32>
  return %y : tensor<2x6x6x32xf32>
}

// NCHW, 3x3, f16: the FCHW filter runs along K (C x 3 x 3 contiguous per
// output channel), so its slice is N x K in workgroup memory and copied;
// the input's gather (a window per row) is not contiguous: registers.

// CHECK-LABEL: func.func @nchw
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%[[A:.*]] : memref<3x32x40xf16, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x32x40xf16, #gpu.address_space<workgroup>>,
// CHECK-NOT:       nvgpu.device_async_copy {{.*}}, %[[A]]
// CHECK:           nvgpu.device_async_copy {{.*}}, %[[B]][%c0, {{.*}}], 8,
// CHECK:           memref.store {{.*}}, %[[A]][%c0,
// CHECK-NOT:       nvgpu.device_async_copy {{.*}}, %[[A]]
// CHECK:           scf.for
// CHECK:             nvgpu.device_async_copy {{.*}}, %[[B]]
// The filter's fragments, read N x K as they lie.
// CHECK:             vector.transfer_read %[[B]]{{.*}} {in_bounds = [true, true]} : memref<3x32x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// CHECK:             memref.store {{.*}}, %[[A]]
// CHECK:             nvgpu.device_async_wait
func.func @nchw(%x: tensor<2x16x6x6xf16>, %w: tensor<32x16x3x3xf16>) -> tensor<2x32x4x4xf32> {
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x32x4x4xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x32x4x4xf32>) -> tensor<2x32x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x16x6x6xf16>, tensor<32x16x3x3xf16>)
      outs(%fill : tensor<2x32x4x4xf32>) -> tensor<2x32x4x4xf32>
  return %y : tensor<2x32x4x4xf32>
}

// NCHW 1x1 f32 (SIMT, exact f32): each image's H x W is contiguous, the
// input's slice is K x M in workgroup memory: copied 4 floats at a time
// along M. The FCHW filter runs along K, which the SIMT layout (K x N)
// does not: copied a float at a time (cp.async's smallest size).

// CHECK-LABEL: func.func @nchw_1x1_f32
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%[[A:.*]] : memref<3x8x128xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x8x16xf32, #gpu.address_space<workgroup>>)
// CHECK:           nvgpu.device_async_copy {{.*}}, %[[A]][%c0, {{.*}}], 4, {{.*}} {bypassL1}
// CHECK:           nvgpu.device_async_copy {{.*}}, %[[B]][%c0, {{.*}}], 1, %{{[0-9]+}} :
// CHECK:           scf.for
func.func @nchw_1x1_f32(%x: tensor<2x8x8x8xf32>, %w: tensor<16x8x1x1xf32>) -> tensor<2x16x8x8xf32> {
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x16x8x8xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x8x8x8xf32>, tensor<16x8x1x1xf32>)
      outs(%fill : tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32>
  return %y : tensor<2x16x8x8xf32>
}

// Tune's weight fold: the filter w is copied as it lies in memory, and
// each thread applies the fold (w * s) to the elements it copied, in
// workgroup memory, once its copies have landed (after the wait, before
// the barrier that shows the slice to every thread); the input is copied
// too.

// CHECK-LABEL: func.func @tune_fold
// CHECK:         %[[WBUF:.*]] = bufferization.to_buffer %arg1 read_only : tensor<3x3x16x32xf16> to memref<3x3x16x32xf16>
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%[[A:.*]] : memref<3x32x40xf16, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x32x40xf16, #gpu.address_space<workgroup>>,
// CHECK:           %[[WFLAT:.*]] = memref.collapse_shape %[[WBUF]]
// CHECK:           nvgpu.device_async_copy {{.*}}, %[[A]]
// CHECK:           nvgpu.device_async_copy %[[WFLAT]][{{.*}}], %[[B]][%c0,
// CHECK-NOT:       gpu.barrier
// CHECK:           nvgpu.device_async_wait
// CHECK:           %[[W0:.*]] = memref.load %[[B]][%c0,
// CHECK:           arith.mulf %[[W0]],
// CHECK:           memref.store {{.*}}, %[[B]][%c0,
// CHECK:           scf.for
// CHECK:             gpu.barrier
// CHECK:             nvgpu.device_async_copy %[[WFLAT]]
// CHECK:             vector.contract
// CHECK:             nvgpu.device_async_wait
// CHECK:             memref.load %[[B]]
// CHECK:             arith.mulf
// CHECK:             memref.store {{.*}}, %[[B]]
// CHECK:             scf.yield
func.func @tune_fold(%x: tensor<2x6x6x16xf16>, %w: tensor<3x3x16x32xf16>, %s: tensor<32xf16>) -> tensor<2x4x4x32xf32> {
  %empty = tensor.empty() : tensor<3x3x16x32xf16>
  %folded = linalg.generic {
      indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%w, %s : tensor<3x3x16x32xf16>, tensor<32xf16>) outs(%empty : tensor<3x3x16x32xf16>) {
  ^bb0(%a: f16, %b: f16, %out: f16):
    %p = arith.mulf %a, %b : f16
    linalg.yield %p : f16
  } -> tensor<3x3x16x32xf16>
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x4x4x32xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x4x4x32xf32>) -> tensor<2x4x4x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %folded : tensor<2x6x6x16xf16>, tensor<3x3x16x32xf16>)
      outs(%fill : tensor<2x4x4x32xf32>) -> tensor<2x4x4x32xf32>
  return %y : tensor<2x4x4x32xf32>
}

// The same fold in f32, NCHW / FCHW (SIMT): the filter's slice is K x N in
// workgroup memory, copied a float at a time along K and folded in place.

// CHECK-LABEL: func.func @tune_fold_nchw_f32
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%{{.*}} : memref<3x8x{{[0-9]+}}xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x8x16xf32, #gpu.address_space<workgroup>>)
// CHECK:           nvgpu.device_async_copy {{.*}}, %[[B]][%c0, {{.*}}], 1,
// CHECK:           nvgpu.device_async_wait
// CHECK:           memref.load %[[B]][%c0,
// CHECK:           arith.mulf
// CHECK:           memref.store {{.*}}, %[[B]][%c0,
func.func @tune_fold_nchw_f32(%x: tensor<2x8x7x7xf32>, %w: tensor<12x8x3x3xf32>, %s: tensor<12xf32>) -> tensor<2x12x5x5xf32> {
  %empty = tensor.empty() : tensor<12x8x3x3xf32>
  %folded = linalg.generic {
      indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%w, %s : tensor<12x8x3x3xf32>, tensor<12xf32>) outs(%empty : tensor<12x8x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<12x8x3x3xf32>
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x12x5x5xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x12x5x5xf32>) -> tensor<2x12x5x5xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %folded : tensor<2x8x7x7xf32>, tensor<12x8x3x3xf32>)
      outs(%fill : tensor<2x12x5x5xf32>) -> tensor<2x12x5x5xf32>
  return %y : tensor<2x12x5x5xf32>
}

// Padding with 1 (not what a zero fill writes), and an input that is a
// slice of a larger tensor (a view whose alignment is not known): both go
// through registers; the filter is copied.

// CHECK-LABEL: func.func @ones_padded
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%[[A:.*]] : memref<3x64x40xf16, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x32x40xf16, #gpu.address_space<workgroup>>,
// CHECK-NOT:       nvgpu.device_async_copy {{.*}}, %[[A]]
// CHECK:           nvgpu.device_async_copy {{.*}}, %[[B]]
// CHECK-NOT:       nvgpu.device_async_copy {{.*}}, %[[A]]
// CHECK:         return
func.func @ones_padded(%x: tensor<2x6x6x16xf16>, %w: tensor<3x3x16x32xf16>) -> tensor<2x6x6x32xf32> {
  %one = arith.constant 1.0 : f16
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %one : f16
  } : tensor<2x6x6x16xf16> to tensor<2x8x8x16xf16>
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x6x6x32xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x6x6x32xf32>) -> tensor<2x6x6x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<2x8x8x16xf16>, tensor<3x3x16x32xf16>)
      outs(%fill : tensor<2x6x6x32xf32>) -> tensor<2x6x6x32xf32>
  return %y : tensor<2x6x6x32xf32>
}

// CHECK-LABEL: func.func @sliced_input
// CHECK:         bufferization.to_buffer %{{.*}} read_only : tensor<2x6x6x16xf16> to memref<2x6x6x16xf16, strided<[?, ?, ?, ?], offset: ?>>
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%[[A:.*]] : memref<3x32x40xf16, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x32x40xf16, #gpu.address_space<workgroup>>,
// CHECK-NOT:       nvgpu.device_async_copy {{.*}}, %[[A]]
// CHECK:           nvgpu.device_async_copy {{.*}}, %[[B]]
// CHECK-NOT:       nvgpu.device_async_copy {{.*}}, %[[A]]
// CHECK:         return
func.func @sliced_input(%big: tensor<2x6x6x24xf16>, %w: tensor<3x3x16x32xf16>) -> tensor<2x4x4x32xf32> {
  %x = tensor.extract_slice %big[0, 0, 0, 3] [2, 6, 6, 16] [1, 1, 1, 1] : tensor<2x6x6x24xf16> to tensor<2x6x6x16xf16>
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x4x4x32xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x4x4x32xf32>) -> tensor<2x4x4x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x6x6x16xf16>, tensor<3x3x16x32xf16>)
      outs(%fill : tensor<2x4x4x32xf32>) -> tensor<2x4x4x32xf32>
  return %y : tensor<2x4x4x32xf32>
}
