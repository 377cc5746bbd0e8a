#!/usr/bin/env python3
"""Mutation fuzzer for convbn-opt: mutates the project's own test inputs and
runs the compiler's pipelines on the mutants, looking for crashes.

  fuzz_convbn.py --seed S --cases N [--jobs J] [--opt build/bin/convbn-opt]
                 [--outdir DIR] [--pipelines a,b,...] [--per-case K]
                 [--timeout 30] [--minimize]
  fuzz_convbn.py --show-case I --seed S          # print case I's mutant and what runs
  fuzz_convbn.py --reduce DIR [DIR...]           # minimize saved reproducers

Corpus: every .mlir file under test/ and examples/ (files over 300 KB
skipped), split at `// -----`, full-line comments removed, duplicates and
pieces without IR dropped. A case draws a file, then one of its pieces, and
applies 1 to 4 mutations (MUTATORS, drawn by weight):

- shapes: a dimension of a tensor/memref/vector type changed in one place,
  in every copy of that type, at the same position of every type of that
  rank where it has that size (a batch, a channel count), or everywhere that
  size appears; to 0, 1, a small size, 2^31 - 1, 2^31, 2^32, 2^62, `?`, or
  a neighbour of the old size;
- conv attributes: convbn `strides`/`dilations`/`padding = [..]`, linalg
  `dense<..> : tensor<Nxi64>`/`vector<Nxi64>`, TOSA `array<i64: ..>`,
  `tensor.pad` `low`/`high`, permutations, dimensions and output shapes:
  one value changed (0, +-1, 2^31, INT64_MIN, ...), one added or one
  removed, or the vector type's length changed;
- element types (f16, bf16, f32, f64, f80, f128, f8E4M3FN, f8E5M2, tf32,
  i1, i8, i16, i32, i64, index): one occurrence or every occurrence of one;
- float literals (NaN, +-Inf as f16/bf16/f32/f64 hex, 0, -0, 1e-45,
  1e-320, +-1e39, +-1e308, 65504, ...) and integer constants;
- epsilons: convbn's `epsilon` and `momentum`, and every literal that looks
  like a BN epsilon (1e-3 .. 1e-9), to 0, -1, NaN, Inf, 1e39, denormals...;
- the mode and layout keywords of convbn.conv_bn / convbn.fold_weights
  (include/ConvBN/IR/ConvBNEnums.td);
- ops: one dropped (with its regions), one duplicated (its results renamed:
  a second user of its operands), a line moved, two operands swapped, a use
  replaced by another value (of the same type where known), a convbn
  operand clause (bias, scale, offset, mean, variance) dropped;
- an affine map's result changed/dropped/added/swapped, an iterator type
  flipped, an op swapped for a sibling (addf/mulf/..., sqrt/rsqrt/...,
  one linalg conv for another, tosa ops), a dense list made a splat.

Three cases in four are steered: a mutation is kept only if the mutant still
parses and verifies (else another one is drawn), so that most of them reach
the pipelines; the others may break the IR anywhere, for the parser's and
the verifiers' sake (--steer). Every mutant is first parsed and verified
(`convbn-opt mutant.mlir`, the `parse` row of the summary); one the driver
rejects with an error is done. A valid mutant runs through --per-case of the
pipelines that apply to it (PIPELINES; TOSA inputs only through `tosa`, the
others through the rest), drawn per case (0: all), each with `-verify-each
--mlir-disable-threading`, in a process limited to --memory-mb of address
space and --timeout seconds.

Oracle: a run either exits 0 with output that re-parses and verifies (the
driver run again on it, no passes), or exits 1 with an `error:` diagnostic
that a pass emitted. Anything else is a failure: a signal, another exit
code, `LLVM ERROR`, an assertion, `PLEASE submit a bug report`, a stack
dump, a timeout (`hang`), exit 1 without a diagnostic (`no-diagnostic`),
output that does not re-parse (`bad-output`), or an error that -verify-each
reported after a pass left invalid IR (`invalid-ir`: the IR that
--mlir-print-ir-after-failure dumps after the failing pass does not verify,
with the same error; the message names the pass). Failures are grouped by a signature (the
kind, the first line of the message with numbers replaced by N, the first
frames of the stack dump in convbn and MLIR code, and the first frame
anywhere when that is elsewhere, e.g. LLVM's NVPTX backend) and each class
is saved once, with its smallest input, as

  OUTDIR/<kind>-<hash>/{input.mlir, command.sh, stderr.txt, info.txt}

(`command.sh` reruns it; CONVBN_OPT overrides the driver). --minimize
shrinks each class's input (regions, ops with their uses replaced by an
earlier value of the same type, chunks of lines) while the same signature
reproduces; --reduce does it to saved reproducers. Signatures matched by a
line of --known (utils/fuzz_convbn_known.txt: bugs of upstream MLIR that
convbn cannot fix) are saved as `known-...` and do not fail the campaign.

Case i of seed S is a function of (S, i), the corpus and the driver (which
steering asks): the same checkout and driver give the same mutants with any
--jobs. The summary lists per pipeline how many runs were ok, rejected with
an error, failures and known failures, then the failure classes; the exit
status is 1 if there was any failure.
"""

import argparse
import concurrent.futures
import hashlib
import os
import random
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------
# Pipelines
# ---------------------------------------------------------------------------

# name: (passes, inputs it runs on: "tosa" or "linalg"). {toolkit} is
# replaced by --toolkit.
PIPELINES = {
    "fuse": (["--fuse-convbn=remarks=true", "--canonicalize"], "linalg"),
    "convert": (["--convert-convbn-to-linalg"], "linalg"),
    "cpu": (["--lower-to-cpu"], "linalg"),
    "nvvm-sm70": (["--lower-to-nvvm=chip=sm_70 toolkit={toolkit}"], "linalg"),
    "nvvm-sm80": (["--lower-to-nvvm=chip=sm_80 toolkit={toolkit}"], "linalg"),
    "nvvm-sm90": (["--lower-to-nvvm=chip=sm_90 toolkit={toolkit}"], "linalg"),
    "fuse-nvvm": (["--fuse-convbn", "--lower-to-nvvm=toolkit={toolkit}"], "linalg"),
    "fuse-cpu": (["--fuse-convbn", "--lower-to-cpu"], "linalg"),
    "set-mode": (["--fuse-convbn", "--convbn-set-mode=mode=eval",
                  "--convbn-set-mode=mode=tune"], "linalg"),
    "shapes": (["--convbn-check-shapes", "--convbn-fold-zero-sized",
                "--canonicalize"], "linalg"),
    "memory": (["--lower-to-cpu=track-memory=true skip-compute=true"],
               "linalg"),
    # The free placement alone, on buffers as the inputs write them.
    "free-early": (["--convbn-free-after-last-use"], "linalg"),
    # The recomputation alone, on tensors (inside `cpu` and `memory` it
    # runs after CSE).
    "recompute": (["--convbn-recompute-at-later-uses"], "linalg"),
    # The copy rewrite alone, on buffers as the inputs write them (inside
    # `cpu` it sees only what bufferization made).
    "strided-copies": (["--convbn-strided-copies-to-linalg"], "linalg"),
    # Implicit-GEMM kernels with tiles that divide nothing, run as host
    # loops (barriers as phases) and lowered for the CPU. On sm_80, the
    # input's slices (28 elements, one per thread) can go by asynchronous
    # copies, the filter's (32) cannot.
    "gemm-host": (["--fuse-convbn",
                   "--convbn-gpu-launches=chip=sm_80 gemm-tiles=7,8,4,1,2",
                   "--convbn-gpu-launch-to-host-loops", "--lower-to-cpu"],
                  "linalg"),
    # Tensor-core kernels (f16 and bf16 inputs; bf16 read as f16 fragments)
    # with one-fragment warps and tiles that divide nothing, run as host
    # loops (accumulators carried across barriers in per-thread buffers)
    # and lowered for the CPU.
    "mma-host": (["--fuse-convbn",
                  "--convbn-gpu-launches=chip=sm_80 gemm-mma-tiles=16,48,16,16,16",
                  "--convbn-gpu-launch-to-host-loops", "--lower-to-cpu"],
                 "linalg"),
    # The same kernels through mma.sync (convbn-gpu-contracts-to-mma-sync,
    # ldmatrix) to PTX: three warps across, two 8-wide fragments each.
    "mma-sync-tiles": (["--lower-to-nvvm=chip=sm_80 gemm-mma-tiles=16,48,16,16,16 "
                        "format=isa toolkit={toolkit}"], "linalg"),
    # f32 on tensor cores as TF32 (m16n8k8, per-lane fragment loads): run
    # on the host with tiles that divide nothing, and to PTX for sm_90.
    "tf32-host": (["--fuse-convbn",
                   "--convbn-gpu-launches=chip=sm_80 allow-tf32=true "
                   "gemm-mma-tiles=16,48,16,16,16",
                   "--convbn-gpu-launch-to-host-loops", "--lower-to-cpu"],
                  "linalg"),
    "tf32-ptx": (["--lower-to-nvvm=chip=sm_90 allow-tf32=true format=isa "
                  "toolkit={toolkit}"], "linalg"),
    "tosa": (["--tosa-to-convbn"], "tosa"),
}
COMMON_FLAGS = ["-verify-each", "--mlir-disable-threading"]


