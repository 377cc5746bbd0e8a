// Slices along one K loop: where the innermost K loop's range is a
// multiple of BK, every BK-slice lies within one value of the other K
// loops, which the kernel computes once per slice (not per element), and a
// thread's elements of a slice lie at constant distances from its first
// one: one clamped address per thread and slice, the rest constant offsets
// from it (through a flat view of the buffer). NCHW convolutions order K
// kh, kw, c for this (the FCHW filter's own order, c, kh, kw, has a filter
// tap innermost, whose range 3 no BK divides).
//
// RUN: convbn-opt %s "--convbn-gpu-implicit-gemm=tiles=32,16,8,4,4" --cse \
// RUN:   --canonicalize | FileCheck %s
// RUN: convbn-opt %s --convbn-gpu-implicit-gemm=chip=sm_80 --cse \
// RUN:   --canonicalize | FileCheck %s --check-prefix=SM80
//
// On the host, against the originals: the heuristic's tiles on V100 (SIMT
// f32, WMMA f16) and on sm_80 (mma.sync, asynchronous copies), the tiles
// above, tiles whose BK (5) divides no channel count (no slice loop), and
// the whole launch pipeline.
// RUN: %exec-compare %s --all-funcs --quiet --rtol 4e-3 --atol 1e-3 \
// RUN:   "--passes=--convbn-gpu-implicit-gemm --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convbn-gpu-implicit-gemm=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes='--convbn-gpu-implicit-gemm=tiles=32,16,8,4,4 mma-tiles=32,32,32,16,16' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes='--convbn-gpu-implicit-gemm=chip=sm_80 tiles=32,16,8,4,4 mma-tiles=32,32,32,16,16' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes='--convbn-gpu-implicit-gemm=tiles=7,6,5,1,3' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convbn-gpu-launches=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   | FileCheck %s --check-prefix=EXEC
// EXEC-COUNT-6: all 7 functions agree
//
// ptxas for sm_80: no spills.
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_80 format=isa" -o %t.sm80.mlir
// RUN: %python %convbn_utils/extract_ptx.py %t.sm80.mlir %t.sm80 > /dev/null
// RUN: %if ptxas %{ %ptxas --gpu-name sm_80 -v %t.sm80/nchw_f16_kernel.ptx -o %t.sm80.cubin 2>&1 | FileCheck %s --check-prefix=REGS %}
// REGS: 0 bytes spill stores, 0 bytes spill loads

// NCHW f32, 3x3, padding 1: M = 2 x 6 x 6, N = 16, K = 3 x 3 x 16 as
// kh, kw, c. Blocks of 32 x 16 x 8, 32 threads: each thread takes one row
// of the input's slice (a window position) and 8 of its channels, 36
// elements (one channel of the unpadded input) apart; and one channel of
// the filter's, for 4 output channels 4 apart (4 x 144 elements).

