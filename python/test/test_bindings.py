"""The convbn_mlir bindings as an MLIR user meets them: the dialect in every
Context, ODS op classes and enums, textual pipelines naming convbn's passes,
remarks and diagnostics as Python objects, execution through MLIR's
ExecutionEngine, and coexistence with another MLIR package."""

import ctypes
import subprocess
import sys

import numpy as np
import pytest

from convbn_mlir import ir, passmanager
from convbn_mlir.dialects import arith, convbn, func, tensor
from convbn_mlir.execution_engine import ExecutionEngine
from convbn_mlir.runtime import (get_ranked_memref_descriptor,
                                 make_nd_memref_descriptor,
                                 ranked_memref_to_numpy)

from conftest import read_input

TORCH_3X3 = "test/Transforms/FuseConvBN/Inputs/torch/conv_bn_3x3.mlir"

EVAL_OP = """
func.func @eval(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>,
                %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>,
                %v: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %y = convbn.conv_bn eval nchw_fchw %x, %w scale(%g) offset(%be) mean(%m)
      variance(%v) strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-5
      : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
  return %y : tensor<1x4x4x4xf32>
}
"""


def first_op(module, name):
    found = []

    def visit(op):
        if op.name == name:
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    return found[0].opview if found else None


def test_every_context_has_the_dialect():
    with ir.Context() as ctx:
        assert ctx.is_registered_operation("convbn.conv_bn")
        module = ir.Module.parse(EVAL_OP)
        op = first_op(module, "convbn.conv_bn")
        assert isinstance(op, convbn.ConvBNOp)


def test_op_class_reads_attributes():
    with ir.Context():
        module = ir.Module.parse(EVAL_OP)
        op = first_op(module, "convbn.conv_bn")
        assert convbn.enum_value(op.mode) == convbn.Mode.Eval
        assert convbn.enum_value(op.layout) == convbn.ConvLayout.NCHW_FCHW
        assert list(op.strides) == [2, 2]
        assert list(op.padding) == [1, 1, 1, 1]
        assert op.dilations is None
        assert op.bias is None
        assert ir.FloatAttr(op.attributes["epsilon"]).value == pytest.approx(1e-5)
        assert str(op.output.type) == "tensor<1x4x4x4xf32>"


def test_build_op_with_generated_builder():
    with ir.Context(), ir.Location.unknown():
        module = ir.Module.create()
        f32 = ir.F32Type.get()
        x_t = ir.RankedTensorType.get([1, 3, 8, 8], f32)
        w_t = ir.RankedTensorType.get([4, 3, 3, 3], f32)
        c_t = ir.RankedTensorType.get([4], f32)
        y_t = ir.RankedTensorType.get([1, 4, 6, 6], f32)
        with ir.InsertionPoint(module.body):

            @func.FuncOp.from_py_func(x_t, w_t, c_t, c_t, c_t, c_t)
            def tune(x, w, g, b, m, v):
                # The result types are inferred (InferTypeOpAdaptor).
                op = convbn.ConvBNOp(
                    mode=convbn.Mode.Tune, layout=convbn.ConvLayout.NCHW_FCHW,
                    input=x, filter=w, scale=g, offset=b, mean=m, variance=v,
                    epsilon=ir.FloatAttr.get(ir.F64Type.get(), 1e-3))
                assert op.output.type == y_t
                return op.output

        assert module.operation.verify()
        text = str(module)
        assert "convbn.conv_bn tune nchw_fchw" in text
        assert "epsilon = 1.000000e-03" in text
        # The printed form parses back.
        ir.Module.parse(text)


def test_enum_attributes_round_trip():
    with ir.Context():
        for kind, value in [("ConvBN_ModeAttr", convbn.Mode.Deploy),
                            ("ConvBN_ConvLayoutAttr", convbn.ConvLayout.NHWC_HWCF),
                            ("ConvBN_GradientsAttr",
                             convbn.Gradients.Input | convbn.Gradients.Filter)]:
            attr = ir.AttrBuilder.get(kind)(value, context=None)
            assert ir.Attribute.parse(str(attr)) == attr
            assert convbn.enum_value(attr) == value
        assert str(ir.AttrBuilder.get("ConvBN_GradientsAttr")(
            convbn.Gradients.Input | convbn.Gradients.Filter, context=None)) \
            == "#convbn.gradients<input, filter>"


def test_textual_pipeline_fuses_and_reports_remarks():
    with ir.Context() as ctx:
        remarks = []

        def handler(diag):
            remarks.append((diag.severity, str(diag.location), diag.message))
            return True

        ctx.attach_diagnostic_handler(handler)
        module = ir.Module.parse(read_input(TORCH_3X3))
        pm = passmanager.PassManager.parse(
            "builtin.module(fuse-convbn{remarks=true})")
        pm.run(module.operation)
        op = first_op(module, "convbn.conv_bn")
        assert op is not None
        assert convbn.enum_value(op.mode) == convbn.Mode.Deploy  # constants
        assert list(op.padding) == [1, 1, 1, 1]
        fused = [r for r in remarks if r[2].startswith("fused")]
        assert len(fused) == 1, remarks
        assert fused[0][0] == ir.DiagnosticSeverity.REMARK
        assert "conv_bn_3x3.mlir" not in fused[0][1]  # parsed from a string
        assert "loc(" in fused[0][1]


