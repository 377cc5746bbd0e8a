#!/usr/bin/env python3
"""Regenerate the real-frontend conv+BN test inputs under
test/Transforms/FuseConvBN/Inputs/ from PyTorch models via torch-mlir's FX
importer.

For every model it writes three files:
  Inputs/torch/NAME.mlir        torch-mlir output_type="linalg-on-tensors"
  Inputs/tosa-dialect/NAME.mlir torch-mlir output_type="tosa" (as emitted)
  Inputs/tosa/NAME.mlir         the TOSA file lowered by upstream mlir-opt:
                                 func.func(tosa-to-linalg-named, tosa-to-linalg,
                                 tosa-to-arith, tosa-to-tensor), remove-dead-values

With --arch it instead exports whole torchvision architectures (random
weights, eval, batch 1, small inputs, weights and BN vectors elided) to
  Inputs/arch/torch/NAME.mlir   linalg-on-tensors, as above
  Inputs/arch/tosa/NAME.mlir    TOSA lowered by the same mlir-opt pipeline,
                                for the models in ARCH_TOSA (--all-tosa: all)
(the TOSA dialect file is not kept) and records in each header how many
Conv2d -> BatchNorm2d/FrozenBatchNorm2d pairs the model's torch.fx graph has
(`// conv-bn-pairs: N`, read by utils/remark_report.py --pairs).

Needs torch, torchvision and torch-mlir (see scripts/gen_frontend_ir.sh, which
makes a venv and runs this).  Every file written is checked to parse with
MLIR 22's mlir-opt and to hold only the dialects it should.

Usage:
  python scripts/gen_frontend_ir.py [--only NAME ...] [--out DIR]
         [--mlir-opt PATH] [--full-weights-dir DIR] [--list]
  python scripts/gen_frontend_ir.py --arch [NAME ...] [--all-tosa] [--out DIR]
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

import torch
import torch.nn as nn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "test", "Transforms", "FuseConvBN", "Inputs")
DEFAULT_MLIR_OPT = "/usr/lib/llvm-22/bin/mlir-opt"

# Upstream lowering of the TOSA files.  remove-dead-values only erases the
# tosa.const_shape ops that tosa-to-tensor leaves dead after lowering
# tosa.reshape (and other dead constants); it changes nothing live.
TOSA_PIPELINE = ("builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,"
                 "tosa-to-arith,tosa-to-tensor),remove-dead-values)")

# Dialects a committed file may hold, per directory.
ALLOWED = {
    "torch": {"builtin", "func", "linalg", "tensor", "arith", "math", "cf",
              "ml_program"},
    "tosa": {"builtin", "func", "linalg", "tensor", "arith", "math", "cf",
             "ml_program"},
    "tosa-dialect": {"builtin", "func", "tosa", "tensor", "arith"},
}

# ResNet-18's conv weights are ~46 MB of f32 (~93 MB of hex text per file).
# Blobs above these sizes are elided when printing (see docs/frontend-ir.md):
# dense_resource blobs over RESOURCE_LIMIT characters are dropped from the
# dialect_resources section (the handle stays), dense<> literals over
# ELEMENTS_LIMIT elements print as dense_resource<__elided__>.  BN vectors
# (<= 512 elements) and the fc bias stay real.
RESOURCE_LIMIT = 8200      # characters of hex: 1000 x f32 = 8010 chars kept
ELEMENTS_LIMIT = 1024      # elements
# --arch files elide every dense_resource blob, BN vectors included (their
# values would be ~40% of a ResNet-50 file); the handles stay distinct.
ARCH_RESOURCE_LIMIT = 0


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

class ConvBN(nn.Module):
    def __init__(self, cin, cout, k=3, stride=1, padding=1, dilation=1,
                 groups=1, bias=False, affine=True, relu=False, eps=1e-5):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=padding,
                              dilation=dilation, groups=groups, bias=bias)
        self.bn = nn.BatchNorm2d(cout, eps=eps, affine=affine)
        self.relu = nn.ReLU() if relu else None

    def forward(self, x):
        y = self.bn(self.conv(x))
        if self.relu is not None:
            y = self.relu(y)
        return y


class ConvTwoUsers(nn.Module):
    """The conv result feeds the BN and also the final add: must NOT fuse."""

    def __init__(self, cin=3, cout=8):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y


class ConvFrozenBN(nn.Module):
    """Conv2d + torchvision's FrozenBatchNorm2d with eps=0, as the pretrained
    COCO detectors (Faster R-CNN, RetinaNet) set it."""

    def __init__(self, cin=3, cout=8):
        super().__init__()
        from torchvision.ops.misc import FrozenBatchNorm2d
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = FrozenBatchNorm2d(cout, eps=0.0)

    def forward(self, x):
        return self.bn(self.conv(x))


def randomize_bn(model, gen):
    """Non-trivial BN parameters and running statistics (the defaults are
    mean 0, var 1, gamma 1, beta 0, which would make every BN an identity)."""
    from torchvision.ops.misc import FrozenBatchNorm2d
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, FrozenBatchNorm2d):
                # Buffers, not parameters; always affine.
                c = m.weight.numel()
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.1)
            elif isinstance(m, nn.modules.batchnorm._BatchNorm):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
                if m.affine:
                    m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                    m.bias.copy_(torch.randn(c, generator=gen) * 0.1)
    return model


def resnet_basic_block():
    """torchvision's BasicBlock with a stride-2 1x1 downsample: three
    Conv+BN pairs (3x3 stride 2, 3x3, 1x1 stride 2), ReLUs and a residual
    add, small enough to keep real weights (the README's bundled example)."""
    from torchvision.models.resnet import BasicBlock
    downsample = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False),
                               nn.BatchNorm2d(16))
    return BasicBlock(8, 16, stride=2, downsample=downsample)


def resnet18():
    import torchvision
    return torchvision.models.resnet18(weights=None)


def mobilenet_v2():
    import torchvision
    return torchvision.models.mobilenet_v2(weights=None)


def resnet50():
    import torchvision
    return torchvision.models.resnet50(weights=None)


