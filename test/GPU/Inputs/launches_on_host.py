"""Runs every given module before and after `--fuse-convbn --convbn-gpu-launches
--convbn-gpu-launch-to-host-loops` (the GPU launches of lower-to-nvvm, run as
host loops) with exec_compare.py, and prints one line per module. f16 modules
(`f16` in the name) are compared at rtol = atol = 1e-2, the others at 1e-5."""

import os
import subprocess
import sys

exec_compare, opt, runner, lib_dir, *files = sys.argv[1:]
failures = 0
for path in files:
    tolerance = "1e-2" if "f16" in os.path.basename(path) else "1e-5"
    run = subprocess.run(
        [sys.executable, exec_compare, path, "--all-funcs", "--quiet", "--opt", opt,
         "--runner", runner, "--lib-dir", lib_dir, "--rtol", tolerance, "--atol", tolerance,
         "--passes=--fuse-convbn --convbn-gpu-launches --convbn-gpu-launch-to-host-loops"],
        capture_output=True, text=True)
    name = os.path.join(os.path.basename(os.path.dirname(path)), os.path.basename(path))
    if run.returncode:
        failures += 1
        print(f"{name}: FAILED\n{run.stdout}{run.stderr}")
    else:
        print(f"{name}: agree")
print(f"{failures} failed")
sys.exit(1 if failures else 0)