def convbn_pass_names():
    """The names of convbn's own passes (their ODS defs), which is how
    --mlir-print-ir-after-failure names them."""
    names = set()
    include = os.path.join(REPO, "include", "ConvBN")
    for sub in sorted(os.listdir(include)):
        td = os.path.join(include, sub, "Passes.td")
        if os.path.exists(td):
            with open(td) as f:
                names.update(re.findall(r"^def (\w+)\s*:\s*(?:Interface)?Pass<", f.read(), re.M))
    return names


CONVBN_PASSES = convbn_pass_names()

# ---------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------

SPLIT = re.compile(r"^// -----.*$", re.M)
HAS_IR = re.compile(r"(^|\s)(func\.func|module|gpu\.module|llvm\.func)\b|=\s*[a-z_]+\.[a-z_]", re.M)


def load_corpus(roots, max_bytes):
    """[(path, [piece, ...])] sorted by path; pieces without IR, and pieces
    already seen in an earlier file, dropped."""
    paths = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in filenames:
                if name.endswith(".mlir"):
                    paths.append(os.path.join(dirpath, name))
    seen = set()
    corpus = []
    for path in sorted(paths):
        if os.path.getsize(path) > max_bytes:
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        pieces = []
        for piece in SPLIT.split(text):
            lines = [l for l in piece.split("\n") if not l.lstrip().startswith("//")]
            piece = "\n".join(lines).strip("\n") + "\n"
            if not HAS_IR.search(piece) or piece in seen:
                continue
            seen.add(piece)
            pieces.append(piece)
        if pieces:
            corpus.append((os.path.relpath(path, REPO), pieces))
    return corpus


def is_tosa(text):
    return "tosa." in text

# ---------------------------------------------------------------------------
# Mutators: each takes (rng, text) and returns (new text, description) or
# None when it does not apply to the text.
# ---------------------------------------------------------------------------

LARGE = [2**31 - 1, 2**31, 2**32, 2**62]
DIM_VALUES = [0, 0, 1, 1, 2, 3, 5, 7, 16, 64] + LARGE
INT_SPECIALS = [0, 1, -1, 2, 3, 100, -(2**31), 2**31 - 1, 2**31, 2**32, 2**63 - 1, -(2**63)]
FLOAT_SPECIALS = [
    "0x7FC00000", "0x7F800000", "0xFF800000",           # f32 NaN, +Inf, -Inf
    "0x7E00", "0x7C00", "0xFC00",                       # f16
    "0x7FC0", "0x7F80",                                 # bf16
    "0x7FF8000000000000", "0x7FF0000000000000",         # f64
    "0.0", "-0.0", "1.0e-45", "1.4e-45", "1.0e-38", "1.0e-320", "1.0e+39",
    "-1.0e+39", "1.0e+308", "-1.0e+308", "3.4028235e+38", "6.5504e+04",
    "6.6e+04", "1.0e-07", "-1.0", "1.0", "2.0", "5.960464e-08",
]
EPS_VALUES = ["0.0", "-0.0", "-1.0", "-1.0e-05", "1.0e-45", "1.0e-320", "1.0e+39",
              "-1.0e+39", "1.0e+308", "3.5e+38", "0x7FC00000", "0x7F800000",
              "0x7FF8000000000000", "0x7FF0000000000000", "0x7E00", "1", "1.0e+10", "2.0",
              "6.6e+04"]
ELEM_TYPES = ["f16", "f16", "bf16", "bf16", "f32", "f64", "f64", "f80", "f128", "f8E4M3FN",
              "f8E5M2", "tf32", "i1", "i8", "i16", "i32", "i64", "index"]
# Read from include/ConvBN/IR/ConvBNEnums.td.
MODES = ["train", "eval", "tune", "deploy"]
LAYOUTS = ["ncw_fcw", "nwc_wcf", "ncw_cw", "nwc_wc", "nwc_wcm",
           "nchw_fchw", "nhwc_hwcf", "nhwc_fhwc", "ngchw_gfchw", "nhwgc_gfhwc",
           "nchw_chw", "nhwc_hwc", "nhwc_hwcm",
           "ncdhw_fcdhw", "ndhwc_dhwcf", "ncdhw_cdhw", "ndhwc_dhwc", "ndhwc_dhwcm"]
OP_FAMILIES = [
    ["arith.addf", "arith.subf", "arith.mulf", "arith.divf", "arith.maximumf",
     "arith.minimumf", "arith.maxnumf", "arith.remf"],
    ["arith.addi", "arith.subi", "arith.muli", "arith.divsi", "arith.maxsi"],
    ["math.sqrt", "math.rsqrt", "math.exp", "math.log", "math.absf", "arith.negf",
     "math.tanh"],
    ["arith.truncf", "arith.extf"],
    ["linalg.conv_2d_nchw_fchw", "linalg.conv_2d_nhwc_hwcf", "linalg.conv_2d_nhwc_fhwc",
     "linalg.conv_2d_ngchw_gfchw", "linalg.depthwise_conv_2d_nchw_chw",
     "linalg.depthwise_conv_2d_nhwc_hwc", "linalg.depthwise_conv_2d_nhwc_hwcm",
     "linalg.conv_1d_ncw_fcw", "linalg.conv_3d_ncdhw_fcdhw", "linalg.pooling_nchw_sum"],
    ["linalg.fill", "linalg.copy"],
    ["tosa.add", "tosa.sub", "tosa.mul", "tosa.maximum", "tosa.minimum", "tosa.pow"],
    ["tosa.rsqrt", "tosa.reciprocal", "tosa.exp", "tosa.log", "tosa.abs", "tosa.negate"],
    ["tosa.conv2d", "tosa.depthwise_conv2d"],
    ["tensor.expand_shape", "tensor.collapse_shape"],
]
OP_NAME = re.compile(r"\b(?:arith|math|linalg|tosa|tensor)\.[a-z_0-9]+\b")

SHAPED = re.compile(r"\b(tensor|memref|vector)<((?:(?:\?|\d+)x)+)")
# An element type token: `xf32` in a shape counts, `%f32` or `@conv_f16` not.
ELEM_BEFORE = r"(?<![A-Za-wyz0-9_%@#$.\"])"
ELEM_AFTER = r"(?![\w])"
ELEM = re.compile(ELEM_BEFORE + r"(?:f8E4M3FN|f8E5M2|bf16|tf32|f16|f32|f64|f80|f128|i1|i8|i16|i32|i64)"
                  + ELEM_AFTER)
