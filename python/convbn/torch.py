"""PyTorch entry point: ``convbn.torch.compile(module, example_inputs, ...)``.

The module is imported through torch-mlir's FX importer (linalg on tensors,
or TOSA lowered by ``tosa-to-convbn``), every Conv -> BatchNorm pair is fused
into ``convbn.conv_bn`` in the requested mode, and the result is lowered
and JIT-compiled. Needs torch and torch-mlir (``pip install convbn[torch]``).
"""

import time
import warnings
from typing import List, Optional, Sequence

import numpy as np

from convbn_mlir import ir

from . import iree_cpu
from .compiler import (MODES, CompileError, CPUFunction, PairReport,
                       function_type, pair_reports, parse, run_pipeline)

FORMS = ("linalg", "tosa")
TARGETS = ("cpu", "cuda")
BACKENDS = ("auto", "iree", "jit")


def _require_torch():
    try:
        import torch  # noqa: F401
        from torch_mlir import fx  # noqa: F401
    except ImportError as e:
        raise ImportError("convbn.torch needs torch and torch-mlir "
                          "(pip install convbn[torch]): " + str(e)) from None


def export_mlir(module, example_inputs: Sequence, form: str = "linalg") -> str:
    """The module as MLIR text, from torch-mlir's FX importer: linalg on
    tensors (``form="linalg"``) or the TOSA dialect (``"tosa"``); the
    function is ``@forward``, the parameters constants."""
    _require_torch()
    from torch_mlir import fx
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, got {form!r}")
    output_type = {"linalg": "linalg-on-tensors", "tosa": "tosa"}[form]
    imported = fx.export_and_import(module, *example_inputs,
                                    output_type=output_type,
                                    func_name="forward")
    return imported.operation.get_asm(enable_debug_info=False)


def _fuse_pipeline(form, mode):
    fuse_options = f"mode={mode} remarks=true"
    if form == "tosa":
        return f"builtin.module(tosa-to-convbn{{fuse={{{fuse_options}}}}})"
    return f"builtin.module(fuse-convbn{{{fuse_options}}})"


class CompiledModule:
    """A compiled ``torch.nn.Module``: call it with tensors like the module;
    ``report()`` lists what happened to every convolution, ``mlir`` is the
    fused module's text, ``backend`` what runs it ("iree", "jit" or
    "cuda") and
    ``compile_seconds`` how long it all took."""

    def __init__(self, name, function, reports, mlir, compile_seconds,
                 single_output, backend):
        self.name = name
        self.backend = backend
        self._function = function
        self._reports = reports
        self.mlir = mlir
        self.compile_seconds = compile_seconds
        self._single_output = single_output

    def report(self) -> List[PairReport]:
        """One entry per convolution of the imported graph, in order:
        fused, or not and why (the pass's `not fused:` remark)."""
        return list(self._reports)

    @property
    def fused_pairs(self):
        return sum(r.fused for r in self._reports)

    def __call__(self, *inputs):
        import torch
        if self.backend == "cuda" and all(t.is_cuda for t in inputs):
            return self._call_on_device(inputs)
        arrays = [t.detach().cpu().numpy() for t in inputs]
        results = self._function(*arrays)
        if not isinstance(results, tuple):
            results = (results,)
        tensors = tuple(torch.from_numpy(np.asarray(r)) for r in results)
        return tensors[0] if self._single_output else tensors

    def _call_on_device(self, inputs):
        # CUDA tensors in and out, no copies: the compiled function reads
        # and writes the tensors' device memory (dense, 16-byte aligned).
        import torch
        function = self._function
        device = inputs[0].device
        dtypes = {"f32": torch.float32, "f16": torch.float16,
                  "f64": torch.float64, "i64": torch.int64,
                  "i32": torch.int32, "i1": torch.bool}
        inputs = [t.detach().contiguous() for t in inputs]
        outputs = [torch.empty(shape, dtype=dtypes[element], device=device)
                   for shape, element in function.results]
        function.call_device([t.data_ptr() for t in inputs],
                             [t.data_ptr() for t in outputs])
        return outputs[0] if self._single_output else tuple(outputs)


