#!/usr/bin/env python3
"""Runs an MLIR function before and after a rewrite on the same inputs and
compares the results: the execution half of every fusion test.

  exec_compare.py FILE --func NAME --passes "--fuse-convbn" [--rtol R --atol A]

A `main` is appended that builds deterministic inputs for every argument of
@NAME (activations and weights `sin(0.37 i + k)`, 1-D per-channel vectors
`1 + 0.5 sin(...)`, so that variances are positive), calls it and prints every
result. The module is lowered with `convbn-opt --lower-to-cpu`, once as is and
once after PASSES, and run with mlir-runner; the printed results must agree
elementwise within `atol + rtol * |reference|`. Prints one summary line and
exits non-zero on disagreement (or when either run fails).
"""

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

TENSOR = re.compile(r"tensor<([^>]*)>")


def parse_tensor(text):
    """'2x?x3xf16' -> ([2, None, 3], 'f16')"""
    parts = text.split("x")
    return [None if p == "?" else int(p) for p in parts[:-1]], parts[-1]


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


def type_str(shape, elem):
    return "tensor<" + "x".join("?" if s is None else str(s) for s in shape) + ("x" if shape else "") + elem + ">"


DYNAMIC_SIZE = 2


def make_main(func, arg_types, results):
    lines = ["func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}",
             "func.func @main() {"]
    names = []
    for k, (shape, elem) in enumerate(arg_types):
        static = [DYNAMIC_SIZE if s is None else s for s in shape]
        rank = len(static)
        st = type_str(static, "f32")
        dims = ", ".join(f"d{i}" for i in range(rank))
        lines.append(f"  %e{k} = tensor.empty() : {st}")
        # linear index -> value
        body = []
        lin = None
        for i in range(rank):
            body.append(f"    %i{k}_{i} = linalg.index {i} : index")
        if rank == 0:
            body.append(f"    %lin{k} = arith.constant 0 : index")
        else:
            acc = f"%i{k}_0"
            for i in range(1, rank):
                body.append(f"    %c{k}_{i} = arith.constant {static[i]} : index")
                body.append(f"    %m{k}_{i} = arith.muli {acc}, %c{k}_{i} : index")
                body.append(f"    %a{k}_{i} = arith.addi %m{k}_{i}, %i{k}_{i} : index")
                acc = f"%a{k}_{i}"
            body.append(f"    %lin{k} = arith.addi {acc}, %zero_idx : index")
        body.append(f"    %l{k} = arith.index_cast %lin{k} : index to i64")
        body.append(f"    %f{k} = arith.sitofp %l{k} : i64 to f32")
        body.append(f"    %s{k} = arith.mulf %f{k}, %k37 : f32")
        body.append(f"    %p{k} = arith.constant {float(k) * 1.3:.2f} : f32")
        body.append(f"    %q{k} = arith.addf %s{k}, %p{k} : f32")
        body.append(f"    %v{k} = math.sin %q{k} : f32")
        if rank == 1:
            body.append(f"    %h{k} = arith.mulf %v{k}, %half : f32")
            body.append(f"    %w{k} = arith.addf %h{k}, %one : f32")
            out = f"%w{k}"
        else:
            out = f"%v{k}"
        body.append(f"    linalg.yield {out} : f32")
        iterators = ", ".join(['"parallel"'] * rank)
        lines.append(f"  %g{k} = linalg.generic {{indexing_maps = [affine_map<({dims}) -> ({dims})>], "
                     f"iterator_types = [{iterators}]}} outs(%e{k} : {st}) {{")
        lines.append(f"  ^bb0(%o{k}: f32):")
        lines.extend(body)
        lines.append(f"  }} -> {st}")
        value = f"%g{k}"
        if elem != "f32":
            tt = type_str(static, elem)
            lines.append(f"  %t{k} = arith.truncf {value} : {st} to {tt}" if elem in ("f16", "bf16")
                         else f"  %t{k} = arith.extf {value} : {st} to {tt}")
            value = f"%t{k}"
        if any(s is None for s in shape):
            lines.append(f"  %dyn{k} = tensor.cast {value} : {type_str(static, elem)} to {type_str(shape, elem)}")
            value = f"%dyn{k}"
        names.append((value, type_str(shape, elem)))
    call_types = ", ".join(t for _, t in names)
    res_types = [type_str(s, e) for s, e in results]
    res_names = ", ".join(f"%r{i}" for i in range(len(results)))
    lhs = f"{res_names} = " if results else ""
    if len(results) > 1:
        lhs = f"%r:{len(results)} = "
    lines.append(f"  {lhs}func.call @{func}({', '.join(n for n, _ in names)}) : ({call_types}) -> ({', '.join(res_types)})")
    for i, (shape, elem) in enumerate(results):
        val = f"%r{i}" if len(results) == 1 else f"%r#{i}"
        t = type_str(shape, elem)
        if elem != "f32":
            t32 = type_str(shape, "f32")
            lines.append(f"  %x{i} = arith.extf {val} : {t} to {t32}" if elem in ("f16", "bf16")
                         else f"  %x{i} = arith.truncf {val} : {t} to {t32}")
            val, t = f"%x{i}", t32
        rank = len(shape)
        mt = "memref<" + "x".join("?" if s is None else str(s) for s in shape) + ("x" if shape else "") + "f32>"
        lines.append(f"  %b{i} = bufferization.to_buffer {val} : {t} to {mt}")
        lines.append(f"  %u{i} = memref.cast %b{i} : {mt} to memref<*xf32>")
        lines.append(f"  func.call @printMemrefF32(%u{i}) : (memref<*xf32>) -> ()")
    lines.append("  return")
    lines.append("}")
    consts = ["  %k37 = arith.constant 0.37 : f32", "  %half = arith.constant 0.5 : f32",
              "  %one = arith.constant 1.0 : f32", "  %zero_idx = arith.constant 0 : index"]
    return "\n".join(lines[:2] + consts + lines[2:]) + "\n"


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


