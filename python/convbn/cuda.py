"""Running convbn's GPU code from Python: ``lower-to-nvvm``, MLIR's
ExecutionEngine for the host side, and convbn's CUDA runtime
(``libconvbn_cuda_runtime.so``, shipped in ``convbn_mlir/_mlir_libs``) for the
driver calls.

The runtime opens the CUDA driver (``libcuda.so.1``, or the library named by
``$CONVBN_CUDA_DRIVER``) on first use; nothing here needs CUDA to compile,
and a call without a usable device raises :class:`CudaError` with the
driver's reason.
"""

import ctypes
import os
from typing import Optional, Sequence

import numpy as np

from convbn_mlir import ir
from convbn_mlir.execution_engine import ExecutionEngine
from convbn_mlir.runtime import make_nd_memref_descriptor

from .compiler import (_ELEMENT, CompileError, _find_function,
                       _tensor_signature, function_type, run_pipeline)

CHIPS = ("sm_70", "sm_75", "sm_80", "sm_86", "sm_89", "sm_90")


class CudaError(RuntimeError):
    """The CUDA runtime could not run a compiled function (no driver, no
    device, or a driver call failed); the message is the runtime's."""


def runtime_library() -> str:
    """The path of convbn's CUDA runtime: ``$CONVBN_CUDA_RUNTIME`` or the
    copy inside the convbn_mlir package."""
    path = os.environ.get("CONVBN_CUDA_RUNTIME")
    if path:
        return path
    from convbn_mlir import _mlir_libs
    return os.path.join(os.path.dirname(_mlir_libs.__file__),
                        "libconvbn_cuda_runtime.so")


class _Runtime:
    """The runtime's C API (convbn_cuda_runtime.h) through ctypes."""

    def __init__(self, path):
        if not os.path.exists(path):
            raise CompileError(f"convbn's CUDA runtime is missing: {path}")
        # RTLD_GLOBAL: the JIT-compiled host code resolves its mgpu* calls
        # in this same copy, so both share the driver and its state.
        lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        lib.convbnCudaAvailable.restype = ctypes.c_int
        lib.convbnCudaLastError.restype = ctypes.c_char_p
        lib.convbnCudaClearLastError.restype = None
        lib.mgpuMemAlloc.restype = ctypes.c_void_p
        lib.mgpuMemAlloc.argtypes = [ctypes.c_uint64, ctypes.c_void_p,
                                     ctypes.c_bool]
        lib.mgpuMemFree.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.mgpuMemcpy.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                   ctypes.c_size_t, ctypes.c_void_p]
        lib.mgpuStreamSynchronize.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.path = path

    def last_error(self):
        return self.lib.convbnCudaLastError().decode(errors="replace")

    def require_device(self):
        if not self.lib.convbnCudaAvailable():
            raise CudaError(f"no usable CUDA device: {self.last_error()}")

    def check(self, what):
        """Raises the runtime's error since the last check, if any."""
        error = self.last_error()
        self.lib.convbnCudaClearLastError()
        if error:
            raise CudaError(f"{what}: {error}")

    def alloc(self, size):
        pointer = self.lib.mgpuMemAlloc(max(size, 1), None, False)
        if not pointer:
            raise CudaError(f"cannot allocate {size} bytes on the device: "
                            f"{self.last_error()}")
        return pointer


_RUNTIMES = {}


def _runtime(path):
    if path not in _RUNTIMES:
        _RUNTIMES[path] = _Runtime(path)
    return _RUNTIMES[path]


def _device_descriptor(pointer, shape, ctype):
    descriptor = make_nd_memref_descriptor(len(shape), ctype)()
    typed = ctypes.cast(ctypes.c_void_p(pointer), ctypes.POINTER(ctype))
    descriptor.allocated = pointer
    descriptor.aligned = typed
    descriptor.offset = 0
    strides = []
    stride = 1
    for size in reversed(shape):
        strides.append(stride)
        stride *= size
    if shape:
        descriptor.shape = (ctypes.c_longlong * len(shape))(*shape)
        descriptor.strides = (ctypes.c_longlong * len(shape))(
            *reversed(strides))
    return descriptor


