"""Six torchvision architectures through convbn.torch (docs/architectures.md
has all of them: `python -m convbn.archs --table ...`): every Conv -> BN
pair fused in the linalg and the TOSA form, every mode within 1e-4 of
PyTorch. Skipped without torch, torchvision and torch-mlir."""

import pytest

pytest.importorskip("torch", reason="needs torch")
pytest.importorskip("torchvision", reason="needs torchvision")
pytest.importorskip("torch_mlir", reason="needs torch-mlir")

from convbn.archs import CI_ARCHS, check  # noqa: E402


@pytest.mark.parametrize("name", CI_ARCHS)
def test_architecture(name):
    # convbn's own lower-to-cpu (the IREE backend has its own test), at LLVM
    # -O0: the weights are constants, and translating and optimising them is
    # most of a compile; the nets run in well under a second even
    # unoptimised at 64x64.
    row = check(name, backend="jit", opt_level=0)
    assert row.pairs > 0
    assert row.ok, row.problems
