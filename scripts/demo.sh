#!/usr/bin/env bash
# Sets convbn up (scripts/setup.sh), then runs the main job on the bundled
# example: examples/resnet_basic_block.mlir, a torchvision BasicBlock exported
# by torch-mlir (linalg on tensors). It fuses every Conv+BN pair into
# convbn.conv_bn, reports what it fused, and runs the original and the fused
# module on the CPU on the same inputs to show they agree.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" >/dev/null
build="${CONVBN_BUILD_DIR:-$root/build}"
opt="$build/bin/convbn-opt"
llvm=/usr/lib/llvm-22
example="${1:-$root/examples/resnet_basic_block.mlir}"
func="${2:-forward}"

echo "== convbn-opt --fuse-convbn=remarks=true $(basename "$example")"
"$opt" "$example" --fuse-convbn=remarks=true -o /dev/null 2>&1 |
  sed -n 's/^.*remark: /  /p'

echo "== the fused ops"
"$opt" "$example" --fuse-convbn | grep -o 'convbn\.conv_bn [a-z]* [a-z_]*.*epsilon = [^ ]*' |
  sed 's/^/  /'

echo "== original vs fused, on the CPU (--lower-to-cpu | mlir-runner)"
python3 "$root/utils/exec_compare.py" "$example" --func "$func" \
  --opt "$opt" --runner "$llvm/bin/mlir-runner" --lib-dir "$llvm/lib" \
  --passes=--fuse-convbn | sed 's/^/  /'

echo "== original vs the fused GPU launches, run as host loops (no GPU needed)"
python3 "$root/utils/exec_compare.py" "$example" --func "$func" \
  --opt "$opt" --runner "$llvm/bin/mlir-runner" --lib-dir "$llvm/lib" \
  "--passes=--fuse-convbn --convbn-gpu-launches --convbn-gpu-launch-to-host-loops" |
  sed 's/^/  /'

echo "== convbn-opt --fuse-convbn --lower-to-nvvm (V100: PTX for sm_70)"
gpu="$(mktemp --suffix=.mlir)"
trap 'rm -f "$gpu"' EXIT
"$opt" "$example" --fuse-convbn --lower-to-nvvm -o "$gpu"
grep -o '@[a-z_0-9]*::@[a-z_0-9]*' "$gpu" |
  sed 's/^/  launch /' || true
ptxas=/usr/local/cuda/bin/ptxas
if [ -x "$ptxas" ]; then
  python3 "$root/utils/check_ptx.py" "$gpu" --ptxas "$ptxas" --gpu sm_75 --gpu sm_90 |
    sed 's/^/  /'
else
  python3 "$root/utils/check_ptx.py" "$gpu" | sed 's/^/  /'
  echo "  (no ptxas at $ptxas: PTX not assembled)"
fi
