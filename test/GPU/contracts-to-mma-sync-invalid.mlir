// RUN: convbn-opt %s -verify-diagnostics -split-input-file \
// RUN:   "--pass-pipeline=builtin.module(gpu.module(convbn-gpu-contracts-to-mma-sync))"

// bf16 fragments read as bf16: upstream's conversion has no register
// layout for them (convbn-gpu-implicit-gemm reads them as f16 and bitcasts,
// contracts-to-mma-sync.mlir).

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
    %x = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]}
        : memref<16x24xbf16, #gpu.address_space<workgroup>>, vector<16x16xbf16>
    %w = vector.transfer_read %b[%c0, %c0], %pad
        {in_bounds = [true, true], permutation_map = #transposed}
        : memref<16x16xbf16, #gpu.address_space<workgroup>>, vector<8x16xbf16>
    // expected-error @+1 {{a bf16 contraction reaches mma.sync only with its fragments read as f16 and bitcast}}
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

// -----

// f16 and bf16 (as bitcast f16) contractions in one function: after the
// conversion, which converts both as f16, their mma.sync ops could not be
// told apart.

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
gpu.module @kernels {
  gpu.func @f16_and_bf16(%out: memref<16x16xf32>, %x: vector<16x16xf16>,
                         %w: vector<8x16xf16>) kernel {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    // expected-error @+1 {{f16 and bf16 matrix products in one function cannot both become mma.sync}}
    %y0 = vector.contract {indexing_maps = [#mk, #nk, #mn],
                           iterator_types = ["parallel", "parallel", "reduction"],
                           kind = #vector.kind<add>} %x, %w, %zero
        : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    %xb = arith.bitcast %x : vector<16x16xf16> to vector<16x16xbf16>
    %wb = arith.bitcast %w : vector<8x16xf16> to vector<8x16xbf16>
    %y1 = vector.contract {indexing_maps = [#mk, #nk, #mn],
                           iterator_types = ["parallel", "parallel", "reduction"],
                           kind = #vector.kind<add>} %xb, %wb, %zero
        : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
    vector.transfer_write %y0, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x16xf32>
    vector.transfer_write %y1, %out[%c0, %c8] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x16xf32>
    gpu.return
  }
}

// -----

// Likewise beside an f16 mma.sync already in the function.

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
gpu.module @kernels {
  gpu.func @f16_mma_and_bf16(%out: memref<16x16xf32>, %x: vector<16x16xf16>,
                             %w: vector<8x16xf16>, %a: vector<4x2xf16>,
                             %b: vector<2x2xf16>, %c: vector<2x2xf32>,
                             %d: memref<2x2xf32>) kernel {
    %c0 = arith.constant 0 : index
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    // expected-error @+1 {{f16 and bf16 matrix products in one function cannot both become mma.sync}}
    %p = nvgpu.mma.sync (%a, %b, %c) {mmaShape = [16, 8, 16]}
        : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
    vector.transfer_write %p, %d[%c0, %c0] {in_bounds = [true, true]}
        : vector<2x2xf32>, memref<2x2xf32>
    %xb = arith.bitcast %x : vector<16x16xf16> to vector<16x16xbf16>
    %wb = arith.bitcast %w : vector<8x16xf16> to vector<8x16xbf16>
    %y = vector.contract {indexing_maps = [#mk, #nk, #mn],
                          iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %xb, %wb, %zero
        : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
    vector.transfer_write %y, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x16xf32>
    gpu.return
  }
}
