#!/usr/bin/env python3
"""Generates the convbn CPU execution tests *-reference*.mlir and
deploy-equals-eval.mlir in this directory. Each test compares one
convbn.conv_bn (every mode, every layout, f32 and f16) with an independent
reference written in the same file with plain upstream ops only: tensor.pad,
the linalg named convolution that the layout names, and linalg.generic bodies
with arith/math implementing the batch-norm formula directly. Nothing here
reads the convbn sources; the generator only spells out IR.

Usage: gen-reference-tests.py [OUTDIR] [--mutate=eps|momentum|unbias|channel]
OUTDIR defaults to this directory. --mutate breaks the *reference* on purpose
(eps + 0.1, momentum x 1.5, no n/(n-1) unbiasing, channel index off by one),
to check that the tests can fail; never commit files generated with it.
"""
import os
import math
import sys

MUTATE = None
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
for a in sys.argv[1:]:
    if a.startswith("--mutate="):
        MUTATE = a.split("=", 1)[1]

SPATIAL = "dhw"

LAYOUTS = [
    "nchw_fchw", "nhwc_hwcf", "nhwc_fhwc", "ngchw_gfchw", "nchw_chw",
    "nhwc_hwc", "nhwc_hwcm",
    "ncw_fcw", "nwc_wcf", "ncw_cw", "nwc_wc", "nwc_wcm",
    "ncdhw_fcdhw", "ndhwc_dhwcf", "ncdhw_cdhw", "ndhwc_dhwc", "ndhwc_dhwcm",
]


def output_letters(inp, fil):
    rep = "f" if "f" in fil else ("cm" if "m" in fil else "c")
    return "".join(rep if ch == "c" else ch for ch in inp)


def linalg_conv(layout, nsp):
    inp, fil = layout.split("_")
    dw = "f" not in fil
    return f"linalg.{'depthwise_' if dw else ''}conv_{nsp}d_{layout}"


def tstr(shape, et):
    dims = "x".join("?" if s is None else str(s) for s in shape)
    return f"tensor<{dims}x{et}>" if shape else f"tensor<{et}>"


def fmt(v):
    return f"{v:.9e}"


# Attribute variants, cycled over the layouts of a file. Each gives, per
# spatial dim (innermost last), stride/dilation/low/high padding, and the
# presence of bias/scale/offset, dynamic batch/spatial, batch size, epsilon.
VARIANTS = [
    dict(s=[2, 2, 2], dl=[1, 1, 1], lo=[1, 0, 1], hi=[0, 2, 1], bias=True,
         scale=True, offset=True, dynb=True, dyns=False, n=2, eps=0.1),
    dict(s=[1, 1, 2], dl=[2, 2, 1], lo=[0, 1, 2], hi=[1, 0, 0], bias=False,
         scale=True, offset=False, dynb=False, dyns=False, n=2, eps=0.25),
    dict(s=[2, 2, 1], dl=[2, 1, 2], lo=[2, 2, 0], hi=[1, 0, 1], bias=True,
         scale=False, offset=True, dynb=True, dyns=True, n=2, eps=0.05),
    dict(s=[1, 2, 2], dl=[1, 2, 2], lo=[1, 1, 0], hi=[0, 1, 2], bias=False,
         scale=False, offset=False, dynb=False, dyns=False, n=1, eps=0.5),
    dict(s=[2, 1, 1], dl=[1, 1, 2], lo=[0, 0, 1], hi=[2, 1, 0], bias=True,
         scale=True, offset=False, dynb=False, dyns=True, n=2, eps=1e-3),
]


class Test:
    def __init__(self, mode, layout, variant, et, pt, seed, const_params):
        self.mode, self.layout, self.v = mode, layout, dict(variant)
        self.et, self.pt = et, pt  # conv element type, BN parameter type
        self.seed = seed
        self.const = const_params
        inp, fil = layout.split("_")
        self.inp, self.fil = inp, fil
        self.out = output_letters(inp, fil)
        self.sp = [ch for ch in inp if ch in SPATIAL]
        nsp = len(self.sp)
        self.nsp = nsp
        v = self.v
        # Take the innermost nsp entries of each per-dim list.
        for k in ("s", "dl", "lo", "hi"):
            v[k] = v[k][3 - nsp:]
            insz = {1: {"w": 11}, 2: {"h": 7, "w": 6}, 3: {"d": 5, "h": 5, "w": 6}}[nsp]
        ksz = {1: {"w": 3}, 2: {"h": 3, "w": 2}, 3: {"d": 2, "h": 3, "w": 2}}[nsp]
        sizes = dict(n=v["n"], c=3, f=4, m=2)
        if "g" in inp:
            sizes.update(g=2, c=2, f=3)
        if "f" not in fil and "m" not in fil:
            sizes["c"] = 4
        self.sizes = sizes
        self.in_shape = [insz[ch] if ch in SPATIAL else sizes[ch] for ch in inp]
        self.f_shape = [ksz[ch] if ch in SPATIAL else sizes[ch] for ch in fil]
        osz = {}
        for i, ch in enumerate(self.sp):
            win = v["dl"][i] * (ksz[ch] - 1) + 1
            padded = insz[ch] + v["lo"][i] + v["hi"][i]
            assert padded >= win, (layout, ch)
            osz[ch] = (padded - win) // v["s"][i] + 1
        self.osz = osz
        self.out_shape = [osz[ch] if ch in SPATIAL else sizes[ch] for ch in self.out]
        self.chan_dims = [i for i, ch in enumerate(self.out)
                          if ch != "n" and ch not in SPATIAL]
        self.chan_shape = [self.out_shape[i] for i in self.chan_dims]
        self.C = math.prod(self.chan_shape)
        self.count = math.prod(s for i, s in enumerate(self.out_shape)
                               if i not in self.chan_dims)
        if mode == "train":
            assert self.count > 1
        # Dynamic dims of the op's input.
        self.op_in_shape = list(self.in_shape)
        if v["dynb"]:
            self.op_in_shape[inp.index("n")] = None
        if v["dyns"]:
            self.op_in_shape[inp.index(self.sp[0])] = None
        self.pad_lo = [0] * len(inp)
        self.pad_hi = [0] * len(inp)
        for i, ch in enumerate(self.sp):
            self.pad_lo[inp.index(ch)] = v["lo"][i]
            self.pad_hi[inp.index(ch)] = v["hi"][i]
        self.padded_shape = [s + a + b for s, a, b in
                             zip(self.in_shape, self.pad_lo, self.pad_hi)]
        self.name = f"{mode}_{layout}_{et}" + ("" if pt == et else f"_{pt}params")
        if const_params:
            self.name += "_const"

    # ------------------------------------------------------------------
    def describe(self):
        v = self.v
        parts = [f"strides {v['s']}", f"dilations {v['dl']}",
                 f"padding {v['lo'] + v['hi']}",
                 "bias" if v["bias"] else "no bias",
                 "scale" if v["scale"] else "no scale",
                 "offset" if v["offset"] else "no offset",
                 f"batch {v['n']}" + (" dynamic" if v["dynb"] else ""),
                 f"eps {v['eps']:g}"]
        if v["dyns"]:
            parts.append(f"dynamic '{self.sp[0]}'")
        if self.mode == "train":
            parts.append(f"momentum {self.momentum:g}")
        if self.pt != self.et:
            parts.append(f"{self.pt} BN parameters")
        if self.const:
            parts.append("constant parameters")
        return ", ".join(parts)


