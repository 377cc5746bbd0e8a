#!/usr/bin/env python3
"""Writes an MLIR module with one function per ResNet-50 Conv+BN layer shape.

  resnet50_layers.py [--batch 32] [--dtype f32|f16|bf16] [--mode tune|eval]
                     [--layers conv1,layer1.conv2,...] > layers.mlir

Each function `@<layer>` takes the input, filter and the batch-norm vectors
as arguments (so nothing folds at compile time) and returns the
`convbn.conv_bn` result, NCHW/FCHW as PyTorch. The same table drives the GPU
check (bench/gpu_check.py), which compares with PyTorch on these shapes.
"""

import argparse
import sys

# name: (in_channels, out_channels, kernel, stride, padding, input size)
LAYERS = {
    "conv1": (3, 64, 7, 2, 3, 224),
    "layer1.conv1": (64, 64, 1, 1, 0, 56),
    "layer1.conv2": (64, 64, 3, 1, 1, 56),
    "layer1.conv3": (64, 256, 1, 1, 0, 56),
    "layer1.downsample": (64, 256, 1, 1, 0, 56),
    "layer2.conv1": (256, 128, 1, 1, 0, 56),
    "layer2.conv2": (128, 128, 3, 2, 1, 56),
    "layer2.conv3": (128, 512, 1, 1, 0, 28),
    "layer2.downsample": (256, 512, 1, 2, 0, 56),
    "layer3.conv1": (512, 256, 1, 1, 0, 28),
    "layer3.conv2": (256, 256, 3, 2, 1, 28),
    "layer3.conv3": (256, 1024, 1, 1, 0, 14),
    "layer4.conv1": (1024, 512, 1, 1, 0, 14),
    "layer4.conv2": (512, 512, 3, 2, 1, 14),
    "layer4.conv3": (512, 2048, 1, 1, 0, 7),
}


def symbol(name):
    return name.replace(".", "_")


def function(name, batch, dtype, mode):
    cin, cout, k, s, p, size = LAYERS[name]
    out = (size + 2 * p - k) // s + 1
    x = f"tensor<{batch}x{cin}x{size}x{size}x{dtype}>"
    w = f"tensor<{cout}x{cin}x{k}x{k}x{dtype}>"
    v = f"tensor<{cout}x{dtype}>"
    y = f"tensor<{batch}x{cout}x{out}x{out}x{dtype}>"
    attrs = []
    if s != 1:
        attrs.append(f"strides = [{s}, {s}]")
    if p:
        attrs.append(f"padding = [{p}, {p}, {p}, {p}]")
    attrs.append("epsilon = 1.0e-05")
    return (f"func.func @{symbol(name)}(%x: {x}, %w: {w}, %g: {v}, %b: {v}, "
            f"%m: {v}, %v: {v}) -> {y} {{\n"
            f"  %y = convbn.conv_bn {mode} nchw_fchw %x, %w scale(%g) "
            f"offset(%b) mean(%m) variance(%v) {' '.join(attrs)}\n"
            f"         : {x}, {w}, {v}\n"
            f"  return %y : {y}\n}}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--dtype", default="f32", choices=["f32", "f16", "bf16"])
    parser.add_argument("--mode", default="tune", choices=["tune", "eval"])
    parser.add_argument("--layers", default=",".join(LAYERS))
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for name, shape in LAYERS.items():
            print(symbol(name), *shape)
        return 0
    for name in args.layers.split(","):
        sys.stdout.write(function(name, args.batch, args.dtype, args.mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
