"""Fuses and lowers every given module with --lower-to-nvvm for each chip and
checks the PTX (check_ptx.py): prints one line per module and chip."""

import os
import subprocess
import sys
import tempfile

opt, utils, ptxas, chips, *files = sys.argv[1:]
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    for path in files:
        for chip in chips.split(","):
            out = os.path.join(tmp, "out.mlir")
            run = subprocess.run([opt, path, "--fuse-convbn", f"--lower-to-nvvm=chip={chip} format=isa",
                                  "-o", out], capture_output=True, text=True)
            name = os.path.join(os.path.basename(os.path.dirname(path)), os.path.basename(path))
            if run.returncode:
                print(f"{name} {chip}: FAILED to lower\n{run.stderr}")
                failures += 1
                continue
            check = [sys.executable, os.path.join(utils, "check_ptx.py"), out, "--min-threads", "1"]
            if ptxas != "none":
                check += ["--ptxas", ptxas, "--gpu", "sm_90"]
            checked = subprocess.run(check, capture_output=True, text=True)
            verdict = "ok" if checked.returncode == 0 else "FAILED\n" + checked.stdout + checked.stderr
            failures += checked.returncode != 0
            print(f"{name} {chip}: {verdict}")
print(f"{failures} failed")
sys.exit(1 if failures else 0)
