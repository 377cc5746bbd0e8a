#!/usr/bin/env python3
"""Writes the PTX of every `gpu.binary` in an MLIR file (format=isa) to
OUTDIR/<binary>.ptx and prints their paths: the bridge from convbn-opt's
output to ptxas.

  extract_ptx.py FILE OUTDIR
"""

import os
import re
import sys


def unescape(text):
    """MLIR string literal escapes: \\n, \\", \\\\ and \\XX hex bytes."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in "\\\"":
            out += nxt.encode()
            i += 2
        elif nxt == "n":
            out += b"\n"
            i += 2
        elif nxt == "t":
            out += b"\t"
            i += 2
        else:
            out.append(int(text[i + 1:i + 3], 16))
            i += 3
    return out.decode()


BINARY = re.compile(
    r'gpu\.binary @(\w+)\s*\[#gpu\.object<#nvvm\.target<[^>]*>,'
    r'\s*(?:properties = \{[^}]*\},\s*)?(?:assembly = )?"((?:[^"\\]|\\.)*)"')


def binaries(source):
    """(name, PTX text) of every PTX gpu.binary in an MLIR module's text."""
    return [(m.group(1), unescape(m.group(2))) for m in BINARY.finditer(source)]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kernels = binaries(open(sys.argv[1]).read())
    if not kernels:
        sys.exit("extract_ptx: no PTX gpu.binary found (format=isa?)")
    os.makedirs(sys.argv[2], exist_ok=True)
    for name, ptx in kernels:
        path = os.path.join(sys.argv[2], name + ".ptx")
        with open(path, "w") as f:
            f.write(ptx)
        print(path)


if __name__ == "__main__":
    main()
