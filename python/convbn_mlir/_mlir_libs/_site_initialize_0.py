# Run by convbn_mlir.ir for every new Context (see _mlir_libs/__init__.py):
# convbn's dialect is in every context, its passes and pipelines in the
# global registry.
from ._convbn import register_dialects  # noqa: F401
