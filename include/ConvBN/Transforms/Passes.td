//===- Passes.td - convbn transformation passes ------------*- tablegen -*-===//

#ifndef CONVBN_TRANSFORMS_PASSES_TD
#define CONVBN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseConvBN : Pass<"fuse-convbn"> {
  let summary = "Fuse linalg convolutions and the batch norm after them into "
                "convbn.conv_bn";
  let description = [{
    Finds every linalg named convolution (1-D, 2-D, 3-D, grouped,
    depthwise) whose result flows, through a single-use chain of elementwise
    ops, into an inference-style batch norm over its output channels, and
    replaces the convolution and the chain with one `convbn.conv_bn`.

    The matcher does not know any particular spelling of batch norm. It walks
    the chain after the convolution (`linalg.generic`s, no-op `tensor.cast`s,
    and the `tensor.collapse_shape` that follows grouped and
    channel-multiplier convolutions), proves each step is a per-channel
    affine map `y = a[c] * x + t[c]` (every other operand read only along the
    output channel, or a scalar constant), composes the steps symbolically,
    looking through reshapes and elementwise arithmetic on the per-channel
    vectors, and then recognises `a = γ / sqrt(σ̂² + ε)` and
    `t = (b - μ̂) * a + β` in the composed expressions. The spellings of
    torch-mlir, TOSA (`tosa-to-linalg`), StableHLO and pre-folded
    scale/shift graphs all normalise to these. It absorbs a zero
    `tensor.pad` of the input's spatial dimensions into `padding` (also from
    under the `tensor.expand_shape` that splits a grouped convolution's
    channels into (group, channel): the fused op splits the unpadded input)
    and a
    per-channel bias that the convolution accumulates into (its `outs`) into
    `bias`.

    It leaves alone anything it cannot prove, among them a convolution whose
    result has another user, an operand indexed by any dimension other than
    the output channel, and statistics computed from the convolution output
    itself (training-mode batch norm).

    In a joint forward + backward graph (a training step, as
    `aot_export_module(trace_joint=True)` and torch-mlir emit it) the
    convolution output also feeds the batch norm's backward. The pass then
    matches that backward as well, algebraically like the forward: the
    gradient of γ (`Σ dZ·(Y − μ̂)/sqrt(σ̂² + ε)` in any spelling), of β, the
    batch norm's input gradient `dY = dZ·s`, the bias gradient, and the
    convolution's filter and input gradients (linalg convolutions or
    generics of dY, X and W, compared with their definitions by index
    algebra), whichever the graph computes. Without a gradient of γ (a
    frozen or buffer-only batch norm) the backward is found from `dY`. The
    block becomes a `convbn.conv_bn` and a `convbn.conv_bn_backward` of the
    same mode that replace the frontend's gradients; if any reader of the
    convolution output is not part of a matched gradient, the block is left
    unfused.

    `mode=auto` (the default) fuses into `deploy` when the filter, the bias
    and every batch-norm parameter are compile-time constants, and into
    `tune` otherwise; a training block is `tune` (the paper's choice for
    transfer learning) or `eval` when asked, never `deploy`. A pair whose fused op would not verify (linalg accepts
    negative dilations, dynamic input channels or an epsilon the op rejects)
    is left unfused. With `remarks=true` the pass emits a remark at every
    convolution: `fused ...` naming the mode, or `not fused: <reason>`.
  }];
  let options = [
    Option<"mode", "mode", "::mlir::convbn::FusionMode",
           /*default=*/"::mlir::convbn::FusionMode::Auto",
           "Mode of the fused ops",
           [{::llvm::cl::values(
             clEnumValN(::mlir::convbn::FusionMode::Auto, "auto",
                        "deploy when every parameter is constant, else tune"),
             clEnumValN(::mlir::convbn::FusionMode::Tune, "tune",
                        "fold the batch norm on every run"),
             clEnumValN(::mlir::convbn::FusionMode::Eval, "eval",
                        "normalise the convolution output"),
             clEnumValN(::mlir::convbn::FusionMode::Deploy, "deploy",
                        "fold once per parameter value (at compile time "
                        "where the parameters are constants)"))}]>,
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "Emit a remark at every fused pair and rejected candidate">,
  ];
  let dependentDialects = [
    "::mlir::convbn::ConvBNDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect",
  ];
}