def fill_values(n, seed, base, amp):
    # Same formula as @fill (which computes it in f32 at run time).
    return [base + amp * math.sin(1.37 * l + seed) * math.cos(0.71 * l + 2 * seed)
            for l in range(n)]


def dense_literal(shape, vals):
    def rec(dim, off):
        if dim == len(shape):
            return f"{vals[off]:.6g}"
        stride = math.prod(shape[dim + 1:])
        return "[" + ", ".join(rec(dim + 1, off + i * stride)
                               for i in range(shape[dim])) + "]"
    return rec(0, 0)


class Emitter:
    def __init__(self):
        self.lines = []
        self.k = 0

    def tmp(self, p="t"):
        self.k += 1
        return f"%{p}{self.k}"

    def __call__(self, s):
        self.lines.append("  " + s)


def ident_map(r):
    ds = ", ".join(f"d{i}" for i in range(r))
    return f"affine_map<({ds}) -> ({ds})>"


def proj_map(r, pos):
    ds = ", ".join(f"d{i}" for i in range(r))
    return f"affine_map<({ds}) -> ({', '.join(f'd{p}' for p in pos)})>"


def emit_tensor(e, t, name, shape, et, seed, base, amp, const):
    """Creates an input tensor. Returns (value for the op, f32 value for the
    reference). Data: generated at run time by @fill, or, for `const`, the
    same formula as a dense constant."""
    n = math.prod(shape)
    flat = tstr([n], et)
    full = tstr(shape, et)
    if const:
        vals = fill_values(n, seed, base, amp)
        op_v = f"%{name}"
        e(f"{op_v} = arith.constant dense<{dense_literal(shape, vals)}> : {full}")
        if et == "f32":
            return op_v, op_v
        col = e.tmp(name)
        e(f"{col} = tensor.collapse_shape {op_v} [[{', '.join(str(i) for i in range(len(shape)))}]] : {full} into {flat}")
        dyn = e.tmp(name)
        e(f"{dyn} = tensor.cast {col} : {flat} to tensor<?x{et}>")
        r32 = e.tmp(name)
        e(f"{r32} = call @to_f32({dyn}) : (tensor<?x{et}>) -> tensor<?xf32>")
        return op_v, expand(e, r32, shape, "f32", name + "_ref")
    cn, cs, cb, ca = (e.tmp("c") for _ in range(4))
    e(f"{cn} = arith.constant {n} : index")
    e(f"{cs} = arith.constant {fmt(seed)} : f32")
    e(f"{cb} = arith.constant {fmt(base)} : f32")
    e(f"{ca} = arith.constant {fmt(amp)} : f32")
    f32flat = e.tmp(name)
    e(f"{f32flat} = call @fill({cn}, {cs}, {cb}, {ca}) : (index, f32, f32, f32) -> tensor<?xf32>")
    if et == "f32":
        v = expand(e, f32flat, shape, "f32", name)
        return v, v
    h = e.tmp(name)
    e(f"{h} = call @to_{et}({f32flat}) : (tensor<?xf32>) -> tensor<?x{et}>")
    r = e.tmp(name)
    e(f"{r} = call @to_f32({h}) : (tensor<?x{et}>) -> tensor<?xf32>")
    return expand(e, h, shape, et, name), expand(e, r, shape, "f32", name + "_ref")


def expand(e, dynflat, shape, et, name):
    n = math.prod(shape)
    c = e.tmp(name)
    e(f"{c} = tensor.cast {dynflat} : tensor<?x{et}> to {tstr([n], et)}")
    if len(shape) == 1:
        return c
    x = e.tmp(name)
    e(f"{x} = tensor.expand_shape {c} [[{', '.join(str(i) for i in range(len(shape)))}]] "
      f"output_shape [{', '.join(map(str, shape))}] : {tstr([n], et)} into {tstr(shape, et)}")
    return x


def flatten_dyn(e, v, shape, et):
    """Collapses `v` of type tstr(shape, et) to tensor<?xf32> (extending f16)."""
    n = "?" if None in shape else math.prod(shape)
    if len(shape) > 1:
        c = e.tmp("flat")
        e(f"{c} = tensor.collapse_shape {v} [[{', '.join(str(i) for i in range(len(shape)))}]] : "
          f"{tstr(shape, et)} into tensor<{n}x{et}>")
    else:
        c = v
    d = c
    if n != "?":
        d = e.tmp("flat")
        e(f"{d} = tensor.cast {c} : tensor<{n}x{et}> to tensor<?x{et}>")
    if et == "f32":
        return d
    r = e.tmp("flat")
    e(f"{r} = call @to_f32({d}) : (tensor<?x{et}>) -> tensor<?xf32>")
    return r


