// Randomized differential test of what GPU threads compute: the random
// conv + batch-norm programs of test/Transforms/FuseConvBN/random.mlir
// (every conv kind, strides, dilations, padding, groups, f32 and f16),
// fused, then scheduled and vectorized as lower-to-nvvm does it
// (convbn-gpu-thread-code) and run on the CPU against the original program.
// `min-threads=1` gives these small tensors the 2- and 4-lane thread tiles
// (and windows, strided shuffles, gathers) that real layer shapes get.
// Case count and seed: `lit --param convbn_random_cases=N --param
// convbn_random_seed=S`, as for random.mlir.
//
// RUN: %python %convbn_utils/gen_convbn_cases.py --count %convbn_random_cases --seed %convbn_random_seed --part f32 -o %t.f32.mlir
// RUN: %python %convbn_utils/gen_convbn_cases.py --count %convbn_random_cases --seed %convbn_random_seed --part half -o %t.half.mlir
// RUN: %exec-compare %t.f32.mlir --all-funcs --quiet "--passes=--fuse-convbn --convbn-gpu-thread-code=min-threads=1" --rtol 1e-5 --atol 1e-5 | FileCheck %s
// RUN: %exec-compare %t.half.mlir --all-funcs --quiet "--passes=--fuse-convbn --convbn-gpu-thread-code=min-threads=1" --rtol 1e-2 --atol 1e-2 | FileCheck %s
//
// The thread tiles really are vectors (not a test that cannot fail because
// every tile fell back to scalars):
// RUN: convbn-opt %t.f32.mlir --fuse-convbn --convbn-gpu-thread-code=min-threads=1 | FileCheck %s --check-prefix=LANES
// LANES-DAG: -> (vector<4xf32>)
// LANES-DAG: -> (vector<2xf32>)
// LANES-DAG: vector.shuffle
// LANES-DAG: vector.from_elements

// CHECK: all {{[0-9]+}} functions agree
