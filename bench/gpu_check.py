#!/usr/bin/env python3
"""The device half of the GPU check (see bench/gpu_check.sh).

On a GPU machine with PyTorch and the CUDA driver (no LLVM/MLIR needed):

  gpu_check.py --artifacts DIR --out gpu-check.md [--iters 20] [--budget 200]

For every library in DIR/manifest.json (built by `gpu_check.sh prepare`):
- ResNet-50 layers: runs each `convbn.conv_bn` layer function (tune and
  eval, f32 and f16, batch 32; default tiles, then `thread-tile-z=4`) on
  random inputs in CUDA memory and compares with PyTorch's Conv2d + BatchNorm2d in eval mode on the same inputs (f16
  against an f32 reference from the same f16 inputs); times both modes beside
  PyTorch eager and `torch.compile` with
  `torch._inductor.config.efficient_conv_bn_eval_fx_passes = True` (the
  paper's own Tune-mode implementation), all with the same wall-clock method
  (synchronize, N calls, synchronize).
- The bundled example: runs the fused ResNet BasicBlock and compares with
  the output of the CPU path computed when the artifacts were prepared.
Writes a markdown table (with the GPU name and date) to --out and a JSON
beside it. Stops timing, not checking, when --budget seconds have passed:
200 by default, which leaves room within 5 minutes for starting PyTorch, a
torch.compile begun just before the deadline, and the remaining checks.

Here (preparing): `--write-example-reference EXAMPLE --opt convbn-opt
--artifacts DIR` stores the example's inputs and CPU-path outputs.
"""

import argparse
import ctypes
import datetime
import json
import math
import os
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------
# Deterministic example inputs: the formula of utils/exec_compare.py.
# ---------------------------------------------------------------------------

def example_input(shape, k):
    sys.path.insert(0, os.path.join(HERE, "..", "utils"))
    from exec_compare import INPUT_PHASE, INPUT_STEP  # noqa: E402
    count = math.prod(shape)
    # The phase as exec_compare writes it into MLIR: rounded to 2 decimals.
    phase = round(INPUT_PHASE * k, 2)
    if len(shape) == 1:
        return [1.0 + 0.5 * math.sin(INPUT_STEP * i + phase) for i in range(count)]
    return [math.sin(INPUT_STEP * i + phase) for i in range(count)]


def write_example_reference(example, opt, artifacts):
    sys.path.insert(0, os.path.join(HERE, "..", "utils"))
    import exec_compare  # noqa: E402
    import tempfile
    source = open(example).read()
    arg_types, results = exec_compare.find_signature(source, "forward")
    builder = exec_compare.MainBuilder()
    builder.add_call("forward", arg_types, results)
    module = exec_compare.insert_main(source, builder.text())
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(module)
        path = f.name
    libs = [f"/usr/lib/llvm-22/lib/libmlir_{n}.so" for n in ("c_runner_utils", "runner_utils")]
    try:
        outputs = exec_compare.run(opt, "/usr/lib/llvm-22/bin/mlir-runner", libs, path,
                                   ["--fuse-convbn"], ["--lower-to-cpu"])
    finally:
        os.unlink(path)
    reference = {
        "inputs": [{"shape": shape, "dtype": dtype} for shape, dtype in arg_types],
        "outputs": [{"shape": shape, "dtype": dtype} for shape, dtype in results],
    }
    with open(os.path.join(artifacts, "example.json"), "w") as f:
        json.dump(reference, f)
    with open(os.path.join(artifacts, "example-output.bin"), "wb") as f:
        for values in outputs:
            f.write(struct.pack(f"<{len(values)}f", *values))


# ---------------------------------------------------------------------------
# Calling the compiled functions: MLIR's C interface takes a pointer to a
# memref descriptor per argument (results are output arguments).
# ---------------------------------------------------------------------------

