// conv_bn_train: Conv2d(3,8,3,pad=1)+BN in training mode (model.train()): must NOT fold
// (torch-mlir linalg-on-tensors: Inputs/torch/conv_bn_train.mlir; docs/frontend-ir.md).
// BN in training mode: the statistics are reductions over the conv output, and
// the function also returns the updated running statistics.
// The pass says why at the conv and leaves the program exactly as it was.
//
// RUN: convbn-opt %S/../Inputs/torch/conv_bn_train.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARK
// RUN: convbn-opt %S/../Inputs/torch/conv_bn_train.mlir -o %t.orig
// RUN: diff %t.orig %t
// RUN: FileCheck %s --input-file=%t --implicit-check-not=convbn
// convbn-opt --lower-to-cpu leaves a bufferization.clone behind when a function
// returns a constant (here num_batches_tracked): exec-compare appends
// convert-bufferization-to-memref and the LLVM conversions after it.
// RUN: %exec-compare %S/../Inputs/torch/conv_bn_train.mlir --func forward --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5 --lower="--lower-to-cpu --convert-bufferization-to-memref --finalize-memref-to-llvm --convert-arith-to-llvm --reconcile-unrealized-casts"

// REMARK:     {{.*}}Inputs/torch/conv_bn_train.mlir:31:10: remark: not fused: the batch statistics are computed from the convolution output (training-mode batch norm)
// REMARK-NOT: remark:

// CHECK-LABEL: func.func @forward(
// CHECK:       linalg.conv_2d_nchw_fchw