# name -> (description, model factory, input shape, options)
# options: train (BN in training mode), half (f16 model and input),
# channels_last (model and input in channels_last), dynamic_batch,
# elide (elide big weight blobs), example (also write it to examples/).
CASES = collections.OrderedDict([
    ("conv_bn_3x3", ("Conv2d(3,8,3,pad=1,no bias)+BatchNorm2d(8), eval",
                     lambda: ConvBN(3, 8), (1, 3, 16, 16), {})),
    ("conv_bn_3x3_bias", ("Conv2d(3,8,3,pad=1,bias)+BatchNorm2d(8), eval",
                          lambda: ConvBN(3, 8, bias=True), (1, 3, 16, 16), {})),
    ("conv_bn_stride2", ("Conv2d(3,8,3,stride=2,pad=1)+BN, eval",
                         lambda: ConvBN(3, 8, stride=2), (1, 3, 16, 16), {})),
    ("conv_bn_dilation2", ("Conv2d(3,8,3,dilation=2,pad=2)+BN, eval",
                           lambda: ConvBN(3, 8, padding=2, dilation=2),
                           (1, 3, 16, 16), {})),
    ("conv_bn_noaffine", ("Conv2d(3,8,3,pad=1)+BatchNorm2d(8, affine=False), eval",
                          lambda: ConvBN(3, 8, affine=False), (1, 3, 16, 16), {})),
    ("conv_bn_eps1e-3", ("Conv2d(3,8,3,pad=1)+BatchNorm2d(8, eps=1e-3), eval",
                         lambda: ConvBN(3, 8, eps=1e-3), (1, 3, 16, 16), {})),
    ("conv_frozen_bn_eps0", ("Conv2d(3,8,3,pad=1)+FrozenBatchNorm2d(8, "
                             "eps=0) (pretrained detectors' BN)",
                             lambda: ConvFrozenBN(3, 8), (1, 3, 16, 16), {})),
    ("conv_bn_1x1", ("Conv2d(8,16,1,no pad)+BN, eval",
                     lambda: ConvBN(8, 16, k=1, padding=0), (1, 8, 16, 16), {})),
    ("conv_bn_grouped", ("Conv2d(4,8,3,pad=1,groups=2)+BN, eval",
                         lambda: ConvBN(4, 8, groups=2), (1, 4, 16, 16), {})),
    ("conv_bn_grouped_bias", ("Conv2d(4,8,3,pad=1,groups=2,bias)+BN, eval",
                              lambda: ConvBN(4, 8, groups=2, bias=True),
                              (1, 4, 16, 16), {})),
    ("conv_bn_depthwise", ("Conv2d(8,8,3,pad=1,groups=8) (depthwise)+BN, eval",
                           lambda: ConvBN(8, 8, groups=8), (1, 8, 16, 16), {})),
    ("conv_bn_depthwise_mult2", ("Conv2d(8,16,3,pad=1,groups=8) (depthwise, "
                                 "channel multiplier 2)+BN, eval",
                                 lambda: ConvBN(8, 16, groups=8),
                                 (1, 8, 16, 16), {})),
    ("conv_bn_depthwise_bias", ("Conv2d(8,8,3,pad=1,groups=8,bias) (depthwise "
                                "with bias)+BN, eval",
                                lambda: ConvBN(8, 8, groups=8, bias=True),
                                (1, 8, 16, 16), {})),
    ("conv_bn_batch2", ("Conv2d(3,8,3,pad=1)+BN, eval, batch 2",
                        lambda: ConvBN(3, 8), (2, 3, 16, 16), {})),
    ("conv_bn_dynamic_batch", ("Conv2d(3,8,3,pad=1)+BN, eval, dynamic batch "
                               "(torch.export Dim on dim 0)",
                               lambda: ConvBN(3, 8), (2, 3, 16, 16),
                               {"dynamic_batch": True})),
    ("conv_bn_f16", ("Conv2d(3,8,3,pad=1)+BN, eval, model.half(), f16 input",
                     lambda: ConvBN(3, 8), (1, 3, 16, 16), {"half": True})),
    ("conv_bn_relu", ("Conv2d(3,8,3,pad=1)+BN+ReLU, eval",
                      lambda: ConvBN(3, 8, relu=True), (1, 3, 16, 16), {})),
    ("conv_two_users", ("Conv2d(3,8,3,pad=1) whose result feeds BN and the "
                        "final add (bn(y) + y): must NOT fuse",
                        lambda: ConvTwoUsers(), (1, 3, 16, 16), {})),
    ("conv_bn_train", ("Conv2d(3,8,3,pad=1)+BN in training mode "
                       "(model.train()): must NOT fold",
                       lambda: ConvBN(3, 8), (2, 3, 16, 16), {"train": True})),
    # ("conv_bn_channels_last", ...) was tried: the model and input in
    # torch.channels_last export to exactly the same IR as conv_bn_3x3 on both
    # paths (torch.export drops memory formats), so no file is kept for it.
    ("resnet_basic_block", ("torchvision BasicBlock(8, 16, stride=2) with a "
                            "1x1 stride-2 downsample, eval, 1x8x16x16; also "
                            "written to examples/",
                            resnet_basic_block, (1, 8, 16, 16),
                            {"example": True})),
    ("resnet18", ("torchvision resnet18(weights=None), eval, 1x3x32x32; conv "
                  "weights elided", resnet18, (1, 3, 32, 32), {"elide": True})),
])


# --------------------------------------------------------------------------
# Training steps (--training): joint forward + backward graphs
# --------------------------------------------------------------------------

class TwoBlocks(nn.Module):
    """conv-BN-ReLU then a strided conv with bias + BN: the second block's
    backward includes its input gradient (dX), the first block's does not."""

    def __init__(self):
        super().__init__()
        self.b1 = ConvBN(3, 8, relu=True)
        self.b2 = ConvBN(8, 8, stride=2, bias=True)

    def forward(self, x):
        return self.b2(self.b1(x))


class BlockThenDepthwise(nn.Module):
    """conv-BN-ReLU then a strided depthwise conv + BN (MobileNet's
    pattern): the depthwise block's backward includes its input gradient."""

    def __init__(self):
        super().__init__()
        self.b1 = ConvBN(3, 8, relu=True)
        self.b2 = ConvBN(8, 8, stride=2, groups=8)

    def forward(self, x):
        return self.b2(self.b1(x))


