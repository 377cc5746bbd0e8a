#!/usr/bin/env python3
"""Runs an LLVM-dialect module's entry function on the host, compiled ahead
of time: mlir-runner's command line, at a tenth of its cost on the large
modules convbn's execution tests run.

  run_llvm_module.py [--llvm-bin DIR] [-e NAME] [-entry-point-result=void]
                     [-shared-libs=LIB]... [-O0|-O1|-O2|-O3] [FILE|-]

The module is translated to LLVM IR (mlir-translate), compiled into an
object file (llc, -O0 unless told otherwise), its entry function renamed
(objcopy) and called from a two-line C `main`, linked (cc) against the
shared libraries and run; the program's output, exit status and fatal
signal are this script's (a crash re-raises the signal, so `not --crash`
sees one).

Why not mlir-runner: its JIT compiles with LLVM's optimising code generator
(the machine scheduler and the greedy register allocator) whatever -O says,
and the modules `--lower-to-cpu` makes of whole training steps are tens of
thousands of straight-line instructions per function: 30-40 s of
compilation for MobileNetV2's step, where llc -O0 (fast instruction
selection, the fast register allocator) takes 1.5 s and the program runs in
about as long. The execution tests' time was almost all that compilation.

Only entry functions without arguments and results are supported (the
`-entry-point-result=void` every convbn test uses). Tools come from
--llvm-bin (default: /usr/lib/llvm-22/bin); the C compiler is $CC or cc.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile

LLVM_BIN = "/usr/lib/llvm-22/bin"

STUB = """\
void convbn_run_entry(void);
int main(void) { convbn_run_entry(); return 0; }
"""


def tool_environment():
    """The environment of the tools and the program: without LD_PRELOAD,
    which a sanitizer build's lit sets for Python (the ASan runtime, so that
    ctypes can load instrumented libraries): these programs are not
    instrumented, and LeakSanitizer fails cc on gcc's own leaks."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}


def compile_module(module_text, entry, shared_libs, workdir,
                   llvm_bin=LLVM_BIN, opt_level=0):
    """Compiles `module_text` into an executable in `workdir` that calls
    `entry` and links `shared_libs`; returns its path. Raises
    subprocess.CalledProcessError (with the tool's stderr) on failure."""
    def tool(cmd, **kwargs):
        return subprocess.run(cmd, check=True, capture_output=True, text=True,
                              env=tool_environment(), **kwargs)

    llvm_ir = os.path.join(workdir, "module.ll")
    obj = os.path.join(workdir, "module.o")
    stub = os.path.join(workdir, "main.c")
    exe = os.path.join(workdir, "module")
    tool([os.path.join(llvm_bin, "mlir-translate"), "--mlir-to-llvmir", "-",
          "-o", llvm_ir], input=module_text)
    tool([os.path.join(llvm_bin, "llc"), f"-O{opt_level}", "-relocation-model=pic",
          "-filetype=obj", llvm_ir, "-o", obj])
    # The entry may be called `main` and return nothing: it becomes a
    # function the C `main` calls, which exits 0 (and a `main` that is not
    # the entry steps aside).
    renames = [f"--redefine-sym={entry}=convbn_run_entry"]
    if entry != "main":
        renames.append("--redefine-sym=main=convbn_run_module_main")
    tool(["objcopy", *renames, obj])
    with open(stub, "w") as f:
        f.write(STUB)
    rpaths = sorted({os.path.dirname(os.path.abspath(lib)) for lib in shared_libs})
    # --copy-dt-needed-entries: symbols the libraries' own dependencies
    # define (bf16 conversions from libmlir_float16_utils) resolve, as they
    # do in mlir-runner's process.
    tool([os.environ.get("CC", "cc"), "-o", exe, stub, obj,
          "-Wl,--copy-dt-needed-entries",
          *[os.path.abspath(lib) for lib in shared_libs],
          *[f"-Wl,-rpath,{d}" for d in rpaths], "-lm"])
    return exe


def run(module_text, entry="main", shared_libs=(), llvm_bin=LLVM_BIN,
        opt_level=0, stdout=subprocess.PIPE, stderr=subprocess.PIPE):
    """Compiles and runs `module_text`; returns the CompletedProcess (text).
    A compilation failure is returned as one with returncode 1 and the
    tool's message on stderr."""
    with tempfile.TemporaryDirectory(prefix="convbn-run-") as workdir:
        try:
            exe = compile_module(module_text, entry, shared_libs, workdir,
                                 llvm_bin, opt_level)
        except subprocess.CalledProcessError as e:
            return subprocess.CompletedProcess(
                e.cmd, 1, "", f"run_llvm_module: {os.path.basename(e.cmd[0])} "
                f"failed:\n{e.stderr}")
        return subprocess.run([exe], stdout=stdout, stderr=stderr, text=True,
                              env=tool_environment())


def main():
    # mlir-runner's spellings: single-dash long options, `=` values.
    long_names = ("-entry-point-result", "-shared-libs", "-llvm-bin")
    argv = ["-" + a if a.split("=")[0] in long_names else a for a in sys.argv[1:]]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default="-")
    parser.add_argument("-e", dest="entry", default="main")
    parser.add_argument("--entry-point-result", default="void", choices=["void"])
    parser.add_argument("--shared-libs", action="append", default=[])
    parser.add_argument("--llvm-bin", default=LLVM_BIN)
    for level in range(4):
        parser.add_argument(f"-O{level}", dest="opt_level", action="store_const",
                            const=level)
    args = parser.parse_args(argv)
    libs = [lib for value in args.shared_libs for lib in value.split(",") if lib]
    if args.file == "-":
        text = sys.stdin.read()
    else:
        with open(args.file) as f:
            text = f.read()
    ran = run(text, args.entry, libs, args.llvm_bin, args.opt_level or 0,
              stdout=None, stderr=None)
    if ran.returncode < 0:
        # Die of the same signal, so that the caller sees a crash.
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(-ran.returncode, signal.SIG_DFL)
        os.kill(os.getpid(), -ran.returncode)
    if ran.returncode and ran.stderr:
        sys.stderr.write(ran.stderr)
    sys.exit(ran.returncode)


if __name__ == "__main__":
    main()
