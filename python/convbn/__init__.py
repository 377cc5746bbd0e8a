"""convbn from Python.

``convbn_mlir`` is the MLIR binding (``ir``, ``passmanager``,
``dialects.convbn``); this package builds on it:

- :mod:`convbn.compiler`: fuse, lower and run MLIR modules on the CPU
  (numpy in, numpy out), with the fusion's remarks as a report;
- :mod:`convbn.torch`: ``compile(module, example_inputs, mode=..., target=...)``
  for PyTorch modules (needs torch and torch-mlir);
- :mod:`convbn.iree_cpu`: convbn's output compiled and run by IREE on the
  CPU (convbn.torch's default CPU backend when IREE is installed);
- ``python -m convbn.export``: a torchvision model as MLIR.
"""

from .compiler import (CompileError, CPUFunction, PairReport, Remark,
                       compile_cpu, fuse, parse, run_pipeline)

__all__ = ["CompileError", "CPUFunction", "PairReport", "Remark",
           "compile_cpu", "fuse", "parse", "run_pipeline"]
