// RUN: convbn-opt %s --pass-pipeline='builtin.module(gpu.module(convbn-gpu-align-workgroup-memory))' | FileCheck %s
// RUN: convbn-opt %s --pass-pipeline='builtin.module(gpu.module(convbn-gpu-align-workgroup-memory{alignment=48}))' -verify-diagnostics

// Every workgroup attribution without an alignment gets 128 bytes; one that
// has its own keeps it. The alignment must be a power of two.

// CHECK-LABEL: gpu.func @kernel
// CHECK-SAME:    workgroup(%{{.*}} : memref<32xf16, #gpu.address_space<workgroup>> {llvm.align = 128 : i64}, %{{.*}} : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 256 : i64})
module attributes {gpu.container_module} {
  // expected-error @+1 {{workgroup memory alignment must be a power of two, not 48}}
  gpu.module @kernels {
    gpu.func @kernel() workgroup(%a : memref<32xf16, #gpu.address_space<workgroup>>,
                                 %b : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 256 : i64}) kernel {
      gpu.return
    }
  }
}
