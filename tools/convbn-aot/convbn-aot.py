#!/usr/bin/env python3
"""convbn-aot: compile an LLVM-dialect MLIR module with GPU kernels into a
self-contained shared library.

The input is what a GPU pipeline leaves (for example
`mlir-opt --gpu-lower-to-nvvm-pipeline=...`): kernels serialized into
`gpu.binary` ops (PTX, cubin or fatbin) and host code lowered to the LLVM
dialect by `gpu-to-llvm`. convbn-aot runs

    mlir-translate --mlir-to-llvmir      the module, kernels embedded as data
    llc -O2 -filetype=obj -relocation-model=pic
    c++ -shared ... libconvbn_cuda_runtime.a -ldl

and checks that the library needs nothing beyond libc, libstdc++, libm,
libgcc_s and libdl: no LLVM, no MLIR, no CUDA library. The CUDA driver is
opened at run time by the runtime linked into the library
(libcuda.so.1, or $CONVBN_CUDA_DRIVER); where there is none, calls do nothing
and the first one says so on stderr.

Functions are called through MLIR's C interface: give a func.func the
`llvm.emit_c_interface` attribute before lowering and the library exports
`_mlir_ciface_NAME`, which takes memrefs as pointers to descriptors
{allocated, aligned, offset, sizes[rank], strides[rank]}. The module's
kernels are loaded when the library is loaded (a global constructor) and
unloaded when it is unloaded. The library also exports the runtime's
`int convbnCudaAvailable(void)`, `const char *convbnCudaLastError(void)`
and `void convbnCudaClearLastError(void)`
(runtime/include/convbn_cuda_runtime.h).

In a sanitizer build (cmake -DLLVM_USE_SANITIZER=..., docs/testing.md) the
runtime is instrumented, so the library is linked with the same -fsanitize
flags (--sanitizer-flags, configured by CMake) and also needs the sanitizer
runtimes (libasan, libubsan); a program that is not instrumented itself must
preload libasan to load it (LD_PRELOAD).

Example:
    mlir-opt model.mlir \\
      --gpu-lower-to-nvvm-pipeline="cubin-chip=sm_80 cubin-features=+ptx70 cubin-format=isa" \\
      -o model.llvm.mlir
    convbn-aot model.llvm.mlir -o libmodel.so
    cc main.c -L. -lmodel -Wl,-rpath,'$ORIGIN'
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

# Filled in by CMake (configure_file) when installed into build/bin; run from
# the source tree, the fallbacks below apply.
CONFIGURED = {
    "mlir_translate": "@CONVBN_AOT_MLIR_TRANSLATE@",
    "mlir_opt": "@CONVBN_AOT_MLIR_OPT@",
    "llc": "@CONVBN_AOT_LLC@",
    "cxx": "@CMAKE_CXX_COMPILER@",
    "runtime_lib": "@CONVBN_CUDA_RUNTIME_STATIC_LIB@",
    # The -fsanitize flags the runtime was built with (LLVM_USE_SANITIZER).
    "sanitizer_flags": "@CONVBN_SANITIZER_FLAGS_STRING@",
}

LLVM_BIN = "/usr/lib/llvm-22/bin"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The shared libraries an AOT library may need.
ALLOWED_NEEDED = re.compile(
    r"^(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s)\.so(\.\d+)*$|^ld-linux[-\w.]*\.so(\.\d+)*$"
)
# ... and, when linked with -fsanitize flags, the sanitizer runtimes (GCC's,
# Clang's).
SANITIZER_NEEDED = re.compile(
    r"^(libasan|libubsan|liblsan)\.so(\.\d+)*$|^libclang_rt\.[\w.-]+\.so$"
)


def configured(key, fallback):
    value = CONFIGURED[key]
    if value and not value.startswith("@"):
        return value
    return fallback


def default_tool(name):
    candidate = os.path.join(LLVM_BIN, name)
    return candidate if os.path.exists(candidate) else (shutil.which(name) or name)


def default_runtime_lib():
    return os.path.join(REPO, "build", "lib", "libconvbn_cuda_runtime.a")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="convbn-aot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", help="LLVM-dialect MLIR module ('-' for stdin)")
    parser.add_argument(
        "-o",
        "--output",
        help="the shared library to write (default: lib<input name>.so)",
    )
    parser.add_argument(
        "--opt-flags",
        default="",
        help="run mlir-opt with these flags first, e.g. "
        "'--gpu-lower-to-nvvm-pipeline=cubin-format=isa'",
    )
    parser.add_argument("-O", dest="opt_level", default="2", choices=["0", "1", "2", "3"],
                        help="llc optimization level (default 2)")
    parser.add_argument("--mcpu", help="llc -mcpu (default: llc's generic CPU)")
    parser.add_argument(
        "--export",
        choices=["all", "ciface"],
        default="all",
        help="which symbols the library exports: every external function of "
        "the module (all), or only _mlir_ciface_* (ciface); convbnCuda* "
        "always (default: all)",
    )
    parser.add_argument("--link-arg", action="append", default=[],
                        help="extra argument for the link (repeatable)")
    parser.add_argument("--allow-needed", action="append", default=[],
                        help="another library the result may need (repeatable)")
    parser.add_argument("--save-temps", metavar="DIR",
                        help="keep the .ll and .o files in DIR")
    parser.add_argument("--mlir-opt", default=configured("mlir_opt", default_tool("mlir-opt")))
    parser.add_argument(
        "--mlir-translate",
        default=configured("mlir_translate", default_tool("mlir-translate")),
    )
    parser.add_argument("--llc", default=configured("llc", default_tool("llc")))
    parser.add_argument("--cxx", default=os.environ.get("CXX") or configured("cxx", "c++"))
    parser.add_argument(
        "--runtime-lib",
        default=configured("runtime_lib", default_runtime_lib()),
        help="the static runtime (libconvbn_cuda_runtime.a)",
    )
    parser.add_argument(
        "--sanitizer-flags",
        default=configured("sanitizer_flags", ""),
        help="-fsanitize flags for the link, those the runtime was built with "
        "(default: this build's, %(default)r)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print the commands")
    return parser.parse_args(argv)


def run(cmd, verbose, stdin=None):
    if verbose:
        print("+ " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
    result = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.stderr.write(result.stdout)
        raise SystemExit(
            "convbn-aot: failed (exit %d): %s"
            % (result.returncode, " ".join(shlex.quote(c) for c in cmd))
        )
    if result.stderr and verbose:
        sys.stderr.write(result.stderr)
    return result.stdout


def needed_libraries(library, verbose):
    readelf = default_tool("llvm-readelf")
    if not os.path.exists(readelf):
        readelf = shutil.which("readelf") or readelf
    output = run([readelf, "-d", library], verbose)
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", output)


def main(argv):
    args = parse_args(argv)
    if args.input != "-" and not os.path.exists(args.input):
        raise SystemExit("convbn-aot: no such file: %s" % args.input)
    if not os.path.exists(args.runtime_lib):
        raise SystemExit(
            "convbn-aot: the runtime %s does not exist; build it with "
            "`ninja -C build convbn_cuda_runtime_static` or pass --runtime-lib"
            % args.runtime_lib
        )
    if args.output:
        output = args.output
    else:
        stem = "module" if args.input == "-" else os.path.basename(args.input).split(".")[0]
        output = "lib%s.so" % stem

    work = args.save_temps or tempfile.mkdtemp(prefix="convbn-aot.")
    os.makedirs(work, exist_ok=True)
    base = os.path.join(work, os.path.basename(output).rsplit(".so", 1)[0])
    try:
        source = args.input
        stdin = sys.stdin if args.input == "-" else None
        if args.opt_flags:
            lowered = base + ".llvm.mlir"
            run([args.mlir_opt, source] + shlex.split(args.opt_flags) + ["-o", lowered],
                args.verbose, stdin)
            source, stdin = lowered, None

        ll = base + ".ll"
        run([args.mlir_translate, "--mlir-to-llvmir", source, "-o", ll], args.verbose, stdin)

        obj = base + ".o"
        llc = [args.llc, "-O" + args.opt_level, "-filetype=obj",
               "-relocation-model=pic", ll, "-o", obj]
        if args.mcpu:
            llc.insert(-3, "-mcpu=" + args.mcpu)
        run(llc, args.verbose)

        sanitizer_flags = shlex.split(args.sanitizer_flags)
        link = [args.cxx, "-shared"] + sanitizer_flags + [
            "-o", output, obj, args.runtime_lib, "-ldl",
            "-Wl,--no-undefined", "-Wl,--as-needed", "-Wl,-O1"]
        if args.export == "ciface":
            script = base + ".exports"
            with open(script, "w") as f:
                f.write("{\n  global:\n    _mlir_ciface_*;\n    convbnCuda*;\n"
                        "  local:\n    *;\n};\n")
            link.append("-Wl,--version-script=" + script)
        link += args.link_arg
        run(link, args.verbose)

        needed = needed_libraries(output, args.verbose)
        unexpected = [lib for lib in needed
                      if not ALLOWED_NEEDED.match(lib) and lib not in args.allow_needed
                      and not (sanitizer_flags and SANITIZER_NEEDED.match(lib))]
        if unexpected:
            raise SystemExit(
                "convbn-aot: %s needs %s; an AOT library may only need libc, "
                "libstdc++, libm, libgcc_s and libdl (pass --allow-needed to "
                "accept others)" % (output, ", ".join(unexpected))
            )
        if args.verbose:
            print("convbn-aot: %s needs %s" % (output, ", ".join(needed)), file=sys.stderr)
    finally:
        if not args.save_temps:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
