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


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source = open(sys.argv[1]).read()
    os.makedirs(sys.argv[2], exist_ok=True)
    binaries = re.finditer(
        r'gpu\.binary @(\w+)\s*\[#gpu\.object<#nvvm\.target<[^>]*>,'
        r'\s*(?:properties = \{[^}]*\},\s*)?(?:assembly = )?"((?:[^"\\]|\\.)*)"',
        source)
    count = 0
    for match in binaries:
        path = os.path.join(sys.argv[2], match.group(1) + ".ptx")
        with open(path, "w") as f:
            f.write(unescape(match.group(2)))
        print(path)
        count += 1
    if not count:
        sys.exit("extract_ptx: no PTX gpu.binary found (format=isa?)")


if __name__ == "__main__":
    main()
