#!/usr/bin/env python3
"""Runs MLIR functions before and after a rewrite on the same inputs and
compares the results: the execution half of every fusion test.

  exec_compare.py FILE --func NAME[,NAME...] --passes "--fuse-convbn" [--rtol R --atol A]
  exec_compare.py FILE --all-funcs --passes "--fuse-convbn --canonicalize" [--quiet]
  exec_compare.py FILE --all-funcs --passes=--fuse-convbn --criterion elementwise
  exec_compare.py FILE --func train_step --passes=--fuse-convbn --reference FILE.autograd.json

A `main` is inserted that builds deterministic inputs for every argument of
the functions (activations and weights `sin(0.375 i + 1.3 k)` for argument k,
1-D per-channel vectors `1 + 0.5 sin(...)`, so that variances are positive;
dynamic sizes are 2; other element types are cast from f32; 0.375 and 0.5
make the products exact, so that the inputs are the same bits whether or
not a rewrite contracts `main`'s multiply-adds into FMAs), calls each
function once and prints every result (integer and non-f32 results are
converted to f32). `--all-funcs` runs every function with a body that returns
values. The module (all functions and one `main`) is lowered with
`convbn-opt --lower-to-cpu` (or LOWER), compiled and run on the host twice
(utils/run_llvm_module.py, with mlir-translate and llc from the directory of
--runner, by default MLIR's mlir-runner): once as is and
once after PASSES, so any number of functions costs two compilations.
`--passes` given N times compares N rewrites with one reference run (N + 1
compilations), each verdict under a `--passes=...` line. The
printed results must agree within a tolerance (--criterion):

  scaled (default)  |got - ref| <= atol + rtol * max|ref|, the maximum taken
                    over the whole result tensor: the error allowed scales
                    with the output. A sum of many products (a deep net) has
                    absolute errors proportional to its largest values, which
                    its small elements cannot meet relatively;
  elementwise       |got - ref| <= atol + rtol * |ref| for each element.

Non-finite values agree only with themselves: NaN with NaN, +inf with +inf
(a NaN where the reference is finite, or an infinity of the other sign, is a
disagreement). Results with a zero-sized dimension have no values and are
not printed (mlir-runner's printMemref prints garbage for them).
Prints one line per function (`@NAME: N values agree ...`; with --quiet only
the disagreeing ones), a summary line when there are several, and exits
non-zero on any disagreement (or when either run fails). A file split with
`// -----` runs as one module (the separators are comments), so its pieces
must not redefine symbols or attribute aliases.

--reference JSON also checks both runs against results computed elsewhere on
the same inputs (`input_values` below builds them outside MLIR, bit for
bit): scripts/gen_frontend_ir.py --training writes, for each training step,
the loss and gradients PyTorch's autograd computes, as samples of every
result (all of a small one's values; of a large one its largest and 511
drawn at random) with the result's max|ref|. A sample agrees when
|got - ref| <= ref_atol + ref_rtol * max|ref| (the scaled criterion; 1e-6 and
1e-4 by default). The file also says how the inputs were built
(`fan_in_scale`), which then applies here.
"""

import argparse
import shlex
import concurrent.futures
import json
import math
import operator
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_llvm_module  # noqa: E402

TENSOR = re.compile(r"tensor<([^>]*)>")

# The inputs: sin(INPUT_STEP * i + INPUT_PHASE * k) for argument k (see the
# module docstring); bench/gpu_check.py builds the same ones from these.
INPUT_STEP = 0.375
INPUT_PHASE = 1.3


def parse_tensor(text):
    """'2x?x3xf16' -> ([2, None, 3], 'f16')"""
    parts = text.split("x")
    return [None if p == "?" else int(p) for p in parts[:-1]], parts[-1]


FUNC = re.compile(r"func\.func\s+(public\s+|private\s+|nested\s+)?@([\w$.-]+)\s*\(")


def list_functions(source):
    """Names of the functions with a body (not declarations), in order."""
    names = []
    for match in FUNC.finditer(source):
        if match.group(1) and match.group(1).strip() == "private":
            continue
        names.append(match.group(2))
    return names