class CUDAFunction:
    """One function of a module lowered by ``lower-to-nvvm{chip=...}`` and
    JIT-compiled for the host; its kernels are loaded by the CUDA runtime on
    the first call. Called with numpy arrays, it copies them to the device,
    runs, and returns the results as numpy arrays (one, or a tuple). The
    compiled function itself takes device buffers (results as out-params,
    16-byte aligned: docs/gpu.md); :meth:`call_device` passes device
    pointers the caller owns (e.g. ``torch.Tensor.data_ptr()`` of CUDA
    tensors) without copies."""

    def __init__(self, module: ir.Module, name: str = "forward",
                 chip: str = "sm_70", opt_level: int = 2,
                 runtime: Optional[str] = None, allow_tf32: bool = False):
        if chip not in CHIPS:
            raise ValueError(f"chip must be one of {CHIPS}, got {chip!r}")
        self._runtime = _runtime(runtime or runtime_library())
        ftype = function_type(module, name)
        self.name = name
        self.inputs = [_static_signature(t) for t in ftype.inputs]
        self.results = [_static_signature(t) for t in ftype.results]
        _find_function(module, name).attributes["llvm.emit_c_interface"] = (
            ir.UnitAttr.get(module.context))
        # allow_tf32: f32 convolutions on tensor cores as TF32 from sm_80,
        # as torch.backends.cudnn.allow_tf32 (off: exact f32).
        tf32 = "true" if allow_tf32 else "false"
        self.remarks = run_pipeline(
            module,
            f"builtin.module(lower-to-nvvm{{chip={chip} allow-tf32={tf32}}})")
        self.engine = ExecutionEngine(module, opt_level=opt_level,
                                      shared_libs=[self._runtime.path])
        self._initialized = False

    def _initialize(self):
        # The module's constructors load its kernels (gpu.binary's
        # llvm.global_ctors call mgpuModuleLoad): run once, on the first
        # call, when a device is known to be there.
        if not self._initialized:
            self.engine.initialize()
            self._initialized = True
            self._runtime.check("loading the kernels")

    def call_device(self, input_pointers: Sequence[int],
                    result_pointers: Sequence[int]):
        """Runs the function on device buffers: one pointer per input, one
        per result (written), each holding a dense row-major array of the
        signature's shape and element type."""
        if len(input_pointers) != len(self.inputs):
            raise TypeError(f"@{self.name} takes {len(self.inputs)} inputs, "
                            f"got {len(input_pointers)}")
        if len(result_pointers) != len(self.results):
            raise TypeError(f"@{self.name} has {len(self.results)} results, "
                            f"got {len(result_pointers)} buffers")
        self._runtime.require_device()
        self._runtime.check("before the call")
        self._initialize()
        descriptors = [
            _device_descriptor(p, shape, _ELEMENT[element][1])
            for p, (shape, element) in zip(
                list(input_pointers) + list(result_pointers),
                self.inputs + self.results)]
        self.engine.invoke(self.name, *[ctypes.pointer(ctypes.pointer(d))
                                        for d in descriptors])
        self._runtime.lib.mgpuStreamSynchronize(None)
        self._runtime.check(f"@{self.name}")

    def __call__(self, *arrays):
        if len(arrays) != len(self.inputs):
            raise TypeError(f"@{self.name} takes {len(self.inputs)} arrays, "
                            f"got {len(arrays)}")
        runtime = self._runtime
        runtime.require_device()
        runtime.check("before the call")
        lib = runtime.lib
        device = []
        try:
            inputs = []
            for array, (shape, element) in zip(arrays, self.inputs):
                array = np.ascontiguousarray(array,
                                             dtype=_ELEMENT[element][0])
                if array.shape != shape:
                    raise TypeError(f"expected an array of shape {shape}, "
                                    f"got {array.shape}")
                pointer = runtime.alloc(array.nbytes)
                device.append(pointer)
                lib.mgpuMemcpy(pointer, array.ctypes.data, array.nbytes, None)
                inputs.append(pointer)
            outputs = [np.empty(shape, dtype=_ELEMENT[element][0])
                       for shape, element in self.results]
            result_pointers = []
            for out in outputs:
                pointer = runtime.alloc(out.nbytes)
                device.append(pointer)
                result_pointers.append(pointer)
            self.call_device(inputs, result_pointers)
            for out, pointer in zip(outputs, result_pointers):
                lib.mgpuMemcpy(out.ctypes.data, pointer, out.nbytes, None)
            lib.mgpuStreamSynchronize(None)
            runtime.check("copying the results back")
        finally:
            for pointer in device:
                lib.mgpuMemFree(pointer, None)
        return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _static_signature(type_):
    rank, element = _tensor_signature(type_)
    shape = tuple(ir.RankedTensorType(type_).shape)
    if any(ir.ShapedType.is_dynamic_size(s) for s in shape):
        raise CompileError("target cuda needs static shapes at the function "
                           f"boundary, got {type_}")
    return shape, element
