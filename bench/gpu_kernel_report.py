#!/usr/bin/env python3
"""Static report of the convolution kernels `--lower-to-nvvm` writes for the
ResNet-50 Conv+BN layers, without a GPU: ptxas resources, the main loop's
instruction mix read from SASS, occupancy, and a throughput model beside
cuDNN's published V100 times (DeepBench).

  gpu_kernel_report.py [--opt build/bin/convbn-opt] [--batch 32]
                       [--dtype f32,f16[,bf16,tf32]] [--mode tune,eval]
                       [--chip sm_70,sm_80,sm_90] [--layers a,b,...]
                       [--markdown FILE] [--json FILE]

--dtype tf32: f32 layers lowered with allow-tf32 (TF32 mma.sync from
sm_80; sm_70 stays f32 SIMT), modelled at half the f16 tensor rate and set
beside cuDNN's f32 V100 time (the V100 has no TF32). --dtype bf16: bf16
layers (mma.sync from sm_80, at the f16 tensor rate; sm_70 stays SIMT), with
no reference (DeepBench has no bf16).

Needs ptxas (the CUDA toolkit, --ptxas) and nvdisasm (PyPI's
nvidia-cuda-nvdisasm: found in this Python's or the repository's .venv
site-packages, on PATH, or --nvdisasm). CUDA 13's ptxas does not target sm_70: V100 kernels (PTX for
sm_70) are assembled for sm_75, the closest target it has, and their
occupancy is computed with V100's limits.

The model and its assumptions are in docs/performance.md ("GPU kernels:
static analysis"); `model_time` below is its only implementation.
"""

import argparse
import glob
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "utils"))

import resnet50_layers  # noqa: E402
from extract_ptx import binaries  # noqa: E402

# Per GPU: SMs, clock (GHz), FP32 lanes per SM, dense f16 tensor peak
# (TFLOP/s), DRAM bandwidth (GB/s), L2 bandwidth (GB/s, measured figures
# from microbenchmark papers, rounded), and the occupancy limits.
GPUS = {
    "V100": dict(sms=80, ghz=1.53, fp32_lanes=64, tensor_tflops=125,
                 dram=900, l2=2100, regs=65536, smem=96 * 1024,
                 threads=2048, blocks=32),
    "A100": dict(sms=108, ghz=1.41, fp32_lanes=64, tensor_tflops=312,
                 dram=1555, l2=4800, regs=65536, smem=164 * 1024,
                 threads=2048, blocks=32),
    "H100": dict(sms=132, ghz=1.98, fp32_lanes=128, tensor_tflops=989,
                 dram=3350, l2=7000, regs=65536, smem=228 * 1024,
                 threads=2048, blocks=32),
}
# Fraction of the FP32 pipe's peak a kernel sustains when nothing else
# limits it (cuBLAS SGEMM reaches about 0.9 on V100, cuDNN's implicit GEMM
# 0.65-0.75 on ResNet layers).
FMA_EFFICIENCY = 0.8
# Fraction of the dense tensor-core peak a WMMA kernel fed from shared
# memory sustains when nothing else limits it (CUTLASS's WMMA GEMMs reach
# about 0.6-0.7 on V100; ldmatrix + mma.sync kernels 0.8-0.9).
TENSOR_EFFICIENCY = 0.6

# chip -> (GPU the estimate is for, SASS target ptxas assembles for)
CHIPS = {"sm_70": ("V100", "sm_75"), "sm_80": ("A100", "sm_80"),
         "sm_90": ("H100", "sm_90")}

DEEPBENCH = os.path.join(HERE, "data", "deepbench_v100_resnet.csv")


def load_deepbench():
    """[(dtype, C, K, R, stride, W, batch, ms)] of DeepBench's V100 ResNet
    rows (bench/data/deepbench_v100_resnet.csv says where they come from)."""
    rows = []
    with open(DEEPBENCH) as f:
        for line in f:
            if line.startswith("#") or line.startswith("dtype"):
                continue
            d = line.strip().split(",")
            rows.append((d[0], int(d[3]), int(d[5]), int(d[7]), int(d[10]),
                         int(d[1]), int(d[4]), float(d[12])))
    return rows


def flops(cin, cout, k, stride, pad, size, batch):
    out = (size + 2 * pad - k) // stride + 1
    return 2 * batch * out * out * cout * cin * k * k