FLOAT = re.compile(r"(?<![\w.#%@])-?\d+\.\d*(?:[eE][+-]?\d+)?(?![\w.])")
INT_CONST = re.compile(r"(arith\.constant\s+)(-?\d+)(\s*:\s*(?:index|i\d+))")
EPSILON = re.compile(r"\b(epsilon|momentum)(\s*=\s*)([^\s:,}]+)")
EPS_LIKE = re.compile(r"(?<![\w.#%@])\d\.\d*[eE]-0?[3-9](?![\w.])")
INT_LISTS = [
    re.compile(r"\b(?:strides|dilations|padding)\s*=\s*\[([^\]]*)\]"),        # convbn
    re.compile(r"\b(?:strides|dilations)\s*=\s*dense<([^>]*)>"),              # linalg
    re.compile(r"\b(?:pad|stride|dilation|kernel)\s*=\s*array<i64:([^>]*)>"), # TOSA
    re.compile(r"\b(?:low|high)\[([^\]]*)\]"),                                # tensor.pad
    re.compile(r"\bpermutation\s*=\s*\[([^\]]*)\]"),
    re.compile(r"\bdimensions\s*=\s*\[([^\]]*)\]"),
    re.compile(r"\bstatic_output_shape\s*=\s*\[([^\]]*)\]"),
    re.compile(r"\boutput_shape\s*\[([^\]]*)\]"),
]
IXX_VECTOR = re.compile(r"\bdense<[^>]*>\s*:\s*(?:tensor|vector)<(\d+)xi64>")
MODE_KW = re.compile(r"(convbn\.(?:conv_bn|set_mode)\s+|\bmode\s*=\s*|<)(train|eval|tune|deploy)\b")
LAYOUT_KW = re.compile(r"\b(" + "|".join(sorted(LAYOUTS, key=len, reverse=True)) + r")\b")
CLAUSE = re.compile(r"\s*\b(?:bias|scale|offset|mean|variance)\(%[^)]*\)")
AFFINE_MAP = re.compile(r"affine_map<\(([^)]*)\)(\[[^\]]*\])?\s*->\s*\(([^)]*)\)>")
ITERATOR = re.compile(r"\"(parallel|reduction)\"|iterator_type<(parallel|reduction)>")
DENSE_LIST = re.compile(r"dense<\[([^<>]*)\]>")
SSA_DEF = re.compile(r"(%[\w$.-]+)(?::\d+)?(?=[\s,]*(?:%[\w$.-]+(?::\d+)?[\s,]*)*=)")
SSA_USE = re.compile(r"%[\w$.-]+(?:#\d+)?")


def _pick(rng, matches):
    matches = list(matches)
    return rng.choice(matches) if matches else None


def _splice(text, start, end, new):
    return text[:start] + new + text[end:]


def mutate_shape(rng, text):
    m = _pick(rng, SHAPED.finditer(text))
    if not m:
        return None
    dims = m.group(2)[:-1].split("x")
    k = rng.randrange(len(dims))
    old = dims[k]
    choices = DIM_VALUES + ["?", "?"]
    if old != "?":
        choices += [int(old) + 1, max(int(old) - 1, 0), int(old) * 2]
    new = str(rng.choice(choices))
    dims2 = list(dims)
    dims2[k] = new
    old_text = m.group(0)
    new_text = f"{m.group(1)}<{'x'.join(dims2)}x"
    how = rng.choice(["one", "type", "type", "size", "size", "position", "position"])
    if how == "one":
        return _splice(text, m.start(), m.end(), new_text), f"shape: {old_text}.. -> {new_text}.. (one)"
    if how == "type":
        # Every copy of the whole type (element type included).
        end = text.find(">", m.end())
        whole = text[m.start():end + 1]
        return text.replace(whole, new_text + text[m.end():end + 1]), \
            f"shape: every {whole} -> {new_text}{text[m.end():end + 1]}"
    if how == "position":
        # Dimension k of every shaped type of the same rank where it is OLD:
        # a batch or a channel count, changed consistently.
        rank = len(dims)

        def repl(mm):
            ds = mm.group(2)[:-1].split("x")
            if len(ds) == rank and ds[k] == old:
                ds[k] = new
            return f"{mm.group(1)}<{'x'.join(ds)}x"
        return SHAPED.sub(repl, text), f"shape: dimension {k} of rank-{rank} types, {old} -> {new}"
    # Every dimension of that size, in every shaped type.
    if old == "?":
        return None

    def repl(mm):
        ds = ["?" if d == "?" else (new if d == old else d) for d in mm.group(2)[:-1].split("x")]
        return f"{mm.group(1)}<{'x'.join(ds)}x"
    return SHAPED.sub(repl, text), f"shape: every dimension {old} -> {new}"


def _mutate_list(rng, items):
    items = list(items)
    op = rng.choice(["set", "set", "set", "add", "drop"])
    if op == "set" and items:
        k = rng.randrange(len(items))
        items[k] = str(rng.choice(INT_SPECIALS + [0, 1, 2, 3]))
    elif op == "drop" and items:
        del items[rng.randrange(len(items))]
    else:
        items.insert(rng.randrange(len(items) + 1), str(rng.choice([0, 1, 2, 3, 2**31])))
    return items


def mutate_conv_attr(rng, text):
    vectors = list(IXX_VECTOR.finditer(text))
    if vectors and rng.random() < 0.2:
        m = rng.choice(vectors)
        new = str(rng.choice([0, 1, 2, 3, 4, 2**31]))
        return _splice(text, m.start(1), m.end(1), new), f"conv attr: {m.group(0)} length -> {new}"
    m = _pick(rng, (m for r in INT_LISTS for m in r.finditer(text)))
    if not m:
        return None
    body = m.group(1).strip()
    bracketed = body.startswith("[")
    items = [s.strip() for s in body.strip("[]").split(",") if s.strip()]
    items = _mutate_list(rng, items)
    new_body = ", ".join(items)
    if "dense<" in m.group(0) and (bracketed or len(items) != 1):
        new_body = "[" + new_body + "]"
    elif "array<i64" in m.group(0):
        new_body = " " + new_body
    after = m.group(0)[:m.start(1) - m.start()] + new_body + m.group(0)[m.end(1) - m.start():]
    return _splice(text, m.start(1), m.end(1), new_body), f"conv attr: {m.group(0)} -> {after}"


def mutate_elem_type(rng, text):
    m = _pick(rng, ELEM.finditer(text))
    if not m:
        return None
    new = rng.choice([t for t in ELEM_TYPES if t != m.group(0)])
    if rng.random() < 0.3:
        return _splice(text, m.start(), m.end(), new), f"element type: one {m.group(0)} -> {new}"
    every = re.compile(ELEM_BEFORE + re.escape(m.group(0)) + ELEM_AFTER)
    return every.sub(new, text), f"element type: every {m.group(0)} -> {new}"


def mutate_float(rng, text):
    m = _pick(rng, FLOAT.finditer(text))
    if not m:
        return None
    new = rng.choice(FLOAT_SPECIALS)
    return _splice(text, m.start(), m.end(), new), f"float: {m.group(0)} -> {new}"


def mutate_int_const(rng, text):
    m = _pick(rng, INT_CONST.finditer(text))
    if not m:
        return None
    new = str(rng.choice(INT_SPECIALS))
    return _splice(text, m.start(2), m.end(2), new), f"int constant: {m.group(2)} -> {new}"


def mutate_epsilon(rng, text):
    """convbn's `epsilon`/`momentum`, or a literal that looks like a BN
    epsilon (1e-3 .. 1e-9: what the fusion reads into `epsilon`)."""
    spans = [(m.start(3), m.end(3), m.group(1)) for m in EPSILON.finditer(text)]
    spans += [(m.start(), m.end(), "epsilon-like literal") for m in EPS_LIKE.finditer(text)]
    if not spans:
        return None
    start, end, what = rng.choice(spans)
    new = rng.choice(EPS_VALUES)
    return _splice(text, start, end, new), f"{what}: {text[start:end]} -> {new}"


def mutate_mode(rng, text):
    m = _pick(rng, MODE_KW.finditer(text))
    if not m:
        return None
    new = rng.choice([x for x in MODES if x != m.group(2)])
    return _splice(text, m.start(2), m.end(2), new), f"mode: {m.group(2)} -> {new}"


def mutate_layout(rng, text):
    m = _pick(rng, LAYOUT_KW.finditer(text))
    if not m:
        return None
    new = rng.choice([x for x in LAYOUTS if x != m.group(1)])
    return _splice(text, m.start(1), m.end(1), new), f"layout: {m.group(1)} -> {new}"


DEFS = re.compile(r"^(\s*)(%[\w$.-]+(?::\d+)?(?:\s*,\s*%[\w$.-]+(?::\d+)?)*)(\s*=)")


