// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   --convbn-gpu-implicit-gemm --cse --split-input-file | FileCheck %s
// With the heuristic's tiles, and with tiles that divide nothing (7 x 6 x 5
// blocks of 7 / 2 x 3 threads; the last slices of M, N and K are partial):
// RUN: %exec-compare %s --all-funcs --quiet "--passes=--convert-convbn-to-linalg \
// RUN:   --linalg-fuse-elementwise-ops --convbn-gpu-implicit-gemm --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--convert-convbn-to-linalg \
// RUN:   --linalg-fuse-elementwise-ops --convbn-gpu-implicit-gemm=tiles=7,6,5,1,3 \
// RUN:   --convbn-gpu-launch-to-host-loops" | FileCheck %s --check-prefix=EXEC

// EXEC-COUNT-2: all 6 functions agree

// eval, NCHW, 3x3 with padding 1: a GEMM of M = 2 x 10 x 10 rows, N = 16
// columns and K = 8 x 3 x 3: blocks of 128 x 16 outputs, 64 threads of 8 x 4
// outputs each, two stages of workgroup memory. The pad is absorbed
// (predicated loads of the unpadded input), and so is the normalisation
// (applied to the accumulators before the one store): one launch, no linalg
// op left.

// CHECK-LABEL: func.func @eval
// CHECK-NOT:     tensor.pad
// CHECK-NOT:     linalg.
// CHECK:         %[[X:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK:         %[[W:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK:         %[[OUT:.*]] = memref.alloc() : memref<2x16x10x10xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c64, {{.*}} = %c1, {{.*}} = %c1)
// CHECK-SAME:      workgroup(%[[A:.*]] : memref<2x8x128xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<2x8x16xf32, #gpu.address_space<workgroup>>)
// Contiguous buffers are read through flat views (one linear index, so
// that elements a constant distance apart are a constant offset apart).
// CHECK-DAG:       %[[WFLAT:.*]] = memref.collapse_shape %[[W]] {{\[\[}}0, 1, 2, 3]] : memref<16x8x3x3xf32> into memref<1152xf32>
// CHECK-DAG:       %[[XFLAT:.*]] = memref.collapse_shape %[[X]] {{\[\[}}0, 1, 2, 3]] : memref<2x8x10x10xf32> into memref<1600xf32>
// CHECK:           %[[ACC:.*]] = memref.alloca() : memref<8x4xf32>
// The first slice, into stage 0. Zero padding: the unpadded input is read
// at clamped indices, and zero selected where they fall outside it.
// CHECK:           memref.load %[[XFLAT]]
// CHECK:           memref.load %[[WFLAT]]
// CHECK:           memref.store {{.*}}, %[[A]][%c0,
// CHECK:           memref.store {{.*}}, %[[B]][%c0,
// CHECK-NOT:       gpu.barrier
// Then per slice: one barrier (the slice is there, the previous one is
// done with), the next slice into registers, the multiply-adds out of this
// slice's stage, the next slice into the other stage.
// CHECK:           scf.for %{{.*}} = %c0 to %c72 step %c8
// CHECK-NEXT:        gpu.barrier
// CHECK:             %[[STAGE:.*]] = arith.remui %{{.*}}, %c2
// CHECK:             %[[NEXT:.*]] = arith.remui %{{.*}}, %c2
// CHECK:             memref.load %[[XFLAT]]
// CHECK:             memref.load %[[WFLAT]]
// CHECK-NOT:         memref.store
// CHECK:             scf.for %{{.*}} = %c0 to %c8 step %c1
// CHECK-COUNT-8:       memref.load %[[A]][%[[STAGE]],
// CHECK-COUNT-4:       memref.load %[[B]][%[[STAGE]],
// CHECK-COUNT-32:      arith.mulf
// CHECK:             memref.store {{.*}}, %[[A]][%[[NEXT]],
// CHECK:             memref.store {{.*}}, %[[B]][%[[NEXT]],
// CHECK-NOT:         gpu.barrier
// CHECK:           }
// The epilogue: eval's normalisation, then the store.
// CHECK:           math.sqrt
// CHECK:           memref.store {{.*}}, %[[OUT]]
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable
func.func @eval(%x: tensor<2x8x10x10xf32>, %w: tensor<16x8x3x3xf32>,
                %g: tensor<16xf32>, %b: tensor<16xf32>, %m: tensor<16xf32>,
                %v: tensor<16xf32>) -> tensor<2x16x10x10xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-05
         : tensor<2x8x10x10xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>
  return %y : tensor<2x16x10x10xf32>
}

// -----

// tune, NHWC with a strided 3x3: the per-channel scale gamma / sqrt(var +
// eps), which the weight fold (w times the scale) and the folded bias
// share, is computed per block at the kernel's start, the block's 16
// entries into workgroup memory, then a barrier: one launch, nothing
// before it. The weight fold is applied on the way into workgroup memory
// (the scale read from there), the folded bias is the accumulators'
// initial value. Consecutive threads load consecutive input channels (the
// innermost dimension of the input) but consecutive output channels of the
// HWCF filter.

