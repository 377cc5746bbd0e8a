#!/usr/bin/env python3
"""Generates random conv + batch-norm programs for differential testing of
`convbn-opt --fuse-convbn`.

  gen_convbn_cases.py --count N --seed S [-o FILE] [--dtype f32|f16|mixed]

Writes one module with N functions `@case_<i>`, each a linalg named
convolution followed by an inference batch norm in one of the spellings that
frontends emit, over random shapes and conv parameters:

- conv kinds: 1-D/2-D/3-D `conv_*` (nchw_fchw, nhwc_hwcf, nhwc_fhwc, ncw_fcw,
  nwc_wcf, ncdhw_fcdhw, ndhwc_dhwcf), depthwise (nchw_chw, nhwc_hwc, and
  the channel-multiplier nhwc_hwcm followed by a collapse_shape, plus their
  1-D and 3-D forms) and grouped (NCHW expanded to NGCHW,
  conv_2d_ngchw_gfchw, collapsed back), with random strides, dilations and
  zero padding (asymmetric, as a `tensor.pad` of the input);
- bias: none, broadcast into the conv's `outs` (linalg.broadcast, or a
  broadcast linalg.generic), or a separate add generic after the conv;
- BN spelling: torch (var + eps, rsqrt on the vector, then sub / mul / mul /
  add generics), sqrt + reciprocal, StableHLO order (sub, mul scale, divide
  by sqrt(var + eps), add), pre-folded (y = x * m + r with m and r computed
  on vectors), a single generic, and BN without affine parameters; vectors
  read as 1-D through the channel dimension or expanded to the output rank
  (unit dimensions read at 0); eps as an f32 scalar, an f64 scalar
  truncated in the body, a tensor<1xf32> or a splat vector;
- element type: f32, f16 throughout, or an f16 conv accumulating in f32 with
  the BN in f32 between truncf / extf generics (`--dtype`);
- dynamic batch (sizes from `tensor.dim`) in some cases (none with
  `--static`);
- parameters: all function arguments (fuses to `tune`), all constants
  (`deploy`), or a constant filter with argument statistics (`tune`).

Every conv carries `// expected-remark @+1 {{into convbn.conv_bn MODE}}`, so
`convbn-opt FILE --fuse-convbn=remarks=true -verify-diagnostics` checks that
every case fuses into the expected mode, and `exec_compare.py FILE
--all-funcs` runs every case before and after in one module. The output is a
function of (count, seed, dtype) only. The lit test
test/Transforms/FuseConvBN/random.mlir runs 300 cases; see docs/testing.md for
running more.
"""

import argparse
import random
import sys

# name: (linalg op, input dims, filter dims, output dims, output channel dims)
# Letters: n batch, c input channel, f output channel (per group), g group,
# m channel multiplier; spatial d h w (kernel sizes in the filter).
KINDS = {
    "ncw_fcw": ("conv_1d_ncw_fcw", "ncw", "fcw", "nfw"),
    "nwc_wcf": ("conv_1d_nwc_wcf", "nwc", "wcf", "nwf"),
    "ncw_cw": ("depthwise_conv_1d_ncw_cw", "ncw", "cw", "ncw"),
    "nwc_wc": ("depthwise_conv_1d_nwc_wc", "nwc", "wc", "nwc"),
    "nwc_wcm": ("depthwise_conv_1d_nwc_wcm", "nwc", "wcm", "nwcm"),
    "nchw_fchw": ("conv_2d_nchw_fchw", "nchw", "fchw", "nfhw"),
    "nhwc_hwcf": ("conv_2d_nhwc_hwcf", "nhwc", "hwcf", "nhwf"),
    "nhwc_fhwc": ("conv_2d_nhwc_fhwc", "nhwc", "fhwc", "nhwf"),
    "ngchw_gfchw": ("conv_2d_ngchw_gfchw", "ngchw", "gfchw", "ngfhw"),
    "nchw_chw": ("depthwise_conv_2d_nchw_chw", "nchw", "chw", "nchw"),
    "nhwc_hwc": ("depthwise_conv_2d_nhwc_hwc", "nhwc", "hwc", "nhwc"),
    "nhwc_hwcm": ("depthwise_conv_2d_nhwc_hwcm", "nhwc", "hwcm", "nhwcm"),
    "ncdhw_fcdhw": ("conv_3d_ncdhw_fcdhw", "ncdhw", "fcdhw", "nfdhw"),
    "ndhwc_dhwcf": ("conv_3d_ndhwc_dhwcf", "ndhwc", "dhwcf", "ndhwf"),
    "ncdhw_cdhw": ("depthwise_conv_3d_ncdhw_cdhw", "ncdhw", "cdhw", "ncdhw"),
    "ndhwc_dhwc": ("depthwise_conv_3d_ndhwc_dhwc", "ndhwc", "dhwc", "ndhwc"),
    "ndhwc_dhwcm": ("depthwise_conv_3d_ndhwc_dhwcm", "ndhwc", "dhwcm", "ndhwcm"),
}
# How often each kind is drawn (2-D dominates real networks).
KIND_WEIGHTS = {
    "nchw_fchw": 6, "nhwc_hwcf": 4, "nhwc_fhwc": 4, "ngchw_gfchw": 3,
    "nchw_chw": 3, "nhwc_hwc": 2, "nhwc_hwcm": 3,
    "ncw_fcw": 1, "nwc_wcf": 1, "ncw_cw": 1, "nwc_wc": 1, "nwc_wcm": 1,
    "ncdhw_fcdhw": 1, "ndhwc_dhwcf": 1, "ncdhw_cdhw": 1, "ndhwc_dhwc": 1, "ndhwc_dhwcm": 1,
}
SPELLINGS = ["torch", "sqrt_recip", "stablehlo", "prefolded", "single", "noaffine"]
SPATIAL = "dhw"