def chan_index(e, t):
    """Emits, inside a generic body over the output, the flat channel index."""
    idx = []
    for p in t.chan_dims:
        i = e.tmp("i")
        e(f"  {i} = linalg.index {p} : index")
        idx.append(i)
    if len(idx) == 1:
        return idx[0]
    inner = t.out_shape[t.chan_dims[1]]
    cst = e.tmp("i")
    e(f"  {cst} = arith.constant {inner} : index")
    mul = e.tmp("i")
    e(f"  {mul} = arith.muli {idx[0]}, {cst} : index")
    add = e.tmp("i")
    e(f"  {add} = arith.addi {mul}, {idx[1]} : index")
    return add


def emit_conv_ref(e, t, x_ref, w_ref):
    """Reference convolution in f32: pad, then the named linalg conv, zero
    init (the bias is added by the batch-norm formula)."""
    zero = e.tmp("z")
    e(f"{zero} = arith.constant 0.0 : f32")
    xp = x_ref
    if any(t.pad_lo) or any(t.pad_hi):
        xp = e.tmp("xpad")
        r = len(t.in_shape)
        args = ", ".join(f"%a{i}: index" for i in range(r))
        e(f"{xp} = tensor.pad {x_ref} low[{', '.join(map(str, t.pad_lo))}] high[{', '.join(map(str, t.pad_hi))}] {{")
        e(f"^bb0({args}):")
        e(f"  tensor.yield {zero} : f32")
        e(f"}} : {tstr(t.in_shape, 'f32')} to {tstr(t.padded_shape, 'f32')}")
    emp = e.tmp("y")
    oty = tstr(t.out_shape, "f32")
    e(f"{emp} = tensor.empty() : {oty}")
    fil = e.tmp("y")
    e(f"{fil} = linalg.fill ins({zero} : f32) outs({emp} : {oty}) -> {oty}")
    y = e.tmp("y")
    nsp = t.nsp
    strides = t.v["s"]
    dil = t.v["dl"]
    e(f"{y} = {linalg_conv(t.layout, nsp)} {{dilations = dense<[{', '.join(map(str, dil))}]> : tensor<{nsp}xi64>, "
      f"strides = dense<[{', '.join(map(str, strides))}]> : tensor<{nsp}xi64>}}")
    e(f"    ins({xp}, {w_ref} : {tstr(t.padded_shape, 'f32')}, {tstr(t.f_shape, 'f32')}) outs({fil} : {oty}) -> {oty}")
    return y


def extract_or(e, t, vec, c, default):
    if vec is None:
        k = e.tmp("k")
        e(f"  {k} = arith.constant {fmt(default)} : f32")
        return k
    x = e.tmp("p")
    e(f"  {x} = tensor.extract {vec}[{c}] : tensor<{t.C}xf32>")
    return x


def emit_generic_over_output(e, t, ins, body):
    """linalg.generic over the output's iteration space, parallel, ins with
    identity maps, one f32 output. body(args) emits lines and returns value."""
    r = len(t.out_shape)
    oty = tstr(t.out_shape, "f32")
    emp = e.tmp("g")
    e(f"{emp} = tensor.empty() : {oty}")
    res = e.tmp("g")
    maps = ", ".join([ident_map(r)] * (len(ins) + 1))
    its = ", ".join(['"parallel"'] * r)
    ins_s = ", ".join(ins)
    ins_t = ", ".join([oty] * len(ins))
    e(f"{res} = linalg.generic {{indexing_maps = [{maps}], iterator_types = [{its}]}}")
    e(f"    ins({ins_s} : {ins_t}) outs({emp} : {oty}) {{")
    args = [e.tmp("a") for _ in ins]
    out = e.tmp("a")
    e(f"^bb0({', '.join(a + ': f32' for a in args)}, {out}: f32):")
    val = body(args)
    e(f"  linalg.yield {val} : f32")
    e(f"}} -> {oty}")
    return res


def emit_bn_eval_ref(e, t, y, P):
    """z = (y + b - mean) * gamma / sqrt(var + eps) + beta, per element."""
    eps = t.v["eps"] + (0.1 if MUTATE == "eps" else 0.0)

    def body(a):
        c = chan_index(e, t)
        if MUTATE == "channel":
            one = e.tmp("i")
            e(f"  {one} = arith.constant 1 : index")
            cc = e.tmp("i")
            e(f"  {cc} = arith.addi {c}, {one} : index")
            cm = e.tmp("i")
            e(f"  {cm} = arith.constant {t.C} : index")
            c = e.tmp("i")
            e(f"  {c} = arith.remui {cc}, {cm} : index")
        b = extract_or(e, t, P.get("bias"), c, 0.0)
        m = extract_or(e, t, P["mean"], c, 0.0)
        var = extract_or(e, t, P["var"], c, 0.0)
        g = extract_or(e, t, P.get("scale"), c, 1.0)
        be = extract_or(e, t, P.get("offset"), c, 0.0)
        epsv = e.tmp("k")
        e(f"  {epsv} = arith.constant {fmt(eps)} : f32")
        s = [e.tmp("r") for _ in range(7)]
        e(f"  {s[0]} = arith.addf {a[0]}, {b} : f32")
        e(f"  {s[1]} = arith.subf {s[0]}, {m} : f32")
        e(f"  {s[2]} = arith.mulf {s[1]}, {g} : f32")
        e(f"  {s[3]} = arith.addf {var}, {epsv} : f32")
        e(f"  {s[4]} = math.sqrt {s[3]} : f32")
        e(f"  {s[5]} = arith.divf {s[2]}, {s[4]} : f32")
        e(f"  {s[6]} = arith.addf {s[5]}, {be} : f32")
        return s[6]
    return emit_generic_over_output(e, t, [y], body)


