#!/usr/bin/env python3
"""Checks the PTX kernels of a module lowered by `--lower-to-nvvm` (format
isa): every kernel is accepted by ptxas for each --gpu (when ptxas is given),
no libdevice function is left unresolved, and every kernel's block has at
least --min-threads threads. Prints a summary for FileCheck; exits 1 when a
check fails.

  check_ptx.py FILE [--ptxas PATH] [--gpu sm_75 --gpu sm_90] [--min-threads 64]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_ptx import binaries  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--ptxas")
    parser.add_argument("--gpu", action="append", default=[])
    parser.add_argument("--min-threads", type=int, default=64)
    args = parser.parse_args()

    kernels = binaries(open(args.file).read())
    ok = bool(kernels)
    print(f"kernels: {len(kernels)}")

    externs = [name for name, ptx in kernels if re.search(r"\.extern \.func[^\n]*__nv_", ptx)]
    print(f"unresolved __nv externs: {len(externs)}")
    ok &= not externs

    threads = []
    for name, ptx in kernels:
        dims = re.search(r"\.maxntid\s+(\d+),\s*(\d+),\s*(\d+)", ptx)
        threads.append(int(dims.group(1)) * int(dims.group(2)) * int(dims.group(3)) if dims else 0)
    smallest = min(threads) if threads else 0
    print(f"min threads per block: {smallest} (required {args.min_threads})")
    ok &= smallest >= args.min_threads

    targets = sorted({t for _, ptx in kernels for t in re.findall(r"^\.target (\w+)", ptx, re.M)})
    print(f"ptx targets: {' '.join(targets)}")

    if args.ptxas:
        with tempfile.TemporaryDirectory() as tmp:
            for gpu in args.gpu:
                accepted = 0
                for name, ptx in kernels:
                    path = os.path.join(tmp, name + ".ptx")
                    with open(path, "w") as f:
                        f.write(ptx)
                    run = subprocess.run([args.ptxas, "--gpu-name", gpu, path, "-o",
                                          os.path.join(tmp, name + ".cubin")],
                                         capture_output=True, text=True)
                    if run.returncode == 0:
                        accepted += 1
                    else:
                        sys.stderr.write(f"ptxas {gpu} rejected {name}:\n{run.stderr}")
                print(f"ptxas {gpu}: {accepted}/{len(kernels)} accepted")
                ok &= accepted == len(kernels)
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
