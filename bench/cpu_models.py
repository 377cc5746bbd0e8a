#!/usr/bin/env python3
"""CPU inference time of torchvision models: convbn.torch beside PyTorch eager
and IREE on torch-mlir's unfused import, in one process, on one input.

Columns (milliseconds per forward: the median of --rounds rounds, each
calling every variant once in turn, after one warm-up call each; compile
seconds in parentheses):
  pytorch          the module in eval mode, torch.no_grad()
  iree unfused     torch-mlir's linalg import compiled by IREE as is (with
                   the flags of convbn.iree_cpu.FLAGS)
  convbn deploy    convbn.torch.compile(mode="deploy", backend="iree")
  convbn tune      convbn.torch.compile(mode="tune", backend="iree")
  convbn jit       convbn.torch.compile(mode="deploy", backend="jit"):
                   convbn's own lower-to-cpu, LLVM -O3 (--jit to include it)
Every compiled output is checked against PyTorch's (relative error, max
|diff| / max |want|) before it is timed.

Run inside the Python environment (scripts/setup-python.sh, then
`. scripts/python-env.sh`; IREE: pip install iree-base-compiler
iree-base-runtime):
  python bench/cpu_models.py resnet18 resnet50 mobilenet_v2 --threads 1 0 --jit
(--threads 0: every core, IREE's task executor and PyTorch's default).
"""

import argparse
import os
import platform
import statistics
import subprocess
import time

import numpy as np
import torch
import torchvision

import convbn.torch as convbn_torch
from convbn import iree_cpu
from convbn.archs import relative_error


def model_name_of_cpu():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def interleaved_medians(functions, rounds):
    """Median milliseconds of each function over `rounds` rounds; each round
    calls every function once, in turn, so that a slow spell of the machine
    (a shared VM) falls on all of them alike. One warm-up call each."""
    for function in functions.values():
        function()
    times = {key: [] for key in functions}
    for _ in range(rounds):
        for key, function in functions.items():
            start = time.perf_counter()
            function()
            times[key].append(time.perf_counter() - start)
    return {key: statistics.median(t) * 1e3 for key, t in times.items()}


def iree_unfused(text, threads):
    """torch-mlir's import compiled by IREE without convbn's passes, with
    the flags convbn.iree_cpu uses."""
    function = iree_cpu.load(iree_cpu.compile_to_vmfb(text), "forward",
                             1 if threads == 1 else None)
    return lambda x: torch.from_numpy(np.asarray(function(x).to_host()))


def measure(name, threads, rounds, with_jit, batch, size):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    x = torch.randn(batch, 3, size, size)
    torch.set_num_threads(threads or os.cpu_count())
    with torch.no_grad():
        want = model(x)
    text = convbn_torch.export_mlir(model, (x,))
    x_np = x.numpy()

    def eager():
        with torch.no_grad():
            return model(x)

    functions = {"pytorch": eager}
    compile_seconds = {}

    def add(key, make, call):
        start = time.perf_counter()
        function = make()
        compile_seconds[key] = time.perf_counter() - start
        err = relative_error(call(function), want)
        if not err <= 1e-4:
            raise SystemExit(f"{name} {key}: relative error {err:.2e}")
        functions[key] = lambda: call(function)

    iree_threads = 1 if threads == 1 else None
    add("iree unfused", lambda: iree_unfused(text, threads),
        lambda f: f(x_np))
    for mode in ("deploy", "tune"):
        add(f"convbn {mode}", lambda: convbn_torch.compile_mlir(
            text, name, mode, backend="iree", threads=iree_threads),
            lambda f: f(x))
    if with_jit and threads == 1:
        add("convbn jit", lambda: convbn_torch.compile_mlir(
            text, name, "deploy", backend="jit", opt_level=3),
            lambda f: f(x))
    medians = interleaved_medians(functions, rounds)
    return {key: (ms, compile_seconds.get(key)) for key, ms in
            medians.items()}


COLUMNS = ["pytorch", "iree unfused", "convbn deploy", "convbn tune",
           "convbn jit"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", default=["resnet18"])
    ap.add_argument("--threads", type=int, nargs="+", default=[1])
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--jit", action="store_true",
                    help="also time convbn's own lower-to-cpu (1 thread)")
    args = ap.parse_args()
    if not iree_cpu.available():
        raise SystemExit("needs iree-base-compiler and iree-base-runtime")
    print(f"{model_name_of_cpu()}, {os.cpu_count()} cores; "
          f"{args.batch}x3x{args.size}x{args.size} f32; torch "
          f"{torch.__version__}; {time.strftime('%Y-%m-%d')}\n")
    print("| model | threads | " + " | ".join(COLUMNS) +
          " | convbn deploy / iree unfused |")
    print("|---|---|" + "---:|" * (len(COLUMNS) + 1))
    for name in args.models:
        for threads in args.threads:
            row = measure(name, threads, args.rounds, args.jit, args.batch,
                          args.size)
            cells = []
            for c in COLUMNS:
                if c not in row:
                    cells.append("-")
                    continue
                ms, seconds = row[c]
                cells.append(f"{ms:.1f}" if seconds is None else
                             f"{ms:.1f} ({seconds:.0f} s)")
            ratio = row["convbn deploy"][0] / row["iree unfused"][0]
            print(f"| {name} | {threads or 'all'} | " + " | ".join(cells) +
                  f" | {ratio:.2f} |", flush=True)


if __name__ == "__main__":
    main()
