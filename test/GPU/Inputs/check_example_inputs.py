"""The GPU check rebuilds the example's inputs in Python (bench/gpu_check.py,
example_input) while the reference outputs come from exec_compare's MLIR
`main`: the two must make the same numbers. Runs an identity function on
an activation-shaped and a vector-shaped argument through exec_compare's
harness and compares what it prints with example_input."""

import os
import sys
import tempfile

bench, utils, opt, runner, lib_dir = sys.argv[1:]
sys.path.insert(0, bench)
sys.path.insert(0, utils)
import exec_compare  # noqa: E402
import gpu_check  # noqa: E402

source = """
func.func @identity(%x: tensor<2x3x4x5xf32>, %v: tensor<7xf32>)
    -> (tensor<2x3x4x5xf32>, tensor<7xf32>) {
  return %x, %v : tensor<2x3x4x5xf32>, tensor<7xf32>
}
"""
arg_types, results = exec_compare.find_signature(source, "identity")
builder = exec_compare.MainBuilder()
builder.add_call("identity", arg_types, results)
with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
    f.write(exec_compare.insert_main(source, builder.text()))
    path = f.name
libs = [os.path.join(lib_dir, f"libmlir_{n}.so") for n in ("c_runner_utils", "runner_utils")]
try:
    printed = exec_compare.run(opt, runner, libs, path, [], ["--lower-to-cpu"])
finally:
    os.unlink(path)
worst = 0.0
for k, ((shape, _), values) in enumerate(zip(arg_types, printed)):
    expected = gpu_check.example_input(shape, k)
    assert len(expected) == len(values), (len(expected), len(values))
    worst = max(worst, max(abs(a - b) for a, b in zip(expected, values)))
# MLIR computes in f32 and prints 6 significant digits.
print(f"max difference {worst:.1e}: {'same inputs' if worst < 1e-5 else 'DIFFERENT inputs'}")
sys.exit(0 if worst < 1e-5 else 1)
