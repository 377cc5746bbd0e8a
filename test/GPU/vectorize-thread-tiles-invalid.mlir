// RUN: convbn-opt %s --convbn-gpu-vectorize-thread-tiles=argument-alignment=12 -verify-diagnostics

// An alignment that is not a power of two cannot be promised by any
// allocator; the pass refuses it instead of emitting wrong alignments.
// expected-error @+1 {{argument-alignment must be a power of two, or 0 for none, not 12}}
func.func @f(%x: memref<4xf32>) {
  return
}
