// A chain of tensor ops whose intermediates die one after another: with
// --lower-to-cpu (its convbn-free-after-last-use after upstream's buffer
// deallocation, which frees at the end of the block) the first buffer is
// freed when the second op has read it, as in a training step whose
// activations are freed when their last reader is done.
//
// RUN: convbn-opt %s --lower-to-cpu=track-memory=true \
// RUN:   | %sanitizer_host %mlir_runner -e main -entry-point-result=void -shared-libs=%convbn_memtrack -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN:   | FileCheck %s

func.func private @convbnMemtrackReset()
func.func private @convbnMemtrackPrint()

#id = affine_map<(d0) -> (d0)>
#even = affine_map<(d0) -> (2 * d0)>
func.func @chain(%x: tensor<256xf32>) -> f32 {
  %e1 = tensor.empty() : tensor<256xf32>
  %t1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<256xf32>) outs(%e1 : tensor<256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<256xf32>
  %e2 = tensor.empty() : tensor<128xf32>
  %t2 = linalg.generic {indexing_maps = [#even, #id], iterator_types = ["parallel"]} ins(%t1 : tensor<256xf32>) outs(%e2 : tensor<128xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<128xf32>
  %e3 = tensor.empty() : tensor<64xf32>
  %t3 = linalg.generic {indexing_maps = [#even, #id], iterator_types = ["parallel"]} ins(%t2 : tensor<128xf32>) outs(%e3 : tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %c = arith.constant 7 : index
  %v = tensor.extract %t3[%c] : tensor<64xf32>
  return %v : f32
}

func.func @main() {
  %x = arith.constant dense<1.5> : tensor<256xf32>
  call @convbnMemtrackReset() : () -> ()
  %v = call @chain(%x) : (tensor<256xf32>) -> f32
  // 1024, 512 and 256 bytes (each requested with 64 more, to align the
  // buffer by hand), the first freed before the third is allocated:
  // 1088 + 576 live at once (all three would be 1984).
  // CHECK: convbn-memtrack: baseline 0 live 0 peak 1664 allocations 3
  call @convbnMemtrackPrint() : () -> ()
  // (1.5 + 1.5)^2 * 2
  // CHECK: 18
  vector.print %v : f32
  return
}
