// RUN: convbn-opt %s --convbn-check-cpu-target | FileCheck %s
// RUN: convbn-opt %s --lower-to-cpu | FileCheck %s --check-prefix=LLVM
// Every float the converter maps passes: the LLVM floats as themselves, the
// f8/f6/f4 formats as integers of their width.

// CHECK-LABEL: func.func @floats
// LLVM-LABEL: llvm.func @floats
// LLVM-SAME: f16, %{{.*}}: bf16, %{{.*}}: f32, %{{.*}}: f64, %{{.*}}: f80, %{{.*}}: f128, %{{.*}}: i8, %{{.*}}: i8, %{{.*}}: i6, %{{.*}}: i4)
func.func @floats(%a: f16, %b: bf16, %c: f32, %d: f64, %e: f80, %f: f128,
                  %g: f8E4M3FN, %h: f8E8M0FNU, %i: f6E2M3FN, %j: f4E2M1FN) {
  return
}
