// The GPU schedule, run sequentially on the host: what every thread of
// every kernel computes (convbn-gpu-thread-code: the scf.forall nests for
// blocks and threads, fused epilogues and bias initialisations, and each
// thread's tile as vector code with register accumulators) that
// lower-to-nvvm maps to kernels, checked numerically against the
// independent references of the CPU integration suite, for every mode and
// every layout, f32 and f16. Each file runs twice: with the default tiles
// (these small tensors then get one output per thread) and with
// `min-threads=1`, which gives them the 2- and 4-lane thread tiles of real
// layer shapes. The reference computations in those files are tiled too;
// each file prints `mismatches: 0` per case.
//
// RUN: convbn-opt %S/../Integration/CPU/eval-reference.mlir --convbn-gpu-thread-code \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/eval-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/eval-reference.mlir --convbn-gpu-thread-code=min-threads=1 \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/eval-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/tune-reference.mlir --convbn-gpu-thread-code \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/tune-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/tune-reference.mlir --convbn-gpu-thread-code=min-threads=1 \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/tune-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/deploy-reference.mlir --convbn-gpu-thread-code \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/deploy-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/deploy-reference.mlir --convbn-gpu-thread-code=min-threads=1 \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/deploy-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/train-reference.mlir --convbn-gpu-thread-code \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/train-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/train-reference.mlir --convbn-gpu-thread-code=min-threads=1 \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/train-reference.mlir
//
// Channel-blocked thread tiles (thread-tile-z=2: each thread computes two
// output channels, with accumulators of its own for each, in one reduction):
// RUN: convbn-opt %S/../Integration/CPU/eval-reference.mlir '--convbn-gpu-thread-code=min-threads=1 thread-tile-z=2' \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/eval-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/tune-reference.mlir '--convbn-gpu-thread-code=min-threads=1 thread-tile-z=2' \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/tune-reference.mlir
// RUN: convbn-opt %S/../Integration/CPU/tune-reference-f16.mlir '--convbn-gpu-thread-code=min-threads=1 thread-tile-z=2' \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/tune-reference-f16.mlir
//
// RUN: convbn-opt %S/../Integration/CPU/eval-reference-f16.mlir --convbn-gpu-thread-code \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/eval-reference-f16.mlir
// RUN: convbn-opt %S/../Integration/CPU/eval-reference-f16.mlir --convbn-gpu-thread-code=min-threads=1 \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/eval-reference-f16.mlir
// RUN: convbn-opt %S/../Integration/CPU/tune-reference-f16.mlir --convbn-gpu-thread-code \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/tune-reference-f16.mlir
// RUN: convbn-opt %S/../Integration/CPU/tune-reference-f16.mlir --convbn-gpu-thread-code=min-threads=1 \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/tune-reference-f16.mlir
// RUN: convbn-opt %S/../Integration/CPU/train-reference-f16.mlir --convbn-gpu-thread-code \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/train-reference-f16.mlir
// RUN: convbn-opt %S/../Integration/CPU/train-reference-f16.mlir --convbn-gpu-thread-code=min-threads=1 \
// RUN:   | convbn-opt --lower-to-cpu | %run-cpu | FileCheck %S/../Integration/CPU/train-reference-f16.mlir
//
// The frontend example, fused then scheduled, against the unfused program;
// and the tile-size override.
// RUN: %exec-compare %S/../../examples/resnet_basic_block.mlir --func forward \
// RUN:   "--passes=--fuse-convbn=mode=tune --convbn-gpu-thread-code" | FileCheck %s --check-prefix=EXAMPLE
// RUN: %exec-compare %S/../../examples/resnet_basic_block.mlir --func forward \
// RUN:   "--passes=--fuse-convbn=mode=eval --convbn-gpu-thread-code" | FileCheck %s --check-prefix=EXAMPLE
// RUN: %exec-compare %S/../../examples/resnet_basic_block.mlir --func forward \
// RUN:   "--passes=--fuse-convbn=mode=eval '--convbn-gpu-thread-code=block-tiles=1,2,2,0 thread-tiles=0,1,1,2'" \
// RUN:   | FileCheck %s --check-prefix=EXAMPLE
// EXAMPLE: @forward: 1024 values agree