def find_tool(name, given):
    if given:
        return given
    found = []
    for site in [os.path.join(os.path.dirname(os.__file__), "site-packages"),
                 os.path.join(HERE, "..", ".venv", "lib", "python*",
                              "site-packages")]:
        found += sorted(glob.glob(os.path.join(site, "nvidia", "*", "bin",
                                               name)))
    if found:
        return found[-1]
    return shutil.which(name) or (
        f"/usr/local/cuda/bin/{name}"
        if os.path.exists(f"/usr/local/cuda/bin/{name}") else None)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


INSTRUCTION = re.compile(r"^\s+/\*([0-9a-f]{4,})\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)")
LABEL = re.compile(r"^(\.L_x_\d+):")
BRANCH = re.compile(r"\bBRA\b.*`\((\.L_x_\d+)\)")

CLASSES = [
    ("tensor", re.compile(r"^(HMMA|HGMMA|IMMA)")),
    ("ffma", re.compile(r"^(FFMA|HFMA2|DFMA)")),
    ("lds", re.compile(r"^(LDS|LDSM)")),
    ("ldgsts", re.compile(r"^LDGSTS")),
    # LDGDEPBAR commits cp.async groups: not a load.
    ("ldg", re.compile(r"^(LDG(?!DEPBAR)|LD\b)")),
    ("sts", re.compile(r"^STS")),
    ("bar", re.compile(r"^BAR")),
]


def classify(opcode):
    for name, pattern in CLASSES:
        if pattern.match(opcode):
            return name
    return "other"


def parse_sass(text):
    """{kernel: [(address, opcode, line)], labels: {label: address}}."""
    kernels = {}
    current = None
    pending = []
    for line in text.splitlines():
        m = re.match(r"^\s*\.section\s+\.text\.(\w+)", line)
        if m:
            current = m.group(1)
            kernels[current] = {"code": [], "labels": {}}
            continue
        if current is None:
            continue
        m = LABEL.match(line)
        if m:
            pending.append(m.group(1))
            continue
        m = INSTRUCTION.match(line)
        if m:
            address = int(m.group(1), 16)
            for label in pending:
                kernels[current]["labels"][label] = address
            pending = []
            kernels[current]["code"].append((address, m.group(2), line))
    return kernels


def main_loop(kernel):
    """The instruction mix of the innermost loop around a barrier that has
    the most multiply-adds (the K loop of an implicit GEMM), or None."""
    code, labels = kernel["code"], kernel["labels"]
    loops = []
    for address, opcode, line in code:
        m = BRANCH.search(line)
        if m and labels.get(m.group(1), address + 1) <= address:
            loops.append((labels[m.group(1)], address))
    best = None
    for start, end in loops:
        body = [op for a, op, _ in code if start <= a <= end]
        mix = {}
        for op in body:
            mix[classify(op)] = mix.get(classify(op), 0) + 1
        mix["total"] = len(body)
        inner = [(s, e) for s, e in loops if start < s and e < end]
        mix["inner_loops"] = len(inner)
        if not mix.get("bar"):
            continue
        mac = mix.get("ffma", 0) + mix.get("tensor", 0)
        key = (mac, -(end - start))
        if best is None or key > best[0]:
            best = (key, mix)
    return best[1] if best else None


def unrolled_mix(kernel, slices):
    """The instruction mix per slice of a kernel whose K loop LLVM unrolled
    completely (short reductions): the whole kernel's, divided by the
    number of slices. An overestimate by the prologue and the epilogue,
    which the loop's mix leaves out."""
    mix = {}
    for _, opcode, _ in kernel["code"]:
        mix[classify(opcode)] = mix.get(classify(opcode), 0) + 1
    mix = {name: round(count / slices) for name, count in mix.items()}
    mix["total"] = sum(mix.values())
    mix["unrolled"] = True
    return mix


def occupancy(gpu, threads, registers, smem):
    g = GPUS[gpu]
    warps = math.ceil(threads / 32)
    # Registers are allocated per warp in units of 256.
    per_warp = math.ceil(max(registers, 1) * 32 / 256) * 256
    by_regs = g["regs"] // (per_warp * warps)
    by_smem = g["smem"] // smem if smem else g["blocks"]
    by_threads = g["threads"] // threads
    blocks = max(0, min(g["blocks"], by_regs, by_smem, by_threads))
    return blocks, blocks * warps * 32 / g["threads"]


