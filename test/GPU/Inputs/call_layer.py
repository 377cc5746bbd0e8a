"""Calls one compiled ResNet-50 layer function through bench/gpu_check.py's
ctypes plumbing (memref descriptors from buffer-like objects), the way the GPU
check calls it with PyTorch tensors: the smoke test of that ABI without a GPU
or PyTorch (run it with the fake CUDA driver)."""

import ctypes
import sys

sys.path.insert(0, sys.argv[1])  # bench/
import gpu_check  # noqa: E402
from host_tensor import HostTensor  # noqa: E402


library = ctypes.CDLL(sys.argv[2])
call = gpu_check.caller(library, "layer4_conv3")
channels = [HostTensor(2048) for _ in range(4)]
call(HostTensor(32, 512, 7, 7), HostTensor(2048, 512, 1, 1), *channels,
     HostTensor(32, 2048, 7, 7))
print("called layer4_conv3")
