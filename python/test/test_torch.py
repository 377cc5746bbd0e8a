"""convbn.torch: compile() on small modules, report(), errors, and the
export command. Skipped without torch and torch-mlir."""

import subprocess
import sys

import pytest

torch = pytest.importorskip("torch", reason="convbn.torch needs torch")
pytest.importorskip("torch_mlir", reason="convbn.torch needs torch-mlir")

import convbn.torch as ct  # noqa: E402
from convbn import CompileError, iree_cpu  # noqa: E402
from convbn.archs import relative_error  # noqa: E402


class Block(torch.nn.Module):
    """Conv+BN (strided, dilated, grouped, biased) -> ReLU -> conv without a
    BN (its report says why) -> BN -> add."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv1 = torch.nn.Conv2d(4, 8, 3, stride=2, padding=2, dilation=2,
                                     groups=2, bias=True)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 8, 1, bias=False)
        self.conv3 = torch.nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn3 = torch.nn.BatchNorm2d(8, eps=1e-3)
        for bn in (self.bn1, self.bn3):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.data.uniform_(0.5, 1.5)
            bn.bias.data.uniform_(-0.5, 0.5)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        z = self.conv2(y)
        return self.bn3(self.conv3(y)) + z


@pytest.fixture(scope="module")
def block():
    return Block().eval(), torch.randn(2, 4, 16, 16)


needs_iree = pytest.mark.skipif(not iree_cpu.available(),
                                reason="needs iree-base-compiler/-runtime")


@pytest.mark.parametrize("mode", ["auto", "tune", "eval", "deploy"])
@pytest.mark.parametrize("form", ["linalg", "tosa"])
@pytest.mark.parametrize("backend", [pytest.param("iree", marks=needs_iree),
                                     "jit"])
def test_compile_matches_pytorch(block, mode, form, backend):
    model, x = block
    compiled = ct.compile(model, (x,), mode=mode, form=form, backend=backend)
    assert compiled.backend == backend
    with torch.no_grad():
        want = model(x)
    got = compiled(x)
    assert isinstance(got, torch.Tensor) and got.shape == want.shape
    assert relative_error(got, want) <= 1e-5
    assert compiled.fused_pairs == 2
    expected_mode = "deploy" if mode == "auto" else mode
    assert compiled.mlir.count(f"convbn.conv_bn {expected_mode}") == 2


@needs_iree
def test_iree_backend_on_one_thread_and_several_results(block):
    model, x = block

    class TwoResults(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = model

        def forward(self, x):
            y = self.inner(x)
            return y, torch.relu(y)

    two = TwoResults().eval()
    compiled = ct.compile(two, (x,), mode="tune", threads=1)
    assert compiled.backend == "iree"  # "auto" picks IREE when installed
    with torch.no_grad():
        want = two(x)
    got = compiled(x)
    assert isinstance(got, tuple) and len(got) == 2
    assert relative_error(got, want) <= 1e-5


@needs_iree
def test_iree_channels_last_failure_falls_back(block):
    # IREE 3.13's channels-last rewrite fails on TOSA's FHWC filters (so
    # convbn does not try it there by default): forced, the module is
    # compiled again without it, with a warning, and still runs.
    from convbn.compiler import parse, run_pipeline
    from convbn_mlir import ir
    model, x = block
    text = ct.export_mlir(model, (x,), "tosa")
    module = parse(text, ir.Context())
    run_pipeline(module, "builtin.module(tosa-to-convbn, "
                         "convert-convbn-to-linalg)")
    with pytest.warns(RuntimeWarning, match="channels-last rewrite failed"):
        vmfb = iree_cpu.compile_to_vmfb(str(module), channels_last=True)
    function = iree_cpu.load(vmfb, "forward", threads=1)
    with torch.no_grad():
        want = model(x)
    got = torch.from_numpy(function(x.numpy()).to_host())
    assert relative_error(got, want) <= 1e-5


@needs_iree
def test_iree_rejection_is_a_compile_error():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no word of the channels-last rewrite
        with pytest.raises(CompileError, match="iree-compile rejected"):
            iree_cpu.compile_to_vmfb("func.func @forward() { not mlir }")


def test_bad_backend_is_refused(block):
    model, x = block
    with pytest.raises(ValueError, match="backend must be one of"):
        ct.compile(model, (x,), backend="tvm")


def test_report_lists_every_convolution(block):
    model, x = block
    report = ct.compile(model, (x,), mode="tune").report()
    assert len(report) == 3
    assert [r.fused for r in report].count(True) == 2
    unfused = [r for r in report if not r.fused]
    assert "no batch norm follows" in unfused[0].reason
    assert all(r.location.startswith("loc(") for r in report)


def test_errors_name_the_module():
    class NotExportable(torch.nn.Module):
        def forward(self, x):
            if x.sum() > 0:  # data-dependent control flow
                return x
            return -x

    with pytest.raises(CompileError, match=r"compile\(NotExportable\)"):
        ct.compile(NotExportable(), (torch.randn(2),))
    with pytest.raises(ValueError, match="mode"):
        ct.compile(Block(), (torch.randn(1, 4, 8, 8),), mode="fast")


def test_export_command(tmp_path):
    pytest.importorskip("torchvision")
    out = tmp_path / "resnet18.mlir"
    res = subprocess.run(
        [sys.executable, "-m", "convbn.export", "resnet18", "-o", str(out),
         "--mode", "tune", "--shape", "1,3,32,32"],
        capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "20 of 20 convolutions fused (tune)" in res.stderr
    text = out.read_text()
    assert text.count("convbn.conv_bn tune") == 20
