// libconvbn_memtrack counts the bytes of the buffers a program compiled
// with --lower-to-cpu=track-memory=true allocates (bench/training_memory.py).
//
// RUN: convbn-opt %s --lower-to-cpu=track-memory=true \
// RUN:   | FileCheck %s --check-prefix=IR
// RUN: convbn-opt %s --lower-to-cpu=track-memory=true \
// RUN:   | %sanitizer_host %mlir_runner -e main -entry-point-result=void -shared-libs=%convbn_memtrack -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN:   | FileCheck %s

// IR: llvm.call @_mlir_memref_to_llvm_alloc
// IR: llvm.call @_mlir_memref_to_llvm_free

func.func private @convbnMemtrackReset()
func.func private @convbnMemtrackPrint()

// Three buffers, freed (by the buffer deallocation pipeline) when @work
// returns: 1024 + 256 + 256 bytes live at once.
func.func @work(%keep: memref<16xf32>) -> f32 {
  %i = arith.constant 3 : index
  %f = arith.constant 2.5 : f32
  %a = memref.alloc() : memref<256xf32>
  %b = memref.alloc() : memref<64xf32>
  %c = memref.alloc() {alignment = 64} : memref<64xf32>
  memref.store %f, %a[%i] : memref<256xf32>
  %x = memref.load %a[%i] : memref<256xf32>
  memref.store %x, %b[%i] : memref<64xf32>
  %y = memref.load %b[%i] : memref<64xf32>
  memref.store %y, %c[%i] : memref<64xf32>
  %z = memref.load %c[%i] : memref<64xf32>
  memref.store %z, %keep[%i] : memref<16xf32>
  return %z : f32
}

func.func @main() {
  %keep = memref.alloc() : memref<16xf32>
  call @convbnMemtrackReset() : () -> ()
  %v = call @work(%keep) : (memref<16xf32>) -> f32
  // CHECK: 2.5
  vector.print %v : f32
  // 64 bytes were live before the reset; the peak counts them.
  // CHECK: convbn-memtrack: baseline 64 live 64 peak 1664 allocations 3
  call @convbnMemtrackPrint() : () -> ()
  %i = arith.constant 3 : index
  %w = memref.load %keep[%i] : memref<16xf32>
  // CHECK: 2.5
  vector.print %w : f32
  return
}
