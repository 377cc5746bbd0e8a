"""``python -m convbn.export MODEL -o model.mlir [--form linalg|tosa] [--mode M]``

Writes a torchvision model (random weights from a fixed seed, eval mode:
nothing is downloaded) as MLIR: torch-mlir's linalg-on-tensors or TOSA
output, fused by convbn in mode M unless ``--mode none``.
"""

import argparse
import sys


def build_model(name: str, seed: int = 0):
    """torchvision.models.NAME(weights=None) in eval mode, with random batch
    norm statistics (fresh ones are 0 and 1, which hides mistakes)."""
    import torch
    import torchvision
    torch.manual_seed(seed)
    factory = getattr(torchvision.models, name, None)
    if factory is None:
        raise SystemExit(f"convbn.export: torchvision.models has no {name!r}")
    kwargs = {"weights": None}
    if name in ("googlenet", "inception_v3"):
        kwargs.update(init_weights=True, aux_logits=False)
    model = factory(**kwargs)
    from .archs import randomize_batch_norms
    randomize_batch_norms(model, torch.Generator().manual_seed(seed))
    return model.eval()


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m convbn.export",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("model", help="a torchvision.models name, e.g. resnet18")
    ap.add_argument("-o", "--output", required=True, help="the .mlir to write")
    ap.add_argument("--form", choices=("linalg", "tosa"), default="linalg")
    ap.add_argument("--mode", choices=("none", "auto", "tune", "eval", "deploy"),
                    default="none", help="fuse in this mode (default: none)")
    ap.add_argument("--shape", default="1,3,224,224",
                    help="input shape (default 1,3,224,224)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    import torch
    from convbn_mlir import ir

    from .compiler import pair_reports, parse, run_pipeline
    from .torch import _fuse_pipeline, export_mlir

    model = build_model(args.model, args.seed)
    shape = tuple(int(d) for d in args.shape.split(","))
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(args.seed))
    text = export_mlir(model, (x,), args.form)
    if args.mode != "none":
        with ir.Context() as ctx:
            module = parse(text, ctx)
            reports = pair_reports(run_pipeline(
                module, _fuse_pipeline(args.form, args.mode)))
            text = str(module)
        fused = sum(r.fused for r in reports)
        print(f"convbn.export: {args.model}: {fused} of {len(reports)} "
              f"convolutions fused ({args.mode})", file=sys.stderr)
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
