#!/usr/bin/env python3
"""Compares the gradients a test printed (printMemrefF32 blocks, in order)
with the expected ones in a JSON file written by
scripts/gen_backward_tests.py: every value within rtol times the largest
magnitude of its result (exec_compare's scaled criterion), NaNs nowhere.
Prints one line per case and exits 1 on any disagreement.

  check_gradients.py PRINTED EXPECTED.json
"""

import json
import math
import re
import sys

NUMBER = re.compile(r"-?(?:nan|inf|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")


def main():
    printed, expected_path = sys.argv[1:]
    blocks = open(printed).read().split("Unranked Memref")[1:]
    values = [[float(v) for v in NUMBER.findall(b.split("data =", 1)[1])] for b in blocks]
    cases = json.load(open(expected_path))
    total = sum(len(c["expected"]) for c in cases)
    if len(values) != total:
        sys.exit(f"check_gradients: expected {total} printed results, got {len(values)}")
    failures = 0
    position = 0
    for case in cases:
        worst = 0.0
        bad = []
        for name, expected in zip(case["gradients"], case["expected"]):
            got = values[position]
            position += 1
            if len(got) != len(expected):
                bad.append(f"{name}: {len(got)} values, expected {len(expected)}")
                continue
            largest = max((abs(e) for e in expected), default=0.0)
            error = max((abs(g - e) for g, e in zip(got, expected)), default=0.0)
            relative = error / largest if largest else error
            if any(math.isnan(g) for g in got) or not relative <= case["rtol"]:
                bad.append(f"{name}: max error {relative:.2e} of the largest value")
            worst = max(worst, relative)
        if bad:
            failures += 1
            print(f"{case['name']}: DISAGREE ({'; '.join(bad)})")
        else:
            print(f"{case['name']}: agree (max error {worst:.1e} of the largest value)")
    print(f"{len(cases) - failures} of {len(cases)} cases agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
