// RUN: convbn-opt %s --split-input-file \
// RUN:   "--pass-pipeline=builtin.module(gpu.module(convbn-gpu-contracts-to-mma-sync))" \
// RUN:   | FileCheck %s

// Warp code in mma.sync's shapes (A 16x16 as M x K, B 8x16 as N x K read
// transposed out of a [k][n] buffer, accumulators 16x8 carried by a loop)
// in a kernel that also has scalar index arithmetic and a scalar epilogue:
// upstream's convert-vector-to-gpu{use-nvgpu=true} fails on this kernel
// ("unhandled vector to mma type: arith.divui"); here every op of the chain
// becomes ldmatrix / mma.sync / per-lane stores, and the scalar code stays.

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#transposed = affine_map<(d0, d1) -> (d1, d0)>

// CHECK-LABEL: gpu.func @scalar_arithmetic
// CHECK:         %[[WARP:.*]] = arith.divui %{{.*}}, %c32
// CHECK:         %[[ROW:.*]] = arith.muli %[[WARP]], %c16
// CHECK:         scf.for {{.*}} iter_args(%[[SUM:.*]] = %{{.*}}) -> (vector<2x2xf32>)
// CHECK:           %[[A:.*]] = nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<64x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK:           %[[B:.*]] = nvgpu.ldmatrix {{.*}} {numTiles = 2 : i32, transpose = true} : memref<32x72xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
// CHECK:           nvgpu.mma.sync(%[[A]], %[[B]], %[[SUM]]) {mmaShape = [16, 8, 16]}
// CHECK-COUNT-2: vector.store {{.*}} : memref<64x64xf32>, vector<2xf32>
// CHECK:         arith.mulf {{.*}} : f32
// CHECK-NOT:     vector.contract
// CHECK-NOT:     vector.transfer
gpu.module @kernels {
  gpu.func @scalar_arithmetic(%out: memref<64x64xf32>, %scale: f32)
      workgroup(%a: memref<64x40xf16, #gpu.address_space<workgroup>>,
                %b: memref<32x72xf16, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %c16 = arith.constant 16 : index
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %pad = arith.constant 0.0 : f16
    %thread = gpu.thread_id x
    %warp = arith.divui %thread, %c32 : index
    %row = arith.muli %warp, %c16 : index
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %acc = scf.for %k = %c0 to %c64 step %c32 iter_args(%sum = %zero) -> vector<16x8xf32> {
      %x = vector.transfer_read %a[%row, %c0], %pad {in_bounds = [true, true]}
          : memref<64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
      %w = vector.transfer_read %b[%c0, %row], %pad
          {in_bounds = [true, true], permutation_map = #transposed}
          : memref<32x72xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
      %next = vector.contract {indexing_maps = [#mk, #nk, #mn],
                               iterator_types = ["parallel", "parallel", "reduction"],
                               kind = #vector.kind<add>} %x, %w, %sum
          : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
      scf.yield %next : vector<16x8xf32>
    }
    vector.transfer_write %acc, %out[%row, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<64x64xf32>
    %e = memref.load %out[%thread, %c0] : memref<64x64xf32>
    %scaled = arith.mulf %e, %scale : f32
    memref.store %scaled, %out[%thread, %c0] : memref<64x64xf32>
    gpu.return
  }
}

// -----

// Two independent chains in one kernel: each is converted once (the first
// conversion's leftovers are gone before the second starts).

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#transposed = affine_map<(d0, d1) -> (d1, d0)>

// CHECK-LABEL: gpu.func @two_chains
// CHECK-COUNT-2: nvgpu.mma.sync
// CHECK-NOT:     nvgpu.mma.sync
// CHECK-NOT:     vector.contract
gpu.module @kernels {
  gpu.func @two_chains(%out: memref<16x16xf32>)
      workgroup(%a: memref<16x24xf16, #gpu.address_space<workgroup>>,
                %b: memref<16x24xf16, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %pad = arith.constant 0.0 : f16
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %x = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
    %w0 = vector.transfer_read %b[%c0, %c0], %pad
        {in_bounds = [true, true], permutation_map = #transposed}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
    %y0 = vector.contract {indexing_maps = [#mk, #nk, #mn],
                           iterator_types = ["parallel", "parallel", "reduction"],
                           kind = #vector.kind<add>} %x, %w0, %zero
        : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    vector.transfer_write %y0, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x16xf32>
    %x1 = vector.transfer_read %a[%c0, %c8], %pad {in_bounds = [true, true]}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
    %w1 = vector.transfer_read %b[%c0, %c8], %pad
        {in_bounds = [true, true], permutation_map = #transposed}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
    %y1 = vector.contract {indexing_maps = [#mk, #nk, #mn],
                           iterator_types = ["parallel", "parallel", "reduction"],
                           kind = #vector.kind<add>} %x1, %w1, %zero
        : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    vector.transfer_write %y1, %out[%c0, %c8] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x16xf32>
    gpu.return
  }
}

// -----

// A chain mma.sync cannot express (its result is read element by element)
// stays vector code, and the pass succeeds.

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: gpu.func @not_a_fragment_use
// CHECK:         vector.contract
// CHECK-NOT:     nvgpu.mma.sync
gpu.module @kernels {
  gpu.func @not_a_fragment_use(%out: memref<1xf32>, %x: vector<16x16xf16>,
                               %w: vector<8x16xf16>) kernel {
    %c0 = arith.constant 0 : index
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %y = vector.contract {indexing_maps = [#mk, #nk, #mn],
                          iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %x, %w, %zero
        : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    %e = vector.extract %y[0, 0] : f32 from vector<16x8xf32>
    memref.store %e, %out[%c0] : memref<1xf32>
    gpu.return
  }
}

// -----

// Two chains that share their fragments without a loop joining them (a K
// loop of one slice folds away): each fragment is loaded once, the filter's
// 16 x 16 with one ldmatrix.x4.trans that both 8 x 16 halves come from
// (registers 0-1 and 2-3, as rows: LLVM lowers 1-D slices only).

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#transposed = affine_map<(d0, d1) -> (d1, d0)>

// CHECK-LABEL: gpu.func @shared_fragments
// CHECK:         %[[A:.*]] = nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK-NOT:     nvgpu.ldmatrix {{.*}} transpose = false
// CHECK:         %[[B:.*]] = nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK-NOT:     nvgpu.ldmatrix
// CHECK:         %[[R0:.*]] = vector.extract %[[B]][0] : vector<2xf16> from vector<4x2xf16>
// CHECK:         %[[H0:.*]] = vector.insert %[[R0]], %{{.*}} [0]
// CHECK:         %[[R1:.*]] = vector.extract %[[B]][1]
// CHECK:         %[[B0:.*]] = vector.insert %[[R1]], %[[H0]] [1]
// CHECK:         %[[R2:.*]] = vector.extract %[[B]][2]
// CHECK:         %[[H1:.*]] = vector.insert %[[R2]], %{{.*}} [0]
// CHECK:         %[[R3:.*]] = vector.extract %[[B]][3]
// CHECK:         %[[B1:.*]] = vector.insert %[[R3]], %[[H1]] [1]
// CHECK:         nvgpu.mma.sync(%[[A]], %[[B0]], %{{.*}})
// CHECK:         nvgpu.mma.sync(%[[A]], %[[B1]], %{{.*}})
gpu.module @kernels {
  gpu.func @shared_fragments(%out: memref<16x16xf32>)
      workgroup(%a: memref<16x24xf16, #gpu.address_space<workgroup>>,
                %b: memref<16x24xf16, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %pad = arith.constant 0.0 : f16
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %x = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
    %w = vector.transfer_read %b[%c0, %c0], %pad
        {in_bounds = [true, true], permutation_map = #transposed}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
    %w0 = vector.extract_strided_slice %w {offsets = [0, 0], sizes = [8, 16], strides = [1, 1]}
        : vector<16x16xf16> to vector<8x16xf16>
    %w1 = vector.extract_strided_slice %w {offsets = [8, 0], sizes = [8, 16], strides = [1, 1]}
        : vector<16x16xf16> to vector<8x16xf16>
    %y0 = vector.contract {indexing_maps = [#mk, #nk, #mn],
                           iterator_types = ["parallel", "parallel", "reduction"],
                           kind = #vector.kind<add>} %x, %w0, %zero
        : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    %y1 = vector.contract {indexing_maps = [#mk, #nk, #mn],
                           iterator_types = ["parallel", "parallel", "reduction"],
                           kind = #vector.kind<add>} %x, %w1, %zero
        : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    vector.transfer_write %y0, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x16xf32>
    vector.transfer_write %y1, %out[%c0, %c8] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x16xf32>
    gpu.return
  }
}

// -----

// Kernels of one module are converted one function at a time, each fully.

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#transposed = affine_map<(d0, d1) -> (d1, d0)>

// CHECK-LABEL: gpu.func @first
// CHECK:         nvgpu.mma.sync
// CHECK-LABEL: gpu.func @second
// CHECK:         nvgpu.mma.sync
// CHECK-NOT:     vector.contract
gpu.module @kernels {
  gpu.func @first(%out: memref<16x8xf32>)
      workgroup(%a: memref<16x24xf16, #gpu.address_space<workgroup>>,
                %b: memref<16x24xf16, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %pad = arith.constant 0.0 : f16
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %x = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
    %w = vector.transfer_read %b[%c0, %c0], %pad
        {in_bounds = [true, true], permutation_map = #transposed}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
    %y = vector.contract {indexing_maps = [#mk, #nk, #mn],
                          iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %x, %w, %zero
        : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    vector.transfer_write %y, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x8xf32>
    gpu.return
  }
  gpu.func @second(%out: memref<16x8xf32>)
      workgroup(%a: memref<16x24xf16, #gpu.address_space<workgroup>>,
                %b: memref<16x24xf16, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %pad = arith.constant 0.0 : f16
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %x = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
    %w = vector.transfer_read %b[%c0, %c0], %pad
        {in_bounds = [true, true], permutation_map = #transposed}
        : memref<16x24xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
    %y = vector.contract {indexing_maps = [#mk, #nk, #mn],
                          iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %x, %w, %zero
        : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    vector.transfer_write %y, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<16x8xf32>
    gpu.return
  }
}

// -----

// bf16 fragments read as f16 and bitcast (as convbn-gpu-implicit-gemm reads
// them out of byte buffers viewed twice): the chain is converted as f16
// (ldmatrix, the K loop) and mma.sync takes the registers as bf16. A
// contraction the conversion cannot take (its result read element by
// element) gets its bf16 operands back.

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#transposed = affine_map<(d0, d1) -> (d1, d0)>

// CHECK-LABEL: gpu.func @bf16_as_f16
// CHECK:         scf.for {{.*}} -> (vector<2x2xf32>)
// CHECK:           %[[A:.*]] = nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<64x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK:           %[[B:.*]] = nvgpu.ldmatrix {{.*}} {numTiles = 2 : i32, transpose = true} : memref<32x72xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
// CHECK-DAG:       %[[AB:.*]] = arith.bitcast %[[A]] : vector<4x2xf16> to vector<4x2xbf16>
// CHECK-DAG:       %[[BB:.*]] = arith.bitcast %[[B]] : vector<2x2xf16> to vector<2x2xbf16>
// CHECK:           nvgpu.mma.sync(%[[AB]], %[[BB]], %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK-DAG:     %[[X:.*]] = arith.bitcast %{{.*}} : vector<16x16xf16> to vector<16x16xbf16>
// CHECK-DAG:     %[[W:.*]] = arith.bitcast %{{.*}} : vector<8x16xf16> to vector<8x16xbf16>
// CHECK:         vector.contract {{.*}} %[[X]], %[[W]], %{{.*}} : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
// CHECK-NOT:     vector.contract
gpu.module @kernels {
  gpu.func @bf16_as_f16(%out: memref<64x64xf32>, %one: memref<1xf32>,
                        %x1: vector<16x16xf16>, %w1: vector<8x16xf16>)
      workgroup(%a: memref<64x40xf16, #gpu.address_space<workgroup>>,
                %b: memref<32x72xf16, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %pad = arith.constant 0.0 : f16
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %acc = scf.for %k = %c0 to %c64 step %c32 iter_args(%sum = %zero) -> vector<16x8xf32> {
      %x = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]}
          : memref<64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
      %w = vector.transfer_read %b[%c0, %c0], %pad
          {in_bounds = [true, true], permutation_map = #transposed}
          : memref<32x72xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
      %xb = arith.bitcast %x : vector<16x16xf16> to vector<16x16xbf16>
      %wb = arith.bitcast %w : vector<8x16xf16> to vector<8x16xbf16>
      %next = vector.contract {indexing_maps = [#mk, #nk, #mn],
                               iterator_types = ["parallel", "parallel", "reduction"],
                               kind = #vector.kind<add>} %xb, %wb, %sum
          : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
      scf.yield %next : vector<16x8xf32>
    }
    vector.transfer_write %acc, %out[%c0, %c0] {in_bounds = [true, true]}
        : vector<16x8xf32>, memref<64x64xf32>
    %x1b = arith.bitcast %x1 : vector<16x16xf16> to vector<16x16xbf16>
    %w1b = arith.bitcast %w1 : vector<8x16xf16> to vector<8x16xbf16>
    %y = vector.contract {indexing_maps = [#mk, #nk, #mn],
                          iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %x1b, %w1b, %zero
        : vector<16x16xbf16>, vector<8x16xbf16> into vector<16x8xf32>
    %e = vector.extract %y[0, 0] : f32 from vector<16x8xf32>
    memref.store %e, %one[%c0] : memref<1xf32>
    gpu.return
  }
}