// CHECK-LABEL: func.func @nchw_f32
// CHECK-DAG:     %[[X:.*]] = bufferization.to_buffer %arg0 read_only : tensor<2x16x6x6xf32> to memref<2x16x6x6xf32>
// CHECK-DAG:     %[[W:.*]] = bufferization.to_buffer %arg1 read_only : tensor<16x16x3x3xf32> to memref<16x16x3x3xf32>
// CHECK:         gpu.launch
// CHECK-DAG:       %[[WF:.*]] = memref.collapse_shape %[[W]] {{\[\[}}0, 1, 2, 3]] : memref<16x16x3x3xf32> into memref<2304xf32>
// CHECK-DAG:       %[[XF:.*]] = memref.collapse_shape %[[X]] {{\[\[}}0, 1, 2, 3]] : memref<2x16x6x6xf32> into memref<1152xf32>
// CHECK:           scf.for %[[K0:.*]] = %c0 to %c144 step %c8
// CHECK-NEXT:        gpu.barrier
// The next slice's filter tap and first channel, once; past the end of K
// (144), the last slice's (starting at 136) again, which is never
// computed: no element is tested against K.
// CHECK:             %[[NEXT:.*]] = arith.addi %[[K0]], %c8 : index
// CHECK-NEXT:        %[[START:.*]] = arith.minui %[[NEXT]], %c136 : index
// CHECK-NEXT:        %[[TAP:.*]] = arith.divui %[[START]], %c16 : index
// CHECK-DAG:         arith.remui %[[TAP]], %c3 : index
// CHECK-DAG:         arith.divui %[[TAP]], %c3 : index
// CHECK-DAG:         arith.remui %[[START]], %c16 : index
// CHECK-NOT:         arith.cmpi ult, %{{.*}}, %c144
// CHECK-NOT:         arith.divui
// CHECK:             memref.load %[[XF]][%[[XA:.*]]] :
// CHECK:             %[[XA1:.*]] = arith.addi %[[XA]], %c36 : index
// CHECK-NEXT:        memref.load %[[XF]][%[[XA1]]]
// CHECK-NOT:         arith.divui
// CHECK-COUNT-6:     memref.load %[[XF]][%{{.*}}]
// CHECK-NOT:         arith.divui
// CHECK:             memref.load %[[WF]][%[[WA:.*]]] :
// CHECK:             %[[WA1:.*]] = arith.addi %[[WA]], %c576 : index
// CHECK-NEXT:        memref.load %[[WF]][%[[WA1]]]
// CHECK:             %[[WA2:.*]] = arith.addi %[[WA]], %c1152 : index
// CHECK-NEXT:        memref.load %[[WF]][%[[WA2]]]
// CHECK:             %[[WA3:.*]] = arith.addi %[[WA]], %c1728 : index
// CHECK-NEXT:        memref.load %[[WF]][%[[WA3]]]
// CHECK:             scf.for
func.func @nchw_f32(%x: tensor<2x16x6x6xf32>, %w: tensor<16x16x3x3xf32>) -> tensor<2x16x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<2x16x6x6xf32> to tensor<2x16x8x8xf32>
  %init = tensor.empty() : tensor<2x16x6x6xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<2x16x6x6xf32>) -> tensor<2x16x6x6xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<2x16x8x8xf32>, tensor<16x16x3x3xf32>)
      outs(%fill : tensor<2x16x6x6xf32>) -> tensor<2x16x6x6xf32>
  return %y : tensor<2x16x6x6xf32>
}

// NCHW f16, 3x3, padding 1, 32 channels: on sm_80 the tensor cores' slices
// are 32 deep, one filter tap each. Neither operand runs along K in memory
// in that order (the input along M, the filter 9 elements apart): both go
// through registers, two stages, no asynchronous copies.

// SM80-LABEL: func.func @nchw_f16
// SM80:         gpu.launch
// SM80-SAME:      workgroup(%{{.*}} : memref<2x64x40xf16, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x32x40xf16, #gpu.address_space<workgroup>>
// SM80-NOT:       nvgpu.device_async_copy
// SM80:           scf.for
// SM80:             gpu.barrier
// SM80:             vector.contract
// SM80-NOT:         nvgpu.device_async_copy
// SM80-LABEL: func.func @nhwc_f16
func.func @nchw_f16(%x: tensor<2x32x8x8xf16>, %w: tensor<32x32x3x3xf16>) -> tensor<2x32x8x8xf32> {
  %zero = arith.constant 0.0 : f16
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f16
  } : tensor<2x32x8x8xf16> to tensor<2x32x10x10xf16>
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x32x8x8xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x32x8x8xf32>) -> tensor<2x32x8x8xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<2x32x10x10xf16>, tensor<32x32x3x3xf16>)
      outs(%fill : tensor<2x32x8x8xf32>) -> tensor<2x32x8x8xf32>
  return %y : tensor<2x32x8x8xf32>
}

// NHWC f16, 3x3, stride 2, padding 1, 32 channels (K = 3 x 3 x 32 in the
// HWCF filter's order, channels innermost already): on sm_80 both slices
// are copied, the slice's filter tap computed once per slice.