class MSELoss(nn.Module):
    """`model`'s output against a target: a loss that lowers to plain linalg
    (cross_entropy with integer targets brings tm_tensor.scatter)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x, target):
        return (((self.model(x) - target) ** 2).mean(),)


def frozen(factory, *names):
    """factory() with the parameters whose name contains one of `names`
    frozen (requires_grad=False): they get no gradient."""
    def make():
        model = factory()
        for n, p in model.named_parameters():
            if any(k in n for k in names):
                p.requires_grad_(False)
        return model
    return make


# name -> (description, model factory, input shape[, options]).  BN in eval
# (running statistics) unless options has train; every parameter trainable
# unless frozen; batch 2, 9x9 inputs, random weights and BN statistics
# (seeded).  The loss is the MSE against a second input, the target.
TRAINING = collections.OrderedDict([
    ("block_3x3", ("Conv2d(3,8,3,pad=1,no bias)+BatchNorm2d(8)",
                   lambda: ConvBN(3, 8), (2, 3, 9, 9))),
    ("block_bias", ("Conv2d(3,8,3,pad=1,bias)+BatchNorm2d(8)",
                    lambda: ConvBN(3, 8, bias=True), (2, 3, 9, 9))),
    ("block_stride2", ("Conv2d(3,8,3,stride=2,pad=1)+BatchNorm2d(8)",
                       lambda: ConvBN(3, 8, stride=2), (2, 3, 9, 9))),
    ("block_dilation2", ("Conv2d(3,8,3,dilation=2,pad=2)+BatchNorm2d(8)",
                         lambda: ConvBN(3, 8, padding=2, dilation=2),
                         (2, 3, 9, 9))),
    ("block_1x1", ("Conv2d(8,16,1,no pad)+BatchNorm2d(16)",
                   lambda: ConvBN(8, 16, k=1, padding=0), (2, 8, 9, 9))),
    ("block_relu", ("Conv2d(3,8,3,pad=1)+BatchNorm2d(8)+ReLU",
                    lambda: ConvBN(3, 8, relu=True), (2, 3, 9, 9))),
    ("two_blocks", ("Conv2d(3,8,3,pad=1)+BN+ReLU, then Conv2d(8,8,3,stride=2,"
                    "pad=1,bias)+BN: the second block has an input gradient",
                    TwoBlocks, (2, 3, 9, 9))),
    ("block_frozen_affine", ("Conv2d(3,8,3,pad=1)+BatchNorm2d(8) with gamma "
                             "and beta frozen (requires_grad=False)",
                             frozen(lambda: ConvBN(3, 8), "bn."),
                             (2, 3, 9, 9))),
    ("block_frozen_conv", ("Conv2d(3,8,3,pad=1)+BatchNorm2d(8) with the conv "
                           "frozen: only gamma and beta train",
                           frozen(lambda: ConvBN(3, 8), "conv."),
                           (2, 3, 9, 9))),
    ("block_frozen_bn_eps0", ("Conv2d(3,8,3,pad=1)+FrozenBatchNorm2d(8, eps=0)"
                              " (a detector backbone's block: BN all buffers)",
                              lambda: ConvFrozenBN(3, 8), (2, 3, 9, 9))),
    ("block_conv_two_users", ("Conv2d(3,8,3,pad=1) whose result feeds the BN "
                              "and the final add: must NOT fuse",
                              ConvTwoUsers, (2, 3, 9, 9))),
    ("block_batch_stats", ("Conv2d(3,8,3,pad=1)+BatchNorm2d(8) in training "
                           "mode (batch statistics): never tune",
                           lambda: ConvBN(3, 8), (2, 3, 9, 9),
                           {"train": True})),
    ("resnet18", ("torchvision resnet18(weights=None), 2x3x32x32 (the "
                  "max-pool backward decomposed: max_pool2d_backward_as_masks)",
                  resnet18, (2, 3, 32, 32))),
    ("resnet18_b8_112", ("torchvision resnet18(weights=None), 8x3x112x112: "
                         "bench/training_memory.py's input (activations "
                         "outweigh the weights, as in training)",
                         resnet18, (8, 3, 112, 112))),
    ("resnet50_b8_224", ("torchvision resnet50(weights=None), 8x3x224x224: "
                         "bench/training_memory.py's computed ResNet-50 step "
                         "(memory and time side by side)", resnet50,
                         (8, 3, 224, 224))),
    ("resnet50_b32_224", ("torchvision resnet50(weights=None), 32x3x224x224:"
                          " the paper's setting, for bench/training_memory.py "
                          "--skip-compute", resnet50, (32, 3, 224, 224))),
    ("block_grouped", ("Conv2d(4,8,3,pad=1,groups=2)+BatchNorm2d(8)",
                       lambda: ConvBN(4, 8, groups=2), (2, 4, 9, 9))),
    ("block_depthwise", ("Conv2d(8,8,3,pad=1,groups=8)+BatchNorm2d(8)",
                         lambda: ConvBN(8, 8, groups=8), (2, 8, 9, 9))),
    ("block_depthwise_1x1_map", ("Conv2d(8,8,3,pad=1,groups=8)+BatchNorm2d(8) "
                                 "on a 1x1 map (MobileNetV2's last depthwise "
                                 "blocks at 32x32): only the kernel's centre "
                                 "tap is read",
                                 lambda: ConvBN(8, 8, groups=8), (2, 8, 1, 1))),
    ("two_blocks_depthwise", ("Conv2d(3,8,3,pad=1)+BN+ReLU, then a depthwise "
                              "Conv2d(8,8,3,stride=2,pad=1,groups=8)+BN: the "
                              "depthwise block has an input gradient",
                              BlockThenDepthwise, (2, 3, 9, 9))),
    ("mobilenet_v2", ("torchvision mobilenet_v2(weights=None), 2x3x32x32 "
                      "(52 conv + BN blocks, 17 of them depthwise; ReLU6)",
                      mobilenet_v2, (2, 3, 32, 32))),
])

# name -> why torch-mlir 20261001 cannot export the joint graph.  Any other
# failure makes --training exit 1.
TRAINING_EXPECTED_FAILURES = {}


# torch-mlir 20261001 lowers aten.convolution_backward with groups > 1 to
# invalid IR (groups=2: a linalg.conv_2d_ngchw_gfchw its verifier rejects;
# groups=C: an invalid tensor.expand_shape). This decomposition computes the
# same gradients with forward convolutions, which it lowers correctly:
#  - dX is the transposed convolution of dY with the filter, written as a
#    forward one (torch-mlir's transposed grouped convolutions are invalid
#    IR too): dY spread by the stride, padded, convolved with the filter
#    flipped and its channel roles swapped within each group;
#  - dW[g·F/g + f, c] = Σ_{n,oh,ow} X[n, g·C/g + c, oh·s + kh·d − p] ·
#    dY[n, g·F/g + f, oh, ow] is a grouped convolution with the roles of
#    stride and dilation swapped: X as (C/g, g·N, H, W) (the batch becomes
#    each group's channel), dY as (F, N, OH, OW), cropped to the kernel size;
#  - db sums dY.
# Groups = 1 keeps torch-mlir's own lowering (NotImplemented: no
# decomposition). Equal to PyTorch's kernel to 1.4e-14 in f64 for groups 2
# and C, strides 1-2, dilations 1-2, padding 0-2 (checked when written).
def convolution_backward_grouped(grad_output, input, weight, bias_sizes, stride,
                                 padding, dilation, transposed, output_padding,
                                 groups, output_mask):
    if groups == 1 or transposed or input.dim() != 4:
        return NotImplemented
    aten = torch.ops.aten
    N, C, H, W = input.shape
    F, ipg, kh, kw = weight.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    OH, OW = grad_output.shape[-2:]
    grad_input = grad_weight = grad_bias = None
    if output_mask[0]:
        # dY spread by the stride, padded by (K-1)·d - p on the low side
        # (negative: cropped) and to X's size on the high side, then
        # convolved (dilation d) with the filter flipped and its channel roles
        # swapped within each group.
        opg = F // groups
        spread = grad_output
        if sh != 1 or sw != 1:
            rows = grad_output.new_zeros(N, F, OH, (OW - 1) * sw + 1)
            rows = aten.slice_scatter(rows, grad_output, 3, 0, None, sw)
            spread = grad_output.new_zeros(N, F, (OH - 1) * sh + 1, rows.shape[3])
            spread = aten.slice_scatter(spread, rows, 2, 0, None, sh)
        low_h, low_w = (kh - 1) * dh - ph, (kw - 1) * dw - pw
        high_h = H - (OH - 1) * sh - 1 + ph
        high_w = W - (OW - 1) * sw - 1 + pw
        padded = aten.constant_pad_nd(spread, [low_w, high_w, low_h, high_h], 0.0)
        # Flipped first: the regrouping then ends right where the
        # convolution splits the groups again (convbn reads the pair as one
        # view, docs/design.md).
        flipped = (weight.flip(2, 3).reshape(groups, opg, ipg, kh, kw)
                   .transpose(1, 2).reshape(C, opg, kh, kw))
        grad_input = aten.convolution(padded, flipped, None, [1, 1], [0, 0],
                                      dilation, False, [0, 0], groups)
    if output_mask[1]:
        x = (input.reshape(N, groups, ipg, H, W).permute(2, 1, 0, 3, 4)
             .reshape(ipg, groups * N, H, W))
        dw_full = aten.convolution(x, grad_output.transpose(0, 1), None,
                                   [dh, dw], [ph, pw], [sh, sw], False, [0, 0],
                                   groups)
        grad_weight = dw_full[:, :, :kh, :kw].transpose(0, 1)
    if output_mask[2]:
        grad_bias = grad_output.sum([0, 2, 3])
    return grad_input, grad_weight, grad_bias


# torch-mlir lowers aten.max_pool2d_with_indices_backward to tm_tensor.scatter
# (its own dialect). This decomposition computes the same gradient with
# upstream-lowerable ops: for each window offset (i, j), the outputs whose
# argmax is at that offset place their gradient into a strided slice of a
# zero tensor the size of the (padded) input, which is added to the input
# gradient. Overlapping windows add in another order than
# PyTorch's kernel (differences of an ulp).
def max_pool2d_backward_as_masks(grad_output, self, kernel_size, stride,
                                 padding, dilation, ceil_mode, indices):
    kh, kw = (list(kernel_size) * 2)[:2]
    sh, sw = (list(stride) * 2)[:2] if stride else (kh, kw)
    ph, pw = (list(padding) * 2)[:2]
    dh, dw = (list(dilation) * 2)[:2]
    H, W = self.shape[-2:]
    OH, OW = grad_output.shape[-2:]
    # The input gradient, padded so that every window offset's positions
    # are one strided slice.
    PH = max(H + 2 * ph, (OH - 1) * sh + (kh - 1) * dh + 1)
    PW = max(W + 2 * pw, (OW - 1) * sw + (kw - 1) * dw + 1)
    grad = grad_output.new_zeros(self.shape[:-2] + (PH, PW))
    oh = torch.arange(OH, device=grad_output.device).view(OH, 1)
    ow = torch.arange(OW, device=grad_output.device).view(1, OW)
    for i in range(kh):
        for j in range(kw):
            h = oh * sh - ph + i * dh
            w = ow * sw - pw + j * dw
            valid = (h >= 0) & (h < H) & (w >= 0) & (w < W)
            hit = (indices == h * W + w) & valid
            part = torch.where(hit, grad_output, torch.zeros_like(grad_output))
            # Placed into zeros and added (not scattered into `grad`): each
            # strided insert then writes a fresh tensor, which bufferizes
            # in place on the GPU pipeline.
            cols = part.new_zeros(part.shape[:-1] + (PW,))
            cols = torch.ops.aten.slice_scatter(
                cols, part, -1, j * dw, j * dw + (OW - 1) * sw + 1, sw)
            rows = part.new_zeros(part.shape[:-2] + (PH, PW))
            rows = torch.ops.aten.slice_scatter(
                rows, cols, -2, i * dh, i * dh + (OH - 1) * sh + 1, sh)
            grad = grad + rows
    return grad[..., ph:ph + H, pw:pw + W]


def export_training(name):
    """The joint graph of one training step of TRAINING[name] (loss and the
    gradients of every trainable parameter), as torch-mlir linalg, and the
    function's signature: [(argument kind, name)] and [(result kind, name)]."""
    import torch._functorch.aot_autograd as aot
    from torch._decomp import core_aten_decompositions
    from torch_mlir import fx
    from torch_mlir.extras.fx_decomp_util import get_decomposition_table
    desc, factory, shape, *rest = TRAINING[name]
    opts = rest[0] if rest else {}
    seed = sum(ord(c) for c in name)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = MSELoss(randomize_bn(factory(), gen))
    model.train() if opts.get("train") else model.eval()
    x = torch.randn(*shape, generator=gen)
    with torch.no_grad():
        target = torch.randn(model.model(x).shape, generator=gen)
    decompositions = {**core_aten_decompositions(), **get_decomposition_table(),
                      torch.ops.aten.max_pool2d_with_indices_backward.default:
                          max_pool2d_backward_as_masks,
                      torch.ops.aten.convolution_backward.default:
                          convolution_backward_grouped}
    gm, sig = aot.aot_export_module(model, (x, target), trace_joint=True,
                                    output_loss_index=0,
                                    decompositions=decompositions)
    module = fx.stateless_fx_import(gm, output_type="linalg-on-tensors",
                                    model_name="train_step")
    args = ([("parameter", n) for n in sig.parameters] +
            [("buffer", n) for n in sig.buffers] +
            [("input", n) for n in sig.user_inputs])
    # The results in the graph's output order (mutated buffers come before
    # the loss), each named by what it is.
    bs = sig.backward_signature
    kinds = {}
    for o in sig.user_outputs:
        kinds[o] = ("loss" if o == bs.loss_output else "output", o)
    for n, target_name in sig.buffers_to_mutate.items():
        kinds[n] = ("mutated buffer", target_name)
    for n, p in bs.gradients_to_parameters.items():
        kinds[n] = ("gradient", p)
    for n, p in bs.gradients_to_user_inputs.items():
        kinds[n] = ("input gradient", p)
    output = next(n for n in gm.graph.nodes if n.op == "output")
    results = [kinds[str(a)] for a in output.args[0]]
    return desc, opts, module, args, results, (model, (x, target))


