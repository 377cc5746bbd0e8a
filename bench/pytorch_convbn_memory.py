#!/usr/bin/env python3
"""PyTorch's own Eval and Tune ConvBN on the CPU: the baseline beside
bench/training_memory.py's compiled figures (docs/performance.md).

  FRONTEND_VENV/bin/python bench/pytorch_convbn_memory.py [--model resnet50]
      [--batch 8] [--size 224] [--repeats 3]

One training step (MSE loss against a random target, BN in eval with
running statistics, every parameter trained) of a torchvision model in
eager mode, two ways in one process:

  eval  the model as is: each conv's output is saved for BN's backward;
  tune  every Conv2d + BatchNorm2d pair runs through PyTorch's own
        implementation of the paper, torch._inductor.fx_passes.
        efficient_conv_bn_eval.efficient_conv_bn_eval (the filter folded on
        the fly, one conv).

Per variant: the bytes of the tensors autograd saves for backward (counted
by torch.autograd.graph.saved_tensors_hooks, each storage once), the growth
of the process's resident memory over the step (the most it reached, from
/proc/self/status VmHWM, reset before the step through
/proc/self/clear_refs; malloc's mmap threshold is fixed so that freed
tensors leave the resident set), and the median step time. Needs torch and
torchvision (scripts/gen_frontend_ir.sh makes a venv with them).
"""

import argparse
import os
import statistics
import sys
import time

# glibc's malloc returns large blocks to the system on free only below its
# mmap threshold, which it raises after the first frees; a fixed threshold
# keeps every activation-sized tensor mmapped, so that the resident size
# follows the live tensors and its high-water mark is the step's peak.
if os.environ.get("MALLOC_MMAP_THRESHOLD_") != "131072":
    os.environ["MALLOC_MMAP_THRESHOLD_"] = "131072"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import torch
import torch.nn as nn
import torchvision
from torch._inductor.fx_passes.efficient_conv_bn_eval import efficient_conv_bn_eval


def conv_bn_pairs(model):
    """(parent, conv name, bn name) for each Conv2d directly followed by a
    BatchNorm2d among a module's children (torchvision's ResNets and
    Conv2dNormActivation), plus ResNet blocks' convN/bnN attributes."""
    pairs = []
    for parent in model.modules():
        names = list(parent._modules)
        for a, b in zip(names, names[1:]):
            if isinstance(parent._modules[a], nn.Conv2d) and \
                    isinstance(parent._modules[b], nn.BatchNorm2d):
                pairs.append((parent, a, b))
        for i in range(1, 4):
            c, n = f"conv{i}", f"bn{i}"
            if isinstance(getattr(parent, c, None), nn.Conv2d) and \
                    isinstance(getattr(parent, n, None), nn.BatchNorm2d) and \
                    (parent, c, n) not in pairs:
                pairs.append((parent, c, n))
    return pairs


class TuneConv(nn.Module):
    """conv + bn as one efficient_conv_bn_eval call; bn becomes identity."""

    def __init__(self, conv, bn):
        super().__init__()
        self.conv, self.bn = conv, bn

    def forward(self, x):
        return efficient_conv_bn_eval(self.bn, self.conv, x)


def to_tune(model):
    count = 0
    for parent, c, n in conv_bn_pairs(model):
        conv, bn = getattr(parent, c), getattr(parent, n)
        setattr(parent, c, TuneConv(conv, bn))
        setattr(parent, n, nn.Identity())
        count += 1
    return count


def rss_peak_reset():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def rss_kib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def step(model, x, target):
    saved = {}

    def pack(t):
        key = t.untyped_storage().data_ptr()
        saved[key] = max(saved.get(key, 0), t.untyped_storage().nbytes())
        return t

    rss_peak_reset()
    before = rss_kib("VmRSS")
    start = time.perf_counter()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = ((model(x) - target) ** 2).mean()
    loss.backward()
    seconds = time.perf_counter() - start
    growth = (rss_kib("VmHWM") - before) * 1024
    model.zero_grad(set_to_none=True)
    return sum(saved.values()), growth, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="resnet50")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    x = torch.randn(args.batch, 3, args.size, args.size)
    rows = []
    for variant in ("eval", "tune"):
        model = getattr(torchvision.models, args.model)(weights=None).eval()
        pairs = to_tune(model) if variant == "tune" else len(conv_bn_pairs(model))
        with torch.no_grad():
            target = torch.randn_like(model(x))
        results = [step(model, x, target) for _ in range(args.repeats + 1)][1:]
        rows.append((variant, pairs, min(r[0] for r in results),
                     min(r[1] for r in results),
                     statistics.median(r[2] for r in results)))
    print(f"{args.model}, {args.batch}x3x{args.size}x{args.size}, torch {torch.__version__}, "
          f"1 thread")
    print("| variant | conv+BN pairs | saved MiB | RSS growth MiB | step s |")
    print("|---|---:|---:|---:|---:|")
    for variant, pairs, saved, growth, seconds in rows:
        print(f"| {variant} | {pairs} | {saved / 2**20:.1f} | {growth / 2**20:.1f} | {seconds:.2f} |")
    (_, _, s0, g0, t0), (_, _, s1, g1, t1) = rows
    print(f"tune / eval: saved {s1 / s0:.3f}, RSS growth {g1 / g0:.3f}, time {t1 / t0:.3f}")


if __name__ == "__main__":
    main()
