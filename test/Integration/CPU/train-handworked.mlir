// RUN: convbn-opt %s --lower-to-cpu | %run-cpu | FileCheck %s

// train mode on values worked out by hand: all five results (output, new
// running mean and variance, saved batch mean and inverse std).
//
// nchw_fchw, batch 2, 2 input channels a and b, 1x2 images, an identity
// 1x1 filter (output channel 0 = a, 1 = b), bias = [0, 1]:
//   Y channel 0 = a     = [1, 2] (n = 0), [3, 6] (n = 1)
//   Y channel 1 = b + 1 = [5, 11] (n = 0), [12, 12] (n = 1)
// Each channel has n = batch x H x W = 4 values:
//   batch mean mu = [12 / 4, 40 / 4] = [3, 10]
//   squared deviations: channel 0: 4 + 1 + 0 + 9 = 14, channel 1: 25 + 1 + 4 + 4 = 34
//   biased variance = [14 / 4, 34 / 4] = [3.5, 8.5]
// eps = 0.5: inverse std = [1 / sqrt(4), 1 / sqrt(9)] = [0.5, 1/3]
// scale = [2, 3], offset = [1, -1]:
//   channel 0: z = (Y - 3) * 2 * 0.5 + 1  = Y - 2  -> [-1, 0], [1, 4]
//   channel 1: z = (Y - 10) * 3 / 3 - 1   = Y - 11 -> [-6, 0], [1, 1]
// running mean = [0, 2], running variance = [1, 3], momentum = 0.75:
//   new mean     = 0.25 * [0, 2] + 0.75 * [3, 10]            = [2.25, 8]
//   new variance = 0.25 * [1, 3] + 0.75 * [14 / 3, 34 / 3]   = [0.25 + 3.5, 0.75 + 8.5]
//                = [3.75, 9.25]   (unbiased: 3.5 * 4 / 3 = 14 / 3, 8.5 * 4 / 3 = 34 / 3)
// The op runs three times: static batch, dynamic batch (the count n is then
// computed at run time) and f16 data with f32 BN parameters (all of the
// values above are exact in f16 except 1/3, which is an f32 result here).

func.func private @printMemrefF32(memref<*xf32>) attributes { llvm.emit_c_interface }

func.func @print_out(%t: tensor<2x2x1x2xf32>) {
  %buf = bufferization.to_buffer %t : tensor<2x2x1x2xf32> to memref<2x2x1x2xf32>
  %u = memref.cast %buf : memref<2x2x1x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @print_vec(%t: tensor<2xf32>) {
  %buf = bufferization.to_buffer %t : tensor<2xf32> to memref<2xf32>
  %u = memref.cast %buf : memref<2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @print_all(%z: tensor<2x2x1x2xf32>, %rm: tensor<2xf32>, %rv: tensor<2xf32>,
                     %sm: tensor<2xf32>, %si: tensor<2xf32>) {
  call @print_out(%z) : (tensor<2x2x1x2xf32>) -> ()
  call @print_vec(%rm) : (tensor<2xf32>) -> ()
  call @print_vec(%rv) : (tensor<2xf32>) -> ()
  call @print_vec(%sm) : (tensor<2xf32>) -> ()
  call @print_vec(%si) : (tensor<2xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[[[[1.0, 2.0]], [[4.0, 10.0]]],
                             [[[3.0, 6.0]], [[11.0, 11.0]]]]> : tensor<2x2x1x2xf32>
  %w = arith.constant dense<[[[[1.0]], [[0.0]]], [[[0.0]], [[1.0]]]]> : tensor<2x2x1x1xf32>
  %b = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %g = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %o = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = arith.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %v = arith.constant dense<[1.0, 3.0]> : tensor<2xf32>

  %z, %rm, %rv, %sm, %si = convbn.conv_bn train nchw_fchw %x, %w bias(%b : tensor<2xf32>) scale(%g) offset(%o)
      mean(%m) variance(%v) epsilon = 0.5 momentum = 0.75 : tensor<2x2x1x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>
  call @print_all(%z, %rm, %rv, %sm, %si)
      : (tensor<2x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> ()

  %xd = tensor.cast %x : tensor<2x2x1x2xf32> to tensor<?x2x1x2xf32>
  %zd, %rmd, %rvd, %smd, %sid = convbn.conv_bn train nchw_fchw %xd, %w bias(%b : tensor<2xf32>) scale(%g) offset(%o)
      mean(%m) variance(%v) epsilon = 0.5 momentum = 0.75 : tensor<?x2x1x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>
  %zds = tensor.cast %zd : tensor<?x2x1x2xf32> to tensor<2x2x1x2xf32>
  call @print_all(%zds, %rmd, %rvd, %smd, %sid)
      : (tensor<2x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> ()

  %xh = arith.truncf %x : tensor<2x2x1x2xf32> to tensor<2x2x1x2xf16>
  %wh = arith.truncf %w : tensor<2x2x1x1xf32> to tensor<2x2x1x1xf16>
  %bh = arith.truncf %b : tensor<2xf32> to tensor<2xf16>
  %zh, %rmh, %rvh, %smh, %sih = convbn.conv_bn train nchw_fchw %xh, %wh bias(%bh : tensor<2xf16>) scale(%g) offset(%o)
      mean(%m) variance(%v) epsilon = 0.5 momentum = 0.75 : tensor<2x2x1x2xf16>, tensor<2x2x1x1xf16>, tensor<2xf32>
  %zhw = arith.extf %zh : tensor<2x2x1x2xf16> to tensor<2x2x1x2xf32>
  call @print_all(%zhw, %rmh, %rvh, %smh, %sih)
      : (tensor<2x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> ()
  return
}

// The three runs print the same numbers: output, new running mean, new
// running variance, saved mean, saved inverse std.
// static batch:
// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[-1, 0]],
// CHECK-NEXT:    {{\[}}[-6, 0]]],
// CHECK-NEXT:   {{\[}}{{\[}}[1, 4]],
// CHECK-NEXT:    {{\[}}[1, 1]]]]
// CHECK:      data =
// CHECK-NEXT: [2.25, 8]
// CHECK:      data =
// CHECK-NEXT: [3.75, 9.25]
// CHECK:      data =
// CHECK-NEXT: [3, 10]
// CHECK:      data =
// CHECK-NEXT: [0.5, 0.333333]

// dynamic batch:
// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[-1, 0]],
// CHECK-NEXT:    {{\[}}[-6, 0]]],
// CHECK-NEXT:   {{\[}}{{\[}}[1, 4]],
// CHECK-NEXT:    {{\[}}[1, 1]]]]
// CHECK:      data =
// CHECK-NEXT: [2.25, 8]
// CHECK:      data =
// CHECK-NEXT: [3.75, 9.25]
// CHECK:      data =
// CHECK-NEXT: [3, 10]
// CHECK:      data =
// CHECK-NEXT: [0.5, 0.333333]

// f16 data, f32 BN parameters:
// CHECK:      data =
// CHECK-NEXT: {{\[}}{{\[}}{{\[}}[-1, 0]],
// CHECK-NEXT:    {{\[}}[-6, 0]]],
// CHECK-NEXT:   {{\[}}{{\[}}[1, 4]],
// CHECK-NEXT:    {{\[}}[1, 1]]]]
// CHECK:      data =
// CHECK-NEXT: [2.25, 8]
// CHECK:      data =
// CHECK-NEXT: [3.75, 9.25]
// CHECK:      data =
// CHECK-NEXT: [3, 10]
// CHECK:      data =
// CHECK-NEXT: [0.5, 0.333333]