# Training steps too large for a reference: benchmark inputs, whose
# gradients run only fused against unfused (bench/training_memory.py).
NO_AUTOGRAD_REFERENCE = ("resnet18_b8_112", "resnet50_b8_224", "resnet50_b32_224")


def autograd_reference(name, example, fargs, results):
    """The loss and gradients PyTorch's autograd computes for one step of
    `example` (model, (x, target)) on utils/exec_compare.py's inputs, as the
    JSON that exec_compare --reference reads: per result its size, max|value|
    and samples [flat index, value] (all of a result up to 512 values; of a
    larger one its largest and 511 drawn at random)."""
    import numpy as np
    sys.path.insert(0, os.path.join(REPO, "utils"))
    from exec_compare import input_values
    model, example_inputs = example
    # Deep nets get inputs scaled as initialisers scale weights.
    fan_in_scale = name.startswith("resnet") or name.startswith("mobilenet")
    state = dict(model.named_parameters())
    state.update(model.named_buffers())
    inputs = []
    with torch.no_grad():
        for k, (kind, n) in enumerate(fargs):
            if kind == "input":
                shape = example_inputs[len(inputs)].shape
                inputs.append(torch.from_numpy(input_values(k, list(shape), fan_in_scale)))
            else:
                # Integer buffers (num_batches_tracked) as main casts them:
                # fptosi, truncating.
                value = torch.from_numpy(input_values(k, list(state[n].shape), fan_in_scale))
                state[n].copy_(value if state[n].is_floating_point() else value.trunc())
    model.zero_grad(set_to_none=True)
    outputs = model(*inputs)
    outputs[0].backward()
    rng = np.random.default_rng(0)
    entries = []
    for kind, n in results:
        if kind in ("loss", "output"):
            value = outputs[0]
        elif kind == "gradient":
            value = state[n].grad
        else:  # a mutated buffer: its value after the step
            value = state[n]
        flat = value.detach().double().reshape(-1).numpy()
        if flat.size <= 512:
            picked = np.arange(flat.size)
        else:
            largest = int(np.abs(flat).argmax())
            others = rng.choice(np.delete(np.arange(flat.size), largest), 511, replace=False)
            picked = np.sort(np.append(others, largest))
        entries.append({"name": f"{kind} {n}", "shape": list(value.shape), "size": int(flat.size),
                        "max_abs": float(np.abs(flat).max(initial=0.0)),
                        "samples": [[int(i), float(flat[i])] for i in picked]})
    return {"source": "PyTorch autograd", "generator": "scripts/gen_frontend_ir.py --training",
            "case": name, "torch": torch.__version__, "inputs": {"fan_in_scale": fan_in_scale},
            "functions": {"train_step": entries}}


class RandomBlocks(nn.Module):
    """One or two conv + BN blocks of a random training case: the second
    makes the first's output a conv input, so its backward has an input
    gradient."""

    def __init__(self, blocks):
        super().__init__()
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x


