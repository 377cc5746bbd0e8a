"""Calls function FUNC of a convbn-aot library twice through bench/gpu_check.py's
ctypes plumbing, with host buffers shaped after FUNC's signature in SOURCE
(inputs, then results as output buffers): run it with the fake CUDA driver to
see which driver calls the second call repeats.

  call_twice.py BENCH_DIR UTILS_DIR LIBRARY SOURCE FUNC"""

import ctypes
import sys

bench, utils, library_path, source_path, func = sys.argv[1:]
sys.path.insert(0, bench)
sys.path.insert(0, utils)
import exec_compare  # noqa: E402
import gpu_check  # noqa: E402
from host_tensor import HostTensor  # noqa: E402


arg_types, results = exec_compare.find_signature(open(source_path).read(), func)
buffers = [HostTensor(*shape) for shape, _ in arg_types + results]
call = gpu_check.caller(ctypes.CDLL(library_path), func)
for n in (1, 2):
    print(f"call {n}", file=sys.stderr, flush=True)
    call(*buffers)
print("done", file=sys.stderr, flush=True)