def find_signature(source, func):
    match = re.search(r"func\.func\s+(?:public\s+|private\s+)?@" + re.escape(func) + r"\s*\(", source)
    if not match:
        sys.exit(f"exec_compare: no function @{func}")
    # Arguments: up to the matching parenthesis.
    depth, i = 1, match.end()
    while depth:
        depth += {"(": 1, ")": -1}.get(source[i], 0)
        i += 1
    args = source[match.end():i - 1]
    rest = source[i:i + 4000]
    results_text = rest.split("{", 1)[0]
    if "->" in results_text:
        results_text = results_text.split("->", 1)[1]
        results = [parse_tensor(t) for t in TENSOR.findall(results_text)]
    else:
        results = []
    # Drop attribute dictionaries on arguments before reading their types.
    args = re.sub(r"\{[^{}]*\}", "", args)
    arg_types = [parse_tensor(t) for t in TENSOR.findall(args)]
    return arg_types, results


def input_values(k, shape, fan_in_scale=False):
    """The f32 values `main` gives argument k of shape `shape`, as a numpy
    array, bit for bit: the same f32 operations in the same order, and sinf
    from the C library, which the lowered math.sin calls. For generators of
    reference results (numpy is imported here only)."""
    import ctypes
    import numpy as np
    libm = ctypes.CDLL("libm.so.6")
    libm.sinf.restype = ctypes.c_float
    libm.sinf.argtypes = [ctypes.c_float]
    static = [DYNAMIC_SIZE if s is None else s for s in shape]
    size = math.prod(static)
    phase = np.float32(f"{float(k) * INPUT_PHASE:.2f}")
    q = np.arange(size, dtype=np.int64).astype(np.float32) * np.float32(INPUT_STEP) + phase
    v = np.fromiter((libm.sinf(x) for x in q.tolist()), dtype=np.float32, count=size)
    if len(static) == 1:
        v = v * np.float32(0.5) + np.float32(1.0)
    elif fan_in_scale and len(static) >= 2:
        fan_in = math.prod(static[1:]) or 1
        v = v * np.float32(2.0 ** -round(math.log2(math.sqrt(fan_in))))
    return v.reshape(static)


def type_str(shape, elem):
    return "tensor<" + "x".join("?" if s is None else str(s) for s in shape) + ("x" if shape else "") + elem + ">"


DYNAMIC_SIZE = 2
FLOATS = ("f16", "bf16", "f32", "f64")


def is_int(elem):
    return re.fullmatch(r"[su]?i\d+", elem) is not None


def float_cast(value, src, dst, src_elem, dst_elem):
    """An elementwise cast between element types on whole tensors (the
    pipeline turns these into linalg.generic)."""
    if is_int(src_elem):
        op = "uitofp" if src_elem in ("i1", "ui1") else "sitofp"
    elif is_int(dst_elem):
        op = "fptosi"
    elif FLOATS.index(src_elem) < FLOATS.index(dst_elem):
        op = "extf"
    else:
        op = "truncf"
    return f"arith.{op} {value} : {src} to {dst}"


