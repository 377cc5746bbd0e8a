"""Real architectures through ``convbn.torch``: every Conv -> BN pair fused,
outputs equal to PyTorch's.

``python -m convbn.archs [NAME...] [--forms linalg,tosa] [--modes ...]
[--table FILE]`` checks the torchvision models below (random weights from a
fixed seed, random BN statistics, eval mode, batch 1): it counts the
Conv2d -> BatchNorm pairs of the torch.fx graph, compiles through
``convbn.torch.compile`` in each form and mode, checks that every pair is
fused, and compares the output with PyTorch's (max |got - want| / max |want|,
the error relative to the output's scale). ``--table`` writes the Markdown
table of docs/architectures.md. python/test/test_archs.py runs four of them.
"""

import argparse
import collections
import dataclasses
import os
import sys
import time
from typing import Dict, List, Optional

TOLERANCE = 1e-4
MODES = ("tune", "eval", "deploy")


def _tv(name, **kwargs):
    def make():
        import torchvision
        return getattr(torchvision.models, name)(weights=None, **kwargs)
    return make


class _TensorOutputs:
    """Wraps a model returning a dict as one returning a tuple (or one
    entry), which torch.export and the FX importer take."""

    @staticmethod
    def wrap(model, key=None):
        import torch

        class Wrapped(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.model = model

            def forward(self, x):
                out = self.model(x)
                return out[key] if key is not None else tuple(out.values())

        return Wrapped()


def _fasterrcnn_backbone():
    """fasterrcnn_resnet50_fpn's backbone as built for pretrained weights:
    ResNet-50 with FrozenBatchNorm2d, FPN, 3 trainable layers."""
    from torchvision.models import resnet50
    from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
    from torchvision.ops.misc import FrozenBatchNorm2d
    backbone = resnet50(weights=None, norm_layer=FrozenBatchNorm2d)
    return _TensorOutputs.wrap(_resnet_fpn_extractor(backbone, 3))


def _deeplabv3():
    from torchvision.models.segmentation import deeplabv3_resnet50
    return _TensorOutputs.wrap(
        deeplabv3_resnet50(weights=None, weights_backbone=None), "out")


# name -> (factory, input shape). 64x64 keeps the CPU run short; inception_v3
# needs 75x75.
ARCHS = collections.OrderedDict([
    ("resnet18", (_tv("resnet18"), (1, 3, 64, 64))),
    ("resnet34", (_tv("resnet34"), (1, 3, 64, 64))),
    ("resnet50", (_tv("resnet50"), (1, 3, 64, 64))),
    ("resnext50_32x4d", (_tv("resnext50_32x4d"), (1, 3, 64, 64))),
    ("wide_resnet50_2", (_tv("wide_resnet50_2"), (1, 3, 64, 64))),
    ("mobilenet_v2", (_tv("mobilenet_v2"), (1, 3, 64, 64))),
    ("mobilenet_v3_small", (_tv("mobilenet_v3_small"), (1, 3, 64, 64))),
    ("mobilenet_v3_large", (_tv("mobilenet_v3_large"), (1, 3, 64, 64))),
    ("efficientnet_b0", (_tv("efficientnet_b0"), (1, 3, 64, 64))),
    ("efficientnet_b1", (_tv("efficientnet_b1"), (1, 3, 64, 64))),
    ("regnet_x_400mf", (_tv("regnet_x_400mf"), (1, 3, 64, 64))),
    ("regnet_y_400mf", (_tv("regnet_y_400mf"), (1, 3, 64, 64))),
    ("mnasnet1_0", (_tv("mnasnet1_0"), (1, 3, 64, 64))),
    ("densenet121", (_tv("densenet121"), (1, 3, 64, 64))),
    ("vgg11_bn", (_tv("vgg11_bn"), (1, 3, 64, 64))),
    ("vgg16_bn", (_tv("vgg16_bn"), (1, 3, 64, 64))),
    ("googlenet", (_tv("googlenet", init_weights=True, aux_logits=False),
                   (1, 3, 64, 64))),
    ("inception_v3", (_tv("inception_v3", init_weights=True, aux_logits=False),
                      (1, 3, 75, 75))),
    ("shufflenet_v2_x1_0", (_tv("shufflenet_v2_x1_0"), (1, 3, 64, 64))),
    ("fasterrcnn_resnet50_fpn_backbone", (_fasterrcnn_backbone, (1, 3, 64, 64))),
    ("deeplabv3_resnet50", (_deeplabv3, (1, 3, 64, 64))),
])

# The four CI runs (python/test/test_archs.py): residual, inverted residual
# (with and without squeeze-excitation), grouped, channel shuffle with
# depthwise. Small ones: a compile is mostly LLVM on the constant weights
# (VGG's 130M parameters would dominate the run), and DenseNet's 120
# convolutions make a long module. EfficientNet-B0 and MNASNet (inverted
# residuals again, as MobileNetV3's) took 5 and 4.5 of the 19 minutes the
# six took on 2 cores: the full list is `python -m convbn.archs`.
CI_ARCHS = ("resnet18", "mobilenet_v3_small", "regnet_x_400mf",
            "shufflenet_v2_x1_0")


def build(name, seed=None):
    """The model (eval mode, random BN statistics) and its input."""
    import torch
    factory, shape = ARCHS[name]
    seed = sum(map(ord, name)) if seed is None else seed
    torch.manual_seed(seed)
    model = factory()
    gen = torch.Generator().manual_seed(seed)
    randomize_batch_norms(model, gen)
    x = torch.randn(*shape, generator=gen)
    return model.eval(), x


def randomize_batch_norms(model, gen):
    """Random statistics and affine parameters for every BatchNorm2d and
    FrozenBatchNorm2d: fresh ones (0 and 1) would hide mistakes."""
    import torch
    from torchvision.ops.misc import FrozenBatchNorm2d
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.BatchNorm2d, FrozenBatchNorm2d)):
                c = m.running_mean.shape[0]
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=gen) * 0.5 + 0.75)
                m.weight.copy_(torch.rand(c, generator=gen) * 0.5 + 0.75)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.1)