def model_time(gpu, layer, dtype, launch, mix, blocks_per_sm):
    """Estimated milliseconds of the convolution kernel (see the module
    docstring and docs/performance.md for every assumption)."""
    g = GPUS[gpu]
    cin, cout, k, stride, pad, size = resnet50_layers.LAYERS[layer]
    batch = launch["batch"]
    out = (size + 2 * pad - k) // stride + 1
    m, n, kk = batch * out * out, cout, cin * k * k
    grid = launch["grid"]
    blocks = grid[0] * grid[1] * grid[2]
    threads = launch["threads"]
    warps = math.ceil(threads / 32)
    slices = math.ceil(kk / launch["bk"])
    resident = g["sms"] * max(blocks_per_sm, 1)
    waves = math.ceil(blocks / resident)
    # Blocks one SM runs one after another (the busiest SM).
    per_sm = waves * max(blocks_per_sm, 1) if blocks >= resident else \
        math.ceil(blocks / g["sms"])
    cycles = 1e9 * g["ghz"]
    # Issue: 4 schedulers, one warp instruction per cycle each.
    issue = per_sm * slices * mix["total"] * warps / 4
    # FP32 pipe: fp32_lanes / 32 warp-FFMAs per cycle per SM, sustained at
    # FMA_EFFICIENCY of that (register-bank and dual-issue conflicts,
    # barrier waits: what tuned SGEMMs reach).
    fma = (per_sm * slices * mix.get("ffma", 0) * warps /
           (g["fp32_lanes"] / 32) / FMA_EFFICIENCY)
    # Tensor cores: the whole GPU's dense peak sustained at
    # TENSOR_EFFICIENCY of it, in cycles (every SM works at once).
    # (TF32 runs at half the f16 rate on A100 and H100.)
    tensor_tflops = g["tensor_tflops"] / (2 if dtype == "tf32" else 1)
    tensor = (2 * m * n * kk / (tensor_tflops * 1e12 * TENSOR_EFFICIENCY)
              * cycles if mix.get("tensor") else 0)
    # Memory: compulsory DRAM traffic; the im2col re-reads of the input
    # (once per column block) and of the filter (once per row block) from L2.
    elt = 2 if dtype in ("f16", "bf16") else 4
    dram_bytes = elt * (batch * cin * size * size + cout * kk + m * n)
    l2_bytes = elt * (batch * cin * size * size * grid[1] +
                      cout * kk * grid[0])
    memory_s = max(dram_bytes / (g["dram"] * 1e9), l2_bytes / (g["l2"] * 1e9))
    compute_s = max(issue, fma, tensor) / cycles
    # Latency hiding: fewer than 4 resident warps per scheduler leaves the
    # global-load latency of each slice partly exposed; charge it linearly.
    warps_per_scheduler = max(blocks_per_sm, 1) * warps / 4
    exposure = max(1.0, 4 / max(warps_per_scheduler, 0.25)) ** 0.5
    return 1e3 * max(compute_s * exposure, memory_s), {
        "issue_ms": 1e3 * issue / cycles, "fma_ms": 1e3 * fma / cycles,
        "tensor_ms": 1e3 * tensor / cycles, "memory_ms": 1e3 * memory_s,
        "waves": blocks / resident, "exposure": exposure}


LAUNCH = re.compile(
    r"gpu\.launch_func\s+@(\w+)::@\w+ blocks in \(%c(\d+), %c(\d+), %c(\d+)\) "
    r"threads in \(%c(\d+), %c(\d+), %c(\d+)\)")
WORKGROUP = re.compile(r"gpu\.func @(\w+)\(.*\) workgroup\(([^)]*)\)")
WORKGROUP_BUFFER = re.compile(
    r"memref<(\d+)x(\d+)x(\d+)x(f16|bf16|f32|f64), #gpu\.address_space<workgroup>>")
ACCUMULATORS = re.compile(r"memref<\d+x\d+x(f16|bf16|f32|f64)")
# Tensor-core slices pad their rows by 16 bytes (ImplicitGemm.cpp).
ROW_PADDING_BYTES = 16
ELEMENT_BYTES = {"f16": 2, "bf16": 2, "f32": 4, "f64": 8}


