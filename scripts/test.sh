#!/usr/bin/env bash
# Sets convbn up (scripts/setup.sh, scripts/setup-python.sh), then runs every
# test: the lit suite (test/), the Python tests (python/test, pytest) and a
# check that the committed generated docs match the ODS.
# Exits non-zero when any test fails; ends with "N passed, N failed".
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" || exit 1
build="${CONVBN_BUILD_DIR:-$root/build}"

passed=0
failed=0

# "passed failed skipped" of a JUnit XML file (lit's, pytest's); a file
# that is missing or unreadable counts as one failure (the runner died).
count_results() {
  python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 1, 0)
    sys.exit()
total = failed = skipped = 0
for case in root.iter("testcase"):
    if case.find("skipped") is not None:
        skipped += 1  # UNSUPPORTED (REQUIRES: cuda-gpu without a GPU), skips
        continue
    total += 1
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
print(total - failed, failed, skipped)
PY
}

# The Python packages (docs/python.md): .venv/ and build-python/. First,
# because lit uses tools the venv brings (nvdisasm for the kernel report).
python_ready=0
"$root/scripts/setup-python.sh" && python_ready=1

results="$build/test-results.xml"
/usr/lib/llvm-22/bin/lit -sv "$build/test" --xunit-xml-output "$results"
read -r lit_passed lit_failed lit_skipped < <(count_results "$results")
passed=$((passed + lit_passed))
failed=$((failed + lit_failed))

# pytest, counted like lit's results.
if [ "$python_ready" = 1 ]; then
  py_results="${CONVBN_PYTHON_BUILD_DIR:-$root/build-python}/pytest-results.xml"
  rm -f "$py_results"
  (. "$root/scripts/python-env.sh" &&
   python -m pytest -q -rs -n "${CONVBN_PYTEST_JOBS:-2}" "$root/python/test" \
     --junitxml "$py_results")
  read -r py_passed py_failed py_skipped < <(count_results "$py_results")
  passed=$((passed + py_passed))
  failed=$((failed + py_failed))
  lit_skipped=$((${lit_skipped:-0} + py_skipped))
else
  echo "FAIL: scripts/setup-python.sh"
  failed=$((failed + 1))
fi

# The build regenerates docs/generated from ODS: a difference from what is
# committed means someone changed ODS without committing the new reference.
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  if git -C "$root" diff --quiet -- docs/generated &&
     [ -z "$(git -C "$root" ls-files --others --exclude-standard docs/generated)" ]; then
    passed=$((passed + 1))
  else
    echo "FAIL: docs/generated differs from the ODS; commit the regenerated docs"
    git -C "$root" status --short docs/generated
    failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed, ${lit_skipped:-0} skipped"
[ "$failed" -eq 0 ]