// CHECK-LABEL: func.func @tune
// CHECK-NOT:     linalg.
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%{{.*}} : memref<2x8x16xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x8x16xf32, #gpu.address_space<workgroup>>, %[[S:.*]] : memref<16xf32, #gpu.address_space<workgroup>>)
// CHECK:           math.sqrt
// CHECK:           memref.store %{{.*}}, %[[S]][
// CHECK-NEXT:      }
// CHECK-NEXT:      gpu.barrier
// CHECK-NOT:       math.sqrt
// CHECK:           %[[SC:.*]] = memref.load %[[S]]
// CHECK:           arith.mulf %{{.*}}, %[[SC]]
// CHECK:           memref.store {{.*}} : memref<2x8x16xf32, #gpu.address_space<workgroup>>
// CHECK-NOT:       math.sqrt
// CHECK:         bufferization.to_tensor
func.func @tune(%x: tensor<1x9x9x6xf32>, %w: tensor<3x3x6x12xf32>,
                %g: tensor<12xf32>, %b: tensor<12xf32>, %m: tensor<12xf32>,
                %v: tensor<12xf32>) -> tensor<1x4x4x12xf32> {
  %y = convbn.conv_bn tune nhwc_hwcf %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) strides = [2, 2] epsilon = 1.0e-05
         : tensor<1x9x9x6xf32>, tensor<3x3x6x12xf32>, tensor<12xf32>
  return %y : tensor<1x4x4x12xf32>
}

// -----

// The same block with its per-channel scale also returned (as a training
// step keeps it for backward): the scale has a user outside the kernel, so
// it is computed before the launch, as a tensor in memory that the kernel
// reads; the kernel has no workgroup buffer for it.