def compile(module, example_inputs: Sequence, mode: str = "auto",
            target: str = "cpu", form: str = "linalg",
            backend: str = "auto", opt_level: int = 3,
            threads: Optional[int] = None,
            chip: str = "sm_70", allow_tf32: bool = False) -> CompiledModule:
    """Compiles ``module`` (in eval mode: its batch norms use their running
    statistics) for ``example_inputs``' shapes.

    ``mode``: "auto" (deploy: the parameters are constants), "tune", "eval"
    or "deploy" -- the mode of every fused pair. ``target``: "cpu" or
    "cuda" (``lower-to-nvvm{chip=...}`` and convbn's CUDA runtime,
    :class:`convbn.cuda.CUDAFunction`; CUDA tensors are passed without
    copies, others are copied to the device and back; a call needs a GPU;
    ``allow_tf32``: f32 convolutions on tensor cores as TF32 from sm_80, as
    ``torch.backends.cudnn.allow_tf32``, off by default). ``form``: the
    torch-mlir output the fusion starts from, "linalg"
    or "tosa". ``backend`` (CPU): "iree" (IREE's llvm-cpu compiler and
    runtime, :mod:`convbn.iree_cpu`; ``threads`` 1 or every core), "jit"
    (``lower-to-cpu`` and MLIR's ExecutionEngine at ``opt_level``: scalar
    loops, 5x slower) or "auto" (IREE when installed).
    """
    name = type(module).__name__
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
    if target == "cuda":
        backend = "cuda"
    else:
        backend = _choose_backend(backend)
    start = time.perf_counter()
    try:
        text = export_mlir(module, example_inputs, form)
    except Exception as e:
        raise CompileError(f"convbn.torch.compile({name}): torch-mlir could "
                           f"not import the module: {e}") from e
    return compile_mlir(text, name, mode, form, backend, opt_level, threads,
                        time.perf_counter() - start, chip=chip,
                        allow_tf32=allow_tf32)


def _choose_backend(backend):
    if backend == "cuda":
        return backend
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend != "auto":
        return backend
    if iree_cpu.available():
        return "iree"
    warnings.warn("convbn.torch: IREE is not installed, running on convbn's "
                  "own lower-to-cpu (scalar loops, about 5x slower); "
                  "pip install convbn[iree]", RuntimeWarning, stacklevel=3)
    return "jit"


def compile_mlir(text: str, name: str, mode: str = "auto",
                 form: str = "linalg", backend: str = "auto",
                 opt_level: int = 3, threads: Optional[int] = None,
                 seconds_so_far: float = 0.0,
                 chip: str = "sm_70", allow_tf32: bool = False) -> CompiledModule:
    """What :func:`compile` does after the import: ``text`` is torch-mlir's
    output for the module ``name`` (export it once with
    :func:`export_mlir`, compile it in several modes). ``backend="cuda"``
    is ``target="cuda"``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    backend = _choose_backend(backend)
    start = time.perf_counter() - seconds_so_far
    context = ir.Context()
    try:
        mlir_module = parse(text, context)
        remarks = run_pipeline(mlir_module, _fuse_pipeline(form, mode))
        reports = pair_reports(remarks)
        fused_text = str(mlir_module)
        single = len(function_type(mlir_module, "forward").results) == 1
        if backend == "cuda":
            from .cuda import CUDAFunction
            function = CUDAFunction(mlir_module, "forward", chip=chip,
                                    opt_level=min(opt_level, 2),
                                    allow_tf32=allow_tf32)
        elif backend == "iree":
            function = iree_cpu.IREEFunction(mlir_module, "forward",
                                             threads=threads)
        else:
            function = CPUFunction(mlir_module, "forward", opt_level=opt_level)
    except CompileError as e:
        raise CompileError(f"convbn.torch.compile({name}): {e}",
                           e.diagnostics) from None
    return CompiledModule(name, function, reports, fused_text,
                          time.perf_counter() - start, single, backend)