class MainBuilder:
    """Builds `main`: deterministic inputs for every argument (shared
    between functions with the same argument type and position), a call of
    each function, and a print of every result."""

    def __init__(self, fan_in_scale=False):
        self.lines = []
        self.inputs = {}
        self.counter = 0
        self.fan_in_scale = fan_in_scale

    def fresh(self, stem):
        self.counter += 1
        return f"%{stem}{self.counter}"

    def make_input(self, k, shape, elem):
        key = (k, tuple(shape), elem)
        if key in self.inputs:
            return self.inputs[key]
        static = [DYNAMIC_SIZE if s is None else s for s in shape]
        rank = len(static)
        st = type_str(static, "f32")
        dims = ", ".join(f"d{i}" for i in range(rank))
        n = self.fresh("in")[1:]
        empty = f"%{n}_e"
        self.lines.append(f"  {empty} = tensor.empty() : {st}")
        body = []
        for i in range(rank):
            body.append(f"    %{n}_i{i} = linalg.index {i} : index")
        if rank == 0:
            body.append(f"    %{n}_lin = arith.constant 0 : index")
        else:
            acc = f"%{n}_i0"
            for i in range(1, rank):
                body.append(f"    %{n}_c{i} = arith.constant {static[i]} : index")
                body.append(f"    %{n}_m{i} = arith.muli {acc}, %{n}_c{i} : index")
                body.append(f"    %{n}_a{i} = arith.addi %{n}_m{i}, %{n}_i{i} : index")
                acc = f"%{n}_a{i}"
            body.append(f"    %{n}_lin = arith.addi {acc}, %zero_idx : index")
        body.append(f"    %{n}_l = arith.index_cast %{n}_lin : index to i64")
        body.append(f"    %{n}_f = arith.sitofp %{n}_l : i64 to f32")
        body.append(f"    %{n}_s = arith.mulf %{n}_f, %k375 : f32")
        body.append(f"    %{n}_p = arith.constant {float(k) * INPUT_PHASE:.2f} : f32")
        body.append(f"    %{n}_q = arith.addf %{n}_s, %{n}_p : f32")
        body.append(f"    %{n}_v = math.sin %{n}_q : f32")
        if rank == 1:
            body.append(f"    %{n}_h = arith.mulf %{n}_v, %half : f32")
            body.append(f"    %{n}_w = arith.addf %{n}_h, %one : f32")
            out = f"%{n}_w"
        elif self.fan_in_scale and rank >= 2:
            # 1/sqrt(fan-in) rounded to a power of two (the product stays
            # exact): weights as initialisers scale them, so that a deep
            # net's activations stay O(1).
            fan_in = math.prod(static[1:]) or 1
            scale = 2.0 ** -round(math.log2(math.sqrt(fan_in)))
            body.append(f"    %{n}_k = arith.constant {scale!r} : f32")
            body.append(f"    %{n}_w = arith.mulf %{n}_v, %{n}_k : f32")
            out = f"%{n}_w"
        else:
            out = f"%{n}_v"
        body.append(f"    linalg.yield {out} : f32")
        iterators = ", ".join(['"parallel"'] * rank)
        value = f"%{n}"
        self.lines.append(f"  {value} = linalg.generic {{indexing_maps = [affine_map<({dims}) -> ({dims})>], "
                          f"iterator_types = [{iterators}]}} outs({empty} : {st}) {{")
        self.lines.append(f"  ^bb0(%{n}_o: f32):")
        self.lines.extend(body)
        self.lines.append(f"  }} -> {st}")
        if elem != "f32":
            tt = type_str(static, elem)
            self.lines.append(f"  %{n}_t = " + float_cast(value, st, tt, "f32", elem))
            value = f"%{n}_t"
        if any(s is None for s in shape):
            self.lines.append(f"  %{n}_dyn = tensor.cast {value} : {type_str(static, elem)} to {type_str(shape, elem)}")
            value = f"%{n}_dyn"
        self.inputs[key] = (value, type_str(shape, elem))
        return self.inputs[key]

    def add_call(self, func, arg_types, results):
        """Calls `func` and prints its non-empty results; returns how many
        results are printed."""
        names = [self.make_input(k, shape, elem) for k, (shape, elem) in enumerate(arg_types)]
        call_types = ", ".join(t for _, t in names)
        res_types = [type_str(s, e) for s, e in results]
        r = self.fresh("r")
        lhs = f"{r}:{len(results)} = " if results else ""
        self.lines.append(f"  {lhs}func.call @{func}({', '.join(n for n, _ in names)}) : "
                          f"({call_types}) -> ({', '.join(res_types)})")
        printed = 0
        for i, (shape, elem) in enumerate(results):
            if 0 in shape:
                continue
            printed += 1
            val = f"{r}#{i}"
            t = type_str(shape, elem)
            if elem != "f32":
                t32 = type_str(shape, "f32")
                x = self.fresh("x")
                self.lines.append(f"  {x} = " + float_cast(val, t, t32, elem, "f32"))
                val, t = x, t32
            mt = "memref<" + "x".join("?" if s is None else str(s) for s in shape) + ("x" if shape else "") + "f32>"
            b, u = self.fresh("b"), self.fresh("u")
            self.lines.append(f"  {b} = bufferization.to_buffer {val} : {t} to {mt}")
            self.lines.append(f"  {u} = memref.cast {b} : {mt} to memref<*xf32>")
            self.lines.append(f"  func.call @printMemrefF32({u}) : (memref<*xf32>) -> ()")
        return printed

    def text(self):
        head = ["func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}",
                "func.func @main() {",
                f"  %k375 = arith.constant {INPUT_STEP} : f32", "  %half = arith.constant 0.5 : f32",
                "  %one = arith.constant 1.0 : f32", "  %zero_idx = arith.constant 0 : index"]
        return "\n".join(head + self.lines + ["  return", "}"]) + "\n"