def emit_channel_generic(e, t, ins, body):
    ty = f"tensor<{t.C}xf32>"
    emp = e.tmp("v")
    e(f"{emp} = tensor.empty() : {ty}")
    res = e.tmp("v")
    maps = ", ".join(["affine_map<(d0) -> (d0)>"] * (len(ins) + 1))
    e(f"{res} = linalg.generic {{indexing_maps = [{maps}], iterator_types = [\"parallel\"]}}")
    e(f"    ins({', '.join(ins)} : {', '.join([ty] * len(ins))}) outs({emp} : {ty}) {{")
    args = [e.tmp("a") for _ in ins]
    out = e.tmp("a")
    e(f"^bb0({', '.join(a + ': f32' for a in args)}, {out}: f32):")
    val = body(args)
    e(f"  linalg.yield {val} : f32")
    e(f"}} -> {ty}")
    return res


def emit_channel_reduce(e, t, y, mean_vec):
    """Per channel: sum over batch and spatial dims of y (or of
    (y - mean[c])^2 when mean_vec is given). Reduces into the channel dims
    of the output (one or two), then flattens them row-major."""
    r = len(t.out_shape)
    cty = tstr(t.chan_shape, "f32")
    zero = e.tmp("z")
    e(f"{zero} = arith.constant 0.0 : f32")
    emp = e.tmp("s")
    e(f"{emp} = tensor.empty() : {cty}")
    init = e.tmp("s")
    e(f"{init} = linalg.fill ins({zero} : f32) outs({emp} : {cty}) -> {cty}")
    its = ", ".join('"parallel"' if i in t.chan_dims else '"reduction"' for i in range(r))
    res = e.tmp("s")
    e(f"{res} = linalg.generic {{indexing_maps = [{ident_map(r)}, {proj_map(r, t.chan_dims)}], iterator_types = [{its}]}}")
    e(f"    ins({y} : {tstr(t.out_shape, 'f32')}) outs({init} : {cty}) {{")
    a, acc = e.tmp("a"), e.tmp("a")
    e(f"^bb0({a}: f32, {acc}: f32):")
    val = a
    if mean_vec is not None:
        c = chan_index(e, t)
        mu = e.tmp("r")
        e(f"  {mu} = tensor.extract {mean_vec}[{c}] : tensor<{t.C}xf32>")
        d = e.tmp("r")
        e(f"  {d} = arith.subf {a}, {mu} : f32")
        val = e.tmp("r")
        e(f"  {val} = arith.mulf {d}, {d} : f32")
    s = e.tmp("r")
    e(f"  {s} = arith.addf {acc}, {val} : f32")
    e(f"  linalg.yield {s} : f32")
    e(f"}} -> {cty}")
    if len(t.chan_shape) == 1:
        return res
    col = e.tmp("s")
    e(f"{col} = tensor.collapse_shape {res} [[0, 1]] : {cty} into tensor<{t.C}xf32>")
    return col


def emit_train_ref(e, t, y, P):
    """Batch statistics over batch + spatial dims, biased variance, the
    normalised output, the running-statistics update with momentum and the
    n/(n-1) unbiasing, the saved mean and inverse std."""
    n = float(t.count)
    eps = t.v["eps"] + (0.1 if MUTATE == "eps" else 0.0)
    mom = t.momentum * (1.5 if MUTATE == "momentum" else 1.0)
    unb = (n, n - 1) if MUTATE != "unbias" else (n, n)
    # y + bias
    if P.get("bias") is not None:
        def addb(a):
            c = chan_index(e, t)
            b = extract_or(e, t, P["bias"], c, 0.0)
            s = e.tmp("r")
            e(f"  {s} = arith.addf {a[0]}, {b} : f32")
            return s
        y = emit_generic_over_output(e, t, [y], addb)
    total = emit_channel_reduce(e, t, y, None)

    def divn(a):
        k = e.tmp("k")
        e(f"  {k} = arith.constant {fmt(n)} : f32")
        q = e.tmp("r")
        e(f"  {q} = arith.divf {a[0]}, {k} : f32")
        return q
    mean = emit_channel_generic(e, t, [total], divn)
    sq = emit_channel_reduce(e, t, y, mean)
    var = emit_channel_generic(e, t, [sq], divn)

    def norm(a):
        c = chan_index(e, t)
        mu = extract_or(e, t, mean, c, 0.0)
        vv = extract_or(e, t, var, c, 0.0)
        g = extract_or(e, t, P.get("scale"), c, 1.0)
        be = extract_or(e, t, P.get("offset"), c, 0.0)
        epsv = e.tmp("k")
        e(f"  {epsv} = arith.constant {fmt(eps)} : f32")
        s = [e.tmp("r") for _ in range(6)]
        e(f"  {s[0]} = arith.subf {a[0]}, {mu} : f32")
        e(f"  {s[1]} = arith.mulf {s[0]}, {g} : f32")
        e(f"  {s[2]} = arith.addf {vv}, {epsv} : f32")
        e(f"  {s[3]} = math.sqrt {s[2]} : f32")
        e(f"  {s[4]} = arith.divf {s[1]}, {s[3]} : f32")
        e(f"  {s[5]} = arith.addf {s[4]}, {be} : f32")
        return s[5]
    z = emit_generic_over_output(e, t, [y], norm)

    def upd(factor):
        def body(a):
            km, k1 = e.tmp("k"), e.tmp("k")
            e(f"  {km} = arith.constant {fmt(mom)} : f32")
            e(f"  {k1} = arith.constant {fmt(1.0 - mom)} : f32")
            kept = e.tmp("r")
            e(f"  {kept} = arith.mulf {a[0]}, {k1} : f32")
            b = a[1]
            if factor is not None:
                # s2 * n / (n - 1)
                kn, kn1 = e.tmp("k"), e.tmp("k")
                e(f"  {kn} = arith.constant {fmt(factor[0])} : f32")
                e(f"  {kn1} = arith.constant {fmt(factor[1])} : f32")
                b0 = e.tmp("r")
                e(f"  {b0} = arith.mulf {a[1]}, {kn} : f32")
                b = e.tmp("r")
                e(f"  {b} = arith.divf {b0}, {kn1} : f32")
            add = e.tmp("r")
            e(f"  {add} = arith.mulf {b}, {km} : f32")
            s = e.tmp("r")
            e(f"  {s} = arith.addf {kept}, {add} : f32")
            return s
        return body
    new_mean = emit_channel_generic(e, t, [P["mean"], mean], upd(None))
    new_var = emit_channel_generic(e, t, [P["var"], var], upd(unb))

    def invstd(a):
        epsv, one = e.tmp("k"), e.tmp("k")
        e(f"  {epsv} = arith.constant {fmt(eps)} : f32")
        e(f"  {one} = arith.constant 1.0 : f32")
        s = e.tmp("r")
        e(f"  {s} = arith.addf {a[0]}, {epsv} : f32")
        q = e.tmp("r")
        e(f"  {q} = math.sqrt {s} : f32")
        d = e.tmp("r")
        e(f"  {d} = arith.divf {one}, {q} : f32")
        return d
    inv = emit_channel_generic(e, t, [var], invstd)
    return z, new_mean, new_var, mean, inv


