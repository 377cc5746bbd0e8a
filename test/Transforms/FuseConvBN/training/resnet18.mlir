// A training step of torchvision's ResNet-18 (Inputs/training/resnet18.mlir:
// 2x3x32x32, BN in eval, MSE loss; its max-pool backward decomposed by
// scripts/gen_frontend_ir.py so that the graph is plain upstream linalg).
// Every one of the 20 conv + BN blocks fuses with its backward in tune; the
// step computes the same loss and 62 gradients (as the unfused step and PyTorch
// autograd: Inputs/training/resnet18.autograd.json). Three blocks leave the
// gradient of β to the frontend: a downsample BN and the block's last BN
// share one dZ (the residual add), and torch computes Σ dZ once for both.
//
// RUN: convbn-opt %S/../Inputs/training/resnet18.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | sed -e 's/^.*remark: //' | sort | uniq -c | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.conv --implicit-check-not=keep_conv_output
// Inputs scaled as initialisers scale weights, so that 20 layers keep
// activations O(1) (sin inputs of magnitude 1 grow ~24x per 3x3x64 conv):
// RUN: %exec-compare %S/../Inputs/training/resnet18.mlir --func train_step --passes=--fuse-convbn --passes=--fuse-convbn=mode=eval --fan-in-scale --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/resnet18.autograd.json
// The GPU path's launches (grids, bounds guards, device buffers, vectorized
// thread code with FMAs), run as host loops: the fused step agrees too.
// RUN: %exec-compare %S/../Inputs/training/resnet18.mlir --func train_step "--passes=--fuse-convbn --convbn-gpu-launches --convbn-gpu-launch-to-host-loops" --fan-in-scale --rtol 1e-4 --atol 1e-6 --reference %S/../Inputs/training/resnet18.autograd.json

// REMARK-NOT: not fused
// REMARK:      1 fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of filter, scale and offset)
// REMARK-NEXT: 3 fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of input, filter and scale)
// REMARK-NEXT: 16 fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of input, filter, scale and offset)
// REMARK-NOT: not fused

// CHECK-LABEL: func.func @train_step(
// CHECK-COUNT-20: convbn.conv_bn tune
// CHECK-COUNT-20: convbn.conv_bn_backward tune