// CHECK-LABEL: func.func @scale_also_returned
// CHECK:         %[[SCALE:.*]] = linalg.generic
// CHECK:           math.sqrt
// CHECK:         %[[S:.*]] = bufferization.to_buffer %[[SCALE]] read_only
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%{{.*}} : memref<2x8x16xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x8x16xf32, #gpu.address_space<workgroup>>) {
// CHECK-NOT:       math.sqrt
// CHECK:           memref.load %[[S]]
// CHECK:         return %{{.*}}, %[[SCALE]]
#vector = affine_map<(d0) -> (d0)>
#element = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#channel = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @scale_also_returned(%x: tensor<1x9x9x6xf32>, %w: tensor<3x3x6x12xf32>,
                               %g: tensor<12xf32>, %b: tensor<12xf32>, %m: tensor<12xf32>,
                               %v: tensor<12xf32>) -> (tensor<1x4x4x12xf32>, tensor<12xf32>) {
  %eps = arith.constant 1.0e-05 : f32
  %e0 = tensor.empty() : tensor<12xf32>
  %scale = linalg.generic {indexing_maps = [#vector, #vector, #vector], iterator_types = ["parallel"]}
      ins(%v, %g : tensor<12xf32>, tensor<12xf32>) outs(%e0 : tensor<12xf32>) {
  ^bb0(%var: f32, %gamma: f32, %out: f32):
    %0 = arith.addf %var, %eps : f32
    %1 = math.sqrt %0 : f32
    %2 = arith.divf %gamma, %1 : f32
    linalg.yield %2 : f32
  } -> tensor<12xf32>
  %e1 = tensor.empty() : tensor<3x3x6x12xf32>
  %folded = linalg.generic {indexing_maps = [#element, #channel, #element], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%w, %scale : tensor<3x3x6x12xf32>, tensor<12xf32>) outs(%e1 : tensor<3x3x6x12xf32>) {
  ^bb0(%a: f32, %s: f32, %out: f32):
    %0 = arith.mulf %a, %s : f32
    linalg.yield %0 : f32
  } -> tensor<3x3x6x12xf32>
  %e2 = tensor.empty() : tensor<1x4x4x12xf32>
  %bias = linalg.generic {indexing_maps = [#channel, #channel, #channel, #element], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%scale, %m, %b : tensor<12xf32>, tensor<12xf32>, tensor<12xf32>) outs(%e2 : tensor<1x4x4x12xf32>) {
  ^bb0(%s: f32, %mean: f32, %beta: f32, %out: f32):
    %0 = arith.negf %mean : f32
    %1 = arith.mulf %0, %s : f32
    %2 = arith.addf %1, %beta : f32
    linalg.yield %2 : f32
  } -> tensor<1x4x4x12xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %folded : tensor<1x9x9x6xf32>, tensor<3x3x6x12xf32>) outs(%bias : tensor<1x4x4x12xf32>) -> tensor<1x4x4x12xf32>
  return %y, %scale : tensor<1x4x4x12xf32>, tensor<12xf32>
}

// -----

// Depthwise (one GEMM per channel, N = 1): the channels are the grid's z,
// and the blocks are tall and thin (M tiles of up to 256 rows; here the 64
// rows of the image, one per thread: thread tiles shrink so that a block
// keeps 64 threads).

// CHECK-LABEL: func.func @depthwise
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c6) threads({{.*}}) in ({{.*}} = %c64
// CHECK-SAME:      workgroup({{.*}} : memref<2x8x64xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<2x8x1xf32, #gpu.address_space<workgroup>>)
func.func @depthwise(%x: tensor<1x8x8x6xf32>, %w: tensor<3x3x6xf32>,
                     %g: tensor<6xf32>, %b: tensor<6xf32>, %m: tensor<6xf32>,
                     %v: tensor<6xf32>) -> tensor<1x8x8x6xf32> {
  %y = convbn.conv_bn eval nhwc_hwc %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-05
         : tensor<1x8x8x6xf32>, tensor<3x3x6xf32>, tensor<6xf32>
  return %y : tensor<1x8x8x6xf32>
}

// -----

// Grouped, f16 with f32 accumulation, and a ReLU: the rounding to f16 and
// the ReLU are part of the epilogue.

// CHECK-LABEL: func.func @grouped_f16
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}}, {{.*}}, {{.*}} = %c2)
// CHECK-SAME:      workgroup({{.*}} : memref<2x8x{{[0-9]+}}xf16, #gpu.address_space<workgroup>>, {{.*}} : memref<2x8x{{[0-9]+}}xf16, #gpu.address_space<workgroup>>)
// CHECK:           memref.alloca() : memref<{{[0-9]+}}x{{[0-9]+}}xf32>
// CHECK:           arith.truncf
// CHECK:           arith.maximumf
// CHECK:           memref.store {{.*}} : memref<1x2x4x6x6xf16>
func.func @grouped_f16(%x: tensor<1x2x3x6x6xf16>, %w: tensor<2x4x3x3x3xf16>,
                       %g: tensor<8xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>,
                       %v: tensor<8xf32>) -> tensor<1x2x4x6x6xf16> {
  %y = convbn.conv_bn eval ngchw_gfchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-05
         : tensor<1x2x3x6x6xf16>, tensor<2x4x3x3x3xf16>, tensor<8xf32>
  %zero = arith.constant 0.0 : f16
  %init = tensor.empty() : tensor<1x2x4x6x6xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(a,b,c,d,e)->(a,b,c,d,e)>, affine_map<(a,b,c,d,e)->(a,b,c,d,e)>],
                       iterator_types = ["parallel","parallel","parallel","parallel","parallel"]}
      ins(%y : tensor<1x2x4x6x6xf16>) outs(%init : tensor<1x2x4x6x6xf16>) {
  ^bb0(%in: f16, %out: f16):
    %c = arith.maximumf %in, %zero : f16
    linalg.yield %c : f16
  } -> tensor<1x2x4x6x6xf16>
  return %r : tensor<1x2x4x6x6xf16>
}

// -----

// A pad with a non-zero value, its constant defined inside the pad's body
// (which goes away with the pad): positions outside the input read 1.5.

// (The fusion pass of the first RUN line hoists the constant out of the
// body; the pass alone, below, sees it inside.)
// CHECK-LABEL: func.func @pad_value_inside
// CHECK-NOT:     tensor.pad
// CHECK:         arith.constant 1.500000e+00 : f32
// CHECK-NOT:     tensor.pad
// CHECK:         gpu.launch
// RUN: convbn-opt %s --split-input-file --convbn-gpu-implicit-gemm | FileCheck %s --check-prefix=DIRECT
// RUN: %exec-compare %s --func pad_value_inside \
// RUN:   "--passes=--convbn-gpu-implicit-gemm --convbn-gpu-launch-to-host-loops" | FileCheck %s --check-prefix=EXEC1
// DIRECT-LABEL: func.func @pad_value_inside
// DIRECT-NOT:     tensor.pad
// DIRECT:         gpu.launch
// DIRECT:           arith.constant 1.500000e+00 : f32
// EXEC1: @pad_value_inside: 75 values agree
func.func @pad_value_inside(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x5x5xf32> {
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    %v = arith.constant 1.5 : f32
    tensor.yield %v : f32
  } : tensor<1x2x5x5xf32> to tensor<1x2x7x7xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x3x5x5xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x3x5x5xf32>) -> tensor<1x3x5x5xf32>
  %y = linalg.conv_2d_nchw_fchw ins(%padded, %w : tensor<1x2x7x7xf32>, tensor<3x2x3x3xf32>)
      outs(%fill : tensor<1x3x5x5xf32>) -> tensor<1x3x5x5xf32>
  return %y : tensor<1x3x5x5xf32>
}
