#!/usr/bin/env bash
# The GPU check, in two halves.
#
#   bench/gpu_check.sh prepare [DIR]   here (LLVM/MLIR needed): compiles the
#       bundled example and every ResNet-50 Conv+BN layer shape (batch 32,
#       f32 and f16, tune and eval; default tiles, and thread-tile-z=4) with
#       --lower-to-nvvm into self-contained shared libraries (convbn-aot),
#       plus the example's CPU-path output, and a manifest. Default DIR:
#       build/gpu-check (small: carry it).
#   bench/gpu_check.sh run [DIR] [OUT] on the GPU machine (PyTorch + CUDA
#       driver, no LLVM/MLIR): runs bench/gpu_check.py, which checks every
#       result against PyTorch or the CPU path and times tune and eval per
#       layer beside PyTorch eager and torch.compile with
#       efficient_conv_bn_eval_fx_passes. Writes OUT (markdown).
#
# CHIP (default sm_90, cubin) picks the target; sm_70 builds PTX that the
# driver JIT-compiles.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
action="${1:-prepare}"
dir="${2:-$root/build/gpu-check}"
chip="${CHIP:-sm_90}"

case "$action" in
prepare)
  build="${CONVBN_BUILD_DIR:-$root/build}"
  opt="$build/bin/convbn-opt"
  aot="$build/bin/convbn-aot"
  rm -rf "$dir"
  mkdir -p "$dir"
  entries=()
  for dtype in f32 f16; do
    for mode in tune eval; do
      name="resnet50_${mode}_${dtype}"
      python3 "$root/bench/resnet50_layers.py" --mode "$mode" --dtype "$dtype" \
        > "$dir/$name.mlir"
      "$opt" "$dir/$name.mlir" --lower-to-nvvm="chip=$chip" -o "$dir/$name.llvm.mlir"
      "$aot" "$dir/$name.llvm.mlir" -o "$dir/lib$name.so"
      entries+=("{\"kind\": \"layers\", \"mode\": \"$mode\", \"dtype\": \"$dtype\", \"library\": \"lib$name.so\"}")
    done
  done
  # The same layers with channel-blocked thread tiles (4 output channels per
  # thread, each input window read once for all four), timed after the
  # defaults: the data for choosing the default.
  for dtype in f32 f16; do
    for mode in tune eval; do
      name="resnet50_${mode}_${dtype}_z4"
      "$opt" "$dir/resnet50_${mode}_${dtype}.mlir" \
        --lower-to-nvvm="chip=$chip thread-tile-z=4" -o "$dir/$name.llvm.mlir"
      "$aot" "$dir/$name.llvm.mlir" -o "$dir/lib$name.so"
      entries+=("{\"kind\": \"layers\", \"mode\": \"$mode\", \"dtype\": \"$dtype\", \"variant\": \"z4\", \"library\": \"lib$name.so\"}")
    done
  done
  # The bundled example, fused, with its CPU-path output for comparison.
  "$opt" "$root/examples/resnet_basic_block.mlir" --fuse-convbn \
    --lower-to-nvvm="chip=$chip" -o "$dir/example.llvm.mlir"
  "$aot" "$dir/example.llvm.mlir" -o "$dir/libexample.so"
  python3 "$root/bench/gpu_check.py" --write-example-reference \
    "$root/examples/resnet_basic_block.mlir" --opt "$opt" \
    --artifacts "$dir"
  entries+=("{\"kind\": \"example\", \"library\": \"libexample.so\", \"function\": \"forward\"}")
  python3 "$root/bench/resnet50_layers.py" --list > "$dir/layers.txt"
  (IFS=,; echo "[${entries[*]}]") > "$dir/manifest.json"
  rm -f "$dir"/*.mlir
  echo "prepared $dir ($(du -sh "$dir" | cut -f1)) for $chip"
  ;;
run)
  out="${3:-gpu-check.md}"
  python3 "$root/bench/gpu_check.py" --artifacts "$dir" --out "$out"
  ;;
*)
  echo "usage: $0 prepare|run [DIR] [OUT]" >&2
  exit 2
  ;;
esac