def descriptor(tensor):
    rank = tensor.dim()

    class Descriptor(ctypes.Structure):
        _fields_ = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                    ("offset", ctypes.c_int64), ("sizes", ctypes.c_int64 * rank),
                    ("strides", ctypes.c_int64 * rank)]

    assert tensor.is_contiguous()
    d = Descriptor()
    d.allocated = d.aligned = tensor.data_ptr()
    d.offset = 0
    for i in range(rank):
        d.sizes[i] = tensor.shape[i]
        d.strides[i] = tensor.stride(i)
    return d


def caller(library, symbol):
    function = getattr(library, "_mlir_ciface_" + symbol)
    function.restype = None

    def call(*tensors):
        descriptors = [descriptor(t) for t in tensors]
        function(*[ctypes.byref(d) for d in descriptors])
    return call


def wall_ms(torch, fn, iters):
    fn()  # warm up (module load, JIT, autotuning)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(iters):
        fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - start) * 1000.0 / iters


def relative_error(torch, got, reference):
    scale = reference.abs().max().item() or 1.0
    return (got.float() - reference.float()).abs().max().item() / scale


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------

def check_layers(torch, entry, artifacts, layers, args, deadline, rows):
    import torch.nn.functional as F
    library = ctypes.CDLL(os.path.join(artifacts, entry["library"]))
    dtype = {"f32": torch.float32, "f16": torch.float16}[entry["dtype"]]
    generator = torch.Generator(device="cuda").manual_seed(0)
    for name, (cin, cout, k, stride, pad, size) in layers.items():
        out_size = (size + 2 * pad - k) // stride + 1

        def rand(*shape, positive=False):
            t = torch.randn(*shape, device="cuda", generator=generator)
            return (t.abs() + 0.5 if positive else t).to(dtype).contiguous()
        x = rand(args.batch, cin, size, size)
        w = (rand(cout, cin, k, k).float() / math.sqrt(cin * k * k)).to(dtype)
        g, b, m, v = rand(cout, positive=True), rand(cout), rand(cout), rand(cout, positive=True)
        out = torch.empty(args.batch, cout, out_size, out_size, device="cuda", dtype=dtype)
        call = caller(library, name)
        call(x, w, g, b, m, v, out)
        torch.cuda.synchronize()
        reference = F.batch_norm(F.conv2d(x.float(), w.float(), None, stride, pad),
                                 m.float(), v.float(), g.float(), b.float(), False, 0.0, 1e-5)
        row = rows.setdefault((name, entry["dtype"]), {"layer": name, "dtype": entry["dtype"]})
        variant = entry["mode"] + ("_" + entry["variant"] if "variant" in entry else "")
        row[f"err_{variant}"] = relative_error(torch, out, reference)
        if time.time() < deadline:
            row[f"ms_{variant}"] = wall_ms(torch, lambda: call(x, w, g, b, m, v, out), args.iters)
        if variant == "eval" and time.time() < deadline:
            block = torch.nn.Sequential(torch.nn.Conv2d(cin, cout, k, stride, pad, bias=False),
                                        torch.nn.BatchNorm2d(cout, eps=1e-5)).cuda().to(dtype).eval()
            with torch.no_grad():
                block[0].weight.copy_(w)
                block[1].weight.copy_(g)
                block[1].bias.copy_(b)
                block[1].running_mean.copy_(m)
                block[1].running_var.copy_(v)
                row["ms_torch_eager"] = wall_ms(torch, lambda: block(x), args.iters)
                row["err_torch_eager"] = relative_error(torch, block(x), reference)
            if name in args.compile_layers.split(","):
                import torch._inductor.config as inductor_config
                inductor_config.efficient_conv_bn_eval_fx_passes = True
                compiled = torch.compile(block)
                # The pass targets eval-mode BN under autograd (transfer
                # learning): time the forward with grad enabled.
                row["ms_torch_compile_tune"] = wall_ms(torch, lambda: compiled(x), args.iters)
        print(json.dumps(row), flush=True)