def random_training_case(rng):
    """A random training step: (description, model factory, input shape).
    Shapes small enough that a case runs in about a second on the CPU."""
    def block(cin):
        k = rng.choice([1, 2, 3, 3, 5])
        dilation = rng.choice([1, 1, 2]) if k > 1 else 1
        stride = rng.choice([1, 1, 2, 3])
        padding = rng.randint(0, (k - 1) * dilation)
        groups = rng.choice([1, 1, 1, "depthwise", "grouped"])
        if groups == "depthwise":
            groups, cout = cin, cin * rng.choice([1, 1, 2])
        elif groups == "grouped" and cin % 2 == 0:
            groups, cout = 2, 2 * rng.randint(1, 5)
        else:
            groups, cout = 1, rng.randint(1, 10)
        spec = dict(cin=cin, cout=cout, k=k, stride=stride, padding=padding,
                    dilation=dilation, groups=groups,
                    bias=rng.random() < 0.4, relu=rng.random() < 0.5,
                    eps=rng.choice([1e-5, 1e-3]))
        frozen = rng.choice(["", "", "conv.", "bn."])
        return spec, frozen
    cin = rng.randint(1, 6)
    specs = [block(cin)]
    if rng.random() < 0.4:
        specs.append(block(specs[0][0]["cout"]))
    # An input large enough for every window.
    extent = max(1 + (s["k"] - 1) * s["dilation"] - 2 * s["padding"] for s, _ in specs)
    size = rng.randint(max(extent, 1) + 4, 11)
    shape = (rng.randint(1, 3), cin, size, size + rng.randint(-1, 1))
    for spec, _ in specs:
        shape_out = []
        for d in shape[2:]:
            shape_out.append((d + 2 * spec["padding"] - spec["dilation"] *
                              (spec["k"] - 1) - 1) // spec["stride"] + 1)
        if min(shape_out) < 1:
            return None
    desc = "; ".join(
        f"Conv2d({s['cin']},{s['cout']},{s['k']},stride={s['stride']},"
        f"pad={s['padding']},dil={s['dilation']},groups={s['groups']},"
        f"bias={s['bias']})+BN(eps={s['eps']}){'+ReLU' if s['relu'] else ''}"
        f"{' frozen ' + f.rstrip('.') if f else ''}" for s, f in specs)

    def make():
        blocks = []
        for spec, frozen_part in specs:
            b = ConvBN(**spec)
            for n, p in b.named_parameters():
                if frozen_part and n.startswith(frozen_part):
                    p.requires_grad_(False)
            blocks.append(b)
        return RandomBlocks(blocks)
    return desc, make, shape


def main_training_random(args, vers):
    """--training-random N: N random training steps (seed --seed) in one
    module, each function @case_I, with one reference file."""
    import random
    rng = random.Random(args.seed)
    functions, references, descs = [], {}, []
    index = 0
    while len(functions) < args.training_random:
        case = random_training_case(rng)
        if case is None:
            continue
        desc, factory, shape = case
        name = f"case_{index}"
        TRAINING[name] = (desc, factory, shape)
        try:
            _, _, module, fargs, results, example = export_training(name)
        except Exception as e:
            print(f"  {name}: EXPORT FAILED ({desc}): {str(e).splitlines()[0][:200]}")
            return 1
        text = module.operation.get_asm()
        # One module: the function and its attribute aliases renamed.
        text = re.sub(r"#map(\d*)\b", rf"#{name}_map\1", text)
        text = text.replace("@train_step(", f"@{name}(")
        lines = text.strip().splitlines()
        aliases = [l for l in lines if l.startswith("#")]
        body = "\n".join(l for l in lines if not l.startswith("#")).strip()
        assert body.startswith("module {") and body.endswith("}"), body[:200]
        functions.append((aliases, body[len("module {"):-1].strip("\n")))
        reference = autograd_reference(name, example, fargs, results)
        references[name] = reference["functions"]["train_step"]
        descs.append(f"// @{name}: {desc}, input {'x'.join(map(str, shape))}")
        index += 1
        del TRAINING[name]
    head = (f"// GENERATED by scripts/gen_frontend_ir.py --training-random "
            f"{args.training_random} --seed {args.seed} -- do not edit.\n"
            f"// Random training steps (one or two conv + BN blocks; BN in eval),"
            f" each exported like --training's\n// cases (docs/frontend-ir.md)"
            f" and renamed into one module.\n"
            f"// torch {vers['torch']}, torchvision {vers['torchvision']}, "
            f"torch-mlir {vers['torch-mlir']}\n" + "\n".join(descs) + "\n")
    aliases = [a for f in functions for a in f[0]]
    module = ("\n".join(aliases) + "\nmodule {\n" +
              "\n".join(inner for _, inner in functions) + "\n}\n")
    p = os.path.join(args.out, "training", "random.mlir")
    write(p, head + module)
    check(p, "torch", args.mlir_opt)
    write(p[:-len(".mlir")] + ".autograd.json", json.dumps({
        "source": "PyTorch autograd", "generator":
        f"scripts/gen_frontend_ir.py --training-random {args.training_random} --seed {args.seed}",
        "torch": torch.__version__, "inputs": {"fan_in_scale": False},
        "functions": references}) + "\n")
    print(f"  random: {len(functions)} cases, {os.path.getsize(p)}B")
    return 0


def main_training(args, vers, ap):
    names = args.training or list(TRAINING)
    for n in names:
        if n not in TRAINING:
            ap.error(f"unknown training case {n} (see --list)")
    failed = []
    for name in names:
        try:
            desc, opts, module, fargs, results, example = export_training(name)
        except Exception as e:  # torch_mlir.compiler_utils.TorchMlirCompilerError
            lines = [l for l in str(e).splitlines() if "error:" in l]
            why = (lines[0] if lines else str(e).splitlines()[0])
            why = why[why.find("error:"):][:400]
            failed.append((name, why))
            print(f"  {name}: EXPORT FAILED: {why}")
            continue
        mode = "training (batch statistics)" if opts.get("train") else "eval"
        text = module.operation.get_asm()
        extra = (
            f"// one training step, BN in {mode}: aot_export_module("
            f"trace_joint=True, core_aten + torch-mlir decompositions), then\n"
            f"// torch-mlir fx.stateless_fx_import(output_type="
            f"\"linalg-on-tensors\"); loss = mean((model(x) - target)^2)\n"
            "// arguments:\n" +
            "".join(f"//   {i}: {k} {n}\n" for i, (k, n) in enumerate(fargs)) +
            "// results:\n" +
            "".join(f"//   {i}: {k} {n}\n" for i, (k, n) in enumerate(results)))
        p = os.path.join(args.out, "training", name + ".mlir")
        head = (f"// GENERATED by scripts/gen_frontend_ir.py --training -- do "
                f"not edit.\n// {name}: {desc}\n"
                f"// torch {vers['torch']}, torchvision {vers['torchvision']}, "
                f"torch-mlir {vers['torch-mlir']}\n")
        write(p, head + extra + text)
        check(p, "torch", args.mlir_opt)
        if name not in NO_AUTOGRAD_REFERENCE:
            reference = autograd_reference(name, example, fargs, results)
            write(p[:-len(".mlir")] + ".autograd.json", json.dumps(reference, indent=None) + "\n")
        print(f"  {name}: {os.path.getsize(p)}B, {len(fargs)} arguments, "
              f"{len(results)} results")
    unexpected = [f for f in failed if f[0] not in TRAINING_EXPECTED_FAILURES]
    for name, why in failed:
        note = TRAINING_EXPECTED_FAILURES.get(name, "UNEXPECTED")
        print(f"not exported: {name} ({note}): {why}")
    return 1 if unexpected else 0


# --------------------------------------------------------------------------
# Whole torchvision architectures (--arch)
# --------------------------------------------------------------------------

class TensorOutputs(nn.Module):
    """Models that return a dict (or a tuple) as a function returning
    tensors: `key` picks one entry, otherwise every value, in order."""

    def __init__(self, model, key=None):
        super().__init__()
        self.model = model
        self.key = key

    def forward(self, x):
        out = self.model(x)
        if self.key is not None:
            return out[self.key]
        return tuple(out.values())


def tv(name, **kwargs):
    """torchvision.models.NAME(weights=None, **kwargs): nothing downloaded."""
    import torchvision
    return lambda: getattr(torchvision.models, name)(weights=None, **kwargs)


def fasterrcnn_resnet50_fpn_backbone():
    """`fasterrcnn_resnet50_fpn(...).backbone` as the detector builds it for
    pretrained weights (ResNet-50 with FrozenBatchNorm2d, 3 trainable layers,
    FPN with LastLevelMaxPool), without loading any: with weights=None and
    weights_backbone=None the builder would use plain BatchNorm2d instead.
    (Pretrained COCO_V1 weights also set every FrozenBatchNorm2d eps to 0;
    this keeps the default 1e-5.)"""
    from torchvision.models import resnet50
    from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
    from torchvision.ops.misc import FrozenBatchNorm2d
    backbone = resnet50(weights=None, norm_layer=FrozenBatchNorm2d)
    return TensorOutputs(_resnet_fpn_extractor(backbone, 3))


def deeplabv3_resnet50():
    """The whole `deeplabv3_resnet50(weights=None, weights_backbone=None)`
    (dilated ResNet-50 backbone + ASPP head, no aux head), returning `out`."""
    from torchvision.models.segmentation import deeplabv3_resnet50 as f
    return TensorOutputs(f(weights=None, weights_backbone=None), "out")


# name -> (description, model factory, input shape[, options]).  All eval,
# batch 1, random weights (seeded), random BN statistics, blobs elided.
# options: tosa_decompose (aten overloads that the TOSA export decomposes with
# torch._decomp on top of torch-mlir's default decomposition table).
ARCHS = collections.OrderedDict([
    ("resnet18", ("torchvision resnet18", tv("resnet18"), (1, 3, 64, 64))),
    ("resnet50", ("torchvision resnet50", tv("resnet50"), (1, 3, 64, 64))),
    ("resnext50_32x4d", ("torchvision resnext50_32x4d (grouped 3x3, 32 groups)",
                         tv("resnext50_32x4d"), (1, 3, 64, 64))),
    ("mobilenet_v2", ("torchvision mobilenet_v2", tv("mobilenet_v2"),
                      (1, 3, 64, 64))),
    ("mobilenet_v3_small", ("torchvision mobilenet_v3_small (squeeze-"
                            "excitation, hardswish)",
                            tv("mobilenet_v3_small"), (1, 3, 64, 64))),
    ("efficientnet_b0", ("torchvision efficientnet_b0 (squeeze-excitation, "
                         "SiLU; stochastic depth is an identity in eval)",
                         tv("efficientnet_b0"), (1, 3, 64, 64))),
    ("regnet_y_400mf", ("torchvision regnet_y_400mf (grouped 3x3, "
                        "squeeze-excitation)", tv("regnet_y_400mf"),
                        (1, 3, 64, 64))),
    ("mnasnet1_0", ("torchvision mnasnet1_0", tv("mnasnet1_0"),
                    (1, 3, 64, 64))),
    ("densenet121", ("torchvision densenet121 (BN -> ReLU -> conv: BN "
                     "before the conv)", tv("densenet121"), (1, 3, 64, 64))),
    ("vgg11_bn", ("torchvision vgg11_bn", tv("vgg11_bn"), (1, 3, 64, 64))),
    ("googlenet", ("torchvision googlenet (aux heads unused in eval)",
                   tv("googlenet", init_weights=True), (1, 3, 64, 64))),
    ("inception_v3", ("torchvision inception_v3 (aux head unused in eval); "
                      "75x75, the smallest it accepts",
                      tv("inception_v3", init_weights=True), (1, 3, 75, 75))),
    ("shufflenet_v2_x1_0", ("torchvision shufflenet_v2_x1_0 (depthwise, "
                            "channel shuffle)", tv("shufflenet_v2_x1_0"),
                            (1, 3, 64, 64))),
    ("fasterrcnn_resnet50_fpn_backbone",
     ("fasterrcnn_resnet50_fpn's backbone: ResNet-50 with FrozenBatchNorm2d + "
      "FPN (+ LastLevelMaxPool), its OrderedDict output returned as a tuple",
      fasterrcnn_resnet50_fpn_backbone, (1, 3, 64, 64),
      # torch-to-tosa cannot lower the FPN's nearest upsample
      # (aten.__interpolate.size_list_scale_list): for TOSA only, decompose
      # it first (PyTorch's own decomposition: index arithmetic + gather).
      {"tosa_decompose": ["upsample_nearest2d.vec",
                          "upsample_nearest2d.default"]})),
    ("deeplabv3_resnet50", ("torchvision deeplabv3_resnet50 (dilated "
                            "ResNet-50 + ASPP), the whole model returning "
                            "'out'", deeplabv3_resnet50, (1, 3, 64, 64))),
])


# The architectures whose TOSA form is committed: the others' TOSA files
# fuse every pair and show nothing the torch form does not, and all of them
# would take the committed files past ~6 MB (--all-tosa writes them all).
ARCH_TOSA = {"resnet18", "efficientnet_b0", "densenet121", "vgg11_bn",
             "fasterrcnn_resnet50_fpn_backbone", "deeplabv3_resnet50"}

# (name, form) -> why torch-mlir 20261001 cannot export it.  Any other
# export failure makes --arch exit 1.
EXPECTED_FAILURES = {
    ("resnext50_32x4d", "tosa"):
        "torch-to-tosa rejects aten.convolution with 32 groups ('failed to "
        "legalize operation torch.aten.convolution'); up to 31 groups lower",
    ("regnet_y_400mf", "tosa"):
        "the same for its 440-channel stage: 55 groups of 8",
}


def torch_graph_pairs(model):
    """Counts, in the model's torch.fx graph (symbolically traced), Conv2d calls,
    batch-norm calls (BatchNorm2d, FrozenBatchNorm2d), and Conv2d -> BN pairs:
    a BN module applied directly to a Conv2d module's output.  Also counts
    those pairs whose conv output has another user (which must not fuse)."""
    import torch.fx
    from torchvision.ops.misc import FrozenBatchNorm2d
    bn_types = (nn.BatchNorm2d, FrozenBatchNorm2d)

    class Tracer(torch.fx.Tracer):
        # FrozenBatchNorm2d is no torch.nn module: keep it a call_module
        # instead of tracing into its mul/add.
        def is_leaf_module(self, m, qualname):
            return (isinstance(m, FrozenBatchNorm2d) or
                    super().is_leaf_module(m, qualname))

    graph = Tracer().trace(model)
    mods = dict(model.named_modules())

    def module(node, types):
        return (node.op == "call_module" and
                isinstance(mods[node.target], types))

    convs = [n for n in graph.nodes if module(n, nn.Conv2d)]
    bns = [n for n in graph.nodes if module(n, bn_types)]
    pairs = shared = 0
    for conv in convs:
        for user in conv.users:
            if module(user, bn_types) and user.args and user.args[0] is conv:
                pairs += 1
                if len(conv.users) > 1:
                    shared += 1
    return {"convs": len(convs), "bns": len(bns), "pairs": pairs,
            "shared": shared}


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------

def versions():
    import importlib.metadata as md
    out = {}
    for p in ("torch", "torchvision", "torch-mlir"):
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = "not installed"
    return out


def build(name, table=CASES):
    if table is ARCHS:
        desc, factory, shape, *rest = table[name]
        opts = dict(rest[0] if rest else {}, elide=True,
                    resource_limit=ARCH_RESOURCE_LIMIT)
    else:
        desc, factory, shape, opts = table[name]
    seed = sum(ord(c) for c in name)  # stable per case
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = randomize_bn(factory(), gen)
    x = torch.randn(*shape, generator=gen)
    model.train() if opts.get("train") else model.eval()
    if opts.get("half"):
        model = model.half()
        x = x.half()
    if opts.get("channels_last"):
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    kwargs = {}
    if opts.get("dynamic_batch"):
        kwargs["dynamic_shapes"] = {"x": {0: torch.export.Dim("batch", min=1, max=1024)}}
    return desc, model, x, opts, kwargs


def export_module(name, output_type, table=CASES):
    from torch_mlir import fx
    desc, model, x, opts, kwargs = build(name, table)
    if output_type == "tosa" and opts.get("tosa_decompose"):
        import torch._decomp
        from torch_mlir.extras.fx_decomp_util import get_decomposition_table
        ops = [getattr(getattr(torch.ops.aten, o.split(".")[0]), o.split(".")[1])
               for o in opts["tosa_decompose"]]
        kwargs = dict(kwargs, decomposition_table={
            **get_decomposition_table(), **torch._decomp.get_decompositions(ops)})
    module = fx.export_and_import(model, x, output_type=output_type,
                                  func_name="forward", **kwargs)
    return desc, module, opts


def export(name, output_type, table=CASES):
    desc, module, opts = export_module(name, output_type, table)
    print_kwargs = {}
    if opts.get("elide"):
        print_kwargs = dict(large_elements_limit=ELEMENTS_LIMIT,
                            large_resource_limit=opts.get("resource_limit",
                                                          RESOURCE_LIMIT))
    text = module.operation.get_asm(**print_kwargs)
    return desc, text


def header(name, desc, kind, vers, extra=""):
    what = {
        "torch": 'torch-mlir fx.export_and_import(output_type="linalg-on-tensors")',
        "tosa-dialect": 'torch-mlir fx.export_and_import(output_type="tosa")',
        "tosa": ('torch-mlir fx.export_and_import(output_type="tosa"), then\n'
                 f'// mlir-opt --pass-pipeline="{TOSA_PIPELINE}"'),
    }[kind]
    return (f"// GENERATED by scripts/gen_frontend_ir.py -- do not edit.\n"
            f"// {name}: {desc}\n"
            f"// {what}\n"
            f"// torch {vers['torch']}, torchvision {vers['torchvision']}, "
            f"torch-mlir {vers['torch-mlir']}\n" + extra)


def dialects_of(path, mlir_opt):
    """Set of dialect namespaces of all ops in the file (via generic form)."""
    res = subprocess.run([mlir_opt, "--mlir-print-op-generic", path],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"mlir-opt cannot parse {path}:\n{res.stderr}")
    ops = set(re.findall(r'"([a-z_][a-z0-9_]*)\.[a-z0-9_.]+"\(', res.stdout))
    return ops


def check(path, kind, mlir_opt):
    ds = dialects_of(path, mlir_opt)
    bad = ds - ALLOWED[kind]
    if bad:
        raise RuntimeError(f"{path}: unexpected dialects {sorted(bad)}")


# --------------------------------------------------------------------------
# A rough textual census of conv -> BN pairs, for the summary and the docs.
# It is NOT the matcher: it follows single-use chains from each conv through
# layout/precision/bias ops and reports whether they reach a generic that
# subtracts (the first BN step of both frontends).
# --------------------------------------------------------------------------

_CONV = re.compile(r"^\s*(%[\w]+) = linalg\.(conv_2d\w*|depthwise_conv_2d\w*)\b")
_DEF = re.compile(r"^\s*(%[\w]+)(?::\d+)? = ([\w.]+)")
_USE = re.compile(r"%[\w]+")


def _ops(text):
    """[(result, opname, header_text, body_text)] for top-level-ish ops."""
    body = text.split("{-#")[0]
    lines = body.splitlines()
    ops, i = [], 0
    while i < len(lines):
        m = _DEF.match(lines[i])
        if not m:
            i += 1
            continue
        header, inner = lines[i], []
        if lines[i].rstrip().endswith("{"):
            depth = 1
            i += 1
            while i < len(lines) and depth:
                depth += lines[i].count("{") - lines[i].count("}")
                inner.append(lines[i])
                i += 1
            header += " " + (inner[-1] if inner else "")
        else:
            i += 1
        ops.append((m.group(1), m.group(2), header, "\n".join(inner)))
    return ops


def census(text):
    ops = _ops(text)
    users = collections.defaultdict(list)
    for res, name, header, _b in ops:
        rhs = header.split("=", 1)[1]
        for u in set(_USE.findall(rhs)):
            users[u].append((res, name, header, _b))
    convs = [o for o in ops if _CONV.match(o[2])]
    pairs = multi = 0
    for res, *_ in convs:
        v, hops = res, 0
        while hops < 4:
            # tensor.dim only reads the shape (dynamic batch on the TOSA path).
            us = [u for u in users.get(v, []) if u[1] != "tensor.dim"]
            if len(us) != 1:
                if len(us) > 1:
                    multi += 1
                break
            ures, uname, _h, ubody = us[0]
            if uname == "linalg.generic" and "arith.subf" in ubody:
                pairs += 1
                break
            if uname in ("tensor.collapse_shape", "tensor.expand_shape",
                         "linalg.transpose", "tensor.cast") or (uname == "linalg.generic" and
                                            "arith.subf" not in ubody):
                v, hops = ures, hops + 1
                continue
            break
    return {"convs": len(convs), "conv_bn_chains": pairs,
            "multi_use_convs": multi, "rsqrt": text.count("math.rsqrt")}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                            "examples")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--mlir-opt", default=DEFAULT_MLIR_OPT)
    ap.add_argument("--only", nargs="*", help="case names (default: all)")
    ap.add_argument("--list", action="store_true", help="list cases and exit")
    ap.add_argument("--full-weights-dir",
                    help="also write resnet18 (or, with --arch, every "
                         "architecture) without elision to this directory "
                         "(~93 MB per file for resnet18); not committed")
    ap.add_argument("--arch", nargs="*", metavar="NAME",
                    help="export whole torchvision architectures to "
                         "OUT/arch/{torch,tosa}/ instead of the cases "
                         "(all of them when no NAME is given)")
    ap.add_argument("--all-tosa", action="store_true",
                    help="with --arch: also the TOSA form of the "
                         "architectures outside ARCH_TOSA (not committed, "
                         "for size)")
    ap.add_argument("--training-random", type=int, default=0, metavar="N",
                    help="write N random training steps (--seed) to "
                         "OUT/training/random.mlir with PyTorch's gradients")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--training", nargs="*", metavar="NAME",
                    help="export joint forward + backward graphs of "
                         "training steps to OUT/training/ instead of the "
                         "cases (all of them when no NAME is given)")
    args = ap.parse_args()

    if args.list:
        for n, (d, *_rest) in CASES.items():
            print(f"{n:26s} {d}")
        print("--training:")
        for n, (d, *_r) in TRAINING.items():
            print(f"  {n:26s} {d}")
        print("--arch:")
        for n, (d, _f, shape, *_o) in ARCHS.items():
            print(f"  {n:32s} {'x'.join(map(str, shape))}: {d}")
        return 0

    vers = versions()
    print("versions:", vers)
    if args.arch is not None:
        return main_arch(args, vers, ap)
    if args.training_random:
        return main_training_random(args, vers)
    if args.training is not None:
        return main_training(args, vers, ap)
    names = args.only or list(CASES)
    for n in names:
        if n not in CASES:
            ap.error(f"unknown case {n}")

    for name in names:
        # linalg-on-tensors straight from torch-mlir
        desc, text = export(name, "linalg-on-tensors")
        p = os.path.join(args.out, "torch", name + ".mlir")
        write(p, header(name, desc, "torch", vers) + text)
        check(p, "torch", args.mlir_opt)
        if CASES[name][3].get("example"):
            write(os.path.join(EXAMPLES_DIR, name + ".mlir"),
                  header(name, desc, "torch", vers) + text)

        # TOSA as emitted, then lowered by upstream mlir-opt
        desc, text = export(name, "tosa")
        pt = os.path.join(args.out, "tosa-dialect", name + ".mlir")
        write(pt, header(name, desc, "tosa-dialect", vers) + text)
        check(pt, "tosa-dialect", args.mlir_opt)
        res = subprocess.run([args.mlir_opt, f"--pass-pipeline={TOSA_PIPELINE}", pt],
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"lowering {pt} failed:\n{res.stderr}")
        pl = os.path.join(args.out, "tosa", name + ".mlir")
        write(pl, header(name, desc, "tosa", vers) + res.stdout)
        check(pl, "tosa", args.mlir_opt)
        for kind, q in (("torch", p), ("tosa", pl)):
            with open(q) as f:
                c = census(f.read())
            print(f"  {name} [{kind}] convs={c['convs']} "
                  f"conv->BN single-use chains={c['conv_bn_chains']} "
                  f"multi-use convs={c['multi_use_convs']} rsqrt={c['rsqrt']}")
        print(f"  {name}: " + ", ".join(
            f"{k}={os.path.getsize(q)}B" for k, q in
            (("torch", p), ("tosa-dialect", pt), ("tosa", pl))))

        if args.full_weights_dir and CASES[name][3].get("elide"):
            from torch_mlir import fx
            _d, model, x, _o, kw = build(name)
            for ot in ("linalg-on-tensors", "tosa"):
                m = fx.export_and_import(model, x, output_type=ot,
                                         func_name="forward", **kw)
                write(os.path.join(args.full_weights_dir, ot, name + ".mlir"),
                      str(m))
    return 0


