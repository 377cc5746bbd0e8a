// bf16 convolutions that accumulate in f32 multiply on tensor cores from
// sm_80 (mma.sync m16n8k16; V100 has no bf16 tensor cores). Upstream's
// vector-to-nvgpu conversion has no register layout for bf16 fragments,
// which mma.sync lays out as f16 ones: the slices are bytes in workgroup
// memory, written through a bf16 view (cp.async copies keep their element
// type) and read as f16 fragments through another, which go back to bf16
// by a bitcast before the contraction. Before sm_80, and for a bf16
// accumulator (which tensor cores do not have), bf16 stays SIMT.
//
// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   "--convbn-gpu-implicit-gemm=chip=sm_80" --cse | FileCheck %s --check-prefix=BF16
// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   "--convbn-gpu-implicit-gemm=chip=sm_75" --cse | FileCheck %s --check-prefix=SIMT
//
// Run on the host, the tensor-core kernels agree with the original
// program, with the heuristic's tiles and with tiles that divide nothing
// (both compute bf16 products exactly and add them in f32: only the order
// of the sums and the final rounding to bf16 differ). (@bf16_accumulator's
// sums are rounded to bf16 one by one, so their order shows: 6e-2 apart
// here; not compared.)
// RUN: %exec-compare %s --func nhwc_stride2,nchw_dilated_bias,grouped,tune_relu --quiet --rtol 1e-2 --atol 1e-2 \
// RUN:   "--passes=--convert-convbn-to-linalg --linalg-fuse-elementwise-ops --convbn-gpu-implicit-gemm=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convert-convbn-to-linalg --linalg-fuse-elementwise-ops '--convbn-gpu-implicit-gemm=chip=sm_90 mma-tiles=32,48,48,16,16' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convbn-gpu-launches=chip=sm_80 --convbn-gpu-launch-to-host-loops" \
// RUN:   | FileCheck %s --check-prefix=EXEC
// EXEC-COUNT-3: all 4 functions agree
//
// convbn-gpu-contracts-to-mma-sync converts the chains as f16 (ldmatrix)
// and gives mma.sync bf16 operands; convbn-gpu-mma-sync-bf16-to-nvvm and
// the rest of lower-to-nvvm make PTX's bf16 mma.sync of them.
// RUN: convbn-opt %s "--convbn-gpu-launches=chip=sm_80" --gpu-kernel-outlining \
// RUN:   | convbn-opt "--pass-pipeline=builtin.module(gpu.module(convbn-gpu-contracts-to-mma-sync),canonicalize)" \
// RUN:   | FileCheck %s --check-prefix=MMASYNC
// MMASYNC-NOT: vector.contract
// MMASYNC:     nvgpu.ldmatrix {{.*}} : memref<{{.*}}xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// MMASYNC:     %[[A:.*]] = arith.bitcast %{{.*}} : vector<4x2xf16> to vector<4x2xbf16>
// MMASYNC:     %[[B:.*]] = arith.bitcast %{{.*}} : vector<2x2xf16> to vector<2x2xbf16>
// MMASYNC:     nvgpu.mma.sync(%[[A]], %[[B]], %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>) -> vector<2x2xf32>
// MMASYNC-NOT: vector.contract
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_80 format=isa" | FileCheck %s --check-prefix=PTX
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_90 format=isa" | FileCheck %s --check-prefix=PTX
// PTX:     cp.async
// PTX:     ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX:     mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// RUN: convbn-opt %s "--lower-to-nvvm=chip=sm_75 format=isa" | FileCheck %s --check-prefix=PTX-SIMT
// PTX-SIMT-NOT: mma.sync
// PTX-SIMT:     fma.rn.f32
// PTX-SIMT-NOT: mma.sync

// NHWC, 3x3, stride 2, padding 1, accumulated in f32: M = 50, N = 32,
// K = 144. Both operands run along workgroup memory's rows in memory:
// 16-byte asynchronous copies into the bf16 views.

