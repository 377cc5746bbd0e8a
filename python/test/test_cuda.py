"""convbn.cuda and convbn.torch's target="cuda" without a GPU: against the
fake CUDA driver of runtime/unittests (libfakecuda.so, which records the
driver calls and runs no kernel), and against no driver at all. What this
leaves to a GPU: the kernels' results (the GPU launches themselves are run
on the CPU by test/GPU/launches-on-host.test) and the timing.

Each case runs in a fresh interpreter: the runtime opens the driver named
by $CONVBN_CUDA_DRIVER once per process."""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO


def fake_driver():
    path = os.environ.get("CONVBN_FAKECUDA")
    if path:
        return pathlib.Path(path)
    build = os.environ.get("CONVBN_PYTHON_BUILD_DIR", REPO / "build-python")
    return pathlib.Path(build) / "runtime" / "unittests" / "libfakecuda.so"


needs_fake_driver = pytest.mark.skipif(
    not fake_driver().exists(),
    reason="needs runtime/unittests' libfakecuda.so (scripts/setup-python.sh "
           "builds it)")


def run_python(code, driver):
    env = dict(os.environ, CONVBN_CUDA_DRIVER=str(driver))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          env=env, capture_output=True, text=True,
                          timeout=600)


BLOCK = """
    import ctypes, os
    import numpy as np
    from convbn_mlir import ir
    from convbn import compiler, cuda
    text = open(os.path.join({repo!r}, "examples/resnet_basic_block.mlir")).read()
    context = ir.Context()
    module = compiler.parse(text, context)
    compiler.run_pipeline(module, "builtin.module(fuse-convbn{{mode=tune}})")
    function = cuda.CUDAFunction(module, "forward", chip="sm_80")
    kernels = str(module).count("gpu.launch_func")
    x = np.random.default_rng(0).random(function.inputs[0][0], dtype=np.float32)
"""


@needs_fake_driver
def test_cuda_function_loads_once_and_launches_every_kernel():
    result = run_python(BLOCK.format(repo=str(REPO)) + """
    fake = ctypes.CDLL(os.environ["CONVBN_CUDA_DRIVER"])
    fake.fakecudaTotalCallCount.argtypes = [ctypes.c_char_p]
    count = fake.fakecudaTotalCallCount

    def allocs_and_frees():
        return (count(b"cuMemAlloc_v2") + count(b"cuMemAllocAsync"),
                count(b"cuMemFree_v2") + count(b"cuMemFreeAsync"))

    y = function(x)
    assert y.shape == function.results[0][0] and y.dtype == np.float32
    loads = count(b"cuModuleLoadData")
    launches = count(b"cuLaunchKernel")
    assert kernels > 0 and launches == kernels, (launches, kernels)
    before = allocs_and_frees()
    function(x)
    after = allocs_and_frees()
    assert count(b"cuModuleLoadData") == loads
    assert count(b"cuLaunchKernel") == 2 * kernels
    # The second call frees what it allocates (the first also copies the
    # constants to the device, once per process).
    assert after[0] - before[0] == after[1] - before[1] > 0, (before, after)
    print("ok", kernels, loads)
    """, fake_driver())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


@needs_fake_driver
def test_driver_failures_are_exceptions():
    result = run_python(BLOCK.format(repo=str(REPO)) + """
    fake = ctypes.CDLL(os.environ["CONVBN_CUDA_DRIVER"])
    fake.fakecudaFailNext.argtypes = [ctypes.c_char_p, ctypes.c_int]
    function(x)
    fake.fakecudaFailNext(b"cuLaunchKernel", 701)
    try:
        function(x)
    except cuda.CudaError as e:
        assert "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES" in str(e), str(e)
    else:
        raise AssertionError("no CudaError")
    function(x)  # the error was reported once, not carried over
    print("ok")
    """, fake_driver())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_no_driver_is_an_exception_not_a_crash(tmp_path):
    result = run_python(BLOCK.format(repo=str(REPO)) + """
    try:
        function(x)
    except cuda.CudaError as e:
        assert "no usable CUDA device" in str(e), str(e)
        print("ok")
    """, tmp_path / "no-such-libcuda.so")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


@needs_fake_driver
def test_torch_compile_for_cuda():
    pytest.importorskip("torch", reason="needs torch")
    pytest.importorskip("torch_mlir", reason="needs torch-mlir")
    result = run_python("""
    import torch
    import convbn.torch as ct
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(4, 8, 3, padding=1),
                                torch.nn.BatchNorm2d(8),
                                torch.nn.ReLU()).eval()
    x = torch.randn(2, 4, 8, 8)
    compiled = ct.compile(model, (x,), mode="tune", target="cuda",
                          chip="sm_90")
    assert compiled.backend == "cuda" and compiled.fused_pairs == 1
    y = compiled(x)  # CPU tensors: copied to the (fake) device and back
    assert isinstance(y, torch.Tensor) and y.shape == (2, 8, 8, 8)
    print("ok")
    """, fake_driver())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_allow_tf32_puts_f32_convolutions_on_tensor_cores():
    # The option CUDAFunction(allow_tf32=) and convbn.torch.compile pass to
    # lower-to-nvvm: f32 convolutions become TF32 mma.sync from sm_80 with
    # it, and stay exact FMAs without (no driver needed: PTX text).
    from convbn_mlir import ir
    from convbn import compiler
    text = (REPO / "examples" / "resnet_basic_block.mlir").read_text()

    def ptx(allow_tf32):
        module = compiler.parse(text, ir.Context())
        compiler.run_pipeline(
            module, "builtin.module(fuse-convbn{mode=tune}, lower-to-nvvm{"
            f"chip=sm_80 format=isa allow-tf32={allow_tf32}}})")
        return str(module)

    assert "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32" in ptx("true")
    assert "mma.sync" not in ptx("false")


def test_allow_tf32_reaches_lower_to_nvvm(tmp_path):
    # CUDAFunction(allow_tf32=) and convbn.torch.compile_mlir(allow_tf32=)
    # hand the flag on: the pipeline CUDAFunction runs is recorded (and the
    # compilation stopped there; no driver is needed).
    result = run_python("""
    import os
    from convbn_mlir import ir
    from convbn import compiler, cuda
    import convbn.torch as ct
    text = open(os.path.join({repo!r}, "examples/resnet_basic_block.mlir")).read()
    pipelines = []
    class Stop(Exception):
        pass
    def record(module, pipeline):
        pipelines.append(pipeline)
        raise Stop
    cuda.run_pipeline = record
    for allow in (False, True):
        try:
            cuda.CUDAFunction(compiler.parse(text, ir.Context()), "forward",
                              chip="sm_80", allow_tf32=allow)
        except Stop:
            pass
        try:
            ct.compile_mlir(text, "block", backend="cuda", chip="sm_80",
                            allow_tf32=allow)
        except Stop:
            pass
    assert [("allow-tf32=true" in p) for p in pipelines] == [
        False, False, True, True], pipelines
    print("ok")
    """.format(repo=str(REPO)), tmp_path / "no-such-libcuda.so")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
