#!/usr/bin/env python3
"""Generates the execution test of convbn.conv_bn_backward against PyTorch
autograd: test/Integration/CPU/backward-vs-pytorch.mlir and its expected
gradients, test/Integration/CPU/Inputs/backward-vs-pytorch.json.

For every layout of the dialect (1-D, 2-D and 3-D, plain, grouped, depthwise
and with a channel multiplier), in tune and eval mode, a PyTorch Conv +
BatchNorm (eval mode, running statistics, trainable conv and BN affine
parameters, a conv bias where the case has one) is run forward and backward
on random data with a random output gradient. The MLIR function builds the
same data as constants, permuted into the layout's dimension order, calls the
backward op (eval: with the forward op's kept convolution output) and prints
every gradient; the expected values are PyTorch's gradients in the same
order. A few cases are f16 (the data and filter; BN parameters f32).

Needs torch (scripts/gen_frontend_ir.sh makes a venv with it):
  /tmp/frontend-venv/bin/python scripts/gen_backward_tests.py
The output is deterministic (seeded per case).
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_MLIR = os.path.join(REPO, "test", "Integration", "CPU", "backward-vs-pytorch.mlir")
OUT_JSON = os.path.join(REPO, "test", "Integration", "CPU", "Inputs", "backward-vs-pytorch.json")

# layout, groups (0: depthwise), multiplier, spatial rank
LAYOUTS = [
    ("ncw_fcw", 1, 1, 1), ("nwc_wcf", 1, 1, 1), ("ncw_cw", 0, 1, 1),
    ("nwc_wc", 0, 1, 1), ("nwc_wcm", 0, 2, 1),
    ("nchw_fchw", 1, 1, 2), ("nhwc_hwcf", 1, 1, 2), ("nhwc_fhwc", 1, 1, 2),
    ("ngchw_gfchw", 2, 1, 2), ("nhwgc_gfhwc", 2, 1, 2), ("nchw_chw", 0, 1, 2),
    ("nhwc_hwc", 0, 1, 2), ("nhwc_hwcm", 0, 2, 2),
    ("ncdhw_fcdhw", 1, 1, 3), ("ndhwc_dhwcf", 1, 1, 3), ("ncdhw_cdhw", 0, 1, 3),
    ("ndhwc_dhwc", 0, 1, 3), ("ndhwc_dhwcm", 0, 2, 3),
]
SPATIAL = {1: "w", 2: "hw", 3: "dhw"}


def output_letters(layout):
    """ConvDims::output: the input's `c` replaced by the filter's output
    channels."""
    inp, fil = layout.split("_")
    rep = "f" if "f" in fil else "cm" if "m" in fil else "c"
    return inp.replace("c", rep)


def permute(array, letters, target):
    """`array` with axes named by `letters`, transposed into `target` order."""
    return np.transpose(array, [letters.index(t) for t in target])


def to_layout(name, x, w, z, layout, groups, mult, sp):
    """The PyTorch NC<spatial> tensors as the layout's operands."""
    inp, fil = layout.split("_")
    out = output_letters(layout)
    n, c = x.shape[:2]
    f = w.shape[0]
    if "g" in inp:
        g = groups
        xl = permute(x.reshape(n, g, c // g, *x.shape[2:]), "ngc" + sp, inp)
        wl = permute(w.reshape(g, f // g, c // g, *w.shape[2:]), "gfc" + sp, fil)
        zl = permute(z.reshape(n, g, f // g, *z.shape[2:]), "ngf" + sp, out)
    elif "m" in fil:
        xl = permute(x, "nc" + sp, inp)
        wl = permute(w.reshape(c, mult, *w.shape[2:]), "cm" + sp, fil)
        zl = permute(z.reshape(n, c, mult, *z.shape[2:]), "ncm" + sp, out)
    elif "f" not in fil:  # depthwise
        xl = permute(x, "nc" + sp, inp)
        wl = permute(w.reshape(c, *w.shape[2:]), "c" + sp, fil)
        zl = permute(z, "nc" + sp, out)
    else:
        xl = permute(x, "nc" + sp, inp)
        wl = permute(w, "fc" + sp, fil)
        zl = permute(z, "nf" + sp, out)
    return xl, wl, zl


def mlir_type(shape, elem):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elem + ">"


def dense(array, elem):
    """A dense elements attribute with every value (9 significant digits:
    exact for f32 and f16)."""
    def nested(a):
        if a.ndim == 0:
            return f"{float(a):.9g}"
        return "[" + ", ".join(nested(sub) for sub in a) + "]"
    return f"dense<{nested(np.asarray(array))}> : {mlir_type(array.shape, elem)}"


def case(index, layout, groups, mult, rank, mode, elem, bias):
    rng = torch.Generator().manual_seed(1000 + index)
    sp = SPATIAL[rank]
    size = {1: (9,), 2: (6, 5), 3: (4, 5, 4)}[rank]
    kernel = {1: 3, 2: 3, 3: 2}[rank]
    stride = [1 + (index + j) % 2 for j in range(rank)]
    dilation = [1 + (index // 2 + j) % 2 for j in range(rank)]
    pad = [(index + j) % 3 for j in range(rank)] + [(index + 2 * j + 1) % 2 for j in range(rank)]
    c = 4 if groups == 2 else 3
    f = {2: 6, 1: 4, 0: c * mult}[groups]
    torch_groups = groups if groups else c
    conv_fn = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[rank]

    x = torch.randn(2, c, *size, generator=rng, dtype=torch.float64)
    w = torch.randn(f, c // torch_groups, *([kernel] * rank), generator=rng, dtype=torch.float64) * 0.5
    b = torch.randn(f, generator=rng, dtype=torch.float64) * 0.5 if bias else None
    gamma = torch.rand(f, generator=rng, dtype=torch.float64) + 0.5
    beta = torch.randn(f, generator=rng, dtype=torch.float64) * 0.5
    mean = torch.randn(f, generator=rng, dtype=torch.float64) * 0.5
    var = torch.rand(f, generator=rng, dtype=torch.float64) + 0.5
    eps = 1e-5
    if elem == "f16":  # the values the f16 program sees
        x, w = x.half().double(), w.half().double()
    for t in (x, w, b, gamma, beta):
        if t is not None:
            t.requires_grad_(True)
    # Asymmetric padding: pad explicitly, then a valid convolution.
    pad_arg = []
    for j in reversed(range(rank)):
        pad_arg += [pad[j], pad[rank + j]]
    y = conv_fn(F.pad(x, pad_arg), w, b, stride=stride, dilation=dilation, groups=torch_groups)
    z = F.batch_norm(y, mean, var, gamma, beta, training=False, eps=eps)
    dz = torch.randn(z.shape, generator=rng, dtype=torch.float64)
    if elem == "f16":
        dz = dz.half().double()
    z.backward(dz)

    npy = lambda t: t.detach().numpy()
    xl, wl, dzl = to_layout("", npy(x), npy(w), npy(dz), layout, groups, mult, sp)
    dxl, dwl, _ = to_layout("", npy(x.grad), npy(w.grad), npy(dz), layout, groups, mult, sp)
    grads = ["input", "filter"] + (["bias"] if bias else []) + ["scale", "offset"]
    expected = [dxl, dwl] + ([npy(b.grad)] if bias else []) + [npy(gamma.grad), npy(beta.grad)]

    ptype = "f32"
    xt, wt, zt = mlir_type(xl.shape, elem), mlir_type(wl.shape, elem), mlir_type(dzl.shape, elem)
    vt = mlir_type((f,), ptype)
    attrs = (f"strides = {stride} dilations = {dilation} padding = {pad} "
             f"epsilon = {eps:.1e}").replace("e-05", "e-5")
    name = f"case{index}_{mode}_{layout}_{elem}" + ("_bias" if bias else "")
    lines = [f"// {layout}, {mode}, {elem}{', bias' if bias else ''}: strides {stride}, "
             f"dilations {dilation}, padding {pad}",
             f"func.func @{name}() {{",
             f"  %x = arith.constant {dense(xl, elem)}",
             f"  %w = arith.constant {dense(wl, elem)}",
             f"  %dz = arith.constant {dense(dzl, elem)}",
             f"  %g = arith.constant {dense(npy(gamma), ptype)}",
             f"  %be = arith.constant {dense(npy(beta), ptype)}",
             f"  %m = arith.constant {dense(npy(mean), ptype)}",
             f"  %v = arith.constant {dense(npy(var), ptype)}"]
    bias_op = ""
    if bias:
        lines.append(f"  %b = arith.constant {dense(npy(b), elem)}")
        bias_op = f" bias(%b : {mlir_type((f,), elem)})"
    conv_output = ""
    if mode == "eval":
        lines.append(f"  %z, %y = convbn.conv_bn eval {layout} %x, %w{bias_op} scale(%g) offset(%be) "
                     f"mean(%m) variance(%v) {attrs} keep_conv_output : {xt}, {wt}, {vt}")
        conv_output = " conv_output(%y)"
    lines.append(f"  %r:{len(grads)} = convbn.conv_bn_backward {mode} {layout} %x, %w grad(%dz){bias_op} "
                 f"scale(%g) mean(%m) variance(%v){conv_output} {attrs} gradients({', '.join(grads)}) : "
                 f"{xt}, {wt}, {zt}, {vt}")
    types = [xt, wt] + ([mlir_type((f,), elem)] if bias else []) + [vt, vt]
    for i, t in enumerate(types):
        shape = t[len("tensor<"):-1].rsplit("x", 1)[0] if "x" in t else ""
        f32 = f"tensor<{shape}xf32>"
        value = f"%r#{i}"
        if t.endswith("f16>"):
            lines.append(f"  %e{i} = arith.extf %r#{i} : {t} to {f32}")
            value = f"%e{i}"
        lines.append(f"  %b{i} = bufferization.to_buffer {value} : {f32} to memref<{shape}xf32>")
        lines.append(f"  %u{i} = memref.cast %b{i} : memref<{shape}xf32> to memref<*xf32>")
        lines.append(f"  call @printMemrefF32(%u{i}) : (memref<*xf32>) -> ()")
    lines += ["  return", "}"]
    record = {"name": name, "rtol": 1e-2 if elem == "f16" else 1e-5,
              "gradients": grads, "expected": [e.ravel().tolist() for e in expected]}
    return "\n".join(lines), record


def main():
    functions, records = [], []
    index = 0
    for layout, groups, mult, rank in LAYOUTS:
        for mode in ("tune", "eval"):
            bias = index % 3 != 1
            text, record = case(index, layout, groups, mult, rank, mode, "f32", bias)
            functions.append(text)
            records.append(record)
            index += 1
    for layout, groups, mult, rank in [LAYOUTS[5], LAYOUTS[8], LAYOUTS[12]]:
        for mode in ("tune", "eval"):
            text, record = case(index, layout, groups, mult, rank, mode, "f16", True)
            functions.append(text)
            records.append(record)
            index += 1
    header = f"""// GENERATED by scripts/gen_backward_tests.py (torch {torch.__version__}); do not edit.
//
// convbn.conv_bn_backward against PyTorch autograd, for every layout in tune
// and eval mode (and f16 for three layouts): each function builds a Conv+BN
// block's data as constants in the layout's dimension order, calls the
// backward op and prints every gradient; Inputs/backward-vs-pytorch.json
// holds PyTorch's gradients in the same order, compared by check_gradients.py
// (rtol 1e-5 of each result's largest value for f32, 1e-2 for f16).
//
// RUN: convbn-opt %s --lower-to-cpu | %run-cpu > %t
// RUN: %python %S/Inputs/check_gradients.py %t %S/Inputs/backward-vs-pytorch.json
// The same on the GPU schedule, run on the host.
// RUN: convbn-opt %s --convbn-gpu-thread-code | convbn-opt --lower-to-cpu | %run-cpu > %t.gpu
// RUN: %python %S/Inputs/check_gradients.py %t.gpu %S/Inputs/backward-vs-pytorch.json

func.func private @printMemrefF32(memref<*xf32>) attributes {{ llvm.emit_c_interface }}
"""
    main_fn = "func.func @main() {\n" + "".join(
        f"  call @{r['name']}() : () -> ()\n" for r in records) + "  return\n}\n"
    with open(OUT_MLIR, "w") as f:
        f.write(header + "\n" + "\n\n".join(functions) + "\n\n" + main_fn)
    with open(OUT_JSON, "w") as f:
        json.dump(records, f, separators=(",", ":"))
    print(f"{len(records)} cases: {OUT_MLIR} ({os.path.getsize(OUT_MLIR)} bytes), "
          f"{OUT_JSON} ({os.path.getsize(OUT_JSON)} bytes)")


if __name__ == "__main__":
    main()
