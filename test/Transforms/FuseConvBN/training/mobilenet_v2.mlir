// A training step of torchvision's MobileNetV2 (Inputs/training/mobilenet_v2.mlir:
// 2x3x32x32, BN in eval, MSE loss; the grouped convolution_backward
// decomposed by scripts/gen_frontend_ir.py, since torch-mlir's own lowering
// of it is invalid IR). Every one of the 52 conv + BN blocks, 17 of them
// depthwise (the last three on 1x1 feature maps padded to 3x3), fuses with
// its backward in tune; the step computes the same loss and 158 gradients as
// the unfused step and PyTorch autograd (Inputs/training/mobilenet_v2.autograd.json).
//
// RUN: convbn-opt %S/../Inputs/training/mobilenet_v2.mlir --fuse-convbn=remarks=true -o %t 2>&1 \
// RUN:   | sed -e 's/^.*remark: //' | sort | uniq -c | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --input-file=%t --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=keep_conv_output
// Inputs scaled as initialisers scale weights (exec_compare --fan-in-scale,
// which the reference file asks for):
// RUN: %exec-compare %S/../Inputs/training/mobilenet_v2.mlir --func train_step --passes=--fuse-convbn --passes=--fuse-convbn=mode=eval --rtol 1e-5 --atol 1e-6 --reference %S/../Inputs/training/mobilenet_v2.autograd.json
// The GPU path's launches (depthwise and pointwise kernels, bounds guards,
// vectorized thread code with FMAs), run as host loops: the fused step
// agrees too.
// RUN: %exec-compare %S/../Inputs/training/mobilenet_v2.mlir --func train_step "--passes=--fuse-convbn --convbn-gpu-launches --convbn-gpu-launch-to-host-loops" --rtol 1e-4 --atol 1e-6 --reference %S/../Inputs/training/mobilenet_v2.autograd.json

// REMARK-NOT: not fused
// REMARK:      1 fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of filter, scale and offset)
// REMARK-NEXT: 34 fused linalg.conv_2d_nchw_fchw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of input, filter, scale and offset)
// REMARK-NEXT: 17 fused linalg.depthwise_conv_2d_nchw_chw and 4 batch-norm ops into convbn.conv_bn tune, and its backward into convbn.conv_bn_backward tune (gradients of input, filter, scale and offset)
// REMARK-NOT: not fused

// CHECK-LABEL: func.func @train_step(
// CHECK-COUNT-52: convbn.conv_bn tune
// CHECK-COUNT-52: convbn.conv_bn_backward tune
