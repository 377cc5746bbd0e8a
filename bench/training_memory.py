#!/usr/bin/env python3
"""Peak memory and time of a compiled training step, unfused and fused.

  bench/training_memory.py FILE [--func train_step] [--repeats 3]
                           [--variants unfused,eval,tune] [--fan-in-scale]

FILE holds a joint forward + backward graph (scripts/gen_frontend_ir.py
--training). Each variant is compiled with convbn-opt, then
`--lower-to-cpu=track-memory=true`, which allocates every buffer through
MLIR's generic allocation functions; libconvbn_memtrack.so (runtime/)
defines them and counts the bytes live. A generated @main builds the inputs
(exec_compare's deterministic ones) and calls the step once per repeat,
each measured from what is live before it; the peak is the largest number
of bytes a step held at once beyond its inputs (its results included),
which is what the paper's memory figure measures. Variants:

  unfused  the graph as the frontend wrote it
  eval     --fuse-convbn=mode=eval (the backward reads the kept conv output)
  tune     --fuse-convbn=mode=tune (the backward reads only X and weights)

Time is the wall clock of the steps inside one mlir-runner process (JIT
compilation excluded), the median over the repeats. Measurements, not
tests: nothing fails on a number. Prints a Markdown table.

--skip-compute erases the arithmetic after bufferization: the allocations
are the same (peak memory depends only on their order), the times are not
the step's, and sizes whose arithmetic would take hours measure in seconds.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "utils"))
import exec_compare  # noqa: E402  (the input builder)

VARIANTS = {
    "unfused": [],
    "eval": ["--fuse-convbn=mode=eval"],
    "tune": ["--fuse-convbn=mode=tune"],
}


def build_main(source, func, repeats, fan_in_scale):
    code = re.sub(r"//[^\n]*", "", source)
    arg_types, results = exec_compare.find_signature(code, func)
    builder = exec_compare.MainBuilder(fan_in_scale=fan_in_scale)
    names = [builder.make_input(k, shape, elem)
             for k, (shape, elem) in enumerate(arg_types)]
    args = ", ".join(n for n, _ in names)
    arg_types_text = ", ".join(t for _, t in names)
    result_types = ", ".join(exec_compare.type_str(s, e) for s, e in results)
    lines = list(builder.lines)
    for i in range(repeats):
        # Each step measured from what is live before it (the earlier
        # steps' results stay live in @main).
        lines.append("  func.call @convbnMemtrackReset() : () -> ()")
        lines.append(f"  %t{i}_0 = func.call @rtclock() : () -> f64")
        lines.append(f"  %res{i}:{len(results)} = func.call @{func}({args}) : "
                     f"({arg_types_text}) -> ({result_types})")
        lines.append(f"  %t{i}_1 = func.call @rtclock() : () -> f64")
        lines.append(f"  %t{i} = arith.subf %t{i}_1, %t{i}_0 : f64")
        lines.append(f"  vector.print str \"convbn-step-seconds: \"")
        lines.append(f"  vector.print %t{i} : f64")
        lines.append("  func.call @convbnMemtrackPrint() : () -> ()")
    head = ["func.func private @convbnMemtrackReset()",
            "func.func private @convbnMemtrackPrint()",
            "func.func private @rtclock() -> f64",
            "func.func @main() {",
            f"  %k375 = arith.constant {exec_compare.INPUT_STEP} : f32",
            "  %half = arith.constant 0.5 : f32",
            "  %one = arith.constant 1.0 : f32",
            "  %zero_idx = arith.constant 0 : index"]
    return exec_compare.insert_main(
        source, "\n".join(head + lines + ["  return", "}"]) + "\n")


def measure(opt, runner, libs, module_path, passes, skip_compute):
    lower = "--lower-to-cpu=track-memory=true" + (
        " skip-compute=true" if skip_compute else "")
    lowered = subprocess.run(
        [opt, module_path] + passes + [lower],
        capture_output=True, text=True)
    if lowered.returncode:
        sys.exit(f"training_memory: convbn-opt {' '.join(passes)} failed:\n"
                 f"{lowered.stderr}")
    cmd = [runner, "-e", "main", "-entry-point-result=void", "-O3"] + \
        [f"-shared-libs={l}" for l in libs]
    ran = subprocess.run(cmd, input=lowered.stdout, capture_output=True,
                         text=True)
    if ran.returncode:
        sys.exit(f"training_memory: mlir-runner failed:\n{ran.stderr}")
    seconds = [float(x) for x in
               re.findall(r"convbn-step-seconds: ([0-9.e+-]+)", ran.stdout)]
    steps = [tuple(map(int, m)) for m in re.findall(
        r"convbn-memtrack: baseline (\d+) live (\d+) peak (\d+) "
        r"allocations (\d+)", ran.stdout)]
    # The largest step peak; every step allocates the same.
    peak = max(p - b for b, _live, p, _n in steps)
    return peak, steps[0][3], seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--func", default="train_step")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--variants", default="unfused,eval,tune")
    ap.add_argument("--fan-in-scale", action="store_true",
                    help="exec_compare's --fan-in-scale inputs")
    ap.add_argument("--skip-compute", action="store_true",
                    help="erase the linalg ops after bufferization "
                         "(--lower-to-cpu=skip-compute=true): the same "
                         "allocations in seconds, times meaningless")
    ap.add_argument("--opt", default=os.path.join(ROOT, "build", "bin",
                                                  "convbn-opt"))
    ap.add_argument("--runner", default="/usr/lib/llvm-22/bin/mlir-runner")
    ap.add_argument("--lib-dir", default="/usr/lib/llvm-22/lib")
    ap.add_argument("--memtrack", default=os.path.join(
        ROOT, "build", "lib", "libconvbn_memtrack.so"))
    args = ap.parse_args()

    source = open(args.file).read()
    module = build_main(source, args.func, args.repeats, args.fan_in_scale)
    libs = [os.path.join(args.lib_dir, f"libmlir_{n}.so")
            for n in ("c_runner_utils", "runner_utils")] + [args.memtrack]
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(module)
        path = f.name
    rows = []
    try:
        for name in args.variants.split(","):
            peak, allocations, seconds = measure(args.opt, args.runner, libs,
                                                 path, VARIANTS[name],
                                                 args.skip_compute)
            rows.append((name, peak, allocations, statistics.median(seconds)))
    finally:
        os.unlink(path)
    base = dict((r[0], r) for r in rows).get("unfused", rows[0])
    print(f"{os.path.basename(args.file)} @{args.func}, {args.repeats} steps, "
          f"{platform.node()} ({os.cpu_count()} CPUs), mlir-runner -O3")
    print()
    print("| variant | peak MiB | vs unfused | allocations / step | step s | vs unfused |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, peak, allocations, seconds in rows:
        print(f"| {name} | {peak / 2**20:.2f} | {peak / base[1] - 1:+.1%} | "
              f"{allocations // args.repeats} | {seconds:.3f} | "
              f"{seconds / base[3] - 1:+.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