// SM80:         gpu.launch
// SM80:           scf.for %[[K0:.*]] = %c0 to %c288 step %c32
// SM80:             %[[NEXT:.*]] = arith.addi %[[K0]], %c64 : index
// SM80:             %[[START:.*]] = arith.minui %[[NEXT]], %c256 : index
// SM80-NEXT:        %[[TAP:.*]] = arith.divui %[[START]], %c32 : index
// SM80-NEXT:        arith.remui %[[TAP]], %c3 : index
// SM80-NEXT:        arith.divui %[[TAP]], %c3 : index
// SM80-NEXT:        arith.remui %[[START]], %c32 : index
// SM80-NOT:         arith.divui
// SM80-COUNT-5:     nvgpu.device_async_copy
// SM80-NOT:         arith.divui
// SM80:             vector.contract
func.func @nhwc_f16(%x: tensor<2x9x9x32xf16>, %w: tensor<3x3x32x16xf16>) -> tensor<2x5x5x16xf32> {
  %zero = arith.constant 0.0 : f16
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f16
  } : tensor<2x9x9x32xf16> to tensor<2x11x11x32xf16>
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x5x5x16xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x5x5x16xf32>) -> tensor<2x5x5x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<2x11x11x32xf16>, tensor<3x3x32x16xf16>)
      outs(%fill : tensor<2x5x5x16xf32>) -> tensor<2x5x5x16xf32>
  return %y : tensor<2x5x5x16xf32>
}

// NCHW f32, 3x3 with stride 2 and dilation 2, no padding.
func.func @strided_dilated(%x: tensor<1x16x11x11xf32>, %w: tensor<16x16x3x3xf32>) -> tensor<1x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x16x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>, dilations = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x11x11xf32>, tensor<16x16x3x3xf32>)
      outs(%fill : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// Grouped NCHW f32: 2 groups of 16 channels.
func.func @grouped(%x: tensor<2x2x16x6x6xf32>, %w: tensor<2x16x16x3x3xf32>) -> tensor<2x2x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x2x16x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<2x2x16x4x4xf32>) -> tensor<2x2x16x4x4xf32>
  %y = linalg.conv_2d_ngchw_gfchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x2x16x6x6xf32>, tensor<2x16x16x3x3xf32>)
      outs(%fill : tensor<2x2x16x4x4xf32>) -> tensor<2x2x16x4x4xf32>
  return %y : tensor<2x2x16x4x4xf32>
}

// NCHW f32 with 12 channels: no BK of the heuristic (8) divides them; K
// keeps the filter's order and is decomposed per element.
func.func @no_slice_loop(%x: tensor<2x12x6x6xf32>, %w: tensor<16x12x3x3xf32>) -> tensor<2x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x16x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<2x16x4x4xf32>) -> tensor<2x16x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x12x6x6xf32>, tensor<16x12x3x3xf32>)
      outs(%fill : tensor<2x16x4x4xf32>) -> tensor<2x16x4x4xf32>
  return %y : tensor<2x16x4x4xf32>
}

// A weight fold as tune writes it (w * s[f], computed by the kernel): the
// register path reads w at the stepped addresses and applies the fold to
// each element, s read at the element's clamped indices.

// CHECK-LABEL: func.func @nchw_fold
// CHECK:         gpu.launch
// CHECK:           scf.for
// CHECK:             memref.load %{{.*}}[%[[WA:.*]]] : memref<2304xf32>
// CHECK:             arith.mulf
// CHECK:             %[[WA1:.*]] = arith.addi %[[WA]], %c576 : index
// CHECK-NEXT:        memref.load %{{.*}}[%[[WA1]]] : memref<2304xf32>
// CHECK:             arith.mulf
// CHECK:             scf.for
#fold_map = affine_map<(f, c, h, w) -> (f, c, h, w)>
#scale_map = affine_map<(f, c, h, w) -> (f)>
func.func @nchw_fold(%x: tensor<2x16x6x6xf32>, %w: tensor<16x16x3x3xf32>, %s: tensor<16xf32>) -> tensor<2x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<16x16x3x3xf32>
  %folded = linalg.generic {indexing_maps = [#fold_map, #scale_map, #fold_map],
                            iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%w, %s : tensor<16x16x3x3xf32>, tensor<16xf32>) outs(%empty : tensor<16x16x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<16x16x3x3xf32>
  %init = tensor.empty() : tensor<2x16x4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<2x16x4x4xf32>) -> tensor<2x16x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %folded : tensor<2x16x6x6xf32>, tensor<16x16x3x3xf32>)
      outs(%fill : tensor<2x16x4x4xf32>) -> tensor<2x16x4x4xf32>
  return %y : tensor<2x16x4x4xf32>
}