def op_text(t, x, w, P, out_names):
    v = t.v
    et, pt = t.et, t.pt
    s = f"{', '.join(out_names)} = convbn.conv_bn {t.mode} {t.layout} {x}, {w}"
    if v["bias"]:
        s += f" bias({P['bias']} : tensor<{t.C}x{et}>)"
    if v["scale"]:
        s += f" scale({P['scale']})"
    if v["offset"]:
        s += f" offset({P['offset']})"
    s += f" mean({P['mean']}) variance({P['var']})"
    s += f"\n        strides = [{', '.join(map(str, v['s']))}] dilations = [{', '.join(map(str, v['dl']))}]"
    s += f" padding = [{', '.join(map(str, v['lo'] + v['hi']))}] epsilon = {fmt(v['eps'])}"
    if t.mode == "train":
        s += f" momentum = {fmt(t.momentum)}"
    s += f"\n        : {tstr(t.op_in_shape, et)}, {tstr(t.f_shape, et)}, tensor<{t.C}x{pt}>"
    return s


def op_out_shape(t):
    shape = list(t.out_shape)
    if t.v["dynb"]:
        shape[t.out.index("n")] = None
    if t.v["dyns"]:
        shape[t.out.index(t.sp[0])] = None
    return shape


PARAMS = [  # name, base, amp, seed offset
    ("bias", 0.0, 0.5, 0.11),
    ("scale", 1.0, 0.5, 0.23),
    ("offset", 0.0, 0.5, 0.37),
    ("mean", 0.0, 0.5, 0.41),
    ("var", 0.8, 0.5, 0.53),
]


def emit_params(e, t, const):
    """Returns (P_op, P_ref) dicts of SSA names."""
    P, R = {}, {}
    for name, base, amp, so in PARAMS:
        if name in ("bias", "scale", "offset") and not t.v[name]:
            continue
        et = t.et if name == "bias" else t.pt
        if t.mode == "train" and name == "mean":
            base, amp = 0.0, 0.3
        if t.mode == "train" and name == "var":
            base, amp = 1.0, 0.3
        P[name], R[name] = emit_tensor(e, t, name, [t.C], et, t.seed + so, base, amp, const)
    return P, R


def emit_check(e, label, got, got_shape, got_et, ref, ref_shape, tol, nontrivial):
    g = flatten_dyn(e, got, got_shape, got_et)
    r = flatten_dyn(e, ref, ref_shape, "f32")
    e(f'vector.print str "{label}: "')
    rt, at = e.tmp("k"), e.tmp("k")
    e(f"{rt} = arith.constant {fmt(tol)} : f32")
    e(f"{at} = arith.constant {fmt(tol)} : f32")
    e(f"call @check({g}, {r}, {rt}, {at}) : (tensor<?xf32>, tensor<?xf32>, f32, f32) -> ()")
    if nontrivial:
        e(f"call @show({g}, {r}) : (tensor<?xf32>, tensor<?xf32>) -> ()")


