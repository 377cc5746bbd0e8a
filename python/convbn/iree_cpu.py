"""Running convbn's output through IREE on the CPU.

convbn's own ``lower-to-cpu`` lowers linalg to scalar loops: correct, and
fine for tests, but 5x slower than IREE on a ResNet-18 (docs/performance.md).
IREE (``iree-base-compiler`` and ``iree-base-runtime`` from PyPI) tiles,
packs and vectorises linalg; it reads convbn's output once the convbn ops are
rewritten to linalg (``convert-convbn-to-linalg``), as MLIR text: IREE 3.13
cannot read MLIR 22's bytecode. What the fusion bought (one convolution per
Conv -> BN pair, the filter folded at compile time in deploy mode or on the
fly in tune mode) carries over to IREE's dispatches.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from typing import Optional, Sequence

import numpy as np

from convbn_mlir import ir

from .compiler import CompileError, first_error, run_pipeline


# iree-compile flags: this machine's CPU; and IREE keeps torch's NCHW
# convolutions as they come unless told otherwise. Rewriting them to
# channels-last (NHWC, HWCF filters) in its preprocessing lets its CPU
# backend vectorise along the channels: 2-4x faster on ResNets here
# (docs/performance.md, "CPU inference"). IREE 3.13's rewrite fails on some
# modules: convolutions that already have an FHWC filter (TOSA's spelling;
# "'tensor.collapse_shape' op expected dimension 0 of collapsed type to be
# static value of 9"), so it is not tried on those, and ResNet-50 in tune
# mode (its strided 1x1 convolutions with the filter folded in the graph
# exceed the stack limit of a dispatch), so a module it fails on is
# compiled again without it, with a warning.
FLAGS = ("--iree-llvmcpu-target-cpu=host",)
CHANNELS_LAST_FLAGS = (
    "--iree-preprocessing-pass-pipeline=builtin.module(util.func("
    "iree-preprocessing-convert-conv-to-channels-last))",
)
_FHWC_CONVOLUTION = re.compile(r"linalg\.conv_2d_\w*_fhwc\b")


def compile_to_vmfb(text: str, extra_args: Sequence[str] = (),
                    channels_last: Optional[bool] = None) -> bytes:
    """IREE's llvm-cpu compilation of MLIR text (linalg, no convbn ops) with
    :data:`FLAGS` and, where IREE manages, :data:`CHANNELS_LAST_FLAGS`
    (``channels_last``: None tries them on modules without FHWC filters,
    True on every module, False never); a :class:`CompileError` if IREE
    rejects the module."""
    tool = _iree_compile_tool()

    def attempt(flags):
        with tempfile.TemporaryDirectory(prefix="convbn-iree-") as tmp:
            output = os.path.join(tmp, "module.vmfb")
            run = subprocess.run(
                [tool, "-", "--iree-hal-target-device=local",
                 "--iree-hal-local-target-device-backends=llvm-cpu",
                 *FLAGS, *flags, *extra_args, "-o", output],
                input=text.encode(), capture_output=True)
            if run.returncode != 0:
                return None, run.stderr.decode(errors="replace")
            with open(output, "rb") as f:
                return f.read(), None

    if channels_last is None:
        channels_last = not _FHWC_CONVOLUTION.search(text)
    channels_last_errors = None
    if channels_last:
        vmfb, channels_last_errors = attempt(CHANNELS_LAST_FLAGS)
        if vmfb is not None:
            return vmfb
    vmfb, errors = attempt(())
    if vmfb is None:
        raise CompileError("iree-compile rejected convbn's output: "
                           f"{_first_lines(errors)}")
    if channels_last_errors is not None:
        # Only the rewrite failed: the module itself compiles.
        warnings.warn("IREE's channels-last rewrite failed on this module; "
                      "compiled without it (slower): "
                      f"{first_error(channels_last_errors, channels_last_errors)}", RuntimeWarning,
                      stacklevel=2)
    return vmfb


def _iree_compile_tool() -> str:
    # The tool ships inside the iree-base-compiler wheel. It is run as a
    # process, not through iree.compiler's Python API: importing that loads
    # IREE's own MLIR bindings, whose nanobind symbols break a later import
    # of upstream's `mlir` package in the same interpreter.
    _require_iree()
    spec = importlib.util.find_spec("iree.compiler")
    for directory in spec.submodule_search_locations or ():
        tool = os.path.join(directory, "_mlir_libs", "iree-compile")
        if os.access(tool, os.X_OK):
            return tool
    tool = shutil.which("iree-compile")
    if tool is None:
        raise ImportError("iree-base-compiler is installed but its "
                          "iree-compile tool was not found")
    return tool


def load(vmfb: bytes, name: str, threads: Optional[int] = None):
    """The function ``name`` of a compiled module, in a fresh IREE runtime
    context: on the calling thread (``threads=1``, ``local-sync``) or on
    IREE's task executor over every core (``None``)."""
    _require_iree()
    import iree.runtime as iree_runtime
    if threads is not None and threads != 1:
        raise ValueError("threads must be 1 or None (every core), "
                         f"got {threads!r}")
    driver = "local-sync" if threads == 1 else "local-task"
    context = iree_runtime.SystemContext(config=iree_runtime.Config(driver))
    context.add_vm_module(iree_runtime.VmModule.copy_buffer(
        context.instance, vmfb))
    try:
        return context.modules.module[name]
    except KeyError:
        raise CompileError(f"no function @{name} in the module") from None


def available() -> bool:
    """Whether IREE's compiler and runtime are installed (nothing is
    imported: see :func:`_iree_compile_tool`)."""
    try:
        return all(importlib.util.find_spec(name) is not None
                   for name in ("iree.compiler", "iree.runtime"))
    except ModuleNotFoundError:  # no `iree` package at all
        return False


def _require_iree():
    if not available():
        raise ImportError("the IREE backend needs iree-base-compiler and "
                          "iree-base-runtime (pip install convbn[iree])")


class IREEFunction:
    """One function of a module, compiled by IREE for this machine's CPU
    (``llvm-cpu``, :func:`compile_to_vmfb`) and loaded into an IREE runtime
    context; called with numpy arrays, it returns a numpy array
    or a tuple of them, as :class:`convbn.compiler.CPUFunction` does.

    ``threads``: 1 runs on the calling thread (IREE's ``local-sync``
    driver); ``None`` uses IREE's task executor on every core.
    ``extra_args``: further ``iree-compile`` flags.
    The module is consumed: its convbn ops are rewritten to linalg."""

    def __init__(self, module: ir.Module, name: str = "forward",
                 threads: Optional[int] = None,
                 extra_args: Sequence[str] = ()):
        self.name = name
        run_pipeline(module, "builtin.module(convert-convbn-to-linalg)")
        self.vmfb = compile_to_vmfb(
            module.operation.get_asm(enable_debug_info=True), extra_args)
        self._function = load(self.vmfb, name, threads)

    def __call__(self, *arrays):
        results = self._function(*[np.ascontiguousarray(a) for a in arrays])
        if isinstance(results, (tuple, list)):
            return tuple(np.asarray(r.to_host()) for r in results)
        return np.asarray(results.to_host())


def _first_lines(text, count=12):
    lines = text.strip().splitlines()
    cut = lines[:count]
    if len(lines) > count:
        cut.append(f"... ({len(lines) - count} more lines)")
    return os.linesep.join(cut)