def slice_depth(workgroup, body):
    """BK of an implicit-GEMM kernel from its workgroup buffers (the
    input's slice first): [S][BK][BM] for the SIMT kernels,
    [S][BM][BK + padding] for the tensor-core ones, which have a 2-D buffer
    for the accumulators (1-D buffers hold per-block column vectors); bf16
    tensor-core slices are bytes, viewed as [S][BM][BK + padding] in the
    kernel's `body`. None for other kernels."""
    buffers = (WORKGROUP_BUFFER.findall(workgroup) or
               WORKGROUP_BUFFER.findall(body))
    if not buffers:
        return None
    stages, rows, columns, element = buffers[0]
    if not ACCUMULATORS.search(workgroup):
        return int(rows)
    return int(columns) - ROW_PADDING_BYTES // ELEMENT_BYTES[element]


def tensor_dtype(dtype):
    """The element type of a report dtype's tensors: "tf32" is f32 tensors
    multiplied on tensor cores (allow-tf32)."""
    return "f32" if dtype == "tf32" else dtype


def lower(opt, layer, batch, dtype, mode, chip, workdir):
    source = resnet50_layers.function(layer, batch, tensor_dtype(dtype), mode)
    path = os.path.join(workdir, "layer.mlir")
    with open(path, "w") as f:
        f.write(source)
    tf32 = " allow-tf32=true" if dtype == "tf32" else ""
    outlined = run([opt, path, f"--lower-to-nvvm=chip={chip} format=isa{tf32}",
                    "--mlir-print-ir-after=gpu-kernel-outlining",
                    "-o", os.path.join(workdir, "out.mlir")]).stderr
    launches = {}
    for m in LAUNCH.finditer(outlined):
        launches[m.group(1)] = {
            "grid": [int(m.group(i)) for i in (2, 3, 4)],
            "threads": int(m.group(5)) * int(m.group(6)) * int(m.group(7)),
            "batch": batch}
    kernels = list(WORKGROUP.finditer(outlined))
    for m, following in zip(kernels, kernels[1:] + [None]):
        body = outlined[m.end():following.start() if following else None]
        name, bk = m.group(1), slice_depth(m.group(2), body)
        if bk is None:
            continue
        for module in launches:
            if module == name or module.startswith(name):
                launches[module]["bk"] = bk
    with open(os.path.join(workdir, "out.mlir")) as f:
        return launches, binaries(f.read())


def analyse(args, layer, dtype, mode, chip, workdir):
    gpu, sass_target = CHIPS[chip]
    launches, ptxs = lower(args.opt, layer, args.batch, dtype, mode, chip,
                           workdir)
    rows = []
    for module, ptx in ptxs:
        launch = launches.get(module)
        if not launch or "bk" not in launch:
            continue  # not an implicit-GEMM kernel
        ptx_path = os.path.join(workdir, module + ".ptx")
        cubin = os.path.join(workdir, module + ".cubin")
        with open(ptx_path, "w") as f:
            f.write(ptx)
        info = run([args.ptxas, "-v", f"--gpu-name={sass_target}", ptx_path,
                    "-o", cubin]).stderr
        registers = int(re.search(r"Used (\d+) registers", info).group(1))
        smem = int((re.search(r"(\d+) bytes smem", info) or [0, 0])[1])
        spills = sum(int(x) for x in re.findall(r"(\d+) bytes spill", info))
        stack = int(re.search(r"(\d+) bytes stack frame", info).group(1))
        sass = run([args.nvdisasm, "-c", cubin]).stdout
        kernels = parse_sass(sass)
        mix = None
        for kernel in kernels.values():
            mix = main_loop(kernel) or mix
        if mix is None and len(kernels) == 1:
            cin, _, k, _, _, _ = resnet50_layers.LAYERS[layer]
            mix = unrolled_mix(next(iter(kernels.values())),
                               math.ceil(cin * k * k / launch["bk"]))
        if mix is None:
            continue
        blocks_per_sm, occ = occupancy(gpu, launch["threads"], registers, smem)
        ms, parts = model_time(gpu, layer, dtype, launch, mix, blocks_per_sm)
        rows.append(dict(layer=layer, dtype=dtype, mode=mode, chip=chip,
                         gpu=gpu, sass=sass_target, grid=launch["grid"],
                         threads=launch["threads"], bk=launch["bk"],
                         registers=registers, smem=smem, spills=spills,
                         stack=stack, blocks_per_sm=blocks_per_sm,
                         occupancy=occ, mix=mix, model_ms=ms, parts=parts))
    return rows