def _op_extent(lines, i):
    """The lines [i, j) of the op starting at line i: up to the close of a
    region it opens."""
    if not lines[i].rstrip().endswith("{"):
        return i + 1
    depth = 0
    for j in range(i, len(lines)):
        depth += lines[j].count("{") - lines[j].count("}")
        if depth <= 0:
            return j + 1
    return i + 1


def mutate_lines(rng, text):
    """Drops an op (with its regions), duplicates a one-line op (its results
    renamed, so the copy is a second user of the operands), or moves a line."""
    lines = text.split("\n")
    ops = [i for i, l in enumerate(lines)
           if l.strip() and not l.strip().startswith(("}", "^")) and
           (balanced(l) or l.rstrip().endswith("{"))]
    if not ops:
        return None
    i = rng.choice(ops)
    op = rng.choice(["drop", "drop", "dup", "dup", "move"])
    if op == "drop":
        j = _op_extent(lines, i)
        what = lines[i].strip()[:80]
        del lines[i:j]
        return "\n".join(lines), f"op at line {i + 1} dropped ({j - i} lines): {what}"
    if op == "dup":
        single = [k for k in ops if balanced(lines[k]) and not lines[k].strip().startswith(
            ("func.func", "return", "func.return", "linalg.yield", "module", "gpu.module"))]
        if not single:
            return None
        i = rng.choice(single)
        m = DEFS.match(lines[i])
        copy = lines[i]
        if m:
            renamed = re.sub(r"%([\w$.-]+)", lambda n: f"%dup{i}_{n.group(1)}", m.group(2))
            copy = m.group(1) + renamed + m.group(3) + lines[i][m.end():]
        lines.insert(i + 1, copy)
        return "\n".join(lines), f"op at line {i + 1} duplicated: {lines[i].strip()[:80]}"
    line = lines.pop(i)
    j = rng.randrange(len(lines) + 1)
    lines.insert(j, line)
    return "\n".join(lines), f"line {i + 1} moved to {j + 1}: {line.strip()[:80]}"


def _uses(line):
    """Spans of the SSA uses in a line (after its `=`, if any)."""
    start = 0
    eq = re.match(r"\s*%[^=]*=", line)
    if eq:
        start = eq.end()
    return [m for m in SSA_USE.finditer(line) if m.start() >= start]


def mutate_swap_operands(rng, text):
    lines = text.split("\n")
    idx = [i for i, l in enumerate(lines) if len({m.group(0) for m in _uses(l)}) >= 2]
    if not idx:
        return None
    i = rng.choice(idx)
    uses = _uses(lines[i])
    a, b = rng.sample(range(len(uses)), 2)
    a, b = min(a, b), max(a, b)
    ua, ub = uses[a], uses[b]
    line = lines[i]
    line = line[:ua.start()] + ub.group(0) + line[ua.end():ub.start()] + ua.group(0) + line[ub.end():]
    lines[i] = line
    return "\n".join(lines), f"line {i + 1}: swapped {ua.group(0)} and {ub.group(0)}"


TYPE = r"(?:tensor<[^>]*>|memref<[^>]*>|vector<[^>]*>|f\d+|bf16|i\d+|index|![\w.]+)"
ARG_TYPES = re.compile(r"(%[\w$.-]+)\s*:\s*(" + TYPE + r")")
RESULT_TYPE = re.compile(r"^\s*(%[\w$.-]+)\s*=.*(?:->|:)\s*(" + TYPE + r")\s*$", re.M)


def mutate_replace_use(rng, text):
    """Replaces a use by another value, of the same type where the types
    are known (arguments, one-result ops that end with their type)."""
    types = {}
    for m in ARG_TYPES.finditer(text):
        types.setdefault(m.group(1), m.group(2))
    for m in RESULT_TYPE.finditer(text):
        types.setdefault(m.group(1), m.group(2))
    lines = text.split("\n")
    idx = [i for i, l in enumerate(lines) if any(u.group(0) in types for u in _uses(l))]
    if not idx:
        return None
    i = rng.choice(idx)
    u = rng.choice([u for u in _uses(lines[i]) if u.group(0) in types])
    same = [v for v, t in types.items() if t == types[u.group(0)] and v != u.group(0)]
    others = [v for v in types if v != u.group(0)]
    pool = same if same and rng.random() < 0.8 else others
    if not pool:
        return None
    new = rng.choice(sorted(pool))
    lines[i] = lines[i][:u.start()] + new + lines[i][u.end():]
    return "\n".join(lines), f"line {i + 1}: use {u.group(0)} -> {new}"


def mutate_drop_clause(rng, text):
    m = _pick(rng, CLAUSE.finditer(text))
    if not m:
        return None
    return _splice(text, m.start(), m.end(), ""), f"clause dropped: {m.group(0).strip()}"


def mutate_affine_map(rng, text):
    m = _pick(rng, AFFINE_MAP.finditer(text))
    if not m:
        return None
    dims = [d.strip() for d in m.group(1).split(",") if d.strip()]
    results = [r.strip() for r in m.group(3).split(",")] if m.group(3).strip() else []
    op = rng.choice(["set", "set", "drop", "add", "swap"])
    dim = rng.choice(dims) if dims else "0"
    expr = rng.choice([dim, "0", "1", f"{dim} + {rng.choice(dims or ['0'])}", f"{dim} * 2",
                       f"{dim} floordiv 2", f"{dim} mod 3", f"-{dim}"])
    if op == "set" and results:
        results[rng.randrange(len(results))] = expr
    elif op == "drop" and results:
        del results[rng.randrange(len(results))]
    elif op == "swap" and len(results) >= 2:
        a, b = rng.sample(range(len(results)), 2)
        results[a], results[b] = results[b], results[a]
    else:
        results.insert(rng.randrange(len(results) + 1), expr)
    new = f"affine_map<({m.group(1)}){m.group(2) or ''} -> ({', '.join(results)})>"
    how = rng.choice(["one", "every"])
    if how == "every":
        return text.replace(m.group(0), new), f"affine map: every {m.group(0)} -> {new}"
    return _splice(text, m.start(), m.end(), new), f"affine map: {m.group(0)} -> {new}"


def mutate_iterator(rng, text):
    m = _pick(rng, ITERATOR.finditer(text))
    if not m:
        return None
    old = m.group(0)
    new = old.replace("parallel", "@@").replace("reduction", "parallel").replace("@@", "reduction")
    return _splice(text, m.start(), m.end(), new), f"iterator: {old} -> {new}"


def mutate_op_name(rng, text):
    members = {name: fam for fam in OP_FAMILIES for name in fam}
    m = _pick(rng, (m for m in OP_NAME.finditer(text) if m.group(0) in members))
    if not m:
        return None
    new = rng.choice([x for x in members[m.group(0)] if x != m.group(0)])
    return _splice(text, m.start(), m.end(), new), f"op: {m.group(0)} -> {new}"


def mutate_dense_splat(rng, text):
    m = _pick(rng, DENSE_LIST.finditer(text))
    if not m:
        return None
    items = [s.strip() for s in m.group(1).replace("[", "").replace("]", "").split(",") if s.strip()]
    if not items:
        return None
    value = rng.choice(items + FLOAT_SPECIALS[:3])
    return _splice(text, m.start(), m.end(), f"dense<{value}>"), f"dense list -> splat dense<{value}>"


# (mutator, weight)
MUTATORS = [
    (mutate_shape, 6), (mutate_conv_attr, 3), (mutate_elem_type, 4), (mutate_float, 3),
    (mutate_int_const, 1), (mutate_epsilon, 2), (mutate_mode, 2), (mutate_layout, 1),
    (mutate_lines, 3), (mutate_swap_operands, 2), (mutate_replace_use, 2),
    (mutate_drop_clause, 1), (mutate_affine_map, 2), (mutate_iterator, 1),
    (mutate_op_name, 2), (mutate_dense_splat, 1),
]


def case_rng(seed, index):
    # A string seed is hashed with SHA-512: the same on every platform and
    # independent of PYTHONHASHSEED.
    return random.Random(f"convbn-fuzz:{seed}:{index}")


