// Tensor-core kernels: f16 convolutions (sm_70+) whose GEMM is at least
// 16 x 16 become warp code, 16x16x16 (WMMA) or, from sm_80, 16x8x16
// (mma.sync) vector.contracts of fragments read from workgroup memory, accumulated in vectors the K loop
// carries; the accumulators go through workgroup memory to the epilogue.
// Run on the host (the warps' threads each compute the whole warp tile,
// which agrees with what the warp computes together), they agree with the
// original program, also with tiles that divide nothing, and with the
// smallest tiles (one warp of one fragment per block, many blocks).
//
// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   --convbn-gpu-implicit-gemm --cse | FileCheck %s
// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   "--convbn-gpu-implicit-gemm=chip=sm_80" --cse | FileCheck %s --check-prefix=SM80
// RUN: %exec-compare %s --all-funcs --quiet --rtol 4e-3 --atol 1e-3 \
// RUN:   "--passes=--convert-convbn-to-linalg --linalg-fuse-elementwise-ops --convbn-gpu-implicit-gemm --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convert-convbn-to-linalg --linalg-fuse-elementwise-ops --convbn-gpu-implicit-gemm=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   '--convbn-gpu-implicit-gemm=chip=sm_80 mma-tiles=16,16,16,16,16' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   '--convbn-gpu-implicit-gemm=chip=sm_80 mma-tiles=32,48,48,16,16' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convbn-gpu-launches=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   | FileCheck %s --check-prefix=EXEC
//
// The whole GPU pipeline up to kernels, on the host, and the same warp code
// as WMMA ops (convert-vector-to-gpu, as lower-to-nvvm runs it): every
// contraction becomes a gpu.subgroup_mma_compute, and in PTX for the V100
// a wmma.mma.sync of row-major fragments, loaded from 128-byte aligned
// shared memory.
// RUN: convbn-opt %s --lower-to-nvvm=format=isa | FileCheck %s --check-prefix=PTX
// PTX-COUNT-3: .shared .align 128 .b8 __wg_nhwc_stride2_kernel
// PTX:         wmma.load.a.sync.row.m16n16k16.shared.f16
// PTX:         wmma.load.b.sync.row.m16n16k16.shared.f16
// PTX:         wmma.mma.sync.row.row.m16n16k16.f32.f32
// PTX:         wmma.store.d.sync.row.m16n16k16.shared.f32
// RUN: convbn-opt %s --convbn-gpu-launches --convert-vector-to-gpu --canonicalize \
// RUN:   | FileCheck %s --check-prefix=WMMA
//
// From sm_80 the fragments take mma.sync's m16n8k16 shapes (the filter's
// read transposed, 16 x 16 as N x K, split into two 8 x 16), which convbn-gpu-contracts-to-mma-sync turns into
// ldmatrix and mma.sync (as lower-to-nvvm runs it for sm_80 and sm_90).
// RUN: convbn-opt %s "--convbn-gpu-launches=chip=sm_80" --gpu-kernel-outlining \
// RUN:   | convbn-opt "--pass-pipeline=builtin.module(gpu.module(convbn-gpu-contracts-to-mma-sync),canonicalize)" \
// RUN:   | FileCheck %s --check-prefix=MMASYNC
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_80 format=isa" | FileCheck %s --check-prefix=PTX80
// PTX80-NOT: wmma
// PTX80:     ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX80:     ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX80-NOT: ldmatrix.sync.aligned.m8n8.x2
// PTX80:     mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX80-NOT: wmma

// EXEC-COUNT-5: all 5 functions agree

// MMASYNC-NOT: vector.contract
// MMASYNC-LABEL: gpu.func @nhwc_stride2_kernel
// MMASYNC:     nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<3x64x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// MMASYNC:     nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true} : memref<3x32x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// MMASYNC:     nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// MMASYNC:     vector.store {{.*}} : memref<64x36xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// An FCHW filter's slice is N x K in workgroup memory: its fragments are
// loaded without transposing.
// MMASYNC-LABEL: gpu.func @nchw_dilated_bias_kernel
// MMASYNC-NOT: transpose = true
// MMASYNC:     nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<3x32x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// MMASYNC-NOT: transpose = true
// MMASYNC-LABEL: gpu.func @grouped_kernel
// MMASYNC-NOT: vector.contract