def reference(layer, dtype, batch, table):
    """cuDNN's V100 time for the layer at `batch` and how it was obtained:
    DeepBench's own shape at batch 16, assumed linear in batch ("exact");
    else DeepBench's rate (FLOP/s) on the same channels and filter with
    another stride or size, applied to the layer's FLOPs ("rate of ...");
    else None."""
    cin, cout, k, stride, pad, size = resnet50_layers.LAYERS[layer]
    # The V100 has no TF32: TF32 rows are set beside cuDNN's f32.
    dtype = tensor_dtype(dtype)
    candidates = [r for r in table if r[0] == dtype and r[1:4] == (cin, cout, k)
                  and r[6] == 16]
    for r in candidates:
        if (r[4], r[5]) == (stride, size):
            return r[7] * batch / 16, "exact"
    if candidates:
        r = candidates[0]
        rate = flops(cin, cout, k, r[4], (k - 1) // 2, r[5], 16) / r[7]
        return (flops(cin, cout, k, stride, pad, size, batch) / rate,
                f"rate of {r[5]}x{r[5]} stride {r[4]}")
    return None, ""


def other(mix):
    """The instructions of a mix that are neither multiply-adds nor loads."""
    return mix["total"] - sum(mix.get(name, 0) for name in
                              ("tensor", "ffma", "lds", "ldg", "ldgsts"))


def markdown(rows, batch):
    table = load_deepbench()
    out = ["| layer | dtype | mode | chip | grid x threads | regs | smem | "
           "spills | occ. | loop: MMA/FFMA, LDS, LDG/LDGSTS, other | "
           "model ms | cuDNN V100 ms | ratio |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | "
           "--- | --- | --- |"]
    for r in rows:
        mix = r["mix"]
        mac = (f"{mix.get('tensor', 0)} MMA" if mix.get("tensor")
               else f"{mix.get('ffma', 0)} FFMA")
        ref, how = (reference(r["layer"], r["dtype"], batch, table)
                    if r["gpu"] == "V100" else (None, ""))
        ratio = f"{r['model_ms'] / ref:.2f}" if ref else ""
        out.append(
            f"| {r['layer']} | {r['dtype']} | {r['mode']} | {r['chip']} | "
            f"{'x'.join(map(str, r['grid']))} x {r['threads']} | "
            f"{r['registers']} | {r['smem']} | {r['spills']} | "
            f"{r['occupancy']:.0%} | {mac}, {mix.get('lds', 0)}, "
            f"{mix.get('ldg', 0)}/{mix.get('ldgsts', 0)}, "
            f"{other(mix)}{' (unrolled)' if mix.get('unrolled') else ''} | "
            f"{r['model_ms']:.3f} | {f'{ref:.3f} ({how})' if ref else ''} | {ratio} |")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opt", default=os.path.join(
        HERE, "..", "build", "bin", "convbn-opt"))
    parser.add_argument("--ptxas", default=None)
    parser.add_argument("--nvdisasm", default=None)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--dtype", default="f32,f16")
    parser.add_argument("--mode", default="tune,eval")
    parser.add_argument("--chip", default="sm_70,sm_80,sm_90")
    parser.add_argument("--layers", default=",".join(resnet50_layers.LAYERS))
    parser.add_argument("--markdown")
    parser.add_argument("--json")
    args = parser.parse_args()
    args.ptxas = find_tool("ptxas", args.ptxas)
    args.nvdisasm = find_tool("nvdisasm", args.nvdisasm)
    if not args.ptxas or not args.nvdisasm:
        sys.exit("gpu_kernel_report: needs ptxas and nvdisasm "
                 "(pip install nvidia-cuda-nvdisasm)")
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for dtype in args.dtype.split(","):
            for mode in args.mode.split(","):
                for chip in args.chip.split(","):
                    for layer in args.layers.split(","):
                        rows += analyse(args, layer, dtype, mode, chip, workdir)
    table = markdown(rows, args.batch)
    sys.stdout.write(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