def insert_main(source, main_text):
    """Puts `main` beside the function under test: inside an explicit
    `module { ... }` (before any `{-# dialect_resources #-}` section)."""
    body, sep, resources = source.partition("{-#")
    if re.search(r"^\s*module\b", body, re.MULTILINE):
        close = body.rstrip().rfind("}")
        body = body[:close] + main_text + body[close:]
    else:
        body = body + "\n" + main_text
    return body + sep + resources


NUMBER = re.compile(r"-?(?:nan|inf|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")


def run(opt, runner, libs, module_path, passes, lower):
    lowered = subprocess.run([opt, module_path] + passes + lower,
                             capture_output=True, text=True)
    if lowered.returncode:
        sys.exit(f"exec_compare: convbn-opt {' '.join(passes)} failed:\n{lowered.stderr}")
    # Compiled ahead of time with the tools beside `runner` (mlir-runner's
    # JIT takes ten times as long on large modules: run_llvm_module.py).
    ran = run_llvm_module.run(lowered.stdout, "main", libs,
                              os.path.dirname(runner) or run_llvm_module.LLVM_BIN)
    if ran.returncode:
        sys.exit(f"exec_compare: running the module failed ({' '.join(passes)}):\n{ran.stderr}")
    values = []
    for block in ran.stdout.split("Unranked Memref")[1:]:
        data = block.split("data =", 1)[1]
        values.append(list(map(float, NUMBER.findall(data))))
    return values


def join_flag_values(argv, flags=("--passes", "--lower")):
    """`--passes --fuse-convbn` as `--passes=--fuse-convbn`: argparse takes a
    value that starts with `-` for another option, and every value of these
    two does."""
    joined = []
    i = 0
    while i < len(argv):
        if argv[i] in flags and i + 1 < len(argv):
            joined.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            joined.append(argv[i])
            i += 1
    return joined


def agree(got, ref, atol, rtol, scale):
    """Whether one value agrees with its reference (see the module docstring);
    `scale` is |ref| (elementwise) or max|ref| over the tensor (scaled)."""
    if math.isnan(ref) or math.isnan(got):
        return math.isnan(ref) and math.isnan(got)
    if math.isinf(ref) or math.isinf(got):
        return got == ref
    return abs(got - ref) <= atol + rtol * scale


def compare_result(ref, got, args):
    """(values outside the tolerance, worst error) of one result: the error
    of an element is |got - ref| / (scale + atol), over the finite pairs
    that differ."""
    if args.criterion == "scaled" and all(map(math.isfinite, ref)) and \
            all(map(math.isfinite, got)):
        # The common case, with builtins only: a training step's results
        # are ten million values, which the general loop takes a minute on.
        largest = max(map(abs, ref), default=0.0)
        differences = list(map(abs, map(operator.sub, got, ref)))
        bad = sum(map((args.atol + args.rtol * largest).__lt__, differences))
        worst_difference = max(differences, default=0.0)
        denominator = largest + args.atol
        if not worst_difference:
            return bad, 0.0
        return bad, worst_difference / denominator if denominator else math.inf
    largest = max((abs(r) for r in ref if math.isfinite(r)), default=0.0)
    bad, worst = 0, 0.0
    for r, g in zip(ref, got):
        scale = largest if args.criterion == "scaled" else abs(r)
        if not agree(g, r, args.atol, args.rtol, scale):
            bad += 1
        if math.isfinite(r) and math.isfinite(g) and g != r:
            denominator = scale + args.atol
            worst = max(worst, abs(g - r) / denominator if denominator else math.inf)
    return bad, worst


def print_summary(signatures, printed, external):
    """One line per printed result of each function."""
    position = 0
    for func, num_results in signatures:
        names = [r["name"] for r in (external or {}).get("functions", {}).get(func, []) if r["size"]]
        for index, values in enumerate(printed[position:position + num_results]):
            name = names[index] if index < len(names) else f"result #{index}"
            largest = max((abs(v) for v in values), default=0.0)
            norm = math.sqrt(sum(v * v for v in values))
            first = ", ".join(f"{v:.6g}" for v in values[:4])
            print(f"@{func} {name}: {len(values)} values, max|v| {largest:.6g}, "
                  f"L2 {norm:.6g}, [{first}{', ...' if len(values) > 4 else ''}]")
        position += num_results


