"""A host buffer with the part of torch.Tensor that bench/gpu_check.py's
memref descriptors use: the tests call compiled libraries through the GPU
check's ctypes plumbing without PyTorch (with the fake CUDA driver)."""

import ctypes
import math


class HostTensor:
    def __init__(self, *shape):
        self.shape = shape
        self.buffer = (ctypes.c_float * math.prod(shape))()

    def dim(self):
        return len(self.shape)

    def is_contiguous(self):
        return True

    def data_ptr(self):
        return ctypes.addressof(self.buffer)

    def stride(self, i):
        return math.prod(self.shape[i + 1:])
