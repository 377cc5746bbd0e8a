"""Fusing, lowering and running MLIR modules through convbn_mlir.

Everything here works on ``convbn_mlir.ir.Module``s or MLIR text; nothing
needs torch.
"""

import ctypes
import dataclasses
from typing import List, Optional, Sequence

import numpy as np

from convbn_mlir import ir, passmanager
from convbn_mlir.execution_engine import ExecutionEngine
from convbn_mlir.runtime import (get_ranked_memref_descriptor,
                                 make_nd_memref_descriptor,
                                 ranked_memref_to_numpy)

MODES = ("auto", "tune", "eval", "deploy")


class CompileError(Exception):
    """A pipeline or the parser rejected the input. ``diagnostics`` holds the
    :class:`Remark`s (errors and their notes) that say why."""

    def __init__(self, message, diagnostics=()):
        self.diagnostics = list(diagnostics)
        details = "".join(f"\n  {d}" for d in self.diagnostics)
        super().__init__(message + details)


@dataclasses.dataclass(frozen=True)
class Remark:
    """One diagnostic: ``severity`` is "error", "warning", "note" or
    "remark"; ``location`` is MLIR's text of the location."""

    severity: str
    location: str
    message: str

    def __str__(self):
        return f"{self.location}: {self.severity}: {self.message}"


_SEVERITY = {
    ir.DiagnosticSeverity.ERROR: "error",
    ir.DiagnosticSeverity.WARNING: "warning",
    ir.DiagnosticSeverity.NOTE: "note",
    ir.DiagnosticSeverity.REMARK: "remark",
}


def _collect(diagnostic, into):
    into.append(Remark(_SEVERITY[diagnostic.severity],
                       str(diagnostic.location), diagnostic.message))
    for note in diagnostic.notes:
        _collect(note, into)


def _errors(error: ir.MLIRError) -> List[Remark]:
    return [Remark("error", str(d.location), d.message)
            for d in error.error_diagnostics]


def first_error(diagnostics: str, fallback: str = "") -> str:
    """The message of the first `error:` line of printed MLIR diagnostics,
    without the op some tools print after it (``: %x = ...``); ``fallback``'s
    first line when there is none."""
    for line in diagnostics.splitlines():
        if "error:" in line:
            message = line[line.index("error:") + len("error:"):].strip()
            return message.split(": %")[0]
    return fallback.splitlines()[0] if fallback else ""


def parse(text: str, context: Optional[ir.Context] = None) -> ir.Module:
    """Parses MLIR text (any dialect: every upstream dialect and convbn are
    registered) into ``context`` or the current one."""
    context = context or ir.Context.current
    try:
        return ir.Module.parse(text, context)
    except ir.MLIRError as e:
        raise CompileError("cannot parse the input", _errors(e)) from None


def run_pipeline(module: ir.Module, pipeline: str) -> List[Remark]:
    """Runs a textual pipeline (``builtin.module(...)``) on ``module`` in
    place and returns every remark and warning it emitted; raises
    :class:`CompileError` with the errors if it fails."""
    diagnostics: List[Remark] = []

    def handler(diagnostic):
        _collect(diagnostic, diagnostics)
        return True

    handle = module.context.attach_diagnostic_handler(handler)
    try:
        pm = passmanager.PassManager.parse(pipeline, module.context)
        try:
            pm.run(module.operation)
        except ir.MLIRError as e:
            raise CompileError(f"{pipeline} failed", _errors(e)) from None
    finally:
        handle.detach()
    return diagnostics


@dataclasses.dataclass(frozen=True)
class PairReport:
    """What ``--fuse-convbn`` did with one convolution: ``fused`` and, when
    not, ``reason`` (its `not fused:` remark)."""

    location: str
    fused: bool
    detail: str

    @property
    def reason(self):
        return None if self.fused else self.detail