def ttype(shape, elem):
    return "tensor<" + "".join(("?" if s is None else str(s)) + "x" for s in shape) + elem + ">"


def fmt(x):
    text = repr(float(x))
    if "e" in text and "." not in text:  # 1e-05 is not an MLIR float literal
        text = text.replace("e", ".0e")
    return text


def dense(values, shape, elem):
    def nest(flat, dims):
        if not dims:
            return fmt(flat[0])
        step = len(flat) // dims[0]
        return "[" + ", ".join(nest(flat[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])) + "]"
    return f"dense<{nest(values, list(shape))}> : {ttype(shape, elem)}"


def imap(rank, results):
    dims = ", ".join(f"d{i}" for i in range(rank))
    return f"affine_map<({dims}) -> ({', '.join(results)})>"


def ident(rank):
    return imap(rank, [f"d{i}" for i in range(rank)])


class Func:
    """Accumulates the body of one function with fresh SSA names."""

    def __init__(self, rng):
        self.rng = rng
        self.lines = []
        self.args = []
        self.n = 0

    def fresh(self, stem="v"):
        self.n += 1
        return f"%{stem}{self.n}"

    def arg(self, stem, type_):
        name = f"%{stem}"
        self.args.append((name, type_))
        return name

    def emit(self, line):
        self.lines.append("  " + line)

    def const(self, text, stem="cst"):
        name = self.fresh(stem)
        self.emit(f"{name} = arith.constant {text}")
        return name

    def generic(self, inputs, out_shape, out_elem, body, rank, out_init=None, dyn=()):
        """inputs: [(value, type, map)]; body(args) -> (lines, result)."""
        if out_init is None:
            out_init = self.empty(out_shape, out_elem, dyn)
        maps = [m for _, _, m in inputs] + [ident(rank)]
        args = [self.fresh("a") for _ in inputs]
        out_arg = self.fresh("o")
        result = self.fresh("g")
        ins = ""
        if inputs:
            ins = f"ins({', '.join(v for v, _, _ in inputs)} : {', '.join(t for _, t, _ in inputs)}) "
        its = ", ".join(['"parallel"'] * rank)
        self.emit(f"{result} = linalg.generic {{indexing_maps = [{', '.join(maps)}], iterator_types = [{its}]}} "
                  f"{ins}outs({out_init} : {ttype(out_shape, out_elem)}) {{")
        elems = [t.split("x")[-1].rstrip(">") if "x" in t else t[len("tensor<"):-1] for _, t, _ in inputs]
        sig = ", ".join(f"{a}: {e}" for a, e in zip(args, elems))
        self.emit(f"^bb0({sig}{', ' if sig else ''}{out_arg}: {out_elem}):")
        lines, res = body(args)
        for line in lines:
            self.emit("  " + line)
        self.emit(f"  linalg.yield {res} : {out_elem}")
        self.emit(f"}} -> {ttype(out_shape, out_elem)}")
        return result

    def empty(self, shape, elem, dyn=()):
        name = self.fresh("e")
        self.emit(f"{name} = tensor.empty({', '.join(dyn)}) : {ttype(shape, elem)}")
        return name


