// Randomized differential test of the GPU launches: the random conv +
// batch-norm programs of test/Transforms/FuseConvBN/random.mlir without
// dynamic batch (--static: lower-to-nvvm's results are caller-provided
// buffers of static shape), fused, taken through lower-to-nvvm up to kernel
// outlining (--convbn-gpu-launches: convolutions as implicit-GEMM kernels,
// other ops as direct kernels, where `min-threads=1` gives these small
// tensors multi-lane thread tiles), every launch run as host loops over
// blocks and threads (barriers as phases), and compared with the original
// program. Case count and seed as for random.mlir (`lit --param convbn_random_cases=N`).
//
// RUN: %python %convbn_utils/gen_convbn_cases.py --static --count %convbn_random_cases --seed %convbn_random_seed --part f32 -o %t.f32.mlir
// RUN: %python %convbn_utils/gen_convbn_cases.py --static --count %convbn_random_cases --seed %convbn_random_seed --part half -o %t.half.mlir
// The f32 cases two ways against one reference run: implicit-GEMM kernels
// for sm_70 (slices through registers), and the direct convolution kernels
// (implicit-gemm=false) with channel-blocked thread tiles (thread-tile-z=2):
// RUN: %exec-compare %t.f32.mlir --all-funcs --quiet --rtol 1e-5 --atol 1e-5 \
// RUN:   "--passes=--fuse-convbn --convbn-gpu-launches=min-threads=1 --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--fuse-convbn '--convbn-gpu-launches=min-threads=1 thread-tile-z=2 implicit-gemm=false' --convbn-gpu-launch-to-host-loops" \
// RUN:   | FileCheck %s --check-prefix=TWO
// RUN: %exec-compare %t.half.mlir --all-funcs --quiet "--passes=--fuse-convbn --convbn-gpu-launches=min-threads=1 --convbn-gpu-launch-to-host-loops" --rtol 1e-2 --atol 1e-2 | FileCheck %s
// On the first 100 cases: implicit-GEMM tiles that divide none of the
// random shapes (partial M, N and K slices everywhere), and the kernels for
// sm_80 (asynchronous copies where a slice allows them, tune's fold
// applied in workgroup memory):
// RUN: %python %convbn_utils/gen_convbn_cases.py --static --count 100 --seed %convbn_random_seed --part f32 -o %t.f32.first.mlir
// RUN: %exec-compare %t.f32.first.mlir --all-funcs --quiet --rtol 1e-5 --atol 1e-5 \
// RUN:   "--passes=--fuse-convbn '--convbn-gpu-launches=min-threads=1 gemm-tiles=7,6,5,1,3' --convbn-gpu-launch-to-host-loops" \
// RUN:   "--passes=--fuse-convbn '--convbn-gpu-launches=min-threads=1 chip=sm_80' --convbn-gpu-launch-to-host-loops" \
// RUN:   | FileCheck %s --check-prefix=TWO
// TWO-COUNT-2: all {{[0-9]+}} functions agree

// CHECK: all {{[0-9]+}} functions agree