def fuse(module: ir.Module, mode: str = "auto") -> List[PairReport]:
    """``--fuse-convbn{mode=...}`` in place; one :class:`PairReport` per
    convolution of the input, in order."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    remarks = run_pipeline(
        module, f"builtin.module(fuse-convbn{{mode={mode} remarks=true}})")
    return pair_reports(remarks)


def pair_reports(remarks: Sequence[Remark]) -> List[PairReport]:
    reports = []
    for r in remarks:
        if r.severity != "remark":
            continue
        if r.message.startswith("fused "):
            reports.append(PairReport(r.location, True, r.message))
        elif r.message.startswith("not fused: "):
            reports.append(PairReport(r.location, False,
                                      r.message[len("not fused: "):]))
    return reports


# Element types a CPUFunction passes: MLIR type -> (numpy dtype, ctypes type).
_ELEMENT = {
    "f32": (np.float32, ctypes.c_float),
    "f64": (np.float64, ctypes.c_double),
    "f16": (np.float16, ctypes.c_uint16),
    "i64": (np.int64, ctypes.c_int64),
    "i32": (np.int32, ctypes.c_int32),
    "i1": (np.bool_, ctypes.c_bool),
}


def _tensor_signature(type_):
    t = ir.RankedTensorType(type_)
    element = str(t.element_type)
    if element not in _ELEMENT:
        raise CompileError(f"unsupported element type {element} at the "
                           "function boundary")
    return t.rank, element


def _find_function(module: ir.Module, name: str):
    for op in module.body.operations:
        if op.operation.name == "func.func" and ir.StringAttr(
                op.attributes["sym_name"]).value == name:
            return op
    raise CompileError(f"no function @{name} in the module")


def function_type(module: ir.Module, name: str) -> ir.FunctionType:
    """The type of the module's ``func.func @name``."""
    return ir.FunctionType(ir.TypeAttr(
        _find_function(module, name).attributes["function_type"]).value)


class CPUFunction:
    """One function of a module lowered by ``lower-to-cpu`` and JIT-compiled
    by MLIR's ExecutionEngine; called with numpy arrays (ranked tensors at the
    boundary), it returns a numpy array or a tuple of them.

    Results are copied out of the buffers the compiled code allocated; those
    buffers are not freed (a result may be a constant global)."""

    def __init__(self, module: ir.Module, name: str = "forward",
                 opt_level: int = 3, shared_libs: Sequence[str] = ()):
        function = _find_function(module, name)
        ftype = function_type(module, name)
        self.name = name
        self.inputs = [_tensor_signature(t) for t in ftype.inputs]
        self.results = [_tensor_signature(t) for t in ftype.results]
        function.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get(
            module.context)
        self.remarks = run_pipeline(module, "builtin.module(lower-to-cpu)")
        self.engine = ExecutionEngine(module, opt_level=opt_level,
                                      shared_libs=list(shared_libs))

    def __call__(self, *arrays):
        if len(arrays) != len(self.inputs):
            raise TypeError(f"@{self.name} takes {len(self.inputs)} arrays, "
                            f"got {len(arrays)}")
        keep = []
        args = []
        for array, (rank, element) in zip(arrays, self.inputs):
            dtype = _ELEMENT[element][0]
            array = np.ascontiguousarray(array, dtype=dtype)
            if array.ndim != rank:
                raise TypeError(f"expected a rank-{rank} array, got shape "
                                f"{array.shape}")
            keep.append(array)
            view = array.view(np.uint16) if element == "f16" else array
            args.append(ctypes.pointer(ctypes.pointer(
                get_ranked_memref_descriptor(view))))
        descriptors = [make_nd_memref_descriptor(rank, _ELEMENT[e][1])()
                       for rank, e in self.results]
        if len(descriptors) == 1:
            out = ctypes.pointer(ctypes.pointer(descriptors[0]))
        else:
            # Several results come back in one struct of descriptors.
            fields = [(f"r{i}", type(d)) for i, d in enumerate(descriptors)]
            packed = type("Results", (ctypes.Structure,), {"_fields_": fields})()
            out = ctypes.pointer(ctypes.pointer(packed))
        self.engine.invoke(self.name, out, *args)
        if len(descriptors) > 1:
            descriptors = [getattr(packed, f"r{i}")
                           for i in range(len(descriptors))]
        results = []
        for d, (_, element) in zip(descriptors, self.results):
            array = ranked_memref_to_numpy(ctypes.pointer(d)).copy()
            if element == "f16":
                array = array.view(np.float16)
            results.append(array)
        return results[0] if len(results) == 1 else tuple(results)


def compile_cpu(text: str, name: str = "forward", mode: Optional[str] = "auto",
                context: Optional[ir.Context] = None):
    """Parses MLIR text, fuses (unless ``mode`` is None), lowers to the CPU
    and returns ``(CPUFunction, [PairReport])``."""
    context = context or ir.Context()
    module = parse(text, context)
    reports = fuse(module, mode) if mode is not None else []
    return CPUFunction(module, name), reports