def make_case(corpus, seed, index, pipelines, steer=0.0, valid=None, per_case=0):
    """(source, mutant text, [mutation descriptions], [pipeline names]).
    A share STEER of the cases is steered: VALID(text) (the driver parses
    and verifies it) must hold after every mutation, else the mutation is
    undone and another one drawn, so that most steered mutants reach the
    pipelines; the others may break the IR anywhere (the parser's and the
    verifiers' robustness). PER_CASE > 0: that many of the pipelines that
    apply, drawn."""
    rng = case_rng(seed, index)
    path, pieces = rng.choice(corpus)
    k = rng.randrange(len(pieces))
    text = pieces[k]
    done = []
    wanted = rng.choice([1, 1, 1, 2, 2, 2, 3, 4])
    steered = rng.random() < steer and valid is not None and valid(text)
    attempts = 0
    while len(done) < wanted and attempts < 4 * wanted + 4:
        attempts += 1
        mutator = rng.choices([m for m, _ in MUTATORS], [w for _, w in MUTATORS])[0]
        result = mutator(rng, text)
        if result is None or result[0] == text:
            continue
        if steered and not valid(result[0]):
            continue
        text, what = result
        done.append(what)
    kind = "tosa" if is_tosa(text) else "linalg"
    runs = [p for p in pipelines if PIPELINES[p][1] == kind]
    if per_case and len(runs) > per_case:
        chosen = set(rng.sample(runs, per_case))
        runs = [p for p in runs if p in chosen]
    source = f"{path}" + (f" (piece {k + 1})" if len(pieces) > 1 else "")
    return source, text, done, runs

# ---------------------------------------------------------------------------
# Running the driver, the oracle, signatures
# ---------------------------------------------------------------------------

CRASH_MARKERS = ["LLVM ERROR", "Assertion", "PLEASE submit a bug report", "Stack dump",
                 "UNREACHABLE executed", "terminate called"]
FRAME = re.compile(r"^\s*#\d+\s+0x[0-9a-fA-F]+\s+(.*)$", re.M)
SKIP_FRAME = re.compile(
    r"^(llvm::sys::|llvm::report_fatal_error|llvm::report_bad_alloc_error|"
    r"llvm::llvm_unreachable_internal|llvm::safe_malloc|llvm::allocate_buffer|"
    r"llvm::SmallVectorBase|llvm::SmallVectorTemplate|llvm::function_ref|"
    r"void llvm::function_ref|llvm::detail::UniqueFunction|mlir::detail::walk|"
    r"void mlir::detail::walk|mlir::detail::OpToOpPassAdaptor|mlir::PassManager::|"
    r"mlir::MlirOptMain|mlir::splitAndProcessBuffer|mlir::failableParallelForEach|"
    r"main$|_start|__libc|__pthread|pthread_kill|raise$|abort$|__assert|"
    r"__cxa|__gxx|std::|operator new|operator delete|_Unwind|__GI_|gsignal)")


