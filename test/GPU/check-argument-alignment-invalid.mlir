// RUN: convbn-opt %s --convbn-gpu-check-argument-alignment=alignment=24 -verify-diagnostics

// No allocator promises an alignment that is not a power of two.
// expected-error @+1 {{alignment must be a positive power of two, not 24}}
module {
  func.func @f(%x: memref<4xf32>) {
    return
  }
}
