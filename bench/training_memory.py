#!/usr/bin/env python3
"""Peak memory and time of a compiled training step, unfused and fused.

  bench/training_memory.py FILE [--func train_step] [--repeats 3]
                           [--rounds 1] [--variants unfused,eval,tune]
                           [--fan-in-scale] [--skip-compute]

FILE holds a joint forward + backward graph (scripts/gen_frontend_ir.py
--training). Each variant is compiled with convbn-opt into a copy of the
step (@train_step_<variant>); the copies go into one module with a
generated @main, lowered once with `--lower-to-cpu=track-memory=true`,
which allocates every buffer through MLIR's generic allocation functions;
libconvbn_memtrack.so (runtime/) defines them and counts the bytes live.
@main builds the inputs (exec_compare's deterministic ones) and calls the
variants' steps in turn, `--repeats` times each, `--rounds` times over, each
step measured from what is live before it; the peak is the largest number
of bytes a step held at once beyond its inputs (its results included),
which is what the paper's memory figure measures. Variants:

  unfused  the graph as the frontend wrote it
  eval     --fuse-convbn=mode=eval (the backward reads the kept conv output)
  tune     --fuse-convbn=mode=tune (the backward reads only X and weights)

Time is the wall clock of each step (JIT compilation excluded). All steps
run in one mlir-runner process, the variants alternating, so that a slow
spell of the machine falls on every variant alike; the table gives the
median, minimum and maximum over each variant's steps, and with more than
one round each round's ratio of the second variant to the first.
Measurements, not tests: nothing fails on a number. Prints a Markdown
table.

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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "utils"))
import exec_compare  # noqa: E402  (the input builder)

VARIANTS = {
    "unfused": [],
    "eval": ["--fuse-convbn=mode=eval"],
    "tune": ["--fuse-convbn=mode=tune"],
}


def compile_variant(opt, path, name, func):
    """The step compiled as `name` prescribes, renamed @<func>_<name>, as
    the body of its module (affine maps inline, so that bodies combine)."""
    compiled = subprocess.run(
        [opt, path] + VARIANTS[name] + ["--mlir-print-local-scope"],
        capture_output=True, text=True)
    if compiled.returncode:
        sys.exit(f"training_memory: convbn-opt {' '.join(VARIANTS[name])} "
                 f"failed:\n{compiled.stderr}")
    text = re.sub(rf"@{func}\b", f"@{func}_{name}", compiled.stdout)
    open_brace, close_brace = text.index("{"), text.rstrip().rfind("}")
    return text[open_brace + 1:close_brace]


def build_main(source, func, schedule, fan_in_scale):
    """@main: the inputs, then one timed and tracked call per entry of
    `schedule` (variant names, in order)."""
    code = re.sub(r"//[^\n]*", "", source)
    arg_types, results = exec_compare.find_signature(code, func)
    builder = exec_compare.MainBuilder(fan_in_scale=fan_in_scale)
    names = [builder.make_input(k, shape, elem)
             for k, (shape, elem) in enumerate(arg_types)]
    args = ", ".join(n for n, _ in names)
    arg_types_text = ", ".join(t for _, t in names)
    result_types = ", ".join(exec_compare.type_str(s, e) for s, e in results)
    lines = list(builder.lines)
    for i, name in enumerate(schedule):
        # Each step measured from what is live before it (the earlier
        # steps' results stay live in @main).
        lines.append("  func.call @convbnMemtrackReset() : () -> ()")
        lines.append(f"  %t{i}_0 = func.call @rtclock() : () -> f64")
        lines.append(f"  %res{i}:{len(results)} = func.call @{func}_{name}"
                     f"({args}) : ({arg_types_text}) -> ({result_types})")
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
    return "\n".join(head + lines + ["  return", "}"]) + "\n"


def run(opt, runner, libs, module_text, skip_compute):
    """Per step of the schedule: (peak bytes, allocations, seconds)."""
    lower = "--lower-to-cpu=track-memory=true" + (
        " skip-compute=true" if skip_compute else "")
    lowered = subprocess.run([opt, "-", lower], input=module_text,
                             capture_output=True, text=True)
    if lowered.returncode:
        sys.exit(f"training_memory: {lower} failed:\n{lowered.stderr}")
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
    return [(peak - baseline, allocations, t)
            for (baseline, _live, peak, allocations), t in zip(steps, seconds)]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--func", default="train_step")
    ap.add_argument("--repeats", type=int, default=3,
                    help="steps of a variant in a row")
    ap.add_argument("--rounds", type=int, default=1,
                    help="times the variants take their turns")
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

    names = args.variants.split(",")
    if any(name not in VARIANTS for name in names):
        sys.exit(f"training_memory: variants are {', '.join(VARIANTS)}")
    source = open(args.file).read()
    schedule = [name for _ in range(args.rounds) for name in names
                for _ in range(args.repeats)]
    bodies = "".join(compile_variant(args.opt, args.file, name, args.func)
                     for name in names)
    module = ("module {\n" + bodies +
              build_main(source, args.func, schedule, args.fan_in_scale) +
              "}\n")
    libs = [os.path.join(args.lib_dir, f"libmlir_{n}.so")
            for n in ("c_runner_utils", "runner_utils")] + [args.memtrack]
    steps = run(args.opt, args.runner, libs, module, args.skip_compute)
    if len(steps) != len(schedule):
        sys.exit(f"training_memory: {len(steps)} of {len(schedule)} steps "
                 "reported")

    peak, allocations, seconds = {}, {}, {name: [] for name in names}
    per_round = [dict() for _ in range(args.rounds)]
    for i, (name, (step_peak, step_allocations, t)) in enumerate(
            zip(schedule, steps)):
        # Every step of a variant allocates the same; keep the largest.
        peak[name] = max(peak.get(name, 0), step_peak)
        allocations[name] = step_allocations
        seconds[name].append(t)
        per_round[i // (len(names) * args.repeats)].setdefault(
            name, []).append(t)
    base = "unfused" if "unfused" in names else names[0]
    median = {name: statistics.median(seconds[name]) for name in names}
    print(f"{os.path.basename(args.file)} @{args.func}: {args.rounds} "
          f"round(s) of {args.repeats} step(s) per variant in one process, "
          f"{platform.node()} ({os.cpu_count()} CPUs), mlir-runner -O3")
    print()
    print(f"| variant | peak MiB | vs {base} | allocations / step | "
          f"step s (median) | min | max | vs {base} |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        print(f"| {name} | {peak[name] / 2**20:.2f} | "
              f"{peak[name] / peak[base] - 1:+.1%} | {allocations[name]} | "
              f"{median[name]:.3f} | {min(seconds[name]):.3f} | "
              f"{max(seconds[name]):.3f} | "
              f"{median[name] / median[base] - 1:+.1%} |")
    if len(names) >= 2 and args.rounds > 1:
        first, second = names[0], names[1]
        ratios = [statistics.median(r[second]) / statistics.median(r[first])
                  for r in per_round]
        print()
        print(f"{second} / {first}, round by round: "
              + ", ".join(f"{x:.3f}" for x in ratios)
              + f" (median {statistics.median(ratios):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
