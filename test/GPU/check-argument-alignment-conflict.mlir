// RUN: convbn-opt %s --convbn-gpu-check-argument-alignment -verify-diagnostics

// The check reports through libc's write(): a module that defines `write`
// as something else is told so, instead of getting a second `write`.

// expected-error @+1 {{'write' is the runtime's function '!llvm.func<i64 (i32, ptr, i64)>' that reports a misaligned argument; this symbol cannot be defined otherwise}}
func.func private @write(memref<4xf32>)

func.func @f(%x: memref<4xf32>) {
  call @write(%x) : (memref<4xf32>) -> ()
  return
}
