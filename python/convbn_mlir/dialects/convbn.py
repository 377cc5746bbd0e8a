"""The convbn dialect: ODS-generated op classes and enums.

``ConvBNOp``, ``ConvBNBackwardOp`` and ``FoldWeightsOp`` (and the builder
functions ``conv_bn``, ...) are generated from the ODS like upstream's
dialect modules; so are the enums ``Mode``, ``ConvLayout`` and
``Gradients``, which the builders accept for the enum attributes. Reading an
enum attribute back gives an ``ir.Attribute``; :func:`enum_value` turns it
into the Python enum.
"""

import re

from ._convbn_ops_gen import *  # noqa: F401,F403
from ._convbn_enum_gen import *  # noqa: F401,F403
from ._convbn_enum_gen import ConvLayout, Gradients, Mode
from .._mlir_libs._convbn import register_dialect  # noqa: F401

_ENUM_ATTRIBUTE = re.compile(r"^#convbn\.(mode|layout|gradients)<(.*)>$")


def enum_value(attribute):
    """``#convbn.mode<tune>`` -> ``Mode.Tune``; likewise layouts and
    gradient sets (``Gradients.Input | Gradients.Filter``)."""
    match = _ENUM_ATTRIBUTE.match(str(attribute))
    if not match:
        raise ValueError(f"not a convbn enum attribute: {attribute}")
    kind, text = match.groups()
    enum = {"mode": Mode, "layout": ConvLayout, "gradients": Gradients}[kind]
    by_name = {str(case): case for case in enum}
    if enum is not Gradients:
        return by_name[text]
    value = Gradients.None_
    for name in filter(None, (t.strip() for t in text.split(","))):
        value |= by_name[name]
    return value
