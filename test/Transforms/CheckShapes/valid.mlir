// RUN: convbn-opt %s --convbn-check-shapes | FileCheck %s
// Consistent shapes pass unchanged, dynamic ones included.

// CHECK-LABEL: func.func @consistent
// CHECK: tensor.expand_shape
// CHECK: tensor.cast
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: tosa.slice
func.func @consistent(%x: tensor<?xf32>, %n: index, %i: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %t: tensor<1x4x8x8xf32>) -> (tensor<?x4xf32>, tensor<8xf32>, tensor<1x4x?x?xf32>, tensor<1x2x?x8xf32>) {
  %e = tensor.expand_shape %x [[0, 1]] output_shape [%n, 4] : tensor<?xf32> into tensor<?x4xf32>
  %c = tensor.cast %x : tensor<?xf32> to tensor<8xf32>
  %o = tensor.empty(%n, %n) : tensor<1x4x?x?xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<3> : vector<2xi64>} ins(%i, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%o : tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  %start = tosa.const_shape {values = dense<[0, 2, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 2, -1, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %t, %start, %size : (tensor<1x4x8x8xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x?x8xf32>
  return %e, %c, %conv, %s : tensor<?x4xf32>, tensor<8xf32>, tensor<1x4x?x?xf32>, tensor<1x2x?x8xf32>
}
