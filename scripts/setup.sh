#!/usr/bin/env bash
# Installs whatever convbn needs that is missing (Debian packages), then
# configures and builds it in build/. Idempotent: a second run only rebuilds
# what changed. Sourced or run by demo.sh and test.sh.
#
# Environment:
#   CONVBN_BUILD_DIR   the build directory (default: build/)
#   CONVBN_CMAKE_ARGS  more cmake arguments (e.g. -DLLVM_USE_SANITIZER=Address,
#                      as scripts/test-sanitizers.sh passes), applied to an
#                      existing build directory too
#   CONVBN_JOBS        ninja -j (default: ninja's)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVBN_BUILD_DIR:-$root/build}"
llvm=/usr/lib/llvm-22

packages=(cmake ninja-build g++ python3 llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
          libgtest-dev)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

read -r -a cmake_args <<<"${CONVBN_CMAKE_ARGS:-}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR="$llvm/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$llvm/bin/lit" "${cmake_args[@]}" >/dev/null
elif ((${#cmake_args[@]})); then
  cmake -B "$build" "${cmake_args[@]}" >/dev/null
fi
# convbn-runtime: the CUDA runtime (shared and static), the fake driver and
# the runtime's unit tests (runtime/); convbn-test-depends: whatever else the
# lit suite runs (the C API test program, the mlir-opt plugin).
ninja -C "$build" ${CONVBN_JOBS:+-j "$CONVBN_JOBS"} convbn-opt convbn-doc convbn-runtime \
  convbn-test-depends
