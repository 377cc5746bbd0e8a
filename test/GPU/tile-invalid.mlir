// What convbn-gpu-tile cannot tile is an error at the op, never a crash.
// RUN: convbn-opt %s --pass-pipeline="builtin.module(func.func(convbn-gpu-tile))" -verify-diagnostics -split-input-file

// A linalg op without outputs, kept only for the cf.assert in its body: there
// are no output tiles to map to blocks and threads (the tiler used to
// segfault on it).
func.func @no_outputs(%x: tensor<4xf32>) {
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{lower-to-nvvm cannot run this op on the GPU: it has no tensor outputs to tile (an op kept for a side effect in its body)}}
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) {
  ^bb0(%in: f32):
    %nz = arith.cmpf one, %in, %zero : f32
    cf.assert %nz, "reciprocal of zero"
    linalg.yield
  }
  return
}