def compare_with_reference(external, args, signatures, runs):
    """Checks every run's printed results against the samples of
    `external` (see the docstring); prints a line per run and function and
    returns how many disagree."""
    disagreeing = 0
    position = 0
    for func, num_results in signatures:
        expected = [r for r in external["functions"].get(func, []) if r["size"]]
        if not expected:
            position += num_results
            continue
        if len(expected) != num_results:
            sys.exit(f"exec_compare: @{func} prints {num_results} results, "
                     f"{args.reference} has {len(expected)}")
        for label, printed in runs.items():
            count, bad, worst = 0, [], 0.0
            for index, (ref, got) in enumerate(zip(expected, printed[position:position + num_results],
                                                   strict=True)):
                if len(got) != ref["size"]:
                    sys.exit(f"exec_compare: @{func} result #{index} ({ref['name']}) has "
                             f"{len(got)} values, {args.reference} says {ref['size']}")
                result_bad, result_worst = 0, 0.0
                for i, r in ref["samples"]:
                    count += 1
                    if not agree(got[i], r, args.ref_atol, args.ref_rtol, ref["max_abs"]):
                        result_bad += 1
                    if math.isfinite(got[i]):
                        result_worst = max(result_worst,
                                           abs(got[i] - r) / (ref["max_abs"] + args.ref_atol))
                worst = max(worst, result_worst)
                if result_bad:
                    bad.append((index, ref["name"], result_bad, len(ref["samples"]), result_worst))
            verdict = "DISAGREE" if bad or not count else "agree"
            if verdict != "agree" or not args.quiet:
                print(f"@{func} {label}: {count} samples of {num_results} results {verdict} with "
                      f"{external.get('source', args.reference)} (max scaled err {worst:.2e}, "
                      f"rtol {args.ref_rtol:g} atol {args.ref_atol:g})")
            for index, name, n_bad, n, result_worst in bad:
                print(f"  result #{index} ({name}): {n_bad} of {n} samples outside "
                      f"(max scaled err {result_worst:.2e})")
            disagreeing += verdict != "agree"
        position += num_results
    return disagreeing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--func", help="the function(s) to run, comma separated")
    which.add_argument("--all-funcs", action="store_true",
                       help="run every function with a body that returns values")
    parser.add_argument("--passes", action="append",
                        help="convbn-opt flags of the rewrite under test (space separated; "
                             "default --fuse-convbn). Given several times, each rewrite is "
                             "compared with the one reference run")
    parser.add_argument("--rtol", type=float, default=1e-5)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--opt", default="convbn-opt")
    parser.add_argument("--runner", default="mlir-runner")
    parser.add_argument("--lib-dir", default="/usr/lib/llvm-22/lib")
    parser.add_argument("--lower", default="--lower-to-cpu",
                        help="convbn-opt flags that lower to the LLVM dialect (space separated)")
    parser.add_argument("--criterion", choices=("scaled", "elementwise"), default="scaled",
                        help="tolerance relative to the largest value of each result (scaled) "
                             "or to each value (elementwise)")
    parser.add_argument("--fan-in-scale", action="store_true",
                        help="scale inputs of rank >= 2 by 1/sqrt(product of all but their "
                             "first dimension), rounded to a power of two, as weight "
                             "initialisers do: deep nets keep O(1) activations")
    parser.add_argument("--quiet", action="store_true",
                        help="print only disagreeing functions and the summary")
    parser.add_argument("--reference", metavar="JSON",
                        help="also check both runs against these results (see the docstring)")
    parser.add_argument("--summary", action="store_true",
                        help="print each result of the rewritten run (its name from --reference): "
                             "size, largest magnitude, L2 norm, first values")
    parser.add_argument("--ref-rtol", type=float, default=1e-4)
    parser.add_argument("--ref-atol", type=float, default=1e-6)
    args = parser.parse_args(join_flag_values(sys.argv[1:]))
    rewrites = args.passes or ["--fuse-convbn"]
    external = None
    if args.reference:
        with open(args.reference) as f:
            external = json.load(f)
        args.fan_in_scale = args.fan_in_scale or external["inputs"]["fan_in_scale"]

    source = open(args.file).read()
    # Signatures are read from the code, not from comments (CHECK lines).
    code = re.sub(r"//[^\n]*", "", source)
    if args.all_funcs:
        funcs = [f for f in list_functions(code) if f != "main"]
    else:
        funcs = [f for f in args.func.split(",") if f]
    if "main" in list_functions(code):
        sys.exit("exec_compare: the file defines @main, the name of the driver "
                 "it inserts; rename that function")
    builder = MainBuilder(fan_in_scale=args.fan_in_scale)
    signatures = []
    for func in funcs:
        arg_types, results = find_signature(code, func)
        if not results:
            if args.all_funcs:
                continue
            sys.exit(f"exec_compare: @{func} returns nothing to compare")
        signatures.append((func, builder.add_call(func, arg_types, results)))
    if not signatures:
        sys.exit("exec_compare: no function to run")
    module = insert_main(source, builder.text())
    libs = [os.path.join(args.lib_dir, f"libmlir_{n}.so") for n in ("c_runner_utils", "runner_utils")]
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(module)
        path = f.name
    try:
        lower = args.lower.split()
        # The compilations and runs are independent: two side by side.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            reference = pool.submit(run, args.opt, args.runner, libs, path, [], lower)
            runs = [pool.submit(run, args.opt, args.runner, libs, path, shlex.split(passes),
                                lower)
                    for passes in rewrites]
            reference = reference.result()
            runs = [r.result() for r in runs]
    finally:
        os.unlink(path)
    failed = 0
    for passes, rewritten in zip(rewrites, runs):
        if len(rewrites) > 1:
            print(f"--passes={passes}")
        failed += compare_runs(args, signatures, external, reference, rewritten)
    return 1 if failed else 0


