"""Compares the numbers two runs printed (printMemref output) within
atol + rtol * |reference|: compare_printed.py REFERENCE OTHER RTOL ATOL."""

import re
import sys

NUMBER = re.compile(r"-?(?:nan|inf|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")


def numbers(path):
    text = open(path).read()
    return [float(x) for block in text.split("data =")[1:] for x in NUMBER.findall(block)]


reference, other = numbers(sys.argv[1]), numbers(sys.argv[2])
rtol, atol = float(sys.argv[3]), float(sys.argv[4])
if len(reference) != len(other) or not reference:
    sys.exit(f"different counts: {len(reference)} vs {len(other)}")
bad = sum(abs(o - r) > atol + rtol * abs(r) for r, o in zip(reference, other))
print(f"{len(reference)} values, {bad} outside rtol {rtol:g} atol {atol:g}")
sys.exit(1 if bad else 0)
