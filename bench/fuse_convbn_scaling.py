#!/usr/bin/env python3
"""Compile-time scaling of `convbn-opt --fuse-convbn`.

  bench/fuse_convbn_scaling.py [--pairs 100 1000 10000] [--repeats 3]
                               [--opt build/bin/convbn-opt] [--keep DIR]

For each size P, writes one function holding a chain of P conv + BN blocks
in torch-mlir's linalg-on-tensors spelling (tensor.pad, linalg.fill,
conv_2d_nchw_fchw 8->8 3x3, var + eps with eps an f64 truncated in the body,
rsqrt on the vector, [C,1,1] expand_shapes, then sub / mul / mul / add
generics; each block's BN output feeds the next conv). The parameters are
distinct `dense_resource` handles without data, as in the elided ResNet-18
input, so the file stays small and every pair fuses into deploy mode.

It times, as the median of --repeats runs (wall clock of the whole process):
  baseline: convbn-opt FILE -o /dev/null          (parse, verify, print)
  fuse:     convbn-opt FILE --fuse-convbn -o /dev/null
  remarks:  convbn-opt FILE --fuse-convbn=remarks=true -o /dev/null
            (one remark per pair on stderr, which is read and discarded)
and, from `--mlir-timing` of the fuse runs, the time spent in the fuse-convbn
pass itself (median over the repeats), which excludes parsing and printing.
It checks once (untimed) that all P pairs fused and that every pair got its
remark, and prints a Markdown table. Timings are measurements, not tests:
nothing here fails on time.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

C = 8
H = 8


def block(i, x):
    """One conv + BN block on %x (tensor<1xCxHxHxf32>); returns (lines, result)."""
    t = f"tensor<1x{C}x{H}x{H}xf32>"
    tp = f"tensor<1x{C}x{H + 2}x{H + 2}xf32>"
    v = f"tensor<{C}xf32>"
    v3 = f"tensor<{C}x1x1xf32>"
    p = f"b{i}"
    lines = [
        f"    %{p}_w = arith.constant dense_resource<w{i}> : tensor<{C}x{C}x3x3xf32>",
        f"    %{p}_m = arith.constant dense_resource<m{i}> : {v}",
        f"    %{p}_v = arith.constant dense_resource<v{i}> : {v}",
        f"    %{p}_g = arith.constant dense_resource<g{i}> : {v}",
        f"    %{p}_b = arith.constant dense_resource<b{i}> : {v}",
        f"    %{p}_pad = tensor.pad {x} low[0, 0, 1, 1] high[0, 0, 1, 1] {{",
        f"    ^bb0(%{p}_i0: index, %{p}_i1: index, %{p}_i2: index, %{p}_i3: index):",
        f"      tensor.yield %zero : f32",
        f"    }} : {t} to {tp}",
        f"    %{p}_fill = linalg.fill ins(%zero : f32) outs(%empty : {t}) -> {t}",
        f"    %{p}_conv = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}} "
        f"ins(%{p}_pad, %{p}_w : {tp}, tensor<{C}x{C}x3x3xf32>) outs(%{p}_fill : {t}) -> {t}",
        f"    %{p}_ve = linalg.generic {{indexing_maps = [#v, #v], iterator_types = [\"parallel\"]}} ins(%{p}_v : {v}) outs(%empty1 : {v}) {{",
        f"    ^bb0(%in: f32, %out: f32):",
        f"      %e = arith.truncf %eps : f64 to f32",
        f"      %s = arith.addf %in, %e : f32",
        f"      linalg.yield %s : f32",
        f"    }} -> {v}",
        f"    %{p}_r = linalg.generic {{indexing_maps = [#v, #v], iterator_types = [\"parallel\"]}} ins(%{p}_ve : {v}) outs(%empty1 : {v}) {{",
        f"    ^bb0(%in: f32, %out: f32):",
        f"      %s = math.rsqrt %in : f32",
        f"      linalg.yield %s : f32",
        f"    }} -> {v}",
    ]
    cur = f"%{p}_conv"
    for k, (vec, op) in enumerate([("m", "subf"), ("r", "mulf"), ("g", "mulf"), ("b", "addf")]):
        lines.append(f"    %{p}_{vec}3 = tensor.expand_shape %{p}_{vec} [[0, 1, 2]] output_shape [{C}, 1, 1] : {v} into {v3}")
        lines += [
            f"    %{p}_s{k} = linalg.generic {{indexing_maps = [#id, #c11, #id], iterator_types = [\"parallel\", \"parallel\", \"parallel\", \"parallel\"]}} "
            f"ins({cur}, %{p}_{vec}3 : {t}, {v3}) outs(%empty : {t}) {{",
            f"    ^bb0(%in: f32, %in_1: f32, %out: f32):",
            f"      %s = arith.{op} %in, %in_1 : f32",
            f"      linalg.yield %s : f32",
            f"    }} -> {t}",
        ]
        cur = f"%{p}_s{k}"
    return lines, cur


def module(pairs):
    t = f"tensor<1x{C}x{H}x{H}xf32>"
    out = ["#v = affine_map<(d0) -> (d0)>",
           "#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>",
           "#c11 = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>",
           "module {",
           f"  func.func @forward(%x: {t}) -> {t} {{",
           "    %zero = arith.constant 0.0 : f32",
           "    %eps = arith.constant 1.0e-05 : f64",
           f"    %empty = tensor.empty() : {t}",
           f"    %empty1 = tensor.empty() : tensor<{C}xf32>"]
    x = "%x"
    for i in range(pairs):
        lines, x = block(i, x)
        out += lines
    out += [f"    return {x} : {t}", "  }", "}"]
    return "\n".join(out) + "\n"


def timed(cmd):
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return elapsed, result


def pass_seconds(timing_report):
    """The wall time of the fuse-convbn pass in an --mlir-timing report
    (`  0.0004 (  8.5%)  FuseConvBN`)."""
    for line in timing_report.splitlines():
        if line.rstrip().endswith("FuseConvBN") and "remark" not in line:
            return float(line.split()[0])
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--opt", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin", "convbn-opt"))
    parser.add_argument("--keep", help="write the generated modules into this directory")
    args = parser.parse_args()

    workdir = args.keep or tempfile.mkdtemp(prefix="fuse-convbn-bench-")
    os.makedirs(workdir, exist_ok=True)
    rows = []
    for pairs in args.pairs:
        path = os.path.join(workdir, f"pairs{pairs}.mlir")
        with open(path, "w") as f:
            f.write(module(pairs))
        size_mb = os.path.getsize(path) / 1e6
        # Untimed check: every pair fuses.
        _, fused = timed([args.opt, path, "--fuse-convbn=remarks=true", "-o", "-"])
        count = fused.stdout.count("convbn.conv_bn deploy")
        remarks = fused.stderr.count("remark: fused")
        if count != pairs or remarks != pairs:
            sys.exit(f"{pairs} pairs: {count} fused, {remarks} remarks")
        base, fuse, in_pass, remark, remark_pass = [], [], [], [], []
        for _ in range(args.repeats):
            base.append(timed([args.opt, path, "-o", "/dev/null"])[0])
            elapsed, result = timed([args.opt, path, "--fuse-convbn", "-o", "/dev/null", "--mlir-timing"])
            fuse.append(elapsed)
            in_pass.append(pass_seconds(result.stderr))
            elapsed, result = timed([args.opt, path, "--fuse-convbn=remarks=true", "-o", "/dev/null",
                                     "--mlir-timing"])
            remark.append(elapsed)
            remark_pass.append(pass_seconds(result.stderr))
        rows.append((pairs, size_mb, statistics.median(base), statistics.median(fuse),
                     statistics.median(in_pass), statistics.median(remark),
                     statistics.median(remark_pass)))
        print(f"{pairs} pairs done", file=sys.stderr)

    cpu = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    print(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
          f"median of {args.repeats} runs; {time.strftime('%Y-%m-%d')}")
    print()
    print("| conv+BN pairs | file (MB) | no pass: parse+verify+print (s) | --fuse-convbn total (s) "
          "| pass alone (s) | remarks=true total (s) | remarks=true pass alone (s) "
          "| remarks / no remarks, pass |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for pairs, size_mb, base, fuse, in_pass, remark, remark_pass in rows:
        print(f"| {pairs} | {size_mb:.1f} | {base:.3f} | {fuse:.3f} | {in_pass:.3f} | {remark:.3f} "
              f"| {remark_pass:.3f} | {remark_pass / in_pass:.2f} |")


if __name__ == "__main__":
    main()