def lower_tosa(text, dialect_header, header_, path, mlir_opt):
    """Writes the TOSA `text` lowered by TOSA_PIPELINE to `path`; the TOSA
    dialect form only goes through a temporary file."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        pt = os.path.join(tmp, os.path.basename(path))
        write(pt, dialect_header + text)
        check(pt, "tosa-dialect", mlir_opt)
        res = subprocess.run([mlir_opt, f"--pass-pipeline={TOSA_PIPELINE}", pt],
                             capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"lowering {path} (tosa) failed:\n{res.stderr}")
    write(path, header_ + res.stdout)
    check(path, "tosa", mlir_opt)


def main_arch(args, vers, ap):
    names = args.arch or list(ARCHS)
    for n in names:
        if n not in ARCHS:
            ap.error(f"unknown architecture {n} (see --list)")
    failed = []
    for name in names:
        desc, _factory, shape, *_rest = ARCHS[name]
        desc = (f"{desc}, weights=None (seeded), random BN statistics, eval, "
                f"input {'x'.join(map(str, shape))}; every dense_resource "
                f"(weights, BN vectors) and dense<> over {ELEMENTS_LIMIT} "
                f"elements elided")
        _d, model, _x, _o, _kw = build(name, ARCHS)
        g = torch_graph_pairs(model)
        extra = (f"// torch.fx graph: {g['convs']} Conv2d, {g['bns']} "
                 f"BatchNorm2d/FrozenBatchNorm2d calls; a BN applied directly "
                 f"to a Conv2d output:\n"
                 f"// conv-bn-pairs: {g['pairs']}"
                 + (f" ({g['shared']} of whose convs have another user)"
                    if g["shared"] else "") + "\n")
        print(f"{name}: torch graph {g}")

        _desc, text = export(name, "linalg-on-tensors", ARCHS)
        p = os.path.join(args.out, "arch", "torch", name + ".mlir")
        write(p, header(name, desc, "torch", vers, extra) + text)
        check(p, "torch", args.mlir_opt)

        pl = os.path.join(args.out, "arch", "tosa", name + ".mlir")
        if name not in ARCH_TOSA and not args.all_tosa:
            print(f"  {name} [tosa] skipped (not in ARCH_TOSA; --all-tosa)")
            pl = None
        try:
            _desc, text = export(name, "tosa", ARCHS) if pl else (None, None)
        except Exception as e:  # torch_mlir.compiler_utils.TorchMlirCompilerError
            diag = [l for l in str(e).splitlines() if "error:" in l]
            why = (diag[0] if diag else str(e).splitlines()[0])[-400:]
            failed.append((name, "tosa", why))
            print(f"  {name} [tosa] EXPORT FAILED: {why}")
            if os.path.exists(pl):
                os.remove(pl)
            pl = None
        if pl:
            decomposed = (_rest[0] if _rest else {}).get("tosa_decompose")
            if decomposed:
                extra += ("// the TOSA export also decomposes (torch._decomp) "
                          + ", ".join("aten." + o for o in decomposed) + "\n")
            lower_tosa(text, header(name, desc, "tosa-dialect", vers, extra),
                       header(name, desc, "tosa", vers, extra), pl,
                       args.mlir_opt)
        for kind, q in (("torch", p), ("tosa", pl)):
            if q is None:
                continue
            with open(q) as f:
                c = census(f.read())
            print(f"  {name} [{kind}] convs={c['convs']} "
                  f"conv->BN single-use chains={c['conv_bn_chains']} "
                  f"multi-use convs={c['multi_use_convs']} rsqrt={c['rsqrt']} "
                  f"size={os.path.getsize(q)}B")

        if args.full_weights_dir:
            for ot in ("linalg-on-tensors", "tosa") if pl else ("linalg-on-tensors",):
                _d, m, _o = export_module(name, ot, ARCHS)
                write(os.path.join(args.full_weights_dir, "arch", ot,
                                   name + ".mlir"), str(m))
    # A model torch-mlir cannot lower to TOSA keeps its torch file only.
    unexpected = [f for f in failed if f[:2] not in EXPECTED_FAILURES]
    for name, kind, why in failed:
        note = EXPECTED_FAILURES.get((name, kind), "UNEXPECTED")
        print(f"not exported: {name} [{kind}] ({note}): {why}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
