#!/usr/bin/env bash
# Regenerate test/Transforms/FuseConvBN/Inputs/{torch,tosa,tosa-dialect}/*.mlir
# from PyTorch models with torch-mlir's FX importer (see docs/frontend-ir.md).
#
# Makes (or reuses) a Python venv outside the repo, installs the pinned
# frontends from PyPI into it, and runs scripts/gen_frontend_ir.py with any
# arguments given here (e.g. --only conv_bn_3x3, --list).
#
#   FRONTEND_VENV  venv directory          (default /tmp/frontend-venv)
#   PYTHON         interpreter for the venv (default python3; 3.11 was used)
#
# The PyPI torch wheel for Linux x86_64 is the CUDA build: with its nvidia-*
# dependencies the venv is ~5.7 GB (a CPU is enough to run it).  Installing
# torch with --no-deps does not work: `import torch` then fails on the missing
# libcufile.so.0.
set -euo pipefail

TORCH_VERSION=2.15.0
TORCHVISION_VERSION=0.29.2
TORCH_MLIR_VERSION=20261001

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${FRONTEND_VENV:-/tmp/frontend-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION" \
  "torch-mlir==$TORCH_MLIR_VERSION"

exec "$venv/bin/python" "$here/gen_frontend_ir.py" "$@"