def test_every_pass_group_and_pipeline_is_named():
    with ir.Context():
        for pipeline in [
            "builtin.module(convert-convbn-to-linalg)",
            "builtin.module(convbn-set-mode{mode=deploy})",
            "builtin.module(func.func(convbn-gpu-tile))",
            "builtin.module(lower-to-cpu)",
            "builtin.module(lower-to-nvvm{chip=sm_90})",
            "builtin.module(tosa-to-convbn)",
        ]:
            passmanager.PassManager.parse(pipeline)


def test_diagnostics_are_exceptions():
    with ir.Context():
        with pytest.raises(ir.MLIRError) as info:
            ir.Module.parse(EVAL_OP.replace("1.0e-5", "-1.0"))
        diagnostics = info.value.error_diagnostics
        assert diagnostics
        assert "epsilon must be 0 or a positive" in diagnostics[0].message
        assert str(diagnostics[0].location) == 'loc("-":5:8)'  # the op

        module = ir.Module.parse(EVAL_OP)
        pm = passmanager.PassManager.parse(
            "builtin.module(convbn-set-mode{mode=train})")
        with pytest.raises(ir.MLIRError) as info:
            pm.run(module.operation)
        assert info.value.error_diagnostics


def run_on_cpu(module, name, *arrays, out_shape):
    """Lowers `module` with lower-to-cpu and calls @name through the
    ExecutionEngine on numpy arrays."""
    for op in module.body.operations:
        if op.operation.name == "func.func" and op.sym_name.value == name:
            op.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
    passmanager.PassManager.parse("builtin.module(lower-to-cpu)").run(
        module.operation)
    engine = ExecutionEngine(module, opt_level=2)
    result = make_nd_memref_descriptor(len(out_shape), ctypes.c_float)()
    args = [ctypes.pointer(ctypes.pointer(get_ranked_memref_descriptor(a)))
            for a in arrays]
    engine.invoke(name, ctypes.pointer(ctypes.pointer(result)), *args)
    return ranked_memref_to_numpy(ctypes.pointer(result)).copy()


def reference_eval(x, w, g, b, m, v, eps, stride, pad):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, f, oh, ow), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.einsum("nchw,fchw->nf", patch, w)
    s = g / np.sqrt(v + eps)
    return (y - m[None, :, None, None]) * s[None, :, None, None] + b[None, :, None, None]


@pytest.mark.parametrize("mode", ["eval", "tune", "deploy"])
def test_execute_every_mode_on_cpu(mode):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 8, 8), dtype=np.float32)
    w = rng.standard_normal((4, 3, 3, 3), dtype=np.float32)
    g = rng.standard_normal(4, dtype=np.float32)
    b = rng.standard_normal(4, dtype=np.float32)
    m = rng.standard_normal(4, dtype=np.float32)
    v = rng.uniform(0.5, 2.0, 4).astype(np.float32)
    expected = reference_eval(x.astype(np.float64), w, g, b, m, v, 1e-5, 2, 1)
    with ir.Context():
        module = ir.Module.parse(EVAL_OP.replace("conv_bn eval", f"conv_bn {mode}"))
        if mode == "deploy":
            # deploy folds constant parameters: make them constants.
            module = ir.Module.parse(EVAL_OP)
            passmanager.PassManager.parse(
                "builtin.module(convbn-set-mode{mode=tune})").run(module.operation)
        got = run_on_cpu(module, "eval", x, w, g, b, m, v, out_shape=(1, 4, 4, 4))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_coexists_with_upstream_mlir_package():
    # Upstream's `mlir` package (xtc-mlir-python-bindings) in the same
    # interpreter: separate types, separate globals, IR exchanged as text.
    code = """
import mlir.ir as up
from convbn_mlir import ir, passmanager
with ir.Context():
    m = ir.Module.parse(open(%r).read())
    passmanager.PassManager.parse("builtin.module(fuse-convbn)").run(m.operation)
    text = str(m)
    # The generic form, which a context without the dialect can hold.
    generic = m.operation.get_asm(print_generic_op_form=True)
with up.Context() as ctx:
    ctx.allow_unregistered_dialects = True
    m2 = up.Module.parse(generic)
    assert '"convbn.conv_bn"' in str(m2)
with ir.Context():
    ir.Module.parse(text)
print("ok")
"""
    pytest.importorskip("mlir.ir")
    from conftest import REPO
    out = subprocess.run([sys.executable, "-c", code % str(REPO / TORCH_3X3)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