def run_driver(cmd, timeout, memory_mb):
    """(returncode, or None for a hang; stderr text). The process runs in
    its own session, without core dumps, with at most MEMORY_MB of address
    space and TIMEOUT seconds of CPU time: a hang is measured in CPU time,
    so that a loaded machine does not make slow runs look like hangs, with
    ten times as much wall-clock time as a backstop (the limits are set with
    prlimit right after the start rather than in a preexec_fn, which is
    unsafe with the worker threads; ptxas inherits them)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        resource.prlimit(proc.pid, resource.RLIMIT_CORE, (0, 0))
        cpu = max(int(timeout + 0.999), 1)
        resource.prlimit(proc.pid, resource.RLIMIT_CPU, (cpu, cpu + 5))
        if memory_mb:
            limit = memory_mb * 1024 * 1024
            resource.prlimit(proc.pid, resource.RLIMIT_AS, (limit, limit))
    except (ProcessLookupError, PermissionError):
        pass   # already gone
    try:
        _, err = proc.communicate(timeout=10 * timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, err = proc.communicate()
        return None, err.decode("utf-8", "replace")
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and "Stack dump" not in \
            err.decode("utf-8", "replace"):
        return None, err.decode("utf-8", "replace")
    return proc.returncode, err.decode("utf-8", "replace")


def normalize_message(line):
    line = line.strip()
    line = re.sub(r"^\S*?:\d+:\d+:\s*", "", line)        # file:line:col:
    line = re.sub(r"0x[0-9a-fA-F]+", "0xN", line)
    line = re.sub(r"\d+", "N", line)
    return line[:200]


CXX_SOURCE = re.compile(r"\.(?:cpp|cc|cxx|h|hpp|inc)$")


def frame_name(rest):
    """A stack dump frame's function, without its parameters, and where it
    is: 'ns::f(int) (/lib/libX.so+0x12)' -> ('ns::f', 'libX.so'). A frame
    the symbolizer found debug information for ends with its source
    instead ('anon::f() (.constprop.0) F.cpp:0:0' -> ('anon::f', 'F.cpp')).
    Unnamed frames give (None, module)."""
    module = ""
    m = re.search(r"\(([^()]*?)\+0x[0-9a-fA-F]+\)\s*$", rest)
    if m:
        module = os.path.basename(m.group(1))
        rest = rest[:m.start()].strip()
    else:
        m = re.search(r"\s+(\S+?):\d+(?::\d+)?\s*$", rest)
        if m:
            module = os.path.basename(m.group(1))
            rest = rest[:m.start()].strip()
    if not rest:
        return None, module
    rest = rest.replace("(anonymous namespace)", "anon")
    rest = re.sub(r"\{lambda\([^{}]*?\)#\d+\}|'lambda\d*'\([^()]*\)", "lambda", rest)
    rest = re.sub(r"\s*\[clone [^\]]*\]|\s*\(\.(?:constprop|isra|part|cold)[.\w]*\)", "", rest)
    depth = 0
    for i, ch in enumerate(rest):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth <= 0:
            rest = rest[:i]
            break
    # Template arguments and return types: `llvm::LogicalResult
    # ns::verifyTraits<A<B>, C>` -> `ns::verifyTraits`.
    previous = None
    while previous != rest:
        previous, rest = rest, re.sub(r"<[^<>]*>", "", rest)
    rest = rest.strip().split(" ")[-1]
    return rest, module


def is_ours(module, driver_names):
    """convbn's or MLIR's code: the driver, libMLIR, or a C++ source the
    symbolizer named (only the driver's own code has debug information
    here; libc's sources are C)."""
    return module.startswith("libMLIR") or module in driver_names or bool(CXX_SOURCE.search(module))


def crash_frames(stderr, driver_names, with_unnamed=False):
    """The first named frames in convbn or MLIR code (and the first frame of
    any library, when that is elsewhere, e.g. in LLVM's NVPTX backend).
    WITH_UNNAMED: unnamed frames of convbn or MLIR before the first named
    one count too, as module+offset (a crash without a message in a
    pattern of an upstream pass otherwise shows only the driver loop)."""
    ours, first_any = [], None
    for m in FRAME.finditer(stderr):
        name, module = frame_name(m.group(1))
        if not name:
            offset = re.search(r"\+(0x[0-9a-fA-F]+)\)\s*$", m.group(1))
            if with_unnamed and not ours and offset and is_ours(module, driver_names):
                ours.append(f"{module}+{offset.group(1)}")
            continue
        if SKIP_FRAME.match(name):
            continue
        if first_any is None:
            first_any = name
        if is_ours(module, driver_names):
            ours.append(name)
            if len(ours) == 3:
                break
    frames = ours
    if first_any and first_any not in ours:
        frames = [first_any] + ours
    return frames


def convbn_frame(stderr, driver_names):
    """The innermost named frame in the driver itself (convbn's code), for
    telling which pass failed; '' when the stack has none."""
    for m in FRAME.finditer(stderr):
        name, module = frame_name(m.group(1))
        if name and (module in driver_names or CXX_SOURCE.search(module)) \
                and not SKIP_FRAME.match(name):
            return name
    return ""


def classify(rc, stderr, driver_names):
    """None when the run passes the oracle (before the output check), else
    (kind, message, frames)."""
    markers = any(s in stderr for s in CRASH_MARKERS)
    if rc is None:
        return "hang", "timeout", []
    if rc == 0 and not markers:
        return None
    if rc == 1 and not markers:
        if re.search(r"(^|\s)error:", stderr):
            return None
        last = stderr.strip().split("\n")[-1] if stderr.strip() else "(no output)"
        return "no-diagnostic", normalize_message(last), []
    message = ""
    for line in stderr.split("\n"):
        if "Assertion" in line and "failed" in line:
            a = re.search(r"Assertion `(.*)' failed", line)
            where = re.search(r"([\w.+-]+\.(?:cpp|h|inc|td)):\d+", line)
            message = ("assertion " + (a.group(1) if a else line)
                       + (f" ({where.group(1)})" if where else ""))
            break
        if line.startswith("LLVM ERROR:") or "UNREACHABLE executed" in line \
                or line.startswith("terminate called"):
            message = line
            break
    if rc < 0:
        sig = -rc
        kind = {signal.SIGABRT: "abort", signal.SIGSEGV: "segv", signal.SIGBUS: "bus",
                signal.SIGFPE: "fpe", signal.SIGILL: "ill", signal.SIGKILL: "killed"}.get(sig, f"signal{sig}")
    elif "Assertion" in message:
        kind = "assert"
    elif markers:
        kind = f"exit{rc}-crash"
    else:
        kind = f"exit{rc}"
    if message.startswith("assertion"):
        kind = "assert"
    elif message.startswith("LLVM ERROR") and kind == "abort":
        kind = "fatal"
    return kind, normalize_message(message), crash_frames(stderr, driver_names, not message)


def first_error(stderr):
    for line in stderr.split("\n"):
        if "error:" in line:
            return normalize_message(line)
    return normalize_message(stderr.strip().split("\n")[0] if stderr.strip() else "")


class Runner:
    def __init__(self, args):
        self.opt = os.path.abspath(args.opt)
        # How stack dumps name the driver's own frames (it may be a link).
        self.driver_names = {os.path.basename(self.opt),
                            os.path.basename(os.path.realpath(self.opt))}
        self.timeout = args.timeout
        self.memory_mb = args.memory_mb
        self.toolkit = args.toolkit

    def valid(self, text):
        """Whether the driver parses and verifies TEXT, or crashes on it
        (steering keeps such a mutation: the crash is what we look for)."""
        fd, path = tempfile.mkstemp(suffix=".mlir", prefix="fuzz-convbn-steer-")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(text)
            rc, err = run_driver([self.opt, path, "-o", os.devnull], self.timeout, self.memory_mb)
            return rc == 0 or classify(rc, err, self.driver_names) is not None
        finally:
            os.unlink(path)

    def passes(self, pipeline):
        return [p.replace("{toolkit}", self.toolkit) for p in PIPELINES[pipeline][0]]

    def command(self, pipeline, input_path, output_path):
        passes = [] if pipeline == "parse" else COMMON_FLAGS + self.passes(pipeline)
        return [self.opt, input_path] + passes + ["-o", output_path]

    def check(self, pipeline, input_path, workdir, tag):
        """Runs one pipeline (or `parse`: no passes) on a file. Returns
        (verdict, stderr, ok): verdict None if the run passes the oracle,
        else (kind, message, frames); ok whether it exited 0 (else it was
        rejected with an error)."""
        out = os.path.join(workdir, f"{tag}.out.mlir")
        try:
            rc, err = run_driver(self.command(pipeline, input_path, out), self.timeout, self.memory_mb)
            if rc is None:
                # A hang must happen twice: a run killed from outside (the
                # OOM killer, a session ending) or a driver process stopped
                # past its wall-clock limit (SIGSTOP) looks like one once.
                rc, err = run_driver(self.command(pipeline, input_path, out), self.timeout,
                                     self.memory_mb)
            verdict = classify(rc, err, self.driver_names)
            if verdict is not None:
                return verdict, err, False
            if rc != 0:
                if pipeline != "parse":
                    invalid = self.invalid_ir(pipeline, input_path, err, workdir, tag)
                    if invalid:
                        return invalid[0], err + invalid[1], False
                return None, err, False
            if pipeline != "parse":
                rc2, err2 = run_driver([self.opt, out, "-o", os.devnull], self.timeout, self.memory_mb)
                if rc2 != 0 or classify(rc2, err2, self.driver_names) is not None:
                    return ("bad-output", first_error(err2), []), \
                        err + "\n--- re-parsing the output ---\n" + err2, False
            return None, err, True
        finally:
            if os.path.exists(out):
                os.unlink(out)

    def invalid_ir(self, pipeline, input_path, err, workdir, tag):
        """Whether a pipeline's error came from -verify-each catching a pass
        that produced invalid IR rather than from a pass: the pipeline runs
        again with --mlir-print-ir-after-failure (module scope), and the IR
        it dumps after the failing pass fails to verify with the same
        error. (Running without -verify-each and comparing errors is not
        enough: some conversions fail nondeterministically, at one op or
        another.) Returns (verdict, note for stderr.txt) or None; the
        verdict's message names the pass."""
        error = first_error(err)
        _, err2 = run_driver(self.command(pipeline, input_path, os.devnull) +
                             ["--mlir-print-ir-after-failure", "--mlir-print-ir-module-scope"],
                             self.timeout, self.memory_mb)
        dump = re.search(r"^// -----// IR Dump After (\S+) Failed.*$", err2, re.M)
        if not dump:
            return None
        path = os.path.join(workdir, f"{tag}.dump.mlir")
        try:
            with open(path, "w") as f:
                f.write(err2[dump.end():])
            rc3, err3 = run_driver([self.opt, path, "-o", os.devnull], self.timeout, self.memory_mb)
        finally:
            os.unlink(path)
        if rc3 != 1 or first_error(err3) != error:
            return None
        where = dump.group(1)
        note = (f"\n--- the IR after {where} (--mlir-print-ir-after-failure) does not verify:\n"
                + "\n".join(err3.split("\n")[:6]) + "\n")
        kind = "invalid-ir" if where in CONVBN_PASSES else "upstream-invalid-ir"
        return (kind, f"after {where}: {error}", []), note


def signature(pipeline, verdict):
    kind, message, frames = verdict
    # A bad output or a missing diagnostic is the pipeline's: the same error
    # from two pipelines is two problems. A crash is where it crashed.
    parts = [kind, message] + frames
    if kind in ("bad-output", "no-diagnostic", "hang") or (
            not frames and kind not in ("invalid-ir", "upstream-invalid-ir")):
        parts.append(pipeline)
    return "|".join(parts)


def class_name(sig):
    return sig.split("|", 1)[0] + "-" + hashlib.sha1(sig.encode()).hexdigest()[:10]

# ---------------------------------------------------------------------------
# Reproducers and minimization
# ---------------------------------------------------------------------------


def command_script(runner, pipeline, verdict):
    passes = "" if pipeline == "parse" else " ".join(
        shlex.quote(p) for p in COMMON_FLAGS + runner.passes(pipeline))
    lines = ["#!/bin/sh",
             f"# fuzz_convbn.py failure class, pipeline {pipeline}",
             'cd "$(dirname "$0")"',
             f'OPT="${{CONVBN_OPT:-{runner.opt}}}"']
    if verdict[0] == "bad-output":
        lines.append("# exits 0, but its output does not parse and verify:")
        lines.append(f'"$OPT" input.mlir {passes} -o output.mlir && "$OPT" output.mlir -o /dev/null')
    elif verdict[0] in ("invalid-ir", "upstream-invalid-ir"):
        lines.append("# a pass leaves IR that does not verify (-verify-each reports it as an error;")
        lines.append("# add --mlir-print-ir-after-failure to see the IR and the pass):")
        lines.append(f'"$OPT" input.mlir {passes} -o /dev/null')
    else:
        lines.append(f'"$OPT" input.mlir {passes} -o /dev/null')
    return "\n".join(lines) + "\n"


def balanced(text):
    depth = {"(": 0, "{": 0, "[": 0}
    close = {")": "(", "}": "{", "]": "["}
    for ch in text:
        if ch in depth:
            depth[ch] += 1
        elif ch in close:
            depth[close[ch]] -= 1
            if depth[close[ch]] < 0:
                return False
    return all(v == 0 for v in depth.values())


def _block_candidates(lines):
    """Deleting a line that opens a region together with everything up to
    its close (functions, modules, ops with bodies), biggest first."""
    blocks = []
    for i, line in enumerate(lines):
        if line.rstrip().endswith("{"):
            j = _op_extent(lines, i)
            if j > i + 1:
                blocks.append((i, j))
    for i, j in sorted(blocks, key=lambda b: (b[0] - b[1], b[0])):
        yield lines[:i] + lines[j:]


def _op_candidates(lines):
    """Deleting one op (with its regions), its uses replaced by an earlier
    value of the same type when it has one result of a known type; the
    last ops first, so that what feeds the failing op dies after it."""
    text = "\n".join(lines)
    arg_types = {m.group(1): m.group(2) for m in ARG_TYPES.finditer(text)}
    ops = []
    for i, line in enumerate(lines):
        if not line.strip() or line.strip().startswith(("}", "^", "//", "#", "!")):
            continue
        j = _op_extent(lines, i)
        m = DEFS.match(line)
        result, rtype = None, None
        if m and "," not in m.group(2) and ":" not in m.group(2):
            result = m.group(2).strip()
            t = re.search(r"(?:->|:)\s*(" + TYPE + r")\s*$", lines[j - 1])
            rtype = t.group(1) if t else None
        ops.append((i, j, result, rtype))
    for i, j, result, rtype in reversed(ops):
        rest = lines[:i] + lines[j:]
        if result is None or not re.search(re.escape(result) + r"(?![\w$.-])", "\n".join(rest)):
            yield rest
            continue
        if rtype is None:
            continue
        same = [v for v, t in arg_types.items() if t == rtype]
        same += [r for (k, _, r, t) in ops if k < i and r and t == rtype]
        for value in reversed(same[-3:]):
            use = re.compile(re.escape(result) + r"(?![\w$.-])")
            yield lines[:i] + [use.sub(value, l) for l in lines[j:]]


def _chunk_candidates(lines):
    """Deleting chunks of lines, halving their size (ddmin's complements)."""
    n = max(len(lines) // 2, 1)
    while n >= 1:
        for i in range(len(lines) - n, -1, -n):
            yield lines[:i] + lines[i + n:]
        n //= 2


def minimize(runner, pipeline, text, target_sig, workdir, budget_s=300.0, max_tests=2000):
    """Shrinks TEXT while PIPELINE still fails with TARGET_SIG: deletes
    regions, ops (replacing their uses) and chunks of lines until none of
    these helps, or the budget is spent; returns the smallest text found."""
    deadline = time.time() + budget_s
    tests = [0]
    path = os.path.join(workdir, "min.mlir")

    def reproduces(lines):
        candidate = "\n".join(lines) + "\n"
        if not balanced(candidate):
            return False
        tests[0] += 1
        with open(path, "w") as f:
            f.write(candidate)
        if pipeline != "parse":
            # Most deletions break the IR: the parser says so in a fraction
            # of a pipeline's time.
            rc, _ = run_driver([runner.opt, path, "-o", os.devnull], runner.timeout, runner.memory_mb)
            if rc != 0:
                return False
        verdict, _, _ = runner.check(pipeline, path, workdir, "min")
        return verdict is not None and signature(pipeline, verdict) == target_sig

    def out_of_budget():
        return tests[0] >= max_tests or time.time() > deadline

    lines = [l for l in text.split("\n") if l.strip()]
    progress = True
    while progress and not out_of_budget():
        progress = False
        for generate in (_block_candidates, _op_candidates, _chunk_candidates):
            # Restart the generator after every success (the lines moved),
            # skipping the candidates already refused.
            skip = 0
            while not out_of_budget():
                for k, candidate in enumerate(generate(lines)):
                    if k < skip or out_of_budget():
                        continue
                    if reproduces(candidate):
                        lines, skip, progress = candidate, k, True
                        break
                else:
                    break
    return "\n".join(lines) + "\n"


def load_known(path):
    """[(compiled regex, its line)] from a --known file: one regular
    expression per line, matched against a signature; `#` comments."""
    known = []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.split(" #", 1)[0].strip() if not line.startswith("#") else ""
                if line:
                    known.append(re.compile(line))
    return known


class Campaign:
    OK, ERROR, FAILURE, KNOWN = range(4)

    def __init__(self, args, runner):
        self.args = args
        self.runner = runner
        self.lock = threading.Lock()
        self.counts = {}          # pipeline -> [ok, error, failure, known]
        self.classes = {}         # signature -> dict
        self.valid = 0
        self.known = load_known(args.known)

    def is_known(self, sig):
        # Invalid IR that an upstream pass produced from a mutant is reported
        # to the user as the verifier's error at the op: the oracle's "exit 1
        # with an error" (the class is listed, not counted). Invalid IR after
        # a convbn pass is convbn's bug and fails.
        return sig.startswith("upstream-invalid-ir|") or any(
            r.search(sig) for r in self.known)

    def dirname(self, sig):
        return ("known-" if self.is_known(sig) else "") + class_name(sig)

    def record(self, index, source, mutations, pipeline, text, verdict, stderr):
        sig = signature(pipeline, verdict)
        with self.lock:
            entry = self.classes.get(sig)
            if entry is None:
                entry = self.classes[sig] = {"pipelines": set(), "cases": 0, "best": None}
            entry["pipelines"].add(pipeline)
            entry["cases"] += 1
            key = (len(text), index, pipeline)
            if entry["best"] is None or key < entry["best"][0]:
                entry["best"] = (key, source, mutations, pipeline, text, verdict, stderr)
                self.save(sig, entry)
        return self.KNOWN if self.is_known(sig) else self.FAILURE

    def save(self, sig, entry):
        (_, index, _), source, mutations, pipeline, text, verdict, stderr = entry["best"]
        d = os.path.join(self.args.outdir, self.dirname(sig))
        os.makedirs(d, exist_ok=True)
        header = [f"// fuzz_convbn.py --seed {self.args.seed}: case {index}, from {source}"]
        header += [f"//   mutation: {m}" for m in mutations]
        with open(os.path.join(d, "input.mlir"), "w") as f:
            f.write("\n".join(header) + "\n" + text)
        with open(os.path.join(d, "command.sh"), "w") as f:
            f.write(command_script(self.runner, pipeline, verdict))
        os.chmod(os.path.join(d, "command.sh"), 0o755)
        with open(os.path.join(d, "stderr.txt"), "w") as f:
            f.write(stderr)
        with open(os.path.join(d, "info.txt"), "w") as f:
            f.write(f"signature: {sig}\nkind: {verdict[0]}\nmessage: {verdict[1]}\n"
                    f"frames: {' <- '.join(verdict[2])}\n"
                    f"convbn frame: {convbn_frame(stderr, self.runner.driver_names)}\n"
                    f"pipeline: {pipeline}\nseed: {self.args.seed}\ncase: {index}\n"
                    f"source: {source}\nknown: {'yes' if self.is_known(sig) else 'no'}\n")

    def count(self, pipeline, outcome):
        with self.lock:
            self.counts.setdefault(pipeline, [0, 0, 0, 0])[outcome] += 1

    def run_case(self, corpus, index, workdir):
        source, text, mutations, runs = make_case(corpus, self.args.seed, index, self.args.pipelines,
                                                  self.args.steer, self.runner.valid,
                                                  self.args.per_case)
        path = os.path.join(workdir, f"case{index}.mlir")
        with open(path, "w") as f:
            f.write(text)
        try:
            # Parse and verify first: a mutant the driver rejects is done.
            for pipeline in ["parse"] + runs:
                verdict, err, ok = self.runner.check(pipeline, path, workdir, f"case{index}")
                if verdict is not None:
                    self.count(pipeline, self.record(index, source, mutations, pipeline, text,
                                                     verdict, err))
                else:
                    self.count(pipeline, self.OK if ok else self.ERROR)
                if pipeline == "parse":
                    if not ok:
                        return
                    with self.lock:
                        self.valid += 1
        finally:
            os.unlink(path)

    def failures(self):
        return [sig for sig in self.classes if not self.is_known(sig)]


def summary(campaign, n, elapsed, jobs):
    out = []
    out.append(f"fuzz_convbn: seed {campaign.args.seed}, {n} cases in {elapsed:.1f} s "
               f"({n / max(elapsed, 1e-9):.2f} cases/s, {jobs} jobs); "
               f"{campaign.valid} mutants parse and verify")
    out.append(f"  {'pipeline':<16}{'ok':>8}{'error':>8}{'failure':>9}{'known':>7}")
    for p in ["parse"] + list(PIPELINES):
        if p in campaign.counts:
            ok, err, fail, known = campaign.counts[p]
            out.append(f"  {p:<16}{ok:>8}{err:>8}{fail:>9}{known:>7}")

    def describe(sig):
        entry = campaign.classes[sig]
        kind, message, frames = entry["best"][5]
        lines = [f"  {campaign.dirname(sig)}: {entry['cases']} runs, pipelines "
                 f"{','.join(sorted(entry['pipelines']))}"]
        if message:
            lines.append(f"      {message}")
        if frames:
            lines.append(f"      at {' <- '.join(frames)}")
        return lines

    failures = sorted(campaign.failures(), key=class_name)
    known = sorted((s for s in campaign.classes if campaign.is_known(s)), key=class_name)
    if failures:
        out.append(f"{len(failures)} failure classes (reproducers in {campaign.args.outdir}):")
        for sig in failures:
            out += describe(sig)
    else:
        out.append("no failures")
    if known:
        out.append(f"{len(known)} known classes ({campaign.args.known}) and invalid IR "
                   f"from upstream passes, not counted:")
        for sig in known:
            out += describe(sig)
    return "\n".join(out)


def minimize_class(campaign, sig, work):
    """--minimize: shrinks a class's saved input (and reruns it for its own
    stderr)."""
    entry = campaign.classes[sig]
    _, source, mutations, pipeline, text, verdict, stderr = entry["best"]
    workdir = tempfile.mkdtemp(prefix="min-", dir=work)
    small = minimize(campaign.runner, pipeline, text, sig, workdir, campaign.args.minimize_seconds)
    path = os.path.join(workdir, "small.mlir")
    with open(path, "w") as f:
        f.write(small)
    v, err, _ = campaign.runner.check(pipeline, path, workdir, "small")
    if v is not None and signature(pipeline, v) == sig:
        with campaign.lock:
            entry["best"] = (entry["best"][0], source, mutations + ["minimized"], pipeline,
                             small, v, err)
            campaign.save(sig, entry)
    if not campaign.args.quiet:
        print(f"  minimized {campaign.dirname(sig)}: {len(text.splitlines())} -> "
              f"{len(small.splitlines())} lines", file=sys.stderr, flush=True)


def reduce_dir(args, runner, d):
    """Minimizes one saved reproducer in place: input.mlir (the original
    kept as input.orig.mlir) and stderr.txt."""
    with open(os.path.join(d, "info.txt")) as f:
        info = dict(l.split(": ", 1) for l in f.read().splitlines() if ": " in l)
    pipeline = info["pipeline"]
    with open(os.path.join(d, "input.mlir")) as f:
        lines = f.read().split("\n")
    n = 0
    while n < len(lines) and lines[n].startswith("//"):
        n += 1
    header, body = lines[:n], "\n".join(lines[n:])
    with tempfile.TemporaryDirectory(prefix="fuzz-convbn-") as work:
        # The signature as this version computes it, with this driver.
        path = os.path.join(work, "input.mlir")
        with open(path, "w") as f:
            f.write(body)
        verdict, _, _ = runner.check(pipeline, path, work, "input")
        if verdict is None:
            return f"{d}: passes with {runner.opt}"
        sig = signature(pipeline, verdict)
        small = minimize(runner, pipeline, body, sig, work, args.minimize_seconds)
        path = os.path.join(work, "small.mlir")
        with open(path, "w") as f:
            f.write(small)
        verdict, err, _ = runner.check(pipeline, path, work, "small")
    if verdict is None or signature(pipeline, verdict) != sig:
        return f"{d}: the minimized input does not reproduce (flaky?)"
    if not os.path.exists(os.path.join(d, "input.orig.mlir")):
        os.rename(os.path.join(d, "input.mlir"), os.path.join(d, "input.orig.mlir"))
    if "//   mutation: minimized" not in header:
        header.append("//   mutation: minimized")
    with open(os.path.join(d, "input.mlir"), "w") as f:
        f.write("\n".join(header) + "\n" + small)
    with open(os.path.join(d, "stderr.txt"), "w") as f:
        f.write(err)
    return f"{d}: {len(body.strip().splitlines())} -> {len(small.strip().splitlines())} lines"


def reduce_dirs(args, runner):
    """--reduce DIR...: minimizes saved reproducers, --jobs at a time."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        for line in pool.map(lambda d: reduce_dir(args, runner, d), args.reduce):
            print(line, flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--opt", default=os.path.join(REPO, "build", "bin", "convbn-opt"),
                    help="the driver (default: build/bin/convbn-opt)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--start", type=int, default=0, help="first case index")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--outdir", default="fuzz-failures", help="where reproducers go")
    ap.add_argument("--pipelines", default=",".join(PIPELINES),
                    help="comma-separated subset of: " + ", ".join(PIPELINES))
    ap.add_argument("--per-case", type=int, default=3, metavar="K",
                    help="run K of the pipelines that apply to a mutant, drawn per case "
                         "(default 3; 0: all)")
    ap.add_argument("--known", default=os.path.join(REPO, "utils", "fuzz_convbn_known.txt"),
                    help="file of regular expressions: failure signatures that are reported "
                         "but do not fail the campaign (upstream bugs; '' for none)")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="CPU seconds per run (a hang past it fails; wall clock: 10 times as much)")
    ap.add_argument("--memory-mb", type=int, default=4096, help="address-space limit per run (0: none)")
    ap.add_argument("--toolkit", default="/usr/local/cuda", help="CUDA toolkit for lower-to-nvvm")
    ap.add_argument("--max-bytes", type=int, default=300 * 1024, help="skip corpus files larger than this")
    ap.add_argument("--steer", type=float, default=0.75,
                    help="share of cases whose mutants must keep parsing (see make_case)")
    ap.add_argument("--minimize", action="store_true", help="minimize each failure class's reproducer")
    ap.add_argument("--minimize-seconds", type=float, default=300.0, help="time budget per class")
    ap.add_argument("--reduce", nargs="+", metavar="DIR", help="minimize saved reproducers and exit")
    ap.add_argument("--show-case", type=int, metavar="I", help="print case I and exit")
    ap.add_argument("--list-corpus", action="store_true")
    ap.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    args = ap.parse_args()
    args.pipelines = [p for p in args.pipelines.split(",") if p]
    unknown = [p for p in args.pipelines if p not in PIPELINES]
    if unknown:
        ap.error(f"unknown pipeline(s) {', '.join(unknown)}; known: {', '.join(PIPELINES)}")
    runner = Runner(args)
    if args.reduce:
        return reduce_dirs(args, runner)

    corpus = load_corpus([os.path.join(REPO, "test"), os.path.join(REPO, "examples")], args.max_bytes)
    if args.list_corpus:
        for path, pieces in corpus:
            print(f"{path}: {len(pieces)} pieces")
        return 0
    if args.show_case is not None:
        source, text, mutations, runs = make_case(corpus, args.seed, args.show_case, args.pipelines,
                                                  args.steer, runner.valid, args.per_case)
        print(f"// case {args.show_case} of seed {args.seed}: {source}; pipelines {', '.join(runs)}")
        for m in mutations:
            print(f"//   mutation: {m}")
        print(text)
        return 0
    if not os.access(runner.opt, os.X_OK):
        sys.exit(f"fuzz_convbn: no driver at {runner.opt} (--opt)")

    campaign = Campaign(args, runner)
    start = time.time()
    done = 0
    indices = range(args.start, args.start + args.cases)
    with tempfile.TemporaryDirectory(prefix="fuzz-convbn-") as work:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
            futures = [pool.submit(campaign.run_case, corpus, i, work) for i in indices]
            for future in concurrent.futures.as_completed(futures):
                future.result()
                done += 1
                if not args.quiet and (done % 50 == 0 or done == args.cases):
                    print(f"  {done}/{args.cases} cases, {time.time() - start:.0f} s, "
                          f"{len(campaign.classes)} failure classes", file=sys.stderr, flush=True)
        elapsed = time.time() - start
        if args.minimize and campaign.classes:
            with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
                for future in [pool.submit(minimize_class, campaign, sig, work)
                               for sig in sorted(campaign.classes, key=class_name)]:
                    future.result()
    print(summary(campaign, args.cases, elapsed, args.jobs))
    return 1 if campaign.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