def count_pairs(model):
    """Conv2d -> BatchNorm2d / FrozenBatchNorm2d pairs of the module's
    torch.fx graph: a BN module applied directly to a Conv2d's output."""
    import torch
    import torch.fx
    from torchvision.ops.misc import FrozenBatchNorm2d
    bn_types = (torch.nn.BatchNorm2d, FrozenBatchNorm2d)

    class Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m, qualname):
            return (isinstance(m, FrozenBatchNorm2d) or
                    super().is_leaf_module(m, qualname))

    graph = Tracer().trace(model)
    modules = dict(model.named_modules())

    def is_module(node, types):
        return (node.op == "call_module" and
                isinstance(modules[node.target], types))

    return sum(1 for n in graph.nodes if is_module(n, bn_types) and n.args
               and isinstance(n.args[0], torch.fx.Node)
               and is_module(n.args[0], torch.nn.Conv2d))


def relative_error(got, want):
    """max |got - want| / max |want| over all outputs."""
    import torch
    if isinstance(want, torch.Tensor):
        got, want = (got,), (want,)
    scale = max(float(w.abs().max()) for w in want)
    diff = max(float((g - w).abs().max()) for g, w in zip(got, want))
    return diff / scale if scale else diff


@dataclasses.dataclass
class Row:
    name: str
    pairs: int
    fused: Dict[str, Optional[int]] = dataclasses.field(default_factory=dict)
    error: Dict[str, float] = dataclasses.field(default_factory=dict)
    compile_seconds: Dict[str, float] = dataclasses.field(default_factory=dict)
    problems: List[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def check(name, forms=("linalg", "tosa"), modes=MODES, tolerance=TOLERANCE,
          backend="auto", opt_level=3):
    """Compiles `name` in every form (fusion checked in the first mode) and,
    in the linalg form, every mode (output checked against PyTorch), with
    convbn.torch's `backend`. The compile time of a mode includes the form's
    one import."""
    import torch
    from . import torch as convbn_torch
    from .compiler import CompileError, first_error
    model, x = build(name)
    row = Row(name, count_pairs(model))
    with torch.no_grad():
        want = model(x)
    for form in forms:
        start = time.perf_counter()
        try:
            with _stderr_captured() as diagnostics:
                text = convbn_torch.export_mlir(model, (x,), form)
        except Exception as e:
            row.fused[form] = None
            # torch-mlir's exception has a headline; its diagnostics went
            # to the process's stderr.
            row.problems.append(f"{form}: torch-mlir cannot import it: "
                                f"{first_error(diagnostics.text, str(e))}")
            continue
        import_seconds = time.perf_counter() - start
        for mode in (modes if form == "linalg" else modes[:1]):
            key = f"{form}/{mode}"
            try:
                start = time.perf_counter()
                compiled = convbn_torch.compile_mlir(
                    text, name, mode, form, backend=backend,
                    opt_level=opt_level)
                row.compile_seconds[key] = (time.perf_counter() - start +
                                            import_seconds)
            except CompileError as e:
                row.fused[form] = None
                row.problems.append(f"{key}: {str(e).splitlines()[0]}")
                break
            row.fused[form] = compiled.fused_pairs
            if compiled.fused_pairs != row.pairs:
                row.problems.append(f"{key}: {compiled.fused_pairs} of "
                                    f"{row.pairs} pairs fused")
            err = relative_error(compiled(x), want)
            row.error[key] = err
            if not err <= tolerance:
                row.problems.append(f"{key}: relative error {err:.2e}")
    return row


class _stderr_captured:
    """Redirects file descriptor 2 (where MLIR prints diagnostics) to a
    temporary file for the block; ``.text`` holds what was written."""

    def __enter__(self):
        import tempfile
        sys.stderr.flush()
        self._file = tempfile.TemporaryFile(mode="w+b")
        self._saved = os.dup(2)
        os.dup2(self._file.fileno(), 2)
        self.text = ""
        return self

    def __exit__(self, *exc):
        sys.stderr.flush()
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._file.seek(0)
        self.text = self._file.read().decode(errors="replace")
        self._file.close()
        return False


def table(rows):
    lines = ["| model | pairs | fused (linalg) | fused (TOSA) | "
             "rel. error tune / eval / deploy (linalg) | rel. error (TOSA, tune) "
             "| compile s (linalg tune) | missing |",
             "|---|---|---|---|---|---|---|---|"]

    def count(r, form):
        v = r.fused.get(form)
        if v is not None:
            return str(v)
        if any(p.startswith(f"{form}: torch-mlir cannot import")
               for p in r.problems):
            return "not imported"
        return "failed"

    for r in rows:
        errs = " / ".join(f"{r.error[f'linalg/{m}']:.1e}" if f"linalg/{m}" in
                          r.error else "-" for m in MODES)
        tosa_err = (f"{r.error['tosa/tune']:.1e}" if "tosa/tune" in r.error
                    else "-")
        secs = r.compile_seconds.get("linalg/tune")
        lines.append(
            f"| {r.name} | {r.pairs} | {count(r, 'linalg')} | "
            f"{count(r, 'tosa')} | {errs} | {tosa_err} | "
            f"{secs:.1f} | {'; '.join(r.problems) or 'nothing'} |"
            if secs is not None else
            f"| {r.name} | {r.pairs} | {count(r, 'linalg')} | "
            f"{count(r, 'tosa')} | {errs} | {tosa_err} | - | "
            f"{'; '.join(r.problems) or 'nothing'} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m convbn.archs",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"default: all {len(ARCHS)}")
    ap.add_argument("--forms", default="linalg,tosa")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--backend", default="auto",
                    choices=("auto", "iree", "jit"),
                    help="convbn.torch's CPU backend (default: IREE if "
                         "installed)")
    ap.add_argument("--table", help="write the Markdown table here")
    args = ap.parse_args(argv)
    names = args.names or list(ARCHS)
    rows = []
    for name in names:
        if name not in ARCHS:
            ap.error(f"unknown model {name!r}; known: {', '.join(ARCHS)}")
        start = time.perf_counter()
        row = check(name, tuple(args.forms.split(",")),
                    tuple(args.modes.split(",")), backend=args.backend)
        rows.append(row)
        print(f"{name}: {row.pairs} pairs, fused {row.fused}, errors "
              f"{ {k: f'{v:.1e}' for k, v in row.error.items()} }, "
              f"{time.perf_counter() - start:.0f} s"
              + ("" if row.ok else f" -- {'; '.join(row.problems)}"),
              flush=True)
    if args.table:
        with open(args.table, "w") as f:
            f.write(table(rows))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