// BF16-LABEL: func.func @nhwc_stride2
// BF16:         gpu.launch
// BF16-SAME:      workgroup(%[[A:.*]] : memref<[[ABYTES:[0-9]+]]xi8, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<[[BBYTES:[0-9]+]]xi8, #gpu.address_space<workgroup>>, %{{.*}} : memref<{{.*}}xf32, #gpu.address_space<workgroup>>)
// BF16-DAG:       %[[AW:.*]] = memref.view %[[A]][%{{.*}}][] : memref<[[ABYTES]]xi8, #gpu.address_space<workgroup>> to memref<3x{{[0-9]+}}x{{[0-9]+}}xbf16, #gpu.address_space<workgroup>>
// BF16-DAG:       %[[AR:.*]] = memref.view %[[A]][%{{.*}}][] : memref<[[ABYTES]]xi8, #gpu.address_space<workgroup>> to memref<3x{{[0-9]+}}x{{[0-9]+}}xf16, #gpu.address_space<workgroup>>
// BF16-DAG:       %[[BW:.*]] = memref.view %[[B]][%{{.*}}][] : memref<[[BBYTES]]xi8, #gpu.address_space<workgroup>> to memref<3x{{[0-9]+}}x{{[0-9]+}}xbf16, #gpu.address_space<workgroup>>
// BF16-DAG:       %[[BR:.*]] = memref.view %[[B]][%{{.*}}][] : memref<[[BBYTES]]xi8, #gpu.address_space<workgroup>> to memref<3x{{[0-9]+}}x{{[0-9]+}}xf16, #gpu.address_space<workgroup>>
// BF16:           nvgpu.device_async_copy {{.*}}, %[[AW]][{{.*}}], 8, {{.*}} : memref<{{[0-9]+}}xbf16> to memref<3x{{.*}}xbf16, #gpu.address_space<workgroup>>
// BF16:           nvgpu.device_async_copy {{.*}}, %[[BW]][{{.*}}], 8, {{.*}} : memref<{{[0-9]+}}xbf16> to memref<3x{{.*}}xbf16, #gpu.address_space<workgroup>>
// BF16:           scf.for
// BF16:             %[[X:.*]] = vector.transfer_read %[[AR]]{{.*}} : memref<3x{{.*}}xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// BF16:             %[[XB:.*]] = arith.bitcast %[[X]] : vector<16x16xf16> to vector<16x16xbf16>
// BF16:             vector.transfer_read %[[BR]]{{.*}} : memref<3x{{.*}}xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// BF16:             vector.extract_strided_slice
// BF16:             %[[WB:.*]] = arith.bitcast %{{.*}} : vector<8x16xf16> to vector<8x16xbf16>
// BF16:             vector.contract {{.*}} %[[XB]], %[[WB]], %{{.*}} : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
// SIMT-LABEL: func.func @nhwc_stride2
// SIMT:         gpu.launch
// SIMT-NOT:       vector.contract
// SIMT-NOT:       memref.view
// SIMT:           memref.alloca() : memref<{{[0-9]+}}x{{[0-9]+}}xf32>
func.func @nhwc_stride2(%x: tensor<2x9x9x16xbf16>, %w: tensor<3x3x16x32xbf16>) -> tensor<2x5x5x32xf32> {
  %bzero = arith.constant 0.0 : bf16
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %bzero : bf16
  } : tensor<2x9x9x16xbf16> to tensor<2x11x11x16xbf16>
  %init = tensor.empty() : tensor<2x5x5x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<2x5x5x32xf32>) -> tensor<2x5x5x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<2x11x11x16xbf16>, tensor<3x3x16x32xbf16>)
      outs(%fill : tensor<2x5x5x32xf32>) -> tensor<2x5x5x32xf32>
  return %y : tensor<2x5x5x32xf32>
}

// NCHW, dilation 2, a bias broadcast into the accumulators' initial value:
// M = 36, N = 32, K = 144.

