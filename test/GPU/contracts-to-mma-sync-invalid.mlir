// RUN: convbn-opt %s -verify-diagnostics -split-input-file \
// RUN:   "--pass-pipeline=builtin.module(gpu.module(convbn-gpu-contracts-to-mma-sync))"

// A chain the conversion accepts but cannot complete: upstream's nvgpu
// lowering has no register layout for bf16 fragments. The error is at the
// fragment load (convbn-gpu-implicit-gemm therefore keeps bf16 SIMT).

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#transposed = affine_map<(d0, d1) -> (d1, d0)>
gpu.module @kernels {
  gpu.func @bf16(%out: memref<16x8xf32>)
      workgroup(%a: memref<16x24xbf16, #gpu.address_space<workgroup>>,
                %b: memref<16x16xbf16, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %pad = arith.constant 0.0 : bf16
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    // expected-error @+1 {{failed to convert op during vector-to-nvgpu conversion}}
    %x = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]}
        : memref<16x24xbf16, #gpu.address_space<workgroup>>, vector<16x16xbf16>
    %w = vector.transfer_read %b[%c0, %c0], %pad
        {in_bounds = [true, true], permutation_map = #transposed}
        : memref<16x16xbf16, #gpu.address_space<workgroup>>, vector<8x16xbf16>
    %y = vector.contract {indexing_maps = [#mk, #nk, #mn],
                          iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %x, %w, %zero
        : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
    vector.transfer_write %y, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x8xf32>
    gpu.return
  }
}

// -----

// f32 operands: tensor cores would round them to TF32, which only
// allow-tf32 permits (implicit-gemm-tf32.mlir converts such chains with it).

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#transposed = affine_map<(d0, d1) -> (d1, d0)>
gpu.module @kernels {
  gpu.func @f32(%out: memref<16x8xf32>)
      workgroup(%a: memref<16x12xf32, #gpu.address_space<workgroup>>,
                %b: memref<8x12xf32, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %pad = arith.constant 0.0 : f32
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %x = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]}
        : memref<16x12xf32, #gpu.address_space<workgroup>>, vector<16x8xf32>
    %w = vector.transfer_read %b[%c0, %c0], %pad
        {in_bounds = [true, true], permutation_map = #transposed}
        : memref<8x12xf32, #gpu.address_space<workgroup>>, vector<8x8xf32>
    // expected-error @+1 {{an f32 contraction multiplies on tensor cores as TF32 only with allow-tf32}}
    %y = vector.contract {indexing_maps = [#mk, #nk, #mn],
                          iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %x, %w, %zero
        : vector<16x8xf32>, vector<8x8xf32> into vector<16x8xf32>
    vector.transfer_write %y, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x8xf32>
    gpu.return
  }
}
