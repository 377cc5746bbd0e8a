// RUN: convbn-opt %s --split-input-file --verify-diagnostics --convbn-check-cpu-target
// RUN: convbn-opt %s --split-input-file --verify-diagnostics --lower-to-cpu
// Float types MLIR's LLVM type converter has no type for. Without the check
// the func, memref and arith conversions build ops of a null type and
// crash (found by utils/fuzz_convbn.py, seed 7 case 7586).

// expected-error @below {{lower-to-cpu: LLVM has no type for 'tf32'}}
func.func private @print(memref<*xtf32>)

// -----

func.func @unranked(%m: memref<*xtf32>) {
  // expected-error @below {{lower-to-cpu: LLVM has no type for 'tf32'}}
  call @print(%m) : (memref<*xtf32>) -> ()
  return
}
func.func private @print(memref<*xtf32>)

// -----

func.func @complex(%a: complex<tf32>) -> complex<tf32> {
  // expected-error @below {{lower-to-cpu: LLVM has no type for 'tf32'}}
  return %a : complex<tf32>
}

// -----

// An unused argument: the signature alone.
// expected-error @below {{lower-to-cpu: LLVM has no type for 'tf32'}}
func.func @argument(%a: tensor<4xtf32>) {
  return
}
