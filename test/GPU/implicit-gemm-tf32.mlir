// With allow-tf32, f32 convolutions whose GEMM is at least 16 x 16
// become warp code from sm_80, in mma.sync's m16n8k8 TF32 shapes: the
// input's fragments 16 x 8 (M x K), the filter's 8 x 8 read transposed
// (N x K), 16 x 8 accumulators, slices of 16 (f32 slices of 32 would not
// fit in 48 KiB). Without allow-tf32, and before sm_80 (no TF32), f32 stays
// exact SIMT FMAs.
//
// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   "--convbn-gpu-implicit-gemm=chip=sm_80 allow-tf32=true" --cse | FileCheck %s --check-prefix=TF32
// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   "--convbn-gpu-implicit-gemm=chip=sm_80" --cse | FileCheck %s --check-prefix=EXACT
// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   "--convbn-gpu-implicit-gemm=chip=sm_75 allow-tf32=true" --cse | FileCheck %s --check-prefix=EXACT
//
// Run on the host (in f32: the host does not round to TF32, so this checks
// the schedule, not TF32's precision), the kernels agree with the original
// program, with the heuristic's tiles and with tiles that divide nothing.
// RUN: %exec-compare %s --all-funcs --quiet --rtol 1e-5 --atol 1e-5 \
// RUN:   "--passes=--convert-convbn-to-linalg --linalg-fuse-elementwise-ops '--convbn-gpu-implicit-gemm=chip=sm_80 allow-tf32=true' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convert-convbn-to-linalg --linalg-fuse-elementwise-ops '--convbn-gpu-implicit-gemm=chip=sm_90 allow-tf32=true mma-tiles=32,48,16,16,16' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convbn-gpu-launches='chip=sm_80 allow-tf32=true' --convbn-gpu-launch-to-host-loops" \
// RUN:   | FileCheck %s --check-prefix=EXEC
// EXEC-COUNT-3: all 4 functions agree
//
// convbn-gpu-contracts-to-mma-sync makes them nvgpu.mma.sync with
// tf32Enabled (per-lane loads: ldmatrix moves 16-bit elements), and PTX
// mma.sync.m16n8k8 on TF32 operands.
// RUN: convbn-opt %s "--convbn-gpu-launches=chip=sm_80 allow-tf32=true" --gpu-kernel-outlining \
// RUN:   | convbn-opt "--pass-pipeline=builtin.module(gpu.module(convbn-gpu-contracts-to-mma-sync{allow-tf32=true}),canonicalize)" \
// RUN:   | FileCheck %s --check-prefix=MMASYNC
// MMASYNC-NOT: vector.contract
// MMASYNC:     nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// MMASYNC-NOT: vector.contract
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_80 allow-tf32=true format=isa" | FileCheck %s --check-prefix=PTX
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_90 allow-tf32=true format=isa" | FileCheck %s --check-prefix=PTX
// PTX:     mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_80 format=isa" | FileCheck %s --check-prefix=PTX-EXACT
// PTX-EXACT-NOT: mma.sync
// PTX-EXACT:     fma.rn.f32
// PTX-EXACT-NOT: mma.sync

// NHWC, 3x3, stride 2, padding 1: M = 50, N = 24, K = 72. Blocks of 64 x 32,
// two warps of 32 x 32 (2 x 4 fragments of 16 x 8), slices of 16. Both
// operands run along workgroup memory's rows in memory too (channels of
// the input, output channels of the filter): 16-byte asynchronous copies,
// three stages.