def compare_runs(args, signatures, external, reference, rewritten):
    """Compares one rewritten run with the reference run and prints the
    verdicts; returns the number of disagreeing functions."""
    expected = sum(n for _, n in signatures)
    if len(reference) != expected or len(rewritten) != expected:
        sys.exit(f"exec_compare: expected {expected} printed results, got "
                 f"{len(reference)} before and {len(rewritten)} after the rewrite")

    if args.summary:
        print_summary(signatures, rewritten, external)
    disagreeing = 0
    if external is not None:
        disagreeing += compare_with_reference(external, args, signatures,
                                              {"before the rewrite": reference,
                                               "after the rewrite": rewritten})
    position = 0
    for func, num_results in signatures:
        worst, count, bad = 0.0, 0, 0
        # Per result: (index, values outside the tolerance, values, worst error).
        bad_results = []
        for index, (ref, got) in enumerate(zip(reference[position:position + num_results],
                                               rewritten[position:position + num_results],
                                               strict=True)):
            if len(ref) != len(got):
                sys.exit(f"exec_compare: @{func}: result sizes differ ({len(ref)} vs {len(got)})")
            count += len(ref)
            result_bad, result_worst = compare_result(ref, got, args)
            bad += result_bad
            worst = max(worst, result_worst)
            if result_bad:
                bad_results.append((index, result_bad, len(ref), result_worst))
        position += num_results
        # A function whose results are all empty compares nothing and
        # agrees; one that printed values must have compared some.
        verdict = "agree" if bad == 0 and (count or num_results == 0) else "DISAGREE"
        if verdict != "agree":
            disagreeing += 1
        if verdict != "agree" or not args.quiet:
            print(f"@{func}: {count} values {verdict} "
                  f"(max {args.criterion} err {worst:.2e}, {bad} outside rtol {args.rtol:g} "
                  f"atol {args.atol:g})")
        for index, result_bad, size, result_worst in bad_results:
            print(f"  result #{index}: {result_bad} of {size} values outside "
                  f"(max {args.criterion} err {result_worst:.2e})")
    if len(signatures) > 1:
        if disagreeing:
            print(f"{disagreeing} of {len(signatures)} functions DISAGREE")
        else:
            print(f"all {len(signatures)} functions agree")
    return disagreeing


if __name__ == "__main__":
    sys.exit(main())