// WMMA-NOT: vector.contract
// WMMA:     gpu.subgroup_mma_load_matrix {{.*}} {leadDimension = 40 : index} : memref<2x64x40xf16, #gpu.address_space<workgroup>> -> !gpu.mma_matrix<16x16xf16, "AOp">
// WMMA:     gpu.subgroup_mma_load_matrix {{.*}} {leadDimension = 40 : index} : memref<2x32x40xf16, #gpu.address_space<workgroup>> -> !gpu.mma_matrix<16x16xf16, "BOp">
// WMMA:     gpu.subgroup_mma_compute {{.*}} -> !gpu.mma_matrix<16x16xf32, "COp">
// WMMA:     gpu.subgroup_mma_store_matrix
// WMMA-NOT: vector.contract

// NHWC, 3x3, stride 2, padding 1, f16 with f32 accumulation, rounded to f16
// after: M = 2 x 5 x 5 = 50 rows, N = 24 columns, K = 72. Blocks of 64 x 32
// (the heuristic shrinks N to the GEMM), two warps of 32 x 32 (2 x 2
// fragments), slices of 32: every tile is partial somewhere. Workgroup
// memory holds both fragments row-major (the input's slice as M x K, the
// filter's as K x N) with rows padded by 16 bytes, and the accumulators.

// CHECK-LABEL: func.func @nhwc_stride2
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c64,
// CHECK-SAME:      workgroup(%[[A:.*]] : memref<2x64x40xf16, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<2x32x40xf16, #gpu.address_space<workgroup>>, %[[C:.*]] : memref<64x36xf32, #gpu.address_space<workgroup>>)
// CHECK:           %[[ACC:.*]]:4 = scf.for {{.*}} iter_args({{.*}}) -> (vector<16x16xf32>, vector<16x16xf32>, vector<16x16xf32>, vector<16x16xf32>)
// CHECK-NEXT:        gpu.barrier
// CHECK:             vector.transfer_read %[[A]]{{.*}} {in_bounds = [true, true]} : memref<2x64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// CHECK:             vector.transfer_read %[[B]]{{.*}} {in_bounds = [true, true]} : memref<2x32x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// CHECK:             vector.contract {{.*}} : vector<16x16xf16>, vector<16x16xf16> into vector<16x16xf32>
// CHECK-NOT:         gpu.barrier
// CHECK:           vector.transfer_write %[[ACC]]#0, %[[C]]
// CHECK:           gpu.barrier
// CHECK:           scf.for
// CHECK:             memref.load %[[C]]
// CHECK:             arith.truncf
// SM80-LABEL: func.func @nhwc_stride2
// SM80:           scf.for {{.*}} -> (vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>)
// SM80:             vector.transfer_read {{.*}} {in_bounds = [true, true]} : memref<3x64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// SM80:             %[[W:.*]] = vector.transfer_read {{.*}} {in_bounds = [true, true], permutation_map = #{{.*}}} : memref<3x32x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// SM80:             vector.extract_strided_slice %[[W]] {offsets = [0, 0], sizes = [8, 16], strides = [1, 1]} : vector<16x16xf16> to vector<8x16xf16>
// SM80:             vector.extract_strided_slice %[[W]] {offsets = [8, 0], sizes = [8, 16], strides = [1, 1]} : vector<16x16xf16> to vector<8x16xf16>
// SM80:             vector.contract {{.*}} : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
func.func @nhwc_stride2(%x: tensor<2x9x9x8xf16>, %w: tensor<3x3x8x24xf16>) -> tensor<2x5x5x24xf16> {
  %zero = arith.constant 0.0 : f16
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f16
  } : tensor<2x9x9x8xf16> to tensor<2x11x11x8xf16>
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x5x5x24xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<2x5x5x24xf32>) -> tensor<2x5x5x24xf32>
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<2x11x11x8xf16>, tensor<3x3x8x24xf16>)
      outs(%fill : tensor<2x5x5x24xf32>) -> tensor<2x5x5x24xf32>
  %hinit = tensor.empty() : tensor<2x5x5x24xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(a,b,c,d)->(a,b,c,d)>, affine_map<(a,b,c,d)->(a,b,c,d)>],
                       iterator_types = ["parallel","parallel","parallel","parallel"]}
      ins(%y : tensor<2x5x5x24xf32>) outs(%hinit : tensor<2x5x5x24xf16>) {
  ^bb0(%in: f32, %out: f16):
    %t = arith.truncf %in : f32 to f16
    linalg.yield %t : f16
  } -> tensor<2x5x5x24xf16>
  return %r : tensor<2x5x5x24xf16>
}

// NCHW, dilation 2, a bias broadcast into the accumulators' initial value
// (added in the epilogue: the fragments start from zero): M = 36, N = 32,
// K = 144.