def gen_test(t):
    """Returns (list of function texts, expected CHECK lines)."""
    e = Emitter()
    funcs = []
    tol = 1e-5 if t.et == "f32" else 1e-2
    const = t.const
    x, xr = emit_tensor(e, t, "x", t.in_shape, t.et, t.seed, 0.0, 1.0, False)
    w, wr = emit_tensor(e, t, "w", t.f_shape, t.et, t.seed + 0.7, 0.0, 0.5, const)
    P, R = emit_params(e, t, const)
    xop = x
    if t.op_in_shape != t.in_shape:
        xop = e.tmp("xd")
        e(f"{xop} = tensor.cast {x} : {tstr(t.in_shape, t.et)} to {tstr(t.op_in_shape, t.et)}")
    oshape = op_out_shape(t)
    oty = tstr(oshape, t.et)
    def const_op_func(mode, prefix):
        # The op in its own function whose parameters are all constants, so
        # that a deploy fold happens at compile time (checked by the IR RUN
        # line).
        fe = Emitter()
        fname = f"@{prefix}_{t.name}"
        _, _ = emit_tensor(fe, t, "w", t.f_shape, t.et, t.seed + 0.7, 0.0, 0.5, True)
        FP, _ = emit_params(fe, t, True)
        saved, t.mode = t.mode, mode
        fe(op_text(t, "%arg", "%w", FP, ["%z"]))
        t.mode = saved
        fe(f"return %z : {oty}")
        funcs.append(f"func.func {fname}(%arg: {tstr(t.op_in_shape, t.et)}) -> {oty} {{\n"
                     + "\n".join(fe.lines) + "\n}\n")
        z = e.tmp("z")
        e(f"{z} = call {fname}({xop}) : ({tstr(t.op_in_shape, t.et)}) -> {oty}")
        return z

    if t.mode == "deploy_vs_eval":
        zd = const_op_func("deploy", "deploy")
        ze = const_op_func("eval", "eval")
        got = flatten_dyn(e, zd, oshape, t.et)
        ref = flatten_dyn(e, ze, oshape, t.et)
        e(f'vector.print str "deploy vs eval: "')
        rt = e.tmp("k")
        e(f"{rt} = arith.constant {fmt(tol)} : f32")
        e(f"call @check({got}, {ref}, {rt}, {rt}) : (tensor<?xf32>, tensor<?xf32>, f32, f32) -> ()")
        e(f"call @show({got}, {ref}) : (tensor<?xf32>, tensor<?xf32>) -> ()")
        y = emit_conv_ref(e, t, xr, wr)
        r = emit_bn_eval_ref(e, t, y, R)
        emit_check(e, "deploy vs reference", zd, oshape, t.et, r, t.out_shape, tol, False)
        n = math.prod(t.out_shape)
        checks = [f"deploy vs eval: {n} values, mismatches: 0", "got: {{.*}}", "ref: {{.*}}",
                  "nontrivial: 1", f"deploy vs reference: {n} values, mismatches: 0"]
        body = "\n".join(e.lines)
        text = (f"// {t.layout} {t.et}: {t.describe()}\n"
                f"func.func @test_{t.name}() {{\n"
                f'  vector.print str "{t.name}\\n"\n'
                f"{body}\n  return\n}}\n")
        funcs.append(text)
        return funcs, checks
    if const:
        outs = [const_op_func(t.mode, "op")]
    elif t.mode == "train":
        outs = [e.tmp(n) for n in ("z", "rmean", "rvar", "smean", "sinv")]
        e(op_text(t, xop, w, P, outs))
    else:
        outs = [e.tmp("z")]
        e(op_text(t, xop, w, P, outs))
    y = emit_conv_ref(e, t, xr, wr)
    checks = []
    if t.mode == "train":
        refs = emit_train_ref(e, t, y, R)
        names = ["output", "running mean", "running var", "saved mean", "saved invstd"]
        for i, (o, r, nm) in enumerate(zip(outs, refs, names)):
            if i == 0:
                emit_check(e, nm, o, oshape, t.et, r, t.out_shape, tol, True)
            else:
                emit_check(e, nm, o, [t.C], t.pt, r, [t.C], tol, False)
            checks.append(f"{nm}: {t.C if i else math.prod(t.out_shape)} values, mismatches: 0")
            if i == 0:
                checks += ["got: {{.*}}", "ref: {{.*}}", "nontrivial: 1"]
    else:
        r = emit_bn_eval_ref(e, t, y, R)
        emit_check(e, "output", outs[0], oshape, t.et, r, t.out_shape, tol, True)
        checks += [f"output: {math.prod(t.out_shape)} values, mismatches: 0",
                   "got: {{.*}}", "ref: {{.*}}", "nontrivial: 1"]
    body = "\n".join(e.lines)
    text = (f"// {t.mode} {t.layout} {t.et}: {t.describe()}\n"
            f"func.func @test_{t.name}() {{\n"
            f'  vector.print str "{t.name}\\n"\n'
            f"{body}\n  return\n}}\n")
    funcs.append(text)
    return funcs, checks


HELPERS = r'''
// ---------------------------------------------------------------------------
// Helpers (plain upstream ops; nothing here uses convbn).
// ---------------------------------------------------------------------------

// Deterministic pseudo-random data: element l of the result is
//   base + amp * sin(1.37 * l + seed) * cos(0.71 * l + 2 * seed).
func.func @fill(%n: index, %seed: f32, %base: f32, %amp: f32) -> tensor<?xf32> {
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      outs(%e : tensor<?xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i64
    %l = arith.sitofp %ii : i64 to f32
    %k1 = arith.constant 1.37 : f32
    %k2 = arith.constant 0.71 : f32
    %two = arith.constant 2.0 : f32
    %a0 = arith.mulf %l, %k1 : f32
    %a1 = arith.addf %a0, %seed : f32
    %sn = math.sin %a1 : f32
    %b0 = arith.mulf %l, %k2 : f32
    %s2 = arith.mulf %seed, %two : f32
    %b1 = arith.addf %b0, %s2 : f32
    %cs = math.cos %b1 : f32
    %p = arith.mulf %sn, %cs : f32
    %q = arith.mulf %p, %amp : f32
    %v = arith.addf %q, %base : f32
    linalg.yield %v : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// Prints "<n> values, mismatches: <m>" where m counts the elements with
// |got - ref| > atol + rtol * |ref| (NaN counts as a mismatch); m is -1 when
// the sizes differ.
func.func @check(%got: tensor<?xf32>, %ref: tensor<?xf32>, %rtol: f32, %atol: f32) {
  %c0 = arith.constant 0 : index
  %ng = tensor.dim %got, %c0 : tensor<?xf32>
  %nr = tensor.dim %ref, %c0 : tensor<?xf32>
  %same = arith.cmpi eq, %ng, %nr : index
  %count = scf.if %same -> (i64) {
    %zero = arith.constant 0 : i64
    %e = tensor.empty() : tensor<i64>
    %init = linalg.fill ins(%zero : i64) outs(%e : tensor<i64>) -> tensor<i64>
    %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>],
                         iterator_types = ["reduction"]}
        ins(%got, %ref : tensor<?xf32>, tensor<?xf32>) outs(%init : tensor<i64>) {
    ^bb0(%g: f32, %f: f32, %acc: i64):
      %d = arith.subf %g, %f : f32
      %ad = math.absf %d : f32
      %af = math.absf %f : f32
      %rel = arith.mulf %af, %rtol : f32
      %tol = arith.addf %rel, %atol : f32
      %bad = arith.cmpf ugt, %ad, %tol : f32
      %b = arith.extui %bad : i1 to i64
      %s = arith.addi %acc, %b : i64
      linalg.yield %s : i64
    } -> tensor<i64>
    %v = tensor.extract %r[] : tensor<i64>
    scf.yield %v : i64
  } else {
    %m1 = arith.constant -1 : i64
    scf.yield %m1 : i64
  }
  %ngi = arith.index_cast %ng : index to i64
  vector.print %ngi : i64 punctuation <no_punctuation>
  vector.print str " values, mismatches: "
  vector.print %count : i64
  return
}

// Prints four values of got and ref (first, second, middle, last), then
// "nontrivial: 1" when at least half of |ref| exceed 1e-2 (so a reference
// that is all zeros cannot pass unnoticed).
func.func @show(%got: tensor<?xf32>, %ref: tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %ref, %c0 : tensor<?xf32>
  %mid = arith.divui %n, %c2 : index
  %last = arith.subi %n, %c1 : index
  vector.print str "got: "
  call @print4(%got, %c0, %c1, %mid, %last) : (tensor<?xf32>, index, index, index, index) -> ()
  vector.print str "ref: "
  call @print4(%ref, %c0, %c1, %mid, %last) : (tensor<?xf32>, index, index, index, index) -> ()
  %zero = arith.constant 0 : i64
  %e = tensor.empty() : tensor<i64>
  %init = linalg.fill ins(%zero : i64) outs(%e : tensor<i64>) -> tensor<i64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%ref : tensor<?xf32>) outs(%init : tensor<i64>) {
  ^bb0(%f: f32, %acc: i64):
    %af = math.absf %f : f32
    %th = arith.constant 1.0e-02 : f32
    %big = arith.cmpf ogt, %af, %th : f32
    %b = arith.extui %big : i1 to i64
    %s = arith.addi %acc, %b : i64
    linalg.yield %s : i64
  } -> tensor<i64>
  %big = tensor.extract %r[] : tensor<i64>
  %two = arith.constant 2 : i64
  %big2 = arith.muli %big, %two : i64
  %ni = arith.index_cast %n : index to i64
  %ok = arith.cmpi sge, %big2, %ni : i64
  %oki = arith.extui %ok : i1 to i64
  vector.print str "nontrivial: "
  vector.print %oki : i64
  return
}

func.func @print4(%t: tensor<?xf32>, %i0: index, %i1: index, %i2: index, %i3: index) {
  %v0 = tensor.extract %t[%i0] : tensor<?xf32>
  %v1 = tensor.extract %t[%i1] : tensor<?xf32>
  %v2 = tensor.extract %t[%i2] : tensor<?xf32>
  %v3 = tensor.extract %t[%i3] : tensor<?xf32>
  vector.print %v0 : f32 punctuation <no_punctuation>
  vector.print str " "
  vector.print %v1 : f32 punctuation <no_punctuation>
  vector.print str " "
  vector.print %v2 : f32 punctuation <no_punctuation>
  vector.print str " "
  vector.print %v3 : f32
  return
}
'''

