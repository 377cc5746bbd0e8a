# -*- Python -*-

import glob
import os
import shutil
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "CONVBN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.convbn_obj_root, "test")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%shlibext", config.llvm_shlib_ext))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
config.convbn_utils_dir = os.path.join(repo_root, "utils")

# Sanitizer builds (cmake -DLLVM_USE_SANITIZER="Address;Undefined";
# docs/testing.md, "Sanitizers"; lit's llvm_config has added the features
# asan / ubsan from config.llvm_use_sanitizer):
# - every process gets the options below, before the caller's own
#   ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS (which win);
# - a program a test compiles (%host_cc) is instrumented like convbn's code,
#   so it can link an instrumented convbn-aot library;
# - an uninstrumented host that can load convbn's instrumented libraries runs
#   with the ASan runtime preloaded, since ASan must be a process's first
#   library: %python (ctypes), `mlir-runner` and %run-gpu (-shared-libs=);
#   `%sanitizer_host CMD` for any other. Not %run-cpu and %exec-compare, which
#   load MLIR's runner libraries only, and not %mlir_runner, a path for
#   scripts (run by %python, whose children inherit the preload).
sanitizers = {s.lower() for s in config.llvm_use_sanitizer.split(";") if s}
host_cc = config.host_cc
sanitizer_host = ""
if sanitizers:
    host_cc = f"{config.host_cc} {config.convbn_sanitizer_flags}"

    def add_sanitizer_options(name, options):
        mine = os.environ.get(name)
        config.environment[name] = ":".join(options + ([mine] if mine else []))

    # The stack of every UBSan report (each one fails its test:
    # -fno-sanitize-recover=all).
    add_sanitizer_options("UBSAN_OPTIONS", ["print_stacktrace=1"])
    if "address" in sanitizers:
        # allow_user_poisoning=0: convbn's code inlines LLVM's BumpPtrAllocator
        # (Allocator.h), which poisons each new slab under ASan and unpoisons
        # what it hands out; the same allocator's uninstrumented code in
        # libMLIR.so hands out memory from such a slab without unpoisoning it,
        # and the next access is a false use-after-poison.
        # hard_rss_limit_mb: a bound on memory that does not limit the
        # address space ASan reserves (the fuzzer's --memory-mb would).
        add_sanitizer_options("ASAN_OPTIONS", ["allow_user_poisoning=0",
                                               "hard_rss_limit_mb=4096"])
        # Leaks of the uninstrumented hosts themselves (utils/lsan.supp).
        add_sanitizer_options("LSAN_OPTIONS", [
            "suppressions=" + os.path.join(config.convbn_utils_dir, "lsan.supp"),
            "print_suppressions=0"])
        sanitizer_host = f"env LD_PRELOAD={config.convbn_asan_runtime} "
        config.substitutions = [
            (key, sanitizer_host + value if key == "%python" else value)
            for key, value in config.substitutions]
config.substitutions.append(("%host_cc", host_cc))
# A C++ project a test builds with CMake: its compiler, and the flags that
# make it link an instrumented convbn (empty outside sanitizer builds).
config.substitutions.append(("%host_cxx_flags", config.convbn_sanitizer_flags
                             if sanitizers else ""))
config.substitutions.append(("%host_cxx", config.host_cxx))
config.substitutions.append(("%convbn_obj_root", config.convbn_obj_root))
config.substitutions.append(("%sanitizer_host", sanitizer_host))

# %run-cpu runs an LLVM-dialect module's `main` on the host, linked with the
# runtime support libraries of MLIR's runner: compiled ahead of time by
# utils/run_llvm_module.py (mlir-runner's options; its JIT compiles the large
# modules of these tests ten times slower) with the tools beside mlir-runner.
runner = config.mlir_runner or os.path.join(config.mlir_tools_dir, "mlir-runner")
config.substitutions.append(("%mlir_runner", runner))
c_runner_utils = os.path.join(config.mlir_lib_dir, "libmlir_c_runner_utils" + config.llvm_shlib_ext)
runner_utils = os.path.join(config.mlir_lib_dir, "libmlir_runner_utils" + config.llvm_shlib_ext)
run_llvm_module = os.path.join(config.convbn_utils_dir, "run_llvm_module.py")
config.substitutions.append(
    ("%run-cpu",
     f"{sys.executable} {run_llvm_module} --llvm-bin {os.path.dirname(runner)} "
     f"-e main -entry-point-result=void "
     f"-shared-libs={c_runner_utils} -shared-libs={runner_utils}"))

# LLVM's test tools (`not`, `count`) for RUN lines, after the system's.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# %python (the interpreter running lit) comes with use_default_substitutions.
# %exec-compare: utils/exec_compare.py with this build's convbn-opt and MLIR's
# runner (see its docstring).
convbn_opt = os.path.join(config.convbn_tools_dir, "convbn-opt")
config.substitutions.append(
    ("%exec-compare",
     f"{sys.executable} {os.path.join(config.convbn_utils_dir, 'exec_compare.py')} "
     f"--opt {convbn_opt} --runner {runner} --lib-dir {config.mlir_lib_dir}"))

