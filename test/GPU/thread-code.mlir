// What each GPU thread computes (convbn-gpu-thread-code: the schedule,
// bufferization, and convbn-gpu-vectorize-thread-tiles), on the access
// patterns of real convolutions; run on the CPU against the original
// program on the same inputs, with the default tiles and with tiles that
// give these small tensors more lanes.
//
// RUN: convbn-opt %s --convbn-gpu-thread-code=argument-alignment=16 | FileCheck %s
// RUN: %exec-compare %s --all-funcs --passes=--convbn-gpu-thread-code | FileCheck %s --check-prefix=EXEC
// RUN: %exec-compare %s --all-funcs --passes=--convbn-gpu-thread-code=min-threads=1 | FileCheck %s --check-prefix=EXEC
// EXEC: all 6 functions agree

// A padded 3x3 window: the padded rows (30 columns, kept 32 apart so that
// each starts 16-byte aligned) give each thread's four outputs one window of
// the 6 columns they read, as a 16-byte and an 8-byte load put together, and
// each kernel tap takes its 4 lanes from it.
// CHECK-LABEL: func.func @padded_nchw
// CHECK:         scf.for {{.*}} -> (vector<4xf32>)
// CHECK:           scf.for {{.*}} -> (vector<4xf32>)
// CHECK:             %[[LO:.*]] = vector.load {{.*}} {alignment = 16 : i64} : memref<1x8x3x6xf32, strided<[7680, 960, 32, 1], offset: ?>>, vector<4xf32>
// CHECK:             %[[HI:.*]] = vector.load {{.*}} {alignment = 16 : i64} : memref<1x8x3x6xf32, {{.*}}>, vector<2xf32>
// CHECK:             %[[ROW:.*]] = vector.shuffle %[[LO]], %[[HI]] [0, 1, 2, 3, 4, 5]
// CHECK:             vector.shuffle %[[ROW]], %[[ROW]] [0, 1, 2, 3]
// CHECK:             %[[TAPS:.*]] = vector.load {{.*}} : memref<1x8x3x3xf32, {{.*}}>, vector<3xf32>
// CHECK:             vector.extract %[[TAPS]][0]
// CHECK:             vector.shuffle %[[ROW]], %[[ROW]] [1, 2, 3, 4]
// CHECK:             vector.extract %[[TAPS]][1]
// CHECK:             vector.shuffle %[[ROW]], %[[ROW]] [2, 3, 4, 5]
// CHECK:             vector.extract %[[TAPS]][2]
func.func @padded_nchw(%x: tensor<2x8x28x28xf32>, %w: tensor<16x8x3x3xf32>,
                       %g: tensor<16xf32>, %b: tensor<16xf32>,
                       %m: tensor<16xf32>, %v: tensor<16xf32>) -> tensor<2x16x28x28xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-05
         : tensor<2x8x28x28xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>
  return %y : tensor<2x16x28x28xf32>
}

// Stride 2: the lanes are every other column of one 7-wide window, aligned
// to 16 bytes (the window starts at column 8 * threadIdx.x) and read as 4 +
// 2 + 1 columns.
// CHECK-LABEL: func.func @strided_nchw
// CHECK:         vector.load {{.*}} {alignment = 16 : i64} : {{.*}}, vector<4xf32>
// CHECK:         vector.load {{.*}} {alignment = 16 : i64} : {{.*}}, vector<2xf32>
// CHECK:         vector.load {{.*}} {alignment = 8 : i64} : {{.*}}, vector<1xf32>
// CHECK:         %[[WIN:.*]] = vector.shuffle {{.*}} : vector<6xf32>, vector<1xf32>
// CHECK:         vector.shuffle %[[WIN]], %[[WIN]] [0, 2, 4, 6]
func.func @strided_nchw(%x: tensor<2x8x56x56xf32>, %w: tensor<16x8x1x1xf32>,
                        %g: tensor<16xf32>, %b: tensor<16xf32>,
                        %m: tensor<16xf32>, %v: tensor<16xf32>) -> tensor<2x16x28x28xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) strides = [2, 2] epsilon = 1.0e-05
         : tensor<2x8x56x56xf32>, tensor<16x8x1x1xf32>, tensor<16xf32>
  return %y : tensor<2x16x28x28xf32>
}

