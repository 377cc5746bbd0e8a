# Sourced: `. scripts/python-env.sh` activates the venv of
# scripts/setup-python.sh (which pip-installs convbn_mlir and convbn into it)
# and puts python/ first on PYTHONPATH, so that edits to the convbn package
# take effect without reinstalling; C++ changes need setup-python.sh again.
_convbn_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "${CONVBN_VENV:-$_convbn_root/.venv}/bin/activate"
export PYTHONPATH="$_convbn_root/python${PYTHONPATH:+:$PYTHONPATH}"
unset _convbn_root