// TF32-LABEL: func.func @nhwc_stride2
// TF32:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c64,
// TF32-SAME:      workgroup(%[[A:.*]] : memref<3x64x20xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x16x36xf32, #gpu.address_space<workgroup>>, %[[C:.*]] : memref<64x36xf32, #gpu.address_space<workgroup>>)
// TF32:           nvgpu.device_async_copy {{.*}}, %[[A]][{{.*}}], 4, {{.*}} {bypassL1}
// TF32:           nvgpu.device_async_copy {{.*}}, %[[B]][{{.*}}], 4, {{.*}} {bypassL1}
// TF32:           scf.for {{.*}} -> (vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>)
// TF32:             vector.transfer_read %[[A]]{{.*}} {in_bounds = [true, true]} : memref<3x64x20xf32, #gpu.address_space<workgroup>>, vector<16x8xf32>
// TF32:             vector.transfer_read %[[B]]{{.*}} {in_bounds = [true, true], permutation_map = #{{.*}}} : memref<3x16x36xf32, #gpu.address_space<workgroup>>, vector<8x8xf32>
// TF32-NOT:         vector.extract_strided_slice
// TF32:             vector.contract {{.*}} : vector<16x8xf32>, vector<8x8xf32> into vector<16x8xf32>
// EXACT-LABEL: func.func @nhwc_stride2
// EXACT:         gpu.launch
// EXACT-NOT:       vector.contract
// EXACT:           memref.alloca() : memref<{{[0-9]+}}x{{[0-9]+}}xf32>
func.func @nhwc_stride2(%x: tensor<2x9x9x8xf32>, %w: tensor<3x3x8x24xf32>) -> tensor<2x5x5x24xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<2x9x9x8xf32> to tensor<2x11x11x8xf32>
  %init = tensor.empty() : tensor<2x5x5x24xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<2x5x5x24xf32>) -> tensor<2x5x5x24xf32>
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<2x11x11x8xf32>, tensor<3x3x8x24xf32>)
      outs(%fill : tensor<2x5x5x24xf32>) -> tensor<2x5x5x24xf32>
  return %y : tensor<2x5x5x24xf32>
}

// NCHW, dilation 2, a bias broadcast into the accumulators' initial value:
// M = 36, N = 32, K = 144.

// TF32-LABEL: func.func @nchw_dilated_bias
// TF32:         gpu.launch
// TF32:           vector.contract {{.*}} into vector<16x8xf32>
// TF32:           memref.load %{{.*}} : memref<32xf32>
func.func @nchw_dilated_bias(%x: tensor<1x16x10x10xf32>, %w: tensor<32x16x3x3xf32>,
                             %bias: tensor<32xf32>) -> tensor<1x32x6x6xf32> {
  %init = tensor.empty() : tensor<1x32x6x6xf32>
  %b = linalg.broadcast ins(%bias : tensor<32xf32>) outs(%init : tensor<1x32x6x6xf32>) dimensions = [0, 2, 3]
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x10x10xf32>, tensor<32x16x3x3xf32>)
      outs(%b : tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32>
  return %y : tensor<1x32x6x6xf32>
}

// Grouped, 16 output channels per group: a 16 x 16 GEMM per group.

// TF32-LABEL: func.func @grouped
// TF32:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c2) threads({{.*}}) in ({{.*}} = %c32,
// TF32:           vector.contract
func.func @grouped(%x: tensor<1x2x8x6x6xf32>, %w: tensor<2x16x8x3x3xf32>) -> tensor<1x2x16x4x4xf32> {
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x2x16x4x4xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<1x2x16x4x4xf32>) -> tensor<1x2x16x4x4xf32>
  %y = linalg.conv_2d_ngchw_gfchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x8x6x6xf32>, tensor<2x16x8x3x3xf32>)
      outs(%fill : tensor<1x2x16x4x4xf32>) -> tensor<1x2x16x4x4xf32>
  return %y : tensor<1x2x16x4x4xf32>
}

// Tune (the fold w * s on the way into workgroup memory) with a ReLU.

// TF32-LABEL: func.func @tune_relu
// TF32:         gpu.launch
// TF32:           vector.contract
// TF32:           arith.maximumf
func.func @tune_relu(%x: tensor<2x32x6x6xf32>, %w: tensor<48x32x1x1xf32>,
                     %g: tensor<48xf32>, %b: tensor<48xf32>, %m: tensor<48xf32>,
                     %v: tensor<48xf32>) -> tensor<2x48x6x6xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) epsilon = 1.0e-05
         : tensor<2x32x6x6xf32>, tensor<48x32x1x1xf32>, tensor<48xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x48x6x6xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(a,b,c,d)->(a,b,c,d)>, affine_map<(a,b,c,d)->(a,b,c,d)>],
                       iterator_types = ["parallel","parallel","parallel","parallel"]}
      ins(%y : tensor<2x48x6x6xf32>) outs(%init : tensor<2x48x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.maximumf %in, %zero : f32
    linalg.yield %c : f32
  } -> tensor<2x48x6x6xf32>
  return %r : tensor<2x48x6x6xf32>
}