// Dilation 2: one 8-wide window (two 16-byte loads) serves the three taps,
// two columns apart.
// CHECK-LABEL: func.func @dilated_nchw
// CHECK:         %[[WIN:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xf32>, vector<4xf32>
// CHECK:         vector.shuffle %[[WIN]], %[[WIN]] [0, 1, 2, 3]
// CHECK:         vector.shuffle %[[WIN]], %[[WIN]] [2, 3, 4, 5]
// CHECK:         vector.shuffle %[[WIN]], %[[WIN]] [4, 5, 6, 7]
func.func @dilated_nchw(%x: tensor<1x4x20x20xf32>, %w: tensor<8x4x3x3xf32>,
                        %g: tensor<8xf32>, %b: tensor<8xf32>,
                        %m: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<1x8x16x16xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) dilations = [2, 2] epsilon = 1.0e-05
         : tensor<1x4x20x20xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>
  return %y : tensor<1x8x16x16xf32>
}

// NHWC: the lanes are output channels, so the filter (HWCF) is read four
// channels at a time, aligned, and the input pixel once and broadcast.
// CHECK-LABEL: func.func @nhwc
// CHECK:         scf.for {{.*}} -> (vector<4xf32>)
// CHECK:           %[[PIX:.*]] = memref.load
// CHECK:           %[[FIL:.*]] = vector.load {{.*}} {alignment = 16 : i64} : memref<1x1x16x4xf32, {{.*}}>, vector<4xf32>
// CHECK:           %[[PIXS:.*]] = vector.broadcast %[[PIX]] : f32 to vector<4xf32>
// CHECK:           arith.mulf %[[PIXS]], %[[FIL]] : vector<4xf32>
func.func @nhwc(%x: tensor<2x14x14x16xf32>, %w: tensor<1x1x16x32xf32>,
                %g: tensor<32xf32>, %b: tensor<32xf32>,
                %m: tensor<32xf32>, %v: tensor<32xf32>) -> tensor<2x14x14x32xf32> {
  %y = convbn.conv_bn tune nhwc_hwcf %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) epsilon = 1.0e-05
         : tensor<2x14x14x16xf32>, tensor<1x1x16x32xf32>, tensor<32xf32>
  return %y : tensor<2x14x14x32xf32>
}

// An odd width (7) gives one output per thread: the accumulator is a scalar
// in registers all the same.
// CHECK-LABEL: func.func @odd_width
// CHECK:         scf.for {{.*}} -> (f32)
// CHECK-NOT:     linalg.conv
func.func @odd_width(%x: tensor<1x16x7x7xf32>, %w: tensor<16x16x1x1xf32>,
                     %g: tensor<16xf32>, %b: tensor<16xf32>,
                     %m: tensor<16xf32>, %v: tensor<16xf32>) -> tensor<1x16x7x7xf32> {
  %y = convbn.conv_bn tune nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) epsilon = 1.0e-05
         : tensor<1x16x7x7xf32>, tensor<16x16x1x1xf32>, tensor<16xf32>
  return %y : tensor<1x16x7x7xf32>
}

// A payload with a predicate and flags (inherent attributes) applies to
// vectors with both kept.
// CHECK-LABEL: func.func @clamp
// CHECK:         arith.cmpf ogt, %{{.*}}, %{{.*}} fastmath<nnan> : vector<4xf32>
// CHECK:         arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<4xi1>, vector<4xf32>
func.func @clamp(%x: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %e = tensor.empty() : tensor<32x64xf32>
  %c = arith.constant 0.25 : f32
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<32x64xf32>) outs(%e : tensor<32x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %gt = arith.cmpf ogt, %in, %c fastmath<nnan> : f32
    %s = arith.select %gt, %c, %in : f32
    linalg.yield %s : f32
  } -> tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}
