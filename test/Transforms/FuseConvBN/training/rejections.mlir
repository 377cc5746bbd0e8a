// Training steps fuse-convbn must leave alone (Inputs/training/, written by
// scripts/gen_frontend_ir.py --training): a batch norm in training mode (its
// statistics are the batch's, computed from the convolution output: never
// tune), and a convolution whose output the model reads besides the batch
// norm. Each keeps every linalg op and still computes the same step (and
// the step PyTorch autograd computes, running statistics included).
//
// RUN: convbn-opt %S/../Inputs/training/block_batch_stats.mlir --fuse-convbn=remarks=true -o %t.stats 2>&1 \
// RUN:   | FileCheck %s --check-prefix=STATS
// RUN: FileCheck %s --input-file=%t.stats --check-prefix=NOFUSE
// RUN: %exec-compare %S/../Inputs/training/block_batch_stats.mlir --func train_step --passes=--fuse-convbn --rtol 1e-6 --atol 0 --reference %S/../Inputs/training/block_batch_stats.autograd.json
// RUN: convbn-opt %S/../Inputs/training/block_conv_two_users.mlir --fuse-convbn=remarks=true -o %t.users 2>&1 \
// RUN:   | FileCheck %s --check-prefix=USERS
// RUN: FileCheck %s --input-file=%t.users --check-prefix=NOFUSE
// RUN: %exec-compare %S/../Inputs/training/block_conv_two_users.mlir --func train_step --passes=--fuse-convbn --rtol 1e-6 --atol 0 --reference %S/../Inputs/training/block_conv_two_users.autograd.json

// STATS:      {{.*}}Inputs/training/block_batch_stats.mlir:52:10: remark: not fused: the batch statistics are computed from the convolution output (training-mode batch norm)
// The filter gradient is a convolution too, with nothing to fuse.
// STATS:      {{.*}}Inputs/training/block_batch_stats.mlir:314:11: remark: not fused: no batch norm follows: the convolution result (after a layout change) feeds 'func.return'
// STATS-NOT:  remark:

// USERS:      {{.*}}Inputs/training/block_conv_two_users.mlir:42:10: remark: not fused: the convolution result has 3 users ('linalg.generic' x3)
// USERS:      {{.*}}Inputs/training/block_conv_two_users.mlir:179:11: remark: not fused: no batch norm follows: the convolution result (after a layout change) feeds 'func.return'
// USERS-NOT:  remark:

// NOFUSE-NOT: convbn.
// NOFUSE:     linalg.conv_2d_nchw_fchw
// NOFUSE:     linalg.conv_2d_nchw_fchw
// NOFUSE-NOT: convbn.
