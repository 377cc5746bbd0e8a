// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   --convbn-pad-to-generic --convbn-gpu-tile --canonicalize | FileCheck %s
// RUN: convbn-opt %s --convert-convbn-to-linalg --linalg-fuse-elementwise-ops \
// RUN:   --convbn-pad-to-generic --convbn-gpu-tile=thread-tile-z=4 --canonicalize \
// RUN:   | FileCheck %s --check-prefix=Z4

// eval: the normalising epilogue is the root; the convolution and its zero
// initialisation are fused into every thread's tile, so a thread computes
// its 1x1x1x4 outputs from start to finish. A block covers one image, one
// channel and 16 rows of 56 columns: 16 x 56/4 = 224 threads (rows grow
// until a block has at least 128). The pad is its own kernel, writing rows
// of 60 columns (58 rounded up to whole 16-byte vectors) of which the
// convolution reads 58: 4 columns per thread, 16 rows of 15 threads.

func.func @eval(%x: tensor<2x16x56x56xf32>, %w: tensor<32x16x3x3xf32>,
                %g: tensor<32xf32>, %b: tensor<32xf32>, %m: tensor<32xf32>,
                %v: tensor<32xf32>) -> tensor<2x32x56x56xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%b) mean(%m)
         variance(%v) padding = [1, 1, 1, 1] epsilon = 1.0e-05
         : tensor<2x16x56x56xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>
  return %y : tensor<2x32x56x56xf32>
}

// thread-tile-z=4: each thread also takes 4 output channels (blocks of 4
// channels, 16 rows and 56 columns: 14 x 16 = 224 threads).
// Z4-LABEL: func.func @eval
// Z4:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) = (0, 0, 0) to (2, 32, 56) step (1, 4, 16)
// Z4:         scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) = (0, 0, 0) to (4, %{{.*}}, 56) step (4, 1, 4)
// Z4:           linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x4x1x4xf32>

// CHECK-LABEL: func.func @eval
// The pad, as a gathering generic, in its own nest.
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0) to (2, 16, 58) step (1, 1, 16) shared_outs({{.*}}) -> (tensor<2x16x58x60xf32>)
// CHECK:         scf.forall ({{.*}}) = (0, 0, 0) to (1, %{{.*}}, 60) step (1, 1, 4)
// CHECK:           linalg.generic {{.*}} outs({{.*}} : tensor<1x1x1x4xf32>)
// CHECK:             tensor.extract
// CHECK:         } {mapping = [#gpu.thread<z>, #gpu.thread<y>, #gpu.thread<x>]}
// CHECK:       } {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>]}
// The convolution's nest: blocks over (batch, channels, rows), threads over
// (channels, rows, 4 columns each).
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) = (0, 0, 0) to (2, 32, 56) step (1, 1, 16)
// CHECK:         scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) = (0, 0, 0) to (1, %{{.*}}, 56) step (1, 1, 4)
// CHECK:           linalg.fill {{.*}} -> tensor<1x1x1x4xf32>
// CHECK:           linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x1x1x4xf32>
// CHECK:           linalg.generic {{.*}} outs({{.*}} : tensor<1x1x1x4xf32>)
// CHECK:         } {mapping = [#gpu.thread<z>, #gpu.thread<y>, #gpu.thread<x>]}
// CHECK:       } {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>]}
