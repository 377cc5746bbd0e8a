#!/usr/bin/env python3
"""Runs `convbn-opt FILE --fuse-convbn=remarks=true` on each file and
tabulates the remarks: convolutions, fused, and the `not fused:` remarks
grouped by reason, with counts.

  utils/remark_report.py test/Transforms/FuseConvBN/Inputs/arch/*/*.mlir
  utils/remark_report.py --pairs --lines FILE...
  utils/remark_report.py --passes='--convbn-regroup-convs --fuse-convbn=remarks=true' FILE

The pass emits one remark per convolution, so `convs` is the number of
remarks; with the default --passes, a file whose textual count of linalg
convolution ops differs is flagged.

--pairs compares the fused count with the `// conv-bn-pairs: N` line that
scripts/gen_frontend_ir.py --arch writes into each header (Conv2d -> BN pairs
of the torch.fx graph) and exits 1 when a file fuses fewer; files without
that line are listed as skipped and do not fail.

Exit status: 0, 1 (--pairs found a file with fewer fused than pairs), or 2
(convbn-opt failed on a file, or no remark was found where convs exist).
Standard library only.
"""

import argparse
import collections
import os
import re
import shlex
import shutil
import subprocess
import sys

DEFAULT_PASSES = "--fuse-convbn=remarks=true"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

REMARK = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): remark: "
                    r"(?P<msg>.*)$")
PAIRS = re.compile(r"^//\s*conv-bn-pairs:\s*(\d+)", re.MULTILINE)
# Convolution ops as printed in the custom form: `%x = linalg.conv_...` or
# `linalg.depthwise_conv_...` (pooling ops are not convolutions).
CONV_OP = re.compile(r"=\s*linalg\.(?:conv|depthwise_conv)_\w+\b")


def default_opt():
    built = os.path.join(REPO, "build", "bin", "convbn-opt")
    if os.access(built, os.X_OK):
        return built
    return shutil.which("convbn-opt") or built


def run(opt, passes, path):
    """[(line, message)] of every remark at `path`, or raises."""
    cmd = [opt, path, *passes, "-o", os.devnull,
           "--mlir-print-op-on-diagnostic=false"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(map(shlex.quote, cmd))} failed "
                           f"(exit {res.returncode}):\n{res.stderr[-4000:]}")
    remarks = []
    for line in res.stderr.splitlines():
        m = REMARK.match(line)
        if m:
            remarks.append((int(m.group("line")), m.group("msg")))
    return remarks


def analyse(path, remarks):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    pairs = PAIRS.search(text)
    fused = [l for l, msg in remarks if msg.startswith("fused ")]
    not_fused = collections.OrderedDict()
    other = []
    for l, msg in remarks:
        if msg.startswith("not fused: "):
            not_fused.setdefault(msg[len("not fused: "):], []).append(l)
        elif not msg.startswith("fused "):
            other.append((l, msg))
    return {
        "file": path,
        "convs": len(fused) + sum(len(v) for v in not_fused.values()),
        "text_convs": len(CONV_OP.findall(text.split("{-#")[0])),
        "fused": len(fused),
        "not_fused": not_fused,
        "other": other,
        "pairs": int(pairs.group(1)) if pairs else None,
    }


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument("--opt", default=default_opt(),
                    help="convbn-opt to run (default: build/bin/convbn-opt, "
                         "else the one on PATH)")
    ap.add_argument("--passes", default=DEFAULT_PASSES,
                    help="pass arguments, one shell-quoted string (default: "
                         "%(default)s)")
    ap.add_argument("--pairs", action="store_true",
                    help="exit 1 when a file fuses fewer convolutions than "
                         "its header's conv-bn-pairs")
    ap.add_argument("--lines", action="store_true",
                    help="list the line of every not-fused convolution")
    args = ap.parse_args()
    passes = shlex.split(args.passes)

    rows, status = [], 0
    for path in args.files:
        try:
            rows.append(analyse(path, run(args.opt, passes, path)))
        except (RuntimeError, OSError) as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            status = 2

    width = max([len("file")] + [len(r["file"]) for r in rows])
    print(f"{'file':<{width}}  {'convs':>5}  {'pairs':>5}  {'fused':>5}  "
          f"{'not':>5}")
    total = collections.Counter()
    for r in rows:
        nf = sum(len(v) for v in r["not_fused"].values())
        pairs = "-" if r["pairs"] is None else str(r["pairs"])
        print(f"{r['file']:<{width}}  {r['convs']:>5}  {pairs:>5}  "
              f"{r['fused']:>5}  {nf:>5}")
        for reason, lines in sorted(r["not_fused"].items(),
                                    key=lambda kv: (-len(kv[1]), kv[0])):
            where = (" at " + ",".join(map(str, lines))) if args.lines else ""
            print(f"    {len(lines):>4} x not fused: {reason}{where}")
            total[reason] += len(lines)
        for l, msg in r["other"]:
            print(f"         line {l}: {msg}")
        # (Other pipelines may rewrite convolutions before fuse-convbn.)
        if args.passes == DEFAULT_PASSES and r["text_convs"] != r["convs"]:
            print(f"    warning: {r['text_convs']} convolution ops in the "
                  f"text, {r['convs']} remarks")
            if r["convs"] == 0:
                status = max(status, 2)

    if len(rows) > 1 and total:
        print("\nnot fused, all files:")
        for reason, n in sorted(total.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n:>5} x {reason}")

    if args.pairs:
        short = [r for r in rows
                 if r["pairs"] is not None and r["fused"] < r["pairs"]]
        skipped = [r["file"] for r in rows if r["pairs"] is None]
        print()
        for r in short:
            print(f"FAIL {r['file']}: {r['fused']} fused < "
                  f"{r['pairs']} conv-bn-pairs")
        for f in skipped:
            print(f"skipped {f}: no conv-bn-pairs header")
        if short:
            status = max(status, 1)
        else:
            print(f"pairs: every file with a conv-bn-pairs header fuses at "
                  f"least that many ({len(rows) - len(skipped)} files)")
    return status


if __name__ == "__main__":
    sys.exit(main())
