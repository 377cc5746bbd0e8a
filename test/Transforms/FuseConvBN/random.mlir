// Randomized differential test of --fuse-convbn. utils/gen_convbn_cases.py
// writes %convbn_random_cases (default 300) random conv + batch-norm
// programs with seed %convbn_random_seed (default 1): every conv kind
// (1-D/2-D/3-D, depthwise, channel multiplier, grouped), strides,
// dilations, asymmetric padding, bias in outs or as an add, every BN
// spelling, transposes and casts in the chain, dynamic batch, f32 and (one
// case in five) f16. Each conv is annotated with the mode it must fuse into,
// so -verify-diagnostics checks that every case fuses as expected; then all
// cases run before and after fusion, one module per element type (so the
// whole test is four compilations and four runs). More cases or another
// seed: `lit --param convbn_random_cases=3000 --param convbn_random_seed=7`
// (or CONVBN_RANDOM_CASES / CONVBN_RANDOM_SEED); see docs/testing.md.
//
// RUN: %python %convbn_utils/gen_convbn_cases.py --count %convbn_random_cases --seed %convbn_random_seed --part f32 -o %t.f32.mlir
// RUN: %python %convbn_utils/gen_convbn_cases.py --count %convbn_random_cases --seed %convbn_random_seed --part half -o %t.half.mlir
// RUN: convbn-opt %t.f32.mlir --fuse-convbn=remarks=true -verify-diagnostics -o %t.f32.fused.mlir
// RUN: convbn-opt %t.half.mlir --fuse-convbn=remarks=true -verify-diagnostics -o %t.half.fused.mlir
// RUN: cat %t.f32.fused.mlir %t.half.fused.mlir | FileCheck %s --implicit-check-not=linalg.conv --implicit-check-not=linalg.depthwise --implicit-check-not=linalg.generic --implicit-check-not=math.
// RUN: %exec-compare %t.f32.mlir --all-funcs --quiet --passes=--fuse-convbn --rtol 1e-5 --atol 1e-5
// RUN: %exec-compare %t.half.mlir --all-funcs --quiet --passes=--fuse-convbn --rtol 1e-2 --atol 1e-2

// CHECK: func.func @case_0(
// CHECK: convbn.conv_bn