HELPERS_F16 = r'''
func.func @to_f16(%t: tensor<?xf32>) -> tensor<?xf16> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %t, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%t : tensor<?xf32>) outs(%e : tensor<?xf16>) {
  ^bb0(%a: f32, %o: f16):
    %h = arith.truncf %a : f32 to f16
    linalg.yield %h : f16
  } -> tensor<?xf16>
  return %r : tensor<?xf16>
}

func.func @to_f32(%t: tensor<?xf16>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %t, %c0 : tensor<?xf16>
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%t : tensor<?xf16>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f16, %o: f32):
    %w = arith.extf %a : f16 to f32
    linalg.yield %w : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}
'''


RUN = ("// RUN: convbn-opt %s --lower-to-cpu --convert-vector-to-llvm --reconcile-unrealized-casts \\\n"
       "// RUN:   | %run-cpu | FileCheck %s\n")


def make_file(path, header, tests, ir_check=False):
    funcs, checks, calls = [], [], []
    for t in tests:
        f, c = gen_test(t)
        funcs += f
        calls.append(f"  call @test_{t.name}() : () -> ()")
        checks.append(f"// CHECK-LABEL: {{{{^}}}}{t.name}{{{{$}}}}")
        checks += [f"// CHECK-NEXT: {c0}" for c0 in c]
    has16 = any(t.et == "f16" or t.pt == "f16" for t in tests)
    run = RUN
    ir = []
    if ir_check:
        run += ("// RUN: convbn-opt %s --convert-convbn-to-linalg | FileCheck %s --check-prefix=IR\n"
                "// The same numbers and IR after the deploy canonicalization:\n"
                "// RUN: convbn-opt %s --canonicalize --lower-to-cpu --convert-vector-to-llvm \\\n"
                "// RUN:   --reconcile-unrealized-casts | %run-cpu | FileCheck %s\n"
                "// RUN: convbn-opt %s --canonicalize | FileCheck %s --check-prefix=IR\n")
        for t in tests:
            if t.mode == "deploy_vs_eval":
                ir += [f"// IR-LABEL: func.func @deploy_{t.name}(",
                       "// IR-NOT: math.sqrt",
                       "// IR-NOT: convbn.",
                       f"// IR: {linalg_conv(t.layout, t.nsp)}",
                       "// IR-NOT: math.sqrt",
                       "// IR: return",
                       f"// IR-LABEL: func.func @eval_{t.name}(",
                       f"// IR: {linalg_conv(t.layout, t.nsp)}",
                       "// IR: math.sqrt",
                       "// IR: return"]
                continue
            if not t.const:
                continue
            ir += [f"// IR-LABEL: func.func @op_{t.name}(",
                   "// IR-NOT: math.sqrt",
                   "// IR-NOT: convbn.",
                   f"// IR: {linalg_conv(t.layout, t.nsp)}",
                   "// IR-NOT: math.sqrt",
                   "// IR: return"]
    text = (run + "\n" + header.strip() + "\n"
            + "//\n// Generated by gen-reference-tests.py in this directory; edit the generator\n"
              "// and rerun it rather than editing this file.\n"
            + HELPERS + (HELPERS_F16 if has16 else "") + "\n"
            + "\n".join(funcs) + "\n"
            + "func.func @main() {\n" + "\n".join(calls) + "\n  return\n}\n\n"
            + "\n".join(checks) + "\n"
            + ("\n" + "\n".join(ir) + "\n" if ir else ""))
    with open(path, "w") as fh:
        fh.write(text)


def tests_for(mode, et, layouts, start, const=False, pts=None):
    out = []
    for i, lay in enumerate(layouts):
        v = VARIANTS[(i + start) % len(VARIANTS)]
        pt = et if pts is None else pts[i % len(pts)]
        t = Test(mode, lay, v, et, pt, seed=0.3 + 0.61 * i + 0.17 * start, const_params=const)
        t.momentum = 0.1 if i % 2 == 0 else 0.3
        out.append(t)
    return out


