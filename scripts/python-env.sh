# Sourced: `. scripts/python-env.sh` activates the venv of
# scripts/setup-python.sh and puts convbn_mlir (build-python/) and the convbn
# package (python/) on PYTHONPATH.
_convbn_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "${CONVBN_VENV:-$_convbn_root/.venv}/bin/activate"
export PYTHONPATH="${CONVBN_PYTHON_BUILD_DIR:-$_convbn_root/build-python}/python_packages:$_convbn_root/python${PYTHONPATH:+:$PYTHONPATH}"
unset _convbn_root
