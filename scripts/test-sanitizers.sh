#!/usr/bin/env bash
# Builds convbn with AddressSanitizer (and LeakSanitizer) and
# UndefinedBehaviorSanitizer in build-asan/ and runs the whole lit suite there
# (docs/testing.md, "Sanitizers"). Installs what is missing first
# (scripts/setup.sh). Exits non-zero when any test fails; ends with
# "N passed, N failed".
#
# Environment:
#   CONVBN_ASAN_BUILD_DIR  the build directory (default: build-asan/)
#   CONVBN_SANITIZERS      LLVM_USE_SANITIZER (default: "Address;Undefined")
#   CONVBN_JOBS            ninja -j (default: ninja's)
#   CONVBN_LIT_ARGS        more lit arguments (e.g. --filter-out REGEX, as
#                          .ci/run passes to keep CI's time down)
#   ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS
#                          added after the suite's own (test/lit.cfg.py)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVBN_ASAN_BUILD_DIR:-$root/build-asan}"
sanitizers="${CONVBN_SANITIZERS:-Address;Undefined}"

CONVBN_BUILD_DIR="$build" CONVBN_CMAKE_ARGS="-DLLVM_USE_SANITIZER=$sanitizers" \
  "$root/scripts/setup.sh" || exit 1

results="$build/test-results.xml"
read -r -a lit_args <<<"${CONVBN_LIT_ARGS:-}"
/usr/lib/llvm-22/bin/lit -sv "$build/test" --xunit-xml-output "$results" "${lit_args[@]}"
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import sys
import xml.etree.ElementTree as ET
total = failed = skipped = 0
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    if case.find("skipped") is not None:
        skipped += 1  # --filter-out, UNSUPPORTED
        continue
    total += 1
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
print(total - failed, failed, skipped)
PY
)
if [ -z "${passed:-}" ]; then
  echo "FAIL: no test results in $results"
  passed=0
  failed=1
fi

echo "sanitizers: $sanitizers ($build)"
echo "$passed passed, $failed failed, ${skipped:-0} skipped"
[ "$failed" -eq 0 ]
