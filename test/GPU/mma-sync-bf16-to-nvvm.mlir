// RUN: convbn-opt %s "--pass-pipeline=builtin.module(gpu.module(convbn-gpu-mma-sync-bf16-to-nvvm))" \
// RUN:   | FileCheck %s
// convert-nvgpu-to-nvvm then lowers the rest (alone, it fails on bf16
// mma.sync: "failed to deduce operand PTX types").
// RUN: convbn-opt %s "--pass-pipeline=builtin.module(gpu.module(convbn-gpu-mma-sync-bf16-to-nvvm),convert-nvgpu-to-nvvm)" \
// RUN:   | FileCheck %s --check-prefix=NVVM

// bf16 m16n8k16: each row of a thread's fragments (two bf16 values) is one
// 32-bit register; the four accumulators go in and come out as scalars.

// CHECK-LABEL: gpu.func @bf16
// CHECK-SAME:    (%[[A:.*]]: vector<4x2xbf16>, %[[B:.*]]: vector<2x2xbf16>, %[[C:.*]]: vector<2x2xf32>
// CHECK:         %[[A0:.*]] = vector.extract %[[A]][0] : vector<2xbf16> from vector<4x2xbf16>
// CHECK:         %[[A0I:.*]] = vector.bitcast %[[A0]] : vector<2xbf16> to vector<1xi32>
// CHECK:         %[[R0:.*]] = vector.extract %[[A0I]][0] : i32 from vector<1xi32>
// CHECK-COUNT-3: vector.bitcast {{.*}} : vector<2xbf16> to vector<1xi32>
// CHECK-COUNT-2: vector.bitcast {{.*}} : vector<2xbf16> to vector<1xi32>
// CHECK:         %[[C0:.*]] = vector.extract %[[C]][0, 0] : f32 from vector<2x2xf32>
// CHECK:         %[[D:.*]] = nvvm.mma.sync A[%[[R0]], %{{.*}}, %{{.*}}, %{{.*}}] {{ *}}B[%{{.*}}, %{{.*}}] {{ *}}C[%[[C0]], %{{.*}}, %{{.*}}, %{{.*}}]
// CHECK-SAME:      multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK-SAME:      : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK-COUNT-4: llvm.extractvalue %[[D]]
// CHECK:         %[[R:.*]] = vector.from_elements {{.*}} : vector<2x2xf32>
// CHECK:         vector.transfer_write %[[R]]
// CHECK-NOT:     nvgpu.mma.sync
// NVVM-LABEL: gpu.func @bf16
// NVVM:         nvvm.mma.sync {{.*}} multiplicandAPtxType = #nvvm.mma_type<bf16>
// NVVM-LABEL: gpu.func @f16
// NVVM:         nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32)
// NVVM-NOT:     nvgpu.
gpu.module @kernels {
  gpu.func @bf16(%a: vector<4x2xbf16>, %b: vector<2x2xbf16>, %c: vector<2x2xf32>,
                 %out: memref<2x2xf32>) kernel {
    %i = arith.constant 0 : index
    %d = nvgpu.mma.sync (%a, %b, %c) {mmaShape = [16, 8, 16]}
        : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>) -> vector<2x2xf32>
    vector.transfer_write %d, %out[%i, %i] {in_bounds = [true, true]}
        : vector<2x2xf32>, memref<2x2xf32>
    gpu.return
  }
}

// f16 (and every other type upstream lowers) is left to
// convert-nvgpu-to-nvvm.

// CHECK-LABEL: gpu.func @f16
// CHECK:         nvgpu.mma.sync
// CHECK-NOT:     nvvm.mma.sync
gpu.module @kernels_f16 {
  gpu.func @f16(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>,
                %out: memref<2x2xf32>) kernel {
    %i = arith.constant 0 : index
    %d = nvgpu.mma.sync (%a, %b, %c) {mmaShape = [16, 8, 16]}
        : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
    vector.transfer_write %d, %out[%i, %i] {in_bounds = [true, true]}
        : vector<2x2xf32>, memref<2x2xf32>
    gpu.return
  }
}