# convbn's CUDA runtime (runtime/). %run-gpu: %run-cpu that also links it.
# %fakecuda: the fake CUDA driver that CONVBN_CUDA_DRIVER=%fakecuda makes the
# runtime load instead of libcuda.so.1 (runtime/unittests/FakeCuda.h).
config.substitutions.append(
    ("%run-gpu",
     f"{sanitizer_host}{runner} -e main -entry-point-result=void "
     f"-shared-libs={config.convbn_cuda_runtime} "
     f"-shared-libs={c_runner_utils} -shared-libs={runner_utils}"))
config.substitutions.append(("%convbn_cuda_runtime", config.convbn_cuda_runtime))
# libconvbn_memtrack: the generic allocation functions counting live bytes.
config.substitutions.append(("%convbn_memtrack", config.convbn_memtrack))
config.substitutions.append(("%convbn_runtime_include", config.convbn_runtime_include))
config.substitutions.append(("%fakecuda_old", config.convbn_fakecuda_old))
config.substitutions.append(("%fakecuda", config.convbn_fakecuda))
config.substitutions.append(("%cuda_toolkit", config.cuda_toolkit))
# lower-to-nvvm links libdevice from the toolkit.
if os.path.exists(os.path.join(config.cuda_toolkit, "nvvm", "libdevice", "libdevice.10.bc")):
    config.available_features.add("libdevice")
if config.convbn_runtime_unittests:
    config.available_features.add("runtime-unittests")
    config.substitutions.append(("%runtime-unittests", config.convbn_runtime_unittests))
# cuda-gpu: a CUDA driver and a device are present (tests that run kernels).
def _has_cuda_gpu():
    import ctypes
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
        count = ctypes.c_int(0)
        return (cuda.cuInit(0) == 0 and cuda.cuDeviceGetCount(ctypes.byref(count)) == 0
                and count.value > 0)
    except OSError:
        return False
if _has_cuda_gpu():
    config.available_features.add("cuda-gpu")

# The randomized differential test (Transforms/FuseConvBN/random.mlir): how
# many cases and which seed, from `lit --param convbn_random_cases=N
# --param convbn_random_seed=S` or the environment variables
# CONVBN_RANDOM_CASES / CONVBN_RANDOM_SEED (docs/testing.md).
config.substitutions.append(("%convbn_utils", config.convbn_utils_dir))
config.substitutions.append(("%convbn_tools_dir", config.convbn_tools_dir))
config.substitutions.append(
    ("%convbn_random_cases",
     lit_config.params.get("convbn_random_cases", os.environ.get("CONVBN_RANDOM_CASES", "300"))))
config.substitutions.append(
    ("%convbn_random_seed",
     lit_config.params.get("convbn_random_seed", os.environ.get("CONVBN_RANDOM_SEED", "1"))))

# The fuzzing campaign (Fuzz/campaign.test, utils/fuzz_convbn.py): how many
# cases and which seed, from `lit --param convbn_fuzz_cases=N --param
# convbn_fuzz_seed=S` or CONVBN_FUZZ_CASES / CONVBN_FUZZ_SEED
# (docs/testing.md).
config.substitutions.append(
    ("%convbn_fuzz_cases",
     lit_config.params.get("convbn_fuzz_cases", os.environ.get("CONVBN_FUZZ_CASES", "120"))))
# Under ASan the driver reserves terabytes of shadow address space, which
# the campaign's address-space limit (--memory-mb) would refuse: the
# allocator's RSS limit bounds it instead (ASAN_OPTIONS above).
config.substitutions.append(
    ("%convbn_fuzz_flags", "--memory-mb 0" if "address" in sanitizers else ""))
config.substitutions.append(
    ("%convbn_fuzz_seed",
     lit_config.params.get("convbn_fuzz_seed", os.environ.get("CONVBN_FUZZ_SEED", "1"))))

# The plugin for a stock mlir-opt (tools/convbn-plugin; built against
# libMLIR.so only).
plugin = os.path.join(config.convbn_obj_root, "lib",
                      "ConvBNPlugin" + config.llvm_shlib_ext)
if os.path.exists(plugin):
    config.available_features.add("convbn-plugin")
    config.substitutions.append(("%convbn_plugin", plugin))

tool_dirs = [config.convbn_tools_dir, config.llvm_tools_dir, config.mlir_tools_dir]
tools = ["convbn-opt", "convbn-aot", "convbn-capi-test", "mlir-opt", "mlir-translate",
         "llvm-readelf", "llvm-nm", ToolSubst("FileCheck", unresolved="fatal")]
tools.append(ToolSubst("mlir-runner", command=sanitizer_host + runner)
             if sanitizer_host else "mlir-runner")
llvm_config.add_tool_substitutions(tools, tool_dirs)

if config.ptxas and os.path.exists(config.ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.ptxas))

# nvdisasm (SASS of cubins, bench/gpu_kernel_report.py): PyPI's
# nvidia-cuda-nvdisasm in the repository's .venv (scripts/setup-python.sh),
# else on PATH.
nvdisasm = sorted(glob.glob(os.path.join(repo_root, ".venv", "lib", "python*", "site-packages",
                                         "nvidia", "*", "bin", "nvdisasm")))
nvdisasm = nvdisasm[-1] if nvdisasm else shutil.which("nvdisasm")
if nvdisasm:
    config.available_features.add("nvdisasm")
    config.substitutions.append(("%nvdisasm", nvdisasm))
