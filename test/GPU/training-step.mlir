// A fused training step (Inputs/training/two_blocks.mlir: two blocks, the
// second strided with bias and an input gradient) through the GPU pipeline:
// the backward's filter- and data-gradient convolutions become kernels like
// the forward's. ptxas compiles every kernel for sm_80 (cubin) and sm_90;
// the launches, run as host loops over blocks and threads, compute the
// same step as the unfused graph and as PyTorch autograd, in tune and in eval.
//
// RUN: convbn-opt %S/../Transforms/FuseConvBN/Inputs/training/two_blocks.mlir --fuse-convbn \
// RUN:   --lower-to-nvvm=chip=sm_80 | FileCheck %s
// RUN: convbn-opt %S/../Transforms/FuseConvBN/Inputs/training/two_blocks.mlir --fuse-convbn=mode=eval \
// RUN:   --lower-to-nvvm=chip=sm_90 | FileCheck %s
// RUN: %exec-compare %S/../Transforms/FuseConvBN/Inputs/training/two_blocks.mlir --func train_step \
// RUN:   "--passes=--fuse-convbn --convbn-gpu-launches --convbn-gpu-launch-to-host-loops" --rtol 1e-5 --atol 1e-6 \
// RUN:   --reference %S/../Transforms/FuseConvBN/Inputs/training/two_blocks.autograd.json
// RUN: %exec-compare %S/../Transforms/FuseConvBN/Inputs/training/two_blocks.mlir --func train_step \
// RUN:   "--passes=--fuse-convbn=mode=eval --convbn-gpu-launches --convbn-gpu-launch-to-host-loops" --rtol 1e-5 --atol 1e-6 \
// RUN:   --reference %S/../Transforms/FuseConvBN/Inputs/training/two_blocks.autograd.json

// CHECK-NOT: convbn.
// CHECK:     llvm.func @train_step(
// CHECK:     gpu.launch_func {{.*}}@train_step_kernel::@train_step_kernel
// CHECK:     gpu.binary @train_step_kernel
