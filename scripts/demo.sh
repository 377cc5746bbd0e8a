#!/usr/bin/env bash
# Sets convbn up (scripts/setup.sh), then runs the main job on the bundled
# example: parse and verify examples/resnet_block.mlir, lower its ConvBN
# blocks to linalg, and run the module on the CPU.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" >/dev/null
build="${CONVBN_BUILD_DIR:-$root/build}"
opt="$build/bin/convbn-opt"
llvm=/usr/lib/llvm-22
example="${1:-$root/examples/resnet_block.mlir}"

echo "== $example: parsed and verified, convbn ops by mode"
"$opt" "$example" | grep -o 'convbn\.[a-z_]* [a-z]*' | sort | uniq -c

echo "== lowered to linalg (--convert-convbn-to-linalg): ops by kind"
"$opt" "$example" --convert-convbn-to-linalg |
  grep -oE '(linalg|tensor)\.[a-z_0-9]+' | sort | uniq -c

echo "== run on the CPU (--lower-to-cpu | mlir-runner)"
"$opt" "$example" --lower-to-cpu |
  "$llvm/bin/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$llvm/lib/libmlir_c_runner_utils.so" \
    -shared-libs="$llvm/lib/libmlir_runner_utils.so"