HEADER_COMMON = """//
// How the expected values are obtained: every test function builds its
// inputs in IR (deterministic pseudo-random data from @fill, sin/cos of the
// element index; BN variances strictly positive), runs convbn.conv_bn, and
// computes a reference from the same inputs with plain upstream ops only:
// tensor.pad for the padding, the linalg named convolution that the layout
// names, and linalg.generic bodies with arith/math that implement the
// batch-norm formula directly (channel numbers from linalg.index, row-major
// over the group x filter or channel x multiplier dimensions). @check counts
// the elements with |got - ref| > atol + rtol * |ref| and the CHECK lines
// require 0, together with the exact number of values compared; @show prints
// a few values of both and that the reference is not trivially zero.
// (--convert-vector-to-llvm lowers the vector.print ops used for the report,
// which --lower-to-cpu leaves alone.)
"""


def main():
    outdir = ARGS[0] if ARGS else os.path.dirname(os.path.abspath(__file__))
    two_d = LAYOUTS[:7]
    def hdr(title, formula, extra=""):
        return (f"// convbn.conv_bn {title}: every layout (all 2-D ones, all 1-D and 3-D\n"
                f"// ones), against an independent reference. Reference formula:\n// {formula}.\n"
                + extra + HEADER_COMMON)
    tol32 = "//\n// Tolerances: rtol 1e-5, atol 1e-5.\n"
    tol16 = ("//\n// f16 convolution data (the BN parameters alternate between f16 and f32):\n"
             "// the reference is computed in f32 from the same f16 inputs (extended), and\n"
             "// the f16 results are compared with rtol 1e-2, atol 1e-2.\n")
    eval_f = "z = (y + b - mean) * gamma / sqrt(var + eps) + beta, y the convolution"
    tune_f = ("z = (y + b - mean) * gamma / sqrt(var + eps) + beta, y the convolution\n"
              "// (tune must compute the eval function; the reference does not fold)")
    deploy_f = tune_f.replace("tune", "deploy")
    train_f = ("batch mean mu and biased variance s2 of y + b over the batch and spatial\n"
               "// dims; z = (y + b - mu) * gamma / sqrt(s2 + eps) + beta; running mean\n"
               "// (1 - m) * mean + m * mu; running variance (1 - m) * var + m * s2 * n / (n - 1)\n"
               "// with n = batch x output spatial size (a constant in the reference); saved\n"
               "// mean mu; saved inverse std 1 / sqrt(s2 + eps). All five results are checked.")
    deploy_extra = ("//\n// The filter, bias and BN parameters of the deploy ops are dense constants\n"
                    "// (each op sits in its own @op_* function), so they are folded at compile\n"
                    "// time by the fold_weights folder; the IR RUN lines check that no sqrt (no\n"
                    "// run-time fold) is left in those functions, both after the lowering and\n"
                    "// after --canonicalize alone (the deploy canonicalization), and the file\n"
                    "// runs both ways. The last tests use run-time parameters, for which deploy\n"
                    "// falls back to a run-time fold.\n")
    for et, suffix, tol, pts, off in (("f32", "", tol32, None, 0), ("f16", "-f16", tol16, ["f16", "f32"], 2)):
        make_file(f"{outdir}/eval-reference{suffix}.mlir",
                  hdr(f"eval mode, {et}", eval_f, tol),
                  tests_for("eval", et, LAYOUTS, 0 + off, pts=pts))
        make_file(f"{outdir}/tune-reference{suffix}.mlir",
                  hdr(f"tune mode, {et}", tune_f, tol),
                  tests_for("tune", et, LAYOUTS, 1 + off, pts=pts))
        dep = tests_for("deploy", et, LAYOUTS, 2 + off, const=True, pts=pts)
        dyn = tests_for("deploy", et, ["nchw_fchw", "nhwc_hwcm"], 4 + off, pts=pts)
        for t in dyn:
            t.seed += 1.1
        make_file(f"{outdir}/deploy-reference{suffix}.mlir",
                  hdr(f"deploy mode, {et}", deploy_f, tol + deploy_extra),
                  dep + dyn, ir_check=True)
        make_file(f"{outdir}/train-reference{suffix}.mlir",
                  hdr(f"train mode, {et}", train_f, tol),
                  tests_for("train", et, LAYOUTS, 3 + off, pts=pts))

    dve = []
    for i, (lay, et, pt) in enumerate([("nchw_fchw", "f32", "f32"), ("ngchw_gfchw", "f32", "f32"),
                                       ("nhwc_hwcm", "f32", "f32"), ("ndhwc_dhwcf", "f32", "f32"),
                                       ("nwc_wcm", "f32", "f32"), ("nchw_fchw", "f16", "f32"),
                                       ("nhwc_hwc", "f16", "f16")]):
        t = Test("deploy_vs_eval", lay, VARIANTS[i % len(VARIANTS)], et, pt,
                 seed=1.9 + 0.43 * i, const_params=True)
        t.name = f"{lay}_{et}" + ("" if pt == et else f"_{pt}params")
        dve.append(t)
    make_file(f"{outdir}/deploy-equals-eval.mlir", DVE_HEADER, dve, ir_check=True)


DVE_HEADER = """
// deploy mode with constant filter, bias and BN parameters computes the same
// numbers as eval mode. Each layout has an @eval_* and a @deploy_* function
// holding the same dense constants; the IR RUN lines check that the deploy
// fold happened at compile time (through the fold_weights folder: no sqrt and
// no convbn op left in @deploy_*, while @eval_* normalises at run time), in
// the lowering and in the deploy canonicalization (--canonicalize), and the
// file is run both ways.
// Both are run on the same pseudo-random input; deploy is compared with eval
// (rtol = atol = 1e-5 for f32, 1e-2 for f16 data) and, to make sure both are
// not wrong in the same way, with an independent reference built from plain
// upstream ops (tensor.pad, the linalg named convolution, and the formula
// z = (y + b - mean) * gamma / sqrt(var + eps) + beta in a linalg.generic).
"""


if __name__ == "__main__":
    main()