class Case:
    def __init__(self, index, rng, dtype, static=False):
        self.index = index
        self.rng = rng
        r = rng
        self.kind = r.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        self.op, self.in_dims, self.f_dims, self.out_dims = KINDS[self.kind]
        nsp = sum(ch in SPATIAL for ch in self.in_dims)
        self.nsp = nsp
        if dtype == "mixed":
            dtype = r.choices(["f32", "f16", "f16acc"], weights=[8, 1, 1])[0]
        elif dtype == "half":
            dtype = r.choice(["f16", "f16acc"])
        self.dtype = dtype
        self.elem = "f32" if dtype == "f32" else "f16"
        self.acc = "f16" if dtype == "f16" else "f32"   # conv accumulator
        self.bn_elem = "f16" if dtype == "f16" else "f32"
        # Drawn also when --static, so that the other choices are the same.
        self.dynamic = r.random() < 0.2 and not static
        self.batch = r.choice([1, 1, 2, 3])
        self.groups = r.choice([2, 3]) if "g" in self.in_dims else 1
        self.mult = r.choice([1, 2, 3]) if "m" in self.f_dims else 1
        depthwise = "f" not in self.f_dims
        maxsize = {1: 10, 2: 8, 3: 5}[nsp]
        if "g" in self.in_dims:
            self.cin = self.groups * r.randint(1, 3)
            self.fout = self.groups * r.randint(1, 3)   # total output channels
        else:
            self.cin = r.randint(1, 5)
            self.fout = self.cin * self.mult if depthwise else r.randint(1, 6)
        self.kernel = [r.randint(1, 3) for _ in range(nsp)]
        self.stride = [r.choice([1, 1, 2, 3]) for _ in range(nsp)] if r.random() < 0.4 else [1] * nsp
        self.dilation = [r.choice([1, 2]) for _ in range(nsp)] if r.random() < 0.3 else [1] * nsp
        pad_kind = r.random()
        if pad_kind < 0.4:
            self.pad = [[0] * nsp, [0] * nsp]
        elif pad_kind < 0.7:
            p = [(k - 1) * d // 2 for k, d in zip(self.kernel, self.dilation)]
            self.pad = [p, list(p)]
        else:
            self.pad = [[r.randint(0, 2) for _ in range(nsp)], [r.randint(0, 2) for _ in range(nsp)]]
        self.size = []
        for i in range(nsp):
            low = max(1, self.dilation[i] * (self.kernel[i] - 1) + 1 - self.pad[0][i] - self.pad[1][i])
            self.size.append(r.randint(low, max(low, maxsize)))
        self.out_size = [(s + lo + hi - d * (k - 1) - 1) // st + 1 for s, lo, hi, d, k, st in
                         zip(self.size, self.pad[0], self.pad[1], self.dilation, self.kernel, self.stride)]
        assert all(o >= 1 for o in self.out_size)
        # Bias.
        bias_choices = ["none", "outs_broadcast", "outs_generic", "add"]
        if self.kind in ("nhwc_hwcm", "nwc_wcm", "ndhwc_dhwcm"):
            bias_choices = ["none", "add"]
        if dtype == "f16acc":
            # The bias is widened by the broadcast generic (TOSA's f16 form).
            bias_choices = ["none"] if "g" in self.in_dims or "m" in self.f_dims else ["none", "outs_generic"]
        self.bias = r.choice(bias_choices)
        self.spelling = r.choice(SPELLINGS)
        self.params = r.choices(["args", "constants", "const_filter"], weights=[5, 3, 2])[0]
        if self.params == "constants" and self.fout == 1:
            # A one-element constant is a splat, read as a scalar: such a BN
            # does not fuse today (see docs/testing.md).
            self.params = "const_filter"
        self.eps = r.choice([1e-5, 1e-5, 1e-3, 1e-4, 0.01])
        self.eps_form = r.choice(["f32", "f64", "tensor1", "splat"])
        self.vec_form = r.choice(["flat", "flat", "full", "trailing"])
        self.swap = r.random() < 0.5
        # TOSA keeps the model NCHW around an NHWC conv: transposes before and after.
        self.transposes = self.in_dims == "nhwc" and r.random() < 0.3
        # torch's no-op tensor.cast after the conv.
        self.cast = r.random() < 0.15
        # A non-zero pad value cannot become `padding`: the pad stays.
        self.pad_value = 0.5 if r.random() < 0.1 else 0.0

    # -- shapes ----------------------------------------------------------
    def input_shape(self, dims=None):
        """Shape of the conv input in its own layout (NGCHW for grouped)."""
        dims = dims or self.in_dims
        shape, sp = [], 0
        for ch in dims:
            if ch == "n":
                shape.append(None if self.dynamic else self.batch)
            elif ch == "g":
                shape.append(self.groups)
            elif ch == "c":
                shape.append(self.cin // self.groups)
            else:
                shape.append(self.size[sp]); sp += 1
        return shape

    def filter_shape(self):
        shape, sp = [], 0
        for ch in self.f_dims:
            if ch == "g":
                shape.append(self.groups)
            elif ch == "f":
                shape.append(self.fout // self.groups)
            elif ch == "c":
                shape.append(self.cin // self.groups)
            elif ch == "m":
                shape.append(self.mult)
            else:
                shape.append(self.kernel[sp]); sp += 1
        return shape

    def output_shape(self):
        shape, sp = [], 0
        for ch in self.out_dims:
            if ch == "n":
                shape.append(None if self.dynamic else self.batch)
            elif ch == "g":
                shape.append(self.groups)
            elif ch == "f":
                shape.append(self.fout // self.groups)
            elif ch == "c":
                shape.append(self.cin)
            elif ch == "m":
                shape.append(self.mult)
            else:
                shape.append(self.out_size[sp]); sp += 1
        return shape

    def expected_mode(self):
        return "deploy" if self.params == "constants" else "tune"

    # -- emission --------------------------------------------------------
    def emit(self):
        r = self.rng
        fn = Func(r)
        C = self.fout
        grouped = "g" in self.in_dims
        mult_kind = "m" in self.out_dims
        # Input: grouped convs take NCHW and expand (torch); others their layout.
        if grouped:
            x_shape = [None if self.dynamic else self.batch, self.cin] + self.size
        else:
            x_shape = self.input_shape()
        if self.transposes:
            nchw = [x_shape[0], x_shape[3], x_shape[1], x_shape[2]]
            x = fn.arg("x", ttype(nchw, self.elem))
        else:
            x = fn.arg("x", ttype(x_shape, self.elem))
        dyn = []
        if self.dynamic:
            c0 = fn.const("0 : index", "c")
            n = fn.fresh("n")
            fn.emit(f"{n} = tensor.dim {x}, {c0} : {ttype(nchw if self.transposes else x_shape, self.elem)}")
            dyn = [n]
        if self.transposes:
            e = fn.empty(x_shape, self.elem, dyn)
            t = fn.fresh("xt")
            fn.emit(f"{t} = linalg.transpose ins({x} : {ttype(nchw, self.elem)}) outs({e} : {ttype(x_shape, self.elem)}) "
                    f"permutation = [0, 2, 3, 1]")
            x = t
        # Filter.
        f_shape = self.filter_shape()
        if grouped:
            torch_f = [self.fout, self.cin // self.groups] + self.kernel
        if self.params in ("constants", "const_filter"):
            count = 1
            for s in f_shape:
                count *= s
            vals = [round(r.uniform(-1, 1), 3) for _ in range(count)]
            w = fn.const(dense(vals, f_shape, self.elem), "w")
        elif grouped:
            w4 = fn.arg("w", ttype(torch_f, self.elem))
            w = fn.fresh("wg")
            fn.emit(f"{w} = tensor.expand_shape {w4} [[0, 1], {', '.join(f'[{i + 1}]' for i in range(1, len(torch_f)))}] "
                    f"output_shape [{', '.join(str(s) for s in f_shape)}] : {ttype(torch_f, self.elem)} into {ttype(f_shape, self.elem)}")
        else:
            w = fn.arg("w", ttype(f_shape, self.elem))
        # BN vectors (and the bias).
        names = ["m", "v", "g", "b"] + (["bias"] if self.bias != "none" else [])
        vecs = {}
        for name in names:
            if self.spelling == "noaffine" and name in ("g", "b"):
                continue
            if self.params == "constants":
                lo, hi = {"v": (0.25, 2.0), "g": (0.5, 1.5)}.get(name, (-1.0, 1.0))
                values = [round(r.uniform(lo, hi), 3) for _ in range(C)]
                while len(set(values)) == 1:  # not a splat (see above)
                    values = [round(r.uniform(lo, hi), 3) for _ in range(C)]
                vecs[name] = fn.const(dense(values, [C], self.elem), name)
            else:
                vecs[name] = fn.arg(name, ttype([C], self.elem))
        # Input padding.
        if any(self.pad[0]) or any(self.pad[1]):
            pdims = x_shape if grouped else self.input_shape()
            order = "nchw"[:2] + "dhw"[3 - self.nsp:] if grouped else self.in_dims
            low = [self.pad[0][SPATIAL[3 - self.nsp:].index(ch)] if ch in SPATIAL else 0 for ch in order]
            high = [self.pad[1][SPATIAL[3 - self.nsp:].index(ch)] if ch in SPATIAL else 0 for ch in order]
            padded_shape = [None if s is None else s + lo + hi for s, lo, hi in zip(pdims, low, high)]
            zero = fn.const(f"{fmt(self.pad_value)} : {self.elem}", "padv")
            p = fn.fresh("pad")
            idx = ", ".join(f"%i{i}: index" for i in range(len(pdims)))
            fn.emit(f"{p} = tensor.pad {x} low[{', '.join(map(str, low))}] high[{', '.join(map(str, high))}] {{")
            fn.emit(f"^bb0({idx}):")
            fn.emit(f"  tensor.yield {zero} : {self.elem}")
            fn.emit(f"}} : {ttype(pdims, self.elem)} to {ttype(padded_shape, self.elem)}")
            conv_in, conv_in_shape = p, padded_shape
        else:
            conv_in, conv_in_shape = x, (x_shape if grouped else self.input_shape())
        if grouped:
            g_shape = [conv_in_shape[0], self.groups, self.cin // self.groups] + conv_in_shape[2:]
            xg = fn.fresh("xg")
            out_sizes = ", ".join(dyn[0] if s is None else str(s) for s in g_shape)
            fn.emit(f"{xg} = tensor.expand_shape {conv_in} [[0], [1, 2], {', '.join(f'[{i + 1}]' for i in range(2, len(conv_in_shape)))}] "
                    f"output_shape [{out_sizes}] : {ttype(conv_in_shape, self.elem)} into {ttype(g_shape, self.elem)}")
            conv_in, conv_in_shape = xg, g_shape
        # Init: zero, or the bias broadcast into it.
        out_shape = self.output_shape()
        out_rank = len(out_shape)
        if "f" in self.out_dims:
            chan_dims = [i for i, ch in enumerate(self.out_dims) if ch in "gf"]
        else:
            chan_dims = [i for i, ch in enumerate(self.out_dims) if ch in "cm"]
        acc = self.acc
        if self.bias == "outs_broadcast":
            if grouped:
                flat_shape = [out_shape[0], C] + out_shape[3:]
                e = fn.empty(flat_shape, acc, dyn)
                bc = fn.fresh("bc")
                fn.emit(f"{bc} = linalg.broadcast ins({vecs['bias']} : {ttype([C], acc)}) outs({e} : {ttype(flat_shape, acc)}) "
                        f"dimensions = [{', '.join(str(i) for i in range(len(flat_shape)) if i != 1)}]")
                init = fn.fresh("init")
                sizes = ", ".join(dyn[0] if s is None else str(s) for s in out_shape)
                fn.emit(f"{init} = tensor.expand_shape {bc} [[0], [1, 2], {', '.join(f'[{i + 1}]' for i in range(2, len(flat_shape)))}] "
                        f"output_shape [{sizes}] : {ttype(flat_shape, acc)} into {ttype(out_shape, acc)}")
            else:
                e = fn.empty(out_shape, acc, dyn)
                init = fn.fresh("init")
                fn.emit(f"{init} = linalg.broadcast ins({vecs['bias']} : {ttype([C], acc)}) outs({e} : {ttype(out_shape, acc)}) "
                        f"dimensions = [{', '.join(str(i) for i in range(out_rank) if i != chan_dims[0])}]")
        elif self.bias == "outs_generic" and not grouped:
            def body(a):
                if acc != self.elem:
                    t = fn.fresh("t")
                    return [f"{t} = arith.extf {a[0]} : {self.elem} to {acc}"], t
                return [], a[0]
            init = fn.generic([(vecs["bias"], ttype([C], self.elem), imap(out_rank, [f"d{chan_dims[0]}"]))],
                              out_shape, acc, body, out_rank, dyn=dyn)
        else:
            if self.bias == "outs_generic":
                self.bias = "add"
            zero = fn.const(f"0.0 : {acc}", "zero")
            e = fn.empty(out_shape, acc, dyn)
            init = fn.fresh("fill")
            fn.emit(f"{init} = linalg.fill ins({zero} : {acc}) outs({e} : {ttype(out_shape, acc)}) -> {ttype(out_shape, acc)}")
        # The conv.
        attr_t = r.choice(["tensor", "vector"])
        attrs = (f"{{dilations = dense<[{', '.join(map(str, self.dilation))}]> : {attr_t}<{self.nsp}xi64>, "
                 f"strides = dense<[{', '.join(map(str, self.stride))}]> : {attr_t}<{self.nsp}xi64>}} ")
        if self.stride == [1] * self.nsp and self.dilation == [1] * self.nsp and r.random() < 0.3:
            attrs = ""
        conv = fn.fresh("conv")
        fn.emit(f"// expected-remark @+1 {{{{into convbn.conv_bn {self.expected_mode()}}}}}")
        fn.emit(f"{conv} = linalg.{self.op} {attrs}ins({conv_in}, {w} : {ttype(conv_in_shape, self.elem)}, "
                f"{ttype(f_shape, self.elem)}) outs({init} : {ttype(out_shape, acc)}) -> {ttype(out_shape, acc)}")
        y, y_shape = conv, out_shape
        # Merge the channel dimensions (grouped / multiplier).
        if grouped or mult_kind:
            a, b = chan_dims
            groups = [[i] for i in range(a)] + [[a, b]] + [[i] for i in range(b + 1, out_rank)]
            flat = y_shape[:a] + [C] + y_shape[b + 1:]
            col = fn.fresh("col")
            fn.emit(f"{col} = tensor.collapse_shape {y} [{', '.join('[' + ', '.join(map(str, g)) + ']' for g in groups)}] "
                    f": {ttype(y_shape, acc)} into {ttype(flat, acc)}")
            y, y_shape = col, flat
        rank = len(y_shape)
        cd = chan_dims[0]
        if self.cast:
            c = fn.fresh("cast")
            fn.emit(f"{c} = tensor.cast {y} : {ttype(y_shape, acc)} to {ttype(y_shape, acc)}")
            y = c
        # f16 accumulating in f32: back to f16, then the BN in f32.
        if self.dtype == "f16acc":
            def trunc(a):
                t = fn.fresh("t")
                return [f"{t} = arith.truncf {a[0]} : f32 to f16"], t
            y = fn.generic([(y, ttype(y_shape, "f32"), ident(rank))], y_shape, "f16", trunc, rank, dyn=dyn)

            def ext(a):
                t = fn.fresh("t")
                return [f"{t} = arith.extf {a[0]} : f16 to f32"], t
            y = fn.generic([(y, ttype(y_shape, "f16"), ident(rank))], y_shape, "f32", ext, rank, dyn=dyn)
            for name in list(vecs):
                if name == "bias":
                    continue
                vecs[name] = fn.generic([(vecs[name], ttype([C], "f16"), ident(1))], [C], "f32", ext, 1)
        F = self.bn_elem
        # The separate bias add.
        if self.bias == "add":
            def add(a):
                t = fn.fresh("t")
                return [f"{t} = arith.addf {a[0]}, {a[1]} : {F}"], t
            ins = [(vecs["bias"], ttype([C], F), imap(rank, [f"d{cd}"])), (y, ttype(y_shape, F), ident(rank))]
            y = fn.generic(ins, y_shape, F, add, rank, dyn=dyn)
        # Back to NCHW (TOSA): the BN works on the transposed value.
        if self.transposes:
            nchw = [y_shape[0], y_shape[3], y_shape[1], y_shape[2]]
            e = fn.empty(nchw, F, dyn)
            t = fn.fresh("yt")
            fn.emit(f"{t} = linalg.transpose ins({y} : {ttype(y_shape, F)}) outs({e} : {ttype(nchw, F)}) "
                    f"permutation = [0, 3, 1, 2]")
            y, y_shape, cd = t, nchw, 1
        y = self.emit_bn(fn, y, y_shape, rank, cd, vecs, dyn)
        if self.dtype == "f16acc":
            def trunc2(a):
                t = fn.fresh("t")
                return [f"{t} = arith.truncf {a[0]} : f32 to f16"], t
            y = fn.generic([(y, ttype(y_shape, "f32"), ident(rank))], y_shape, "f16", trunc2, rank, dyn=dyn)
        fn.emit(f"return {y} : {ttype(y_shape, self.elem)}")
        sig = ", ".join(f"{n}: {t}" for n, t in fn.args)
        desc = (f"// case {self.index}: {self.kind} {self.dtype} N={'?' if self.dynamic else self.batch} "
                f"C_in={self.cin} C_out={C} size={self.size} kernel={self.kernel} stride={self.stride} "
                f"dilation={self.dilation} pad={self.pad} groups={self.groups} mult={self.mult} bias={self.bias} "
                f"bn={self.spelling} params={self.params} eps={self.eps}/{self.eps_form} vectors={self.vec_form}"
                f"{' transposes' if self.transposes else ''}{' cast' if self.cast else ''}"
                f"{' pad_value=' + fmt(self.pad_value) if self.pad_value else ''}")
        return "\n".join([desc, f"func.func @case_{self.index}({sig}) -> {ttype(y_shape, self.elem)} {{"]
                         + fn.lines + ["}", ""])

    def vector_read(self, fn, vec, rank, cd, C, F):
        """A per-channel vector as a generic operand: (value, type, map)."""
        form = self.vec_form
        if form == "trailing" and cd == rank - 1:
            form = "full"
        if form == "flat":
            return vec, ttype([C], F), imap(rank, [f"d{cd}"])
        if form == "trailing":
            shape = [C] + [1] * (rank - 1 - cd)
            res = [f"d{cd}"] + ["0"] * (rank - 1 - cd)
        else:
            shape = [1] * rank
            shape[cd] = C
            res = ["0"] * rank
            res[cd] = f"d{cd}"
        e = fn.fresh("ex")
        fn.emit(f"{e} = tensor.expand_shape {vec} [[{', '.join(str(i) for i in range(len(shape)))}]] "
                f"output_shape [{', '.join(map(str, shape))}] : {ttype([C], F)} into {ttype(shape, F)}")
        return e, ttype(shape, F), imap(rank, res)

    def eps_scalar(self, fn, F):
        """(lines in a body, value) producing eps as an F scalar, plus extra inputs."""
        if self.eps_form == "f64":
            c = fn.const(f"{fmt(self.eps)} : f64", "eps")

            def use():
                t = fn.fresh("t")
                return [f"{t} = arith.truncf {c} : f64 to {F}"], t
            return use
        c = fn.const(f"{fmt(self.eps)} : {F}", "eps")
        return lambda: ([], c)

    def var_plus_eps(self, fn, v, C, F):
        """A 1-D generic computing var + eps (in the chosen eps form)."""
        if self.eps_form in ("tensor1", "splat"):
            if self.eps_form == "tensor1":
                e = fn.const(f"dense<{fmt(self.eps)}> : {ttype([1], F)}", "eps")
                ins = [(e, ttype([1], F), imap(1, ["0"])), (v, ttype([C], F), ident(1))]
            else:
                e = fn.const(f"dense<{fmt(self.eps)}> : {ttype([C], F)}", "eps")
                ins = [(v, ttype([C], F), ident(1)), (e, ttype([C], F), ident(1))]

            def body(a):
                t = fn.fresh("t")
                return [f"{t} = arith.addf {a[0]}, {a[1]} : {F}"], t
            return fn.generic(ins, [C], F, body, 1)
        eps = self.eps_scalar(fn, F)

        def body(a):
            lines, ev = eps()
            t = fn.fresh("t")
            operands = f"{ev}, {a[0]}" if self.swap else f"{a[0]}, {ev}"
            return lines + [f"{t} = arith.addf {operands} : {F}"], t
        return fn.generic([(v, ttype([C], F), ident(1))], [C], F, body, 1)

    def unary_vec(self, fn, v, C, F, op):
        def body(a):
            lines, cur = [], a[0]
            for o in op:
                t = fn.fresh("t")
                if o == "recip":
                    one = fn.fresh("one")
                    lines.append(f"{one} = arith.constant 1.0 : {F}")
                    lines.append(f"{t} = arith.divf {one}, {cur} : {F}")
                else:
                    lines.append(f"{t} = math.{o} {cur} : {F}")
                cur = t
            return lines, cur
        return fn.generic([(v, ttype([C], F), ident(1))], [C], F, body, 1)

    def step(self, fn, y, y_shape, rank, cd, vec, C, F, op, dyn, vec_first=False):
        """One 4-D generic: y op vec[c]."""
        v, vt, vm = self.vector_read(fn, vec, rank, cd, C, F)
        ins = [(y, ttype(y_shape, F), ident(rank)), (v, vt, vm)]
        if vec_first:
            ins.reverse()

        def body(a):
            xa, va = (a[1], a[0]) if vec_first else (a[0], a[1])
            t = fn.fresh("t")
            commutative = op in ("addf", "mulf")
            lhs, rhs = (va, xa) if commutative and self.swap else (xa, va)
            return [f"{t} = arith.{op} {lhs}, {rhs} : {F}"], t
        return fn.generic(ins, y_shape, F, body, rank, dyn=dyn)

    def emit_bn(self, fn, y, y_shape, rank, cd, vecs, dyn):
        C, F = self.fout, self.bn_elem
        m, v = vecs["m"], vecs["v"]
        g, b = vecs.get("g"), vecs.get("b")
        s = self.spelling
        r = self.rng
        if s in ("torch", "sqrt_recip", "noaffine"):
            ve = self.var_plus_eps(fn, v, C, F)
            rs = self.unary_vec(fn, ve, C, F, ["rsqrt"] if s != "sqrt_recip" else ["sqrt", "recip"])
            y = self.step(fn, y, y_shape, rank, cd, m, C, F, "subf", dyn)
            y = self.step(fn, y, y_shape, rank, cd, rs, C, F, "mulf", dyn, vec_first=r.random() < 0.3)
            if s != "noaffine":
                y = self.step(fn, y, y_shape, rank, cd, g, C, F, "mulf", dyn)
                y = self.step(fn, y, y_shape, rank, cd, b, C, F, "addf", dyn, vec_first=r.random() < 0.3)
            return y
        if s == "stablehlo":
            ve = self.var_plus_eps(fn, v, C, F)
            sd = self.unary_vec(fn, ve, C, F, ["sqrt"])
            y = self.step(fn, y, y_shape, rank, cd, m, C, F, "subf", dyn)
            y = self.step(fn, y, y_shape, rank, cd, g, C, F, "mulf", dyn)
            y = self.step(fn, y, y_shape, rank, cd, sd, C, F, "divf", dyn)
            y = self.step(fn, y, y_shape, rank, cd, b, C, F, "addf", dyn)
            return y
        if s == "prefolded":
            ve = self.var_plus_eps(fn, v, C, F)

            def mul_body(a):
                t1, t2 = fn.fresh("t"), fn.fresh("t")
                return [f"{t1} = math.rsqrt {a[0]} : {F}", f"{t2} = arith.mulf {t1}, {a[1]} : {F}"], t2
            mul = fn.generic([(ve, ttype([C], F), ident(1)), (g, ttype([C], F), ident(1))], [C], F, mul_body, 1)

            def add_body(a):
                t1, t2 = fn.fresh("t"), fn.fresh("t")
                return [f"{t1} = arith.mulf {a[1]}, {a[2]} : {F}", f"{t2} = arith.subf {a[0]}, {t1} : {F}"], t2
            add = fn.generic([(b, ttype([C], F), ident(1)), (mul, ttype([C], F), ident(1)),
                              (m, ttype([C], F), ident(1))], [C], F, add_body, 1)
            if r.random() < 0.5:
                y = self.step(fn, y, y_shape, rank, cd, mul, C, F, "mulf", dyn)
                return self.step(fn, y, y_shape, rank, cd, add, C, F, "addf", dyn)
            mv, mt, mm = self.vector_read(fn, mul, rank, cd, C, F)
            av, at, am = self.vector_read(fn, add, rank, cd, C, F)

            def body(a):
                t1, t2 = fn.fresh("t"), fn.fresh("t")
                return [f"{t1} = arith.mulf {a[0]}, {a[1]} : {F}", f"{t2} = arith.addf {t1}, {a[2]} : {F}"], t2
            return fn.generic([(y, ttype(y_shape, F), ident(rank)), (mv, mt, mm), (av, at, am)],
                              y_shape, F, body, rank, dyn=dyn)
        # single generic: ((x - m) / sqrt(v + eps)) * g + b
        eps = self.eps_scalar(fn, F) if self.eps_form in ("f32", "f64") else None
        if eps is None:
            self.eps_form = "f32"
            eps = self.eps_scalar(fn, F)
        reads = [self.vector_read(fn, vec, rank, cd, C, F) for vec in (m, v, g, b)]

        def body(a):
            lines, ev = eps()
            t = [fn.fresh("t") for _ in range(6)]
            return lines + [f"{t[0]} = arith.subf {a[0]}, {a[1]} : {F}",
                            f"{t[1]} = arith.addf {a[2]}, {ev} : {F}",
                            f"{t[2]} = math.sqrt {t[1]} : {F}",
                            f"{t[3]} = arith.divf {t[0]}, {t[2]} : {F}",
                            f"{t[4]} = arith.mulf {t[3]}, {a[3]} : {F}",
                            f"{t[5]} = arith.addf {t[4]}, {a[4]} : {F}"], t[5]
        return fn.generic([(y, ttype(y_shape, F), ident(rank))] + reads, y_shape, F, body, rank, dyn=dyn)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dtype", choices=["f32", "f16", "f16acc", "half", "mixed"], default="f32",
                        help="element types of the cases: f32; f16 throughout; an f16 conv accumulating "
                             "in f32 (f16acc); half (f16 or f16acc); mixed (mostly f32)")
    parser.add_argument("--part", choices=["all", "f32", "half"], default="all",
                        help="f32: the first COUNT - COUNT/5 cases, all f32; half: the other COUNT/5, "
                             "f16 or f16acc (so that the two can be compared with different tolerances)")
    parser.add_argument("--static", action="store_true",
                        help="no dynamic batch (for lower-to-nvvm, whose results become "
                             "caller-provided buffers of static shape); the cases are "
                             "otherwise the same")
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args()
    count, dtype, first = args.count, args.dtype, 0
    if args.part == "f32":
        count, dtype = args.count - args.count // 5, "f32"
    elif args.part == "half":
        count, dtype, first = args.count // 5, "half", args.count - args.count // 5
    rng = random.Random(f"{args.seed}/{dtype}")
    parts = [f"// {count} random conv + batch-norm cases: gen_convbn_cases.py --count {args.count} "
             f"--seed {args.seed} --dtype {args.dtype} --part {args.part}"
             + (" --static" if args.static else ""), ""]
    for i in range(first, first + count):
        parts.append(Case(i, rng, dtype, args.static).emit())
    text = "\n".join(parts)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