// CHECK-LABEL: func.func @nchw_dilated_bias
// CHECK:         gpu.launch
// CHECK:           scf.for {{.*}} -> (vector<16x16xf32>
// CHECK:             vector.contract
// CHECK:           scf.for
// CHECK:             memref.load %{{.*}} : memref<32xf32>
// CHECK:             arith.addf
func.func @nchw_dilated_bias(%x: tensor<1x16x10x10xf16>, %w: tensor<32x16x3x3xf16>,
                             %bias: tensor<32xf32>) -> tensor<1x32x6x6xf32> {
  %init = tensor.empty() : tensor<1x32x6x6xf32>
  %b = linalg.broadcast ins(%bias : tensor<32xf32>) outs(%init : tensor<1x32x6x6xf32>) dimensions = [0, 2, 3]
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x10x10xf16>, tensor<32x16x3x3xf16>)
      outs(%b : tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32>
  return %y : tensor<1x32x6x6xf32>
}

// Grouped, 16 output channels per group: one GEMM of 16 x 16 per group
// (blocks of one warp and one fragment, the groups the grid's z).

// CHECK-LABEL: func.func @grouped
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c2) threads({{.*}}) in ({{.*}} = %c32,
// CHECK:           vector.contract
func.func @grouped(%x: tensor<1x2x8x6x6xf16>, %w: tensor<2x16x8x3x3xf16>) -> tensor<1x2x16x4x4xf32> {
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x2x16x4x4xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<1x2x16x4x4xf32>) -> tensor<1x2x16x4x4xf32>
  %y = linalg.conv_2d_ngchw_gfchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x8x6x6xf16>, tensor<2x16x8x3x3xf16>)
      outs(%fill : tensor<1x2x16x4x4xf32>) -> tensor<1x2x16x4x4xf32>
  return %y : tensor<1x2x16x4x4xf32>
}

// Tune, f16 (the fold w * s on the way into workgroup memory, then rounded
// to f16 as the frontend's fold is) with a ReLU after.

// CHECK-LABEL: func.func @tune_relu
// CHECK:         gpu.launch
// CHECK:           vector.contract
// CHECK:           arith.maximumf
func.func @tune_relu(%x: tensor<2x32x6x6xf16>, %w: tensor<48x32x1x1xf16>,
                     %g: tensor<48xf32>, %b: tensor<48xf32>, %m: tensor<48xf32>,
                     %v: tensor<48xf32>) -> tensor<2x48x6x6xf16> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) epsilon = 1.0e-05
         : tensor<2x32x6x6xf16>, tensor<48x32x1x1xf16>, tensor<48xf32>
  %zero = arith.constant 0.0 : f16
  %init = tensor.empty() : tensor<2x48x6x6xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(a,b,c,d)->(a,b,c,d)>, affine_map<(a,b,c,d)->(a,b,c,d)>],
                       iterator_types = ["parallel","parallel","parallel","parallel"]}
      ins(%y : tensor<2x48x6x6xf16>) outs(%init : tensor<2x48x6x6xf16>) {
  ^bb0(%in: f16, %out: f16):
    %c = arith.maximumf %in, %zero : f16
    linalg.yield %c : f16
  } -> tensor<2x48x6x6xf16>
  return %r : tensor<2x48x6x6xf16>
}

// bf16: a SIMT kernel on sm_70 (no bf16 tensor cores), mma.sync's shapes
// from sm_80, its fragments read as f16 out of byte buffers and bitcast
// (implicit-gemm-bf16.mlir).

// CHECK-LABEL: func.func @bf16
// CHECK:         gpu.launch
// CHECK-NOT:       vector.contract
// CHECK:           memref.alloca() : memref<{{[0-9]+}}x{{[0-9]+}}xf32>
// SM80-LABEL: func.func @bf16
// SM80:         gpu.launch
// SM80-SAME:      workgroup(%{{.*}} : memref<{{[0-9]+}}xi8, #gpu.address_space<workgroup>>, %{{.*}} : memref<{{[0-9]+}}xi8, #gpu.address_space<workgroup>>,
// SM80:           arith.bitcast %{{.*}} : vector<16x16xf16> to vector<16x16xbf16>
// SM80:           vector.contract {{.*}} : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
func.func @bf16(%x: tensor<1x8x8x16xbf16>, %w: tensor<16x3x3x16xbf16>) -> tensor<1x6x6x16xf32> {
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x6x6x16xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %y = linalg.conv_2d_nhwc_fhwc {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x8x8x16xbf16>, tensor<16x3x3x16xbf16>)
      outs(%fill : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  return %y : tensor<1x6x6x16xf32>
}