def RegroupConvs : Pass<"convbn-regroup-convs"> {
  let summary = "Rewrite per-group convolutions and their concatenation as "
                "one grouped convolution";
  let description = [{
    TOSA has no grouped convolution, so frontends slice the input channels
    and the filter per group, convolve each group
    (`linalg.conv_2d_nhwc_fhwc` after `tosa-to-linalg`), and concatenate the
    results along the channels with `tensor.insert_slice`. This pass
    rewrites the pattern into one `linalg.conv_2d_nhwgc_gfhwc` between
    reshapes (the per-group biases, slices of one vector, become its
    initialisation), so that `fuse-convbn` sees an ordinary grouped
    convolution. Groups whose slices, pads, strides or shapes differ are
    left alone.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SetMode : Pass<"convbn-set-mode"> {
  let summary = "Switch the mode of every convbn.conv_bn and its backward";
  let description = [{
    Sets the mode of every `convbn.conv_bn` op to `mode` (`eval`, `tune` or
    `deploy`): the paper's one-line switch between evaluating, fine-tuning
    and deploying a network. `eval`, `tune` and `deploy` compute the same
    function, so any of them can become any other (`deploy` folds at compile
    time where the parameters are constants, at run time otherwise). A
    `train` op has more results and can neither be switched to nor from;
    the pass reports each impossible switch at the op and fails.

    In training graphs each `convbn.conv_bn_backward` switches with the
    forward ops: an `eval` backward reads the convolution output its
    block's forward op keeps (`keep_conv_output`), a `tune` backward does
    not, and the pass rewires that edge. Switching to `eval` finds the
    block's forward op by its input, filter, bias and convolution
    attributes. A backward op cannot switch to `deploy` (its parameters are
    not trained) or `train`.
  }];
  let options = [
    Option<"mode", "mode", "::mlir::convbn::Mode",
           /*default=*/"::mlir::convbn::Mode::Tune",
           "The mode to switch to",
           [{::llvm::cl::values(
             clEnumValN(::mlir::convbn::Mode::Eval, "eval",
                        "normalise the convolution output"),
             clEnumValN(::mlir::convbn::Mode::Tune, "tune",
                        "fold the batch norm on every run"),
             clEnumValN(::mlir::convbn::Mode::Deploy, "deploy",
                        "fold once per parameter value"),
             clEnumValN(::mlir::convbn::Mode::Train, "train",
                        "(always refused: train ops have more results)"))}]>,
  ];
}

def FoldZeroSized : Pass<"convbn-fold-zero-sized"> {
  let summary = "Replace computations on zero-sized tensors by their results";
  let description = [{
    A tensor with a dimension of static size 0 has no elements, so whatever
    computes it can be replaced without changing the program, and a loop of
    static size 0 never runs its body:

    - a linalg op on tensors with a loop of static size 0 (a convolution
      with no input channels, a depthwise multiplier of 0, an empty batch)
      yields its inits;
    - a `tensor.insert_slice` of a zero-sized source yields its destination;
    - any other side-effect-free op whose results are all statically shaped
      zero-sized tensors yields `tensor.empty`s.

    The lowering pipelines run it before bufferization and tiling: upstream
    tiling crashes on loops of size 0, and bufferization turns a valid
    zero-sized `tensor.extract_slice` at offset 0 into a `memref.subview`
    its verifier rejects ("offset 0 is out-of-bounds: 0 >= 0").
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def CheckShapes : Pass<"convbn-check-shapes"> {
  let summary = "Diagnose static shapes that contradict each other";
  let description = [{
    Upstream verifiers accept some IR whose static shapes cannot all hold
    when it runs; a later canonicalization or conversion then makes the
    contradiction explicit and produces IR that does not verify, far from
    the cause. This pass reports it at the op, before any lowering:

    - a static shaped type (of an op's result or a function's signature)
      whose size in bytes does not fit in 64 bits: the element count
      wraps, a splat constant of the type prints as `dense<>`, and every
      index computation of the lowering overflows;
    - a `tensor.cast` to a static size of a value whose size, before a
      cast made it dynamic, was another static size (visible once inlining
      and canonicalization have propagated a constant size);
    - a `tensor.expand_shape` whose static `output_shape` differs from its
      result type;
    - a `tensor.pad` or slice whose static list holds INT64_MIN (the
      marker of a dynamic value) without a dynamic operand for it, which
      the parser accepts and the printer then reads past its operands;
    - a linalg op whose operands give one loop two static sizes (linalg's
      verifier skips the comparison for some operands when others are
      dynamic);
    - a linalg convolution whose window (`dilation·(kernel − 1) + 1`)
      overflows or is larger than its static input, or whose static number
      of windows runs past it;
    - a `tosa.slice` whose constant sizes differ from its result type or
      whose window is outside its input, or whose size -1 ("the rest")
      meets a static result dimension, which upstream `tosa-to-tensor`
      lowers to an invalid `tensor.extract_slice`.

    The lowering pipelines (`--lower-to-cpu`, `--lower-to-nvvm`,
    `--tosa-to-convbn`) run it first; the pass fails on the first function
    with an error (all errors are reported).
  }];
}

def CheckCPUTarget : Pass<"convbn-check-cpu-target", "::mlir::ModuleOp"> {
  let summary = "Reject float types the CPU lowering has no LLVM type for";
  let description = [{
    Runs first in `lower-to-cpu`. MLIR's LLVM type converter maps f16, bf16,
    f32, f64, f80 and f128 to LLVM floats and the f8/f6/f4 formats to
    integers of their width; for any other float (tf32) it returns no type,
    and upstream conversion patterns then build ops of a null type and
    crash. This pass asks the same converter about every float type an op
    uses (operands, results, function signatures, inside shaped and complex
    types) and reports the first op that uses one it cannot convert.
  }];
}

def CheckStaticLists : Pass<"convbn-check-static-lists"> {
  let summary = "Diagnose static lists whose dynamic markers have no operand";
  let description = [{
    Ops such as `tensor.pad` and the slice ops keep static sizes, offsets
    or paddings in a list where INT64_MIN (`ShapedType::kDynamic`) marks a
    value given by an operand. The parser accepts INT64_MIN written as a
    static value, and `tensor.pad`'s verifier does too (the slices'
    verifiers count the markers); the printer, the folders and the
    canonicalization patterns then read past the op's dynamic operands and
    crash. This pass reports such an op. `convbn-opt` runs it before every
    pass pipeline it is given, the empty one included (the printer crashes
    too), so that no pipeline of the tool meets the hole;
    `convbn-check-shapes` checks the same.
  }];
}

def StripBufferCompute : Pass<"convbn-strip-buffer-compute"> {
  let summary = "Erase the linalg ops on buffers, keeping allocations";
  let description = [{
    Erases every linalg op with buffer semantics: what is left of a
    bufferized program allocates, copies and frees exactly as the program
    does, without computing. Peak memory depends only on that order, so
    `--lower-to-cpu=track-memory=true skip-compute=true` measures a
    training step's memory at sizes whose arithmetic would take hours on
    the CPU (bench/training_memory.py --skip-compute). The results are
    garbage; nothing else should use it.
  }];
}

def StridedCopiesToLinalg : Pass<"convbn-strided-copies-to-linalg"> {
  let summary = "Turn memref.copy between non-contiguous buffers into linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` between contiguous
    buffers to a memcpy, and any other (into a padded buffer's interior, out
    of a strided view) to a call of `memrefCopy` from MLIR's runner
    utilities. Those are libraries of MLIR's (they need `libMLIR.so` since
    LLVM 22), which a JIT embedding convbn (Python's ExecutionEngine, an
    inference server) need not load. As a `linalg.copy` the copy becomes
    loops with the rest, and `lower-to-cpu`'s output calls nothing but
    `malloc`, `free` and libm. (Upstream's one-shot-bufferize can create
    `linalg.copy` itself through `OneShotBufferizationOptions::memCpyFn`,
    which the pass does not expose.)
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LowerVectorMatrices : Pass<"convbn-lower-vector-matrices", "::mlir::func::FuncOp"> {
  let summary = "Lower vector.contract and n-D vector transfers, for the CPU";
  let description = [{
    The warp code of convbn's tensor-core kernels is 16x16x16
    `vector.contract`s of fragments (f16 operands into f32 accumulators),
    read and written with two-dimensional `vector.transfer_read` /
    `transfer_write`, until the GPU pipeline turns it into WMMA. Run on the
    host (`convbn-gpu-launch-to-host-loops`, then `--lower-to-cpu`), it must
    become what `convert-vector-to-llvm` handles: this pass lowers the
    contractions to `vector.outerproduct`s (mixed precision as `arith.extf`
    of the operands) and the transfers to one-dimensional ones, fully
    unrolled (as loops, upstream's lowering would put temporary buffers
    inside the host's loops over threads, growing the stack on every
    iteration). Upstream has the patterns (`populateVectorContractLoweringPatterns`,
    `populateVectorToSCFConversionPatterns`) but no pass applying the first,
    and the second's pass costs seconds on large programs with no such ops:
    this one leaves functions without them alone.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::ub::UBDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FreeAfterLastUse : Pass<"convbn-free-after-last-use"> {
  let summary = "Move each memref.dealloc to just after its buffer's last use";
  let description = [{
    Upstream's ownership-based buffer deallocation
    (`-buffer-deallocation-pipeline`) frees a buffer at the end of the block
    that allocates it: in a straight-line training step every activation then
    stays allocated until the step returns, and the step's peak memory is
    the sum of everything it allocates. This pass moves a `memref.dealloc`
    of a `memref.alloc` of the same block up to just after the last op of
    that block that uses the buffer or a view of it (through
    `ViewLikeOpInterface` ops such as subview, expand_shape, collapse_shape,
    cast and reinterpret_cast), so that a buffer is freed as soon as the
    program is done with it (a conv output that tune's backward does not
    read is freed in the forward).

    A buffer is left alone when any view of it is used by a terminator
    (returned or yielded: it escapes), by another dealloc, or by an op that
    yields memrefs without being a view (unknown aliasing), or outside the
    block except inside ops of the block (a loop body's use ends with the
    loop).
  }];
  let dependentDialects = ["memref::MemRefDialect"];
}

def RecomputeAtLaterUses : Pass<"convbn-recompute-at-later-uses"> {
  let summary = "Recompute cheap tensors at later uses instead of keeping "
                "them alive";
  let description = [{
    A training step reads some tensors twice, far apart: the padded input
    of a convolution feeds the forward convolution and, after the whole
    rest of the forward pass, the backward's filter gradient. Once CSE has
    merged the two (identical) pads, bufferization keeps one padded copy
    alive from the forward to the backward, an activation-sized buffer per
    padded convolution on top of the input itself, which the step keeps
    anyway. This pass undoes such sharing where it costs memory and saves
    none: a cheap op (`tensor.pad`, or a `linalg.generic` whose loops are
    all parallel and whose maps are projected permutations, initialised by
    a `tensor.empty`) is cloned right before each later user, so that each
    copy lives only as long as its reader needs it.

    A later user gets its own copy only when
    - every tensor the op reads is alive there anyway (a block argument or a
      value of an enclosing region, a constant, or a value with another user
      at or after that point): recomputing never extends a lifetime, so the
      program never holds more than before; and
    - some op that makes a tensor runs between it and the previous user:
      users next to each other share a copy (recomputing there would cost
      time and free nothing).

    It runs on tensors, after the last CSE and before bufferization
    (`--lower-to-cpu` does), per block; the cost is one evaluation of the
    cloned op per copy. Users nested in an op of the block count at that op.
  }];
  let dependentDialects = ["linalg::LinalgDialect", "tensor::TensorDialect"];
}

#endif // CONVBN_TRANSFORMS_PASSES_TD