// BF16-LABEL: func.func @nchw_dilated_bias
// BF16:         gpu.launch
// BF16:           vector.contract {{.*}} : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
func.func @nchw_dilated_bias(%x: tensor<1x16x10x10xbf16>, %w: tensor<32x16x3x3xbf16>,
                             %bias: tensor<32xf32>) -> tensor<1x32x6x6xf32> {
  %init = tensor.empty() : tensor<1x32x6x6xf32>
  %b = linalg.broadcast ins(%bias : tensor<32xf32>) outs(%init : tensor<1x32x6x6xf32>) dimensions = [0, 2, 3]
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x10x10xbf16>, tensor<32x16x3x3xbf16>)
      outs(%b : tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32>
  return %y : tensor<1x32x6x6xf32>
}

// Grouped, 16 output channels per group: a 16 x 16 GEMM per group.

// BF16-LABEL: func.func @grouped
// BF16:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c2)
// BF16:           vector.contract {{.*}} into vector<16x8xf32>
func.func @grouped(%x: tensor<1x2x16x6x6xbf16>, %w: tensor<2x16x16x3x3xbf16>) -> tensor<1x2x16x4x4xf32> {
  %fzero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x2x16x4x4xf32>
  %fill = linalg.fill ins(%fzero : f32) outs(%init : tensor<1x2x16x4x4xf32>) -> tensor<1x2x16x4x4xf32>
  %y = linalg.conv_2d_ngchw_gfchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x16x6x6xbf16>, tensor<2x16x16x3x3xbf16>)
      outs(%fill : tensor<1x2x16x4x4xf32>) -> tensor<1x2x16x4x4xf32>
  return %y : tensor<1x2x16x4x4xf32>
}

// Tune in bf16 (the fold w * s on the way into workgroup memory, rounded to
// bf16 as the reference does) with a ReLU; the result rounded to bf16.

// BF16-LABEL: func.func @tune_relu
// BF16:         gpu.launch
// BF16:           vector.contract {{.*}} : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
// BF16:           arith.maximumf
func.func @tune_relu(%x: tensor<2x32x6x6xbf16>, %w: tensor<48x32x1x1xbf16>,
                     %g: tensor<48xbf16>, %b: tensor<48xbf16>, %m: tensor<48xbf16>,
                     %v: tensor<48xbf16>) -> tensor<2x48x6x6xbf16> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) epsilon = 1.0e-05
         : tensor<2x32x6x6xbf16>, tensor<48x32x1x1xbf16>, tensor<48xbf16>
  %zero = arith.constant 0.0 : bf16
  %init = tensor.empty() : tensor<2x48x6x6xbf16>
  %r = linalg.generic {indexing_maps = [affine_map<(a,b,c,d)->(a,b,c,d)>, affine_map<(a,b,c,d)->(a,b,c,d)>],
                       iterator_types = ["parallel","parallel","parallel","parallel"]}
      ins(%y : tensor<2x48x6x6xbf16>) outs(%init : tensor<2x48x6x6xbf16>) {
  ^bb0(%in: bf16, %out: bf16):
    %c = arith.maximumf %in, %zero : bf16
    linalg.yield %c : bf16
  } -> tensor<2x48x6x6xbf16>
  return %r : tensor<2x48x6x6xbf16>
}

// A bf16 accumulator: each sum rounded to bf16, which tensor cores do not
// do; SIMT.

// BF16-LABEL: func.func @bf16_accumulator
// BF16:         gpu.launch
// BF16-NOT:       vector.contract
// BF16-NOT:       memref.view
// BF16:           memref.alloca() : memref<{{[0-9]+}}x{{[0-9]+}}xbf16>
func.func @bf16_accumulator(%x: tensor<1x16x6x6xbf16>, %w: tensor<32x16x3x3xbf16>) -> tensor<1x32x4x4xbf16> {
  %zero = arith.constant 0.0 : bf16
  %init = tensor.empty() : tensor<1x32x4x4xbf16>
  %fill = linalg.fill ins(%zero : bf16) outs(%init : tensor<1x32x4x4xbf16>) -> tensor<1x32x4x4xbf16>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x6x6xbf16>, tensor<32x16x3x3xbf16>)
      outs(%fill : tensor<1x32x4x4xbf16>) -> tensor<1x32x4x4xbf16>
  return %y : tensor<1x32x4x4xbf16>
}