def run(opt, runner, libs, module_path, passes):
    lowered = subprocess.run([opt, module_path] + passes + ["--lower-to-cpu"],
                             capture_output=True, text=True)
    if lowered.returncode:
        sys.exit(f"exec_compare: convbn-opt {' '.join(passes)} failed:\n{lowered.stderr}")
    cmd = [runner, "-e", "main", "-entry-point-result=void"] + [f"-shared-libs={l}" for l in libs]
    ran = subprocess.run(cmd, input=lowered.stdout, capture_output=True, text=True)
    if ran.returncode:
        sys.exit(f"exec_compare: mlir-runner failed ({' '.join(passes)}):\n{ran.stderr}")
    values = []
    for block in ran.stdout.split("Unranked Memref")[1:]:
        data = block.split("data =", 1)[1]
        values.append([float(x) for x in NUMBER.findall(data)])
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--func", required=True)
    parser.add_argument("--passes", default="--fuse-convbn",
                        help="convbn-opt flags of the rewrite under test (space separated)")
    parser.add_argument("--rtol", type=float, default=1e-5)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--opt", default="convbn-opt")
    parser.add_argument("--runner", default="mlir-runner")
    parser.add_argument("--lib-dir", default="/usr/lib/llvm-22/lib")
    args = parser.parse_args()

    source = open(args.file).read()
    arg_types, results = find_signature(source, args.func)
    if not results:
        sys.exit(f"exec_compare: @{args.func} returns nothing to compare")
    module = insert_main(source, make_main(args.func, arg_types, results))
    libs = [os.path.join(args.lib_dir, f"libmlir_{n}.so") for n in ("c_runner_utils", "runner_utils")]
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(module)
        path = f.name
    try:
        reference = run(args.opt, args.runner, libs, path, [])
        rewritten = run(args.opt, args.runner, libs, path, args.passes.split())
    finally:
        os.unlink(path)

    worst, count, bad = 0.0, 0, 0
    for ref, got in zip(reference, rewritten, strict=True):
        if len(ref) != len(got):
            sys.exit(f"exec_compare: result sizes differ ({len(ref)} vs {len(got)})")
        for r, g in zip(ref, got):
            count += 1
            if math.isnan(r) or math.isnan(g) or abs(g - r) > args.atol + args.rtol * abs(r):
                bad += 1
            if not (math.isnan(r) or math.isnan(g)):
                worst = max(worst, abs(g - r) / (abs(r) + args.atol))
    verdict = "agree" if bad == 0 and count else "DISAGREE"
    print(f"@{args.func}: {count} values {verdict} "
          f"(max rel err {worst:.2e}, {bad} outside rtol {args.rtol:g} atol {args.atol:g})")
    return 0 if verdict == "agree" else 1


if __name__ == "__main__":
    sys.exit(main())