def check_example(torch, entry, artifacts):
    reference = json.load(open(os.path.join(artifacts, "example.json")))
    library = ctypes.CDLL(os.path.join(artifacts, entry["library"]))
    inputs = []
    for k, spec in enumerate(reference["inputs"]):
        values = example_input(spec["shape"], k)
        inputs.append(torch.tensor(values, dtype=torch.float32, device="cuda")
                      .reshape(spec["shape"]).contiguous())
    outputs = [torch.empty(spec["shape"], dtype=torch.float32, device="cuda")
               for spec in reference["outputs"]]
    caller(library, entry["function"])(*inputs, *outputs)
    torch.cuda.synchronize()
    data = open(os.path.join(artifacts, "example-output.bin"), "rb").read()
    expected = torch.tensor(struct.unpack(f"<{len(data) // 4}f", data), device="cuda")
    got = torch.cat([o.flatten() for o in outputs])
    return relative_error(torch, got, expected)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--out", default="gpu-check.md")
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--budget", type=float, default=200.0,
                        help="seconds after which timing stops (checks go on)")
    parser.add_argument("--compile-layers",
                        default="conv1,layer1_conv2,layer3_conv2,layer4_conv3")
    parser.add_argument("--write-example-reference", metavar="EXAMPLE")
    parser.add_argument("--opt")
    args = parser.parse_args()

    if args.write_example_reference:
        write_example_reference(args.write_example_reference, args.opt, args.artifacts)
        return 0

    import torch
    deadline = time.time() + args.budget
    manifest = json.load(open(os.path.join(args.artifacts, "manifest.json")))
    layers = {}
    for line in open(os.path.join(args.artifacts, "layers.txt")):
        name, *shape = line.split()
        layers[name] = tuple(int(s) for s in shape)

    rows, notes, failures = {}, [], 0
    for entry in manifest:
        if entry["kind"] == "layers":
            check_layers(torch, entry, args.artifacts, layers, args, deadline, rows)
        else:
            error = check_example(torch, entry, args.artifacts)
            notes.append(f"- bundled example (fused ResNet BasicBlock, f32) vs the CPU path: "
                         f"max relative error {error:.2e}")
            failures += error > 1e-4

    gpu = torch.cuda.get_device_name()
    lines = [f"GPU check on {gpu}, {datetime.date.today()}, torch {torch.__version__}, "
             f"batch {args.batch}, {args.iters} calls per timing (wall clock, ms per call).", ""]
    lines += notes + [""]
    lines.append("| layer | dtype | convbn tune | convbn eval | tune, z4 | eval, z4 | torch eager | "
                 "torch.compile (efficient conv-bn) | err tune | err eval | err z4 | err torch |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
    variants = {e["mode"] + ("_" + e["variant"] if "variant" in e else "")
                for e in manifest if e["kind"] == "layers"}
    for row in rows.values():
        tol = 1e-4 if row["dtype"] == "f32" else 1e-2
        for variant in variants:
            failures += row.get(f"err_{variant}", 1.0) > tol
        z4_error = max((row[k] for k in ("err_tune_z4", "err_eval_z4") if k in row), default=None)
        lines.append(f"| {row['layer']} | {row['dtype']} | {fmt(row.get('ms_tune'), '.3f')} | "
                     f"{fmt(row.get('ms_eval'), '.3f')} | {fmt(row.get('ms_tune_z4'), '.3f')} | "
                     f"{fmt(row.get('ms_eval_z4'), '.3f')} | {fmt(row.get('ms_torch_eager'), '.3f')} | "
                     f"{fmt(row.get('ms_torch_compile_tune'), '.3f')} | {fmt(row.get('err_tune'), '.1e')} | "
                     f"{fmt(row.get('err_eval'), '.1e')} | {fmt(z4_error, '.1e')} | "
                     f"{fmt(row.get('err_torch_eager'), '.1e')} |")
    lines.append("")
    lines.append(f"{failures} result(s) outside tolerance (f32 1e-4, f16 1e-2 relative to max |ref|).")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(list(rows.values()), f, indent=1)
    print("\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
