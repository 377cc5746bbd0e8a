// Float types the NVPTX backend has no arithmetic for are rejected at the
// first op that uses them, before any code generation (LLVM used to abort
// with "unsupported library call operation" on f128 or f80). convbn ops
// cannot carry such types at all (their verifier rejects them); these are
// plain upstream ops that lower-to-nvvm also accepts.
// RUN: convbn-opt %s --lower-to-nvvm -verify-diagnostics -split-input-file

func.func @f128_generic(%x: tensor<4xf128>) -> tensor<4xf128> {
  // expected-error @+1 {{lower-to-nvvm: NVIDIA GPUs have no 'f128' arithmetic (supported float types: f16, bf16, f32, f64)}}
  %e = tensor.empty() : tensor<4xf128>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf128>) outs(%e : tensor<4xf128>) {
  ^bb0(%in: f128, %out: f128):
    %s = math.sqrt %in : f128
    linalg.yield %s : f128
  } -> tensor<4xf128>
  return %y : tensor<4xf128>
}

// -----

func.func @f80_conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %init: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf80> {
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-error @+1 {{lower-to-nvvm: NVIDIA GPUs have no 'f80' arithmetic}}
  %e = arith.extf %c : tensor<1x4x6x6xf32> to tensor<1x4x6x6xf80>
  return %e : tensor<1x4x6x6xf80>
}

// -----

func.func @f8_scalar(%x: f8E4M3FN) -> f32 {
  // expected-error @+1 {{lower-to-nvvm: NVIDIA GPUs have no 'f8E4M3FN' arithmetic}}
  %e = arith.extf %x : f8E4M3FN to f32
  return %e : f32
}

// -----

// A declaration has no op using its types: its signature is checked (the
// host's func-to-llvm crashed on tf32, which LLVM has no type for).
// expected-error @+1 {{lower-to-nvvm: NVIDIA GPUs have no 'tf32' arithmetic}}
func.func private @print(memref<*xtf32>)
