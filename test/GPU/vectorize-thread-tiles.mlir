// RUN: convbn-opt %s --convbn-gpu-vectorize-thread-tiles --split-input-file --cse | FileCheck %s
// RUN: convbn-opt %s --convbn-gpu-vectorize-thread-tiles=argument-alignment=0 --split-input-file \
// RUN:   | FileCheck %s --check-prefix=NOALIGN

// Each thread's linalg op becomes vector code: its four outputs along W are
// the lanes of a vector accumulated in registers across the reduction
// (iter_args), the input row is read with one aligned vector load (W = 28
// and the thread's first column, 4 * tid, are multiples of 4; the caller's
// buffers are 16-byte aligned), the filter tap once and broadcast. Unit
// reduction dimensions (the 1x1 window) get no loop.

// CHECK-LABEL: func.func @pointwise_nchw
// CHECK:         scf.forall (%[[TX:.*]]) in (7)
// CHECK:           %[[INIT:.*]] = vector.load %{{.*}} {alignment = 16 : i64} : memref<1x1x1x4xf32, strided<[6272, 784, 28, 1], offset: ?>>, vector<4xf32>
// CHECK:           %[[SUM:.*]] = scf.for %[[C:.*]] = %c0{{.*}} to %c64{{.*}} step %c1{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (vector<4xf32>)
// CHECK:             %[[X:.*]] = vector.load %{{.*}}[%c0{{.*}}, %[[C]], %c0{{.*}}, %c0{{.*}}] {alignment = 16 : i64} : memref<1x64x1x4xf32, {{.*}}>, vector<4xf32>
// CHECK:             %[[W:.*]] = memref.load %{{.*}}[%c0{{.*}}, %[[C]], %c0{{.*}}, %c0{{.*}}]
// CHECK:             %[[WS:.*]] = vector.broadcast %[[W]] : f32 to vector<4xf32>
// CHECK:             %[[P:.*]] = arith.mulf %[[X]], %[[WS]] : vector<4xf32>
// CHECK:             %[[NEXT:.*]] = arith.addf %[[ACC]], %[[P]] : vector<4xf32>
// CHECK:             scf.yield %[[NEXT]] : vector<4xf32>
// CHECK:           vector.store %[[SUM]], %{{.*}} {alignment = 16 : i64}
// CHECK-NOT:       linalg.
// NOALIGN-LABEL: func.func @pointwise_nchw
// NOALIGN:         vector.load %{{.*}} : memref<1x64x1x4xf32, {{.*}}>, vector<4xf32>
func.func @pointwise_nchw(%x: memref<1x64x28x28xf32>, %w: memref<8x64x1x1xf32>,
                          %y: memref<1x8x28x28xf32>) {
  %row = memref.subview %x[0, 0, 5, 0] [1, 64, 1, 28] [1, 1, 1, 1]
      : memref<1x64x28x28xf32> to memref<1x64x1x28xf32, strided<[50176, 784, 28, 1], offset: 140>>
  %filter = memref.subview %w[3, 0, 0, 0] [1, 64, 1, 1] [1, 1, 1, 1]
      : memref<8x64x1x1xf32> to memref<1x64x1x1xf32, strided<[64, 1, 1, 1], offset: 192>>
  %out = memref.subview %y[0, 3, 5, 0] [1, 1, 1, 28] [1, 1, 1, 1]
      : memref<1x8x28x28xf32> to memref<1x1x1x28xf32, strided<[6272, 784, 28, 1], offset: 2492>>
  scf.forall (%tx) in (7) {
    %col = affine.apply affine_map<(d0) -> (d0 * 4)>(%tx)
    %xs = memref.subview %row[0, 0, 0, %col] [1, 64, 1, 4] [1, 1, 1, 1]
        : memref<1x64x1x28xf32, strided<[50176, 784, 28, 1], offset: 140>> to memref<1x64x1x4xf32, strided<[50176, 784, 28, 1], offset: ?>>
    %ys = memref.subview %out[0, 0, 0, %col] [1, 1, 1, 4] [1, 1, 1, 1]
        : memref<1x1x1x28xf32, strided<[6272, 784, 28, 1], offset: 2492>> to memref<1x1x1x4xf32, strided<[6272, 784, 28, 1], offset: ?>>
    linalg.conv_2d_nchw_fchw ins(%xs, %filter : memref<1x64x1x4xf32, strided<[50176, 784, 28, 1], offset: ?>>, memref<1x64x1x1xf32, strided<[64, 1, 1, 1], offset: 192>>)
        outs(%ys : memref<1x1x1x4xf32, strided<[6272, 784, 28, 1], offset: ?>>)
  } {mapping = [#gpu.thread<x>]}
  return
}

// -----

// A private buffer (an alloca without alignment) is read and written with
// the element's alignment only; the payload runs on vectors, with what does
// not depend on the lane (the per-channel scale and its square root)
// computed once.

// CHECK-LABEL: func.func @private_epilogue
// CHECK:         %[[T:.*]] = memref.alloca() : memref<4xf32>
// CHECK:         %[[V:.*]] = vector.load %[[T]][%c0] : memref<4xf32>, vector<4xf32>
// CHECK:         %[[S:.*]] = memref.load %arg1[%c0]
// CHECK:         %[[R:.*]] = math.sqrt %[[S]] : f32
// CHECK:         %[[RS:.*]] = vector.broadcast %[[R]] : f32 to vector<4xf32>
// CHECK:         %[[Y:.*]] = arith.mulf %[[V]], %[[RS]] : vector<4xf32>
// CHECK:         vector.store %[[Y]], %arg2[%c0] {alignment = 16 : i64}
func.func @private_epilogue(%x: memref<4xf32>, %s: memref<1xf32>, %y: memref<4xf32>) {
  scf.forall (%tx) in (1) {
    %t = memref.alloca() : memref<4xf32>
    memref.copy %x, %t : memref<4xf32> to memref<4xf32>
    linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (0)>, affine_map<(d0) -> (d0)>],
                    iterator_types = ["parallel"]}
        ins(%t, %s : memref<4xf32>, memref<1xf32>) outs(%y : memref<4xf32>) {
    ^bb0(%in: f32, %scale: f32, %out: f32):
      %r = math.sqrt %scale : f32
      %m = arith.mulf %in, %r : f32
      linalg.yield %m : f32
    }
  } {mapping = [#gpu.thread<x>]}
  return
}

// -----

// A payload that reads memory at lane-dependent indices (a padding gather)
// cannot run on vectors: the lanes become a loop of scalar points.

// CHECK-LABEL: func.func @gather_payload
// CHECK:         scf.for %[[L:.*]] = %c0 to %c4 step %c1 {
// CHECK:           %[[I:.*]] = arith.addi %[[L]], %c1 : index
// CHECK:           %[[E:.*]] = memref.load %arg0[%[[I]]] : memref<8xf32>
// CHECK:           memref.store %[[E]], %arg1[%[[L]]] : memref<4xf32>
// CHECK-NOT:     vector.
func.func @gather_payload(%x: memref<8xf32>, %y: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  scf.forall (%tx) in (1) {
    linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
        outs(%y : memref<4xf32>) {
    ^bb0(%out: f32):
      %i = linalg.index 0 : index
      %j = arith.addi %i, %c1 : index
      %e = memref.load %x[%j] : memref<8xf32>
      linalg.yield %e : f32
    }
  } {mapping = [#gpu.thread<x>]}
  return
}

// -----

// Outside a thread's tile (host code), linalg ops are left alone.

// CHECK-LABEL: func.func @host
// CHECK:         linalg.copy
func.func @host(%x: memref<4xf32>, %y: memref<4xf32>) {
  linalg.copy ins(%x : memref<4xf32>) outs(%y : memref<4xf32>)
  return
}

// -----

// An empty iteration space is left to convert-linalg-to-loops.

// CHECK-LABEL: func.func @empty
// CHECK:         linalg.generic
func.func @empty(%x: memref<0x4xf32>, %y: memref<0x4xf32>) {
  scf.forall (%tx) in (1) {
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel"]}
        ins(%x : memref<0x4xf32>) outs(%y : memref<0x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    }
  } {mapping = [#gpu.thread<x>]}
  return
}

// -----

// Two output channels per thread: one accumulator vector each, carried
// together through the reduction, and each input row read once for both.

// CHECK-LABEL: func.func @blocked_channels
// CHECK:         %[[A0:.*]] = vector.load %arg2[%c0, %c0, %c0, %c0]
// CHECK:         %[[A1:.*]] = vector.load %arg2[%c0, %c1, %c0, %c0]
// CHECK:         %[[R:.*]]:2 = scf.for %[[C:.*]] = %c0 to %c16 step %c1 iter_args(%[[S0:.*]] = %[[A0]], %[[S1:.*]] = %[[A1]]) -> (vector<4xf32>, vector<4xf32>)
// CHECK:           %[[X:.*]] = vector.load %arg0[%c0, %[[C]], %c0, %c0] {{.*}} vector<4xf32>
// CHECK:           %[[W0:.*]] = memref.load %arg1[%c0, %[[C]], %c0, %c0]
// CHECK:           %[[W0S:.*]] = vector.broadcast %[[W0]]
// CHECK:           %[[P0:.*]] = arith.mulf %[[X]], %[[W0S]]
// CHECK:           %[[N0:.*]] = arith.addf %[[S0]], %[[P0]]
// CHECK-NOT:       vector.load %arg0
// CHECK:           %[[W1:.*]] = memref.load %arg1[%c1, %[[C]], %c0, %c0]
// CHECK:           %[[W1S:.*]] = vector.broadcast %[[W1]]
// CHECK:           %[[P1:.*]] = arith.mulf %[[X]], %[[W1S]]
// CHECK:           %[[N1:.*]] = arith.addf %[[S1]], %[[P1]]
// CHECK:           scf.yield %[[N0]], %[[N1]]
// CHECK:         vector.store %[[R]]#0, %arg2[%c0, %c0, %c0, %c0]
// CHECK:         vector.store %[[R]]#1, %arg2[%c0, %c1, %c0, %c0]
func.func @blocked_channels(%x: memref<1x16x1x4xf32>, %w: memref<2x16x1x1xf32>,
                            %y: memref<1x2x1x4xf32>) {
  scf.forall (%tx) in (1) {
    linalg.conv_2d_nchw_fchw ins(%x, %w : memref<1x16x1x4xf32>, memref<2x16x1x1xf32>)
        outs(%y : memref<1x2x1x4xf32>)
  } {mapping = [#gpu.thread<x>]}
  return
}

// -----

// Element types: index and bf16 elements become lanes (index without an
// alignment claim: its width is the target's; a bf16 row of 4 is 8 bytes);
// buffers of vectors are left to convert-linalg-to-loops.

// CHECK-LABEL: func.func @index_lanes
// CHECK:         scf.for {{.*}} -> (vector<4xindex>)
// CHECK:           vector.load %arg0{{.*}} : memref<16x4xindex>, vector<4xindex>
// CHECK:         vector.store %{{.*}}, %arg1[%c0] : memref<4xindex>, vector<4xindex>
func.func @index_lanes(%x: memref<16x4xindex>, %y: memref<4xindex>) {
  scf.forall (%tx) in (1) {
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                    iterator_types = ["reduction", "parallel"]}
        ins(%x : memref<16x4xindex>) outs(%y : memref<4xindex>) {
    ^bb0(%in: index, %out: index):
      %s = arith.addi %in, %out : index
      linalg.yield %s : index
    }
  } {mapping = [#gpu.thread<x>]}
  return
}

// CHECK-LABEL: func.func @bf16_lanes
// CHECK:         scf.for {{.*}} -> (vector<4xbf16>)
// CHECK:           vector.load %arg0{{.*}} {alignment = 8 : i64} : memref<16x4xbf16>, vector<4xbf16>
// CHECK:         vector.store {{.*}} {alignment = 16 : i64} : memref<4xbf16>, vector<4xbf16>
func.func @bf16_lanes(%x: memref<16x4xbf16>, %y: memref<4xbf16>) {
  scf.forall (%tx) in (1) {
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                    iterator_types = ["reduction", "parallel"]}
        ins(%x : memref<16x4xbf16>) outs(%y : memref<4xbf16>) {
    ^bb0(%in: bf16, %out: bf16):
      %s = arith.addf %in, %out : bf16
      linalg.yield %s : bf16
    }
  } {mapping = [#gpu.thread<x>]}
  return
}

// CHECK-LABEL: func.func @vector_elements
// CHECK:         linalg.generic
func.func @vector_elements(%x: memref<16x4xvector<2xf32>>, %y: memref<4xvector<2xf32>>) {
  scf.forall (%tx) in (1) {
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                    iterator_types = ["reduction", "parallel"]}
        ins(%x : memref<16x4xvector<2xf32>>) outs(%y : memref<4xvector<2xf32>>) {
    ^bb0(%in: vector<2xf32>, %out: vector<2xf32>):
      %s = arith.addf %in, %out : vector<2xf32>
      linalg.yield %s : vector<2xf32>
    }
  } {mapping = [#gpu.thread<x>]}
  return
}

// -----

// Masks of i1 stay scalar: a buffer holds one i1 per byte (as scalar loads
// and stores access them), a vector<4xi1> is bit-packed in memory, so a
// vector load or store would read or write other bytes (max-pool
// backward's masks came out wrong on the GPU path). The f32 op next to it
// is vectorized as usual.
// CHECK-LABEL: func.func @i1_mask_stays_scalar
// CHECK:         linalg.generic
// CHECK-SAME:      outs(%{{.*}} : memref<1x1x1x4xi1
// CHECK-NOT:     vector<4xi1>
// CHECK:         vector.load {{.*}} vector<4xf32>
// CHECK-NOT:     vector<4xi1>
func.func @i1_mask_stays_scalar(%a: memref<1x8x8x8xf32>, %b: memref<1x8x8x8xf32>,
                                %m: memref<1x8x8x8xi1>, %y: memref<1x8x8x8xf32>) {
  scf.forall (%c, %h, %w) in (8, 8, 2) {
    %w4 = affine.apply affine_map<(d0) -> (d0 * 4)>(%w)
    %ta = memref.subview %a[0, %c, %h, %w4] [1, 1, 1, 4] [1, 1, 1, 1]
        : memref<1x8x8x8xf32> to memref<1x1x1x4xf32, strided<[512, 64, 8, 1], offset: ?>>
    %tb = memref.subview %b[0, %c, %h, %w4] [1, 1, 1, 4] [1, 1, 1, 1]
        : memref<1x8x8x8xf32> to memref<1x1x1x4xf32, strided<[512, 64, 8, 1], offset: ?>>
    %tm = memref.subview %m[0, %c, %h, %w4] [1, 1, 1, 4] [1, 1, 1, 1]
        : memref<1x8x8x8xi1> to memref<1x1x1x4xi1, strided<[512, 64, 8, 1], offset: ?>>
    %ty = memref.subview %y[0, %c, %h, %w4] [1, 1, 1, 4] [1, 1, 1, 1]
        : memref<1x8x8x8xf32> to memref<1x1x1x4xf32, strided<[512, 64, 8, 1], offset: ?>>
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%ta, %tb : memref<1x1x1x4xf32, strided<[512, 64, 8, 1], offset: ?>>, memref<1x1x1x4xf32, strided<[512, 64, 8, 1], offset: ?>>)
        outs(%tm : memref<1x1x1x4xi1, strided<[512, 64, 8, 1], offset: ?>>) {
    ^bb0(%x: f32, %z: f32, %o: i1):
      %gt = arith.cmpf ogt, %x, %z : f32
      linalg.yield %gt : i1
    }
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%ta : memref<1x1x1x4xf32, strided<[512, 64, 8, 1], offset: ?>>)
        outs(%ty : memref<1x1x1x4xf32, strided<[512, 64, 8, 1], offset: ?>>) {
    ^bb0(%x: f32, %o: f32):
      %n = arith.negf %x : f32
      linalg.yield %n : f32
    }
  } {mapping = [#gpu.thread<z>, #gpu.thread<y>, #gpu.thread<x>]}
  return
}
