//===- Passes.td - convbn GPU code generation passes -------*- tablegen -*-===//

#ifndef CONVBN_GPU_PASSES_TD
#define CONVBN_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def PadToGeneric : Pass<"convbn-pad-to-generic", "::mlir::func::FuncOp"> {
  let summary = "Rewrite tensor.pad as a linalg.generic that gathers";
  let description = [{
    A `tensor.pad` with a constant padding value becomes a `linalg.generic`
    over the padded shape whose body reads the source with `tensor.extract`
    where the index is in bounds and yields the padding value elsewhere. It
    is then tiled and mapped like every other linalg op (one kernel), where
    bufferizing `tensor.pad` would leave a fill and a strided copy on the
    host.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def InsertSliceToCopy
    : Pass<"convbn-insert-slice-to-copy", "::mlir::func::FuncOp"> {
  let summary = "Write tensor.insert_slice through a linalg.copy";
  let description = [{
    `tensor.insert_slice %src into %dest[...]` becomes a `linalg.copy` of
    `%src` into the matching `tensor.extract_slice` of `%dest`, inserted
    back in place. The copy is then tiled into a kernel like every other
    linalg op, where bufferizing the insert_slice would leave a strided copy
    on the host (TOSA's grouped convolutions concatenate per-group results
    this way).
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def GPUTile : Pass<"convbn-gpu-tile", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops on tensors to GPU blocks and threads";
  let description = [{
    Tiles every linalg op of the function to a two-level nest of `scf.forall`
    loops mapped to `#gpu.block` and `#gpu.thread`, fusing its single-use
    producers into the tiles (tile-and-fuse on tensors). The root of a
    nest is the last op of a producer chain: for a convolution followed by an
    elementwise epilogue (the `eval` normalisation, a ReLU, a residual add)
    that is the epilogue, so the convolution and its bias initialisation are
    computed in the epilogue's kernel and every thread keeps its output tile
    in private memory.

    Tile sizes follow the output shape (heuristic, documented in
    docs/gpu.md): the innermost output dimension (W for NCHW, channels for
    NHWC) maps to `threadIdx.x` with 4 outputs per thread, the next two to
    `threadIdx.y/z` with one output each, and blocks grow along those two
    until they hold at least 128 threads; outer dimensions (batch) are tiled
    by 1 at block level. Reduction dimensions stay untiled. `block-tiles` and
    `thread-tiles` override the sizes of every root whose output rank
    matches (0 leaves a dimension untiled).
  }];
  let options = [
    ListOption<"blockTiles", "block-tiles", "int64_t",
               "Tile sizes per output dimension at block level">,
    ListOption<"threadTiles", "thread-tiles", "int64_t",
               "Tile sizes per output dimension at thread level">,
    Option<"minThreads", "min-threads", "int64_t", /*default=*/"128",
           "Grow blocks until they have at least this many threads">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::gpu::GPUDialect",
  ];
}

def GPUMapForall : Pass<"convbn-gpu-map-forall", "::mlir::func::FuncOp"> {
  let summary = "Turn GPU-mapped scf.forall loops into mapped scf.parallel";
  let description = [{
    Converts every `scf.forall` with a `#gpu.block` / `#gpu.thread` mapping
    (on buffers, after bufferization) into an `scf.parallel` carrying the
    equivalent `mapping` attribute, for `convert-parallel-loops-to-gpu`.
    Mapped dimensions beyond x, y and z become sequential loops.
  }];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::gpu::GPUDialect",
  ];
}

def GPUHostMemory : Pass<"convbn-gpu-host-memory", "::mlir::func::FuncOp"> {
  let summary = "Place the host function's buffers in GPU memory";
  let description = [{
    After kernels are formed (`gpu.launch`), the host code still allocates
    with `memref.alloc` and reads constants with `memref.get_global`, both
    host memory. This pass allocates with `gpu.alloc` / frees with
    `gpu.dealloc` instead, and copies every global a kernel reads to a
    device buffer (`gpu.alloc` + `gpu.memcpy`) at its use. Function arguments
    and results are device buffers: the caller passes device pointers.
  }];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def GPUUnrollSmallLoops
    : Pass<"convbn-gpu-unroll-small-loops", "::mlir::func::FuncOp"> {
  let summary = "Fully unroll short constant loops inside GPU kernels";
  let description = [{
    Inside `gpu.launch` bodies, fully unrolls every `scf.for` with a constant
    trip count of at most `max-trip-count` (innermost first). A thread's
    output tile is then indexed with constants, so its private buffer
    becomes registers (an alloca indexed in a loop stays in local memory),
    and the kernel-window loops expose independent multiply-adds.
  }];
  let options = [
    Option<"maxTripCount", "max-trip-count", "int64_t", /*default=*/"4",
           "Unroll loops with at most this many iterations">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def CheckNVVMTarget : Pass<"convbn-check-nvvm-target", "::mlir::ModuleOp"> {
  let summary = "Reject impossible NVVM target options with a clear error";
  let description = [{
    Runs first in `lower-to-nvvm`: checks that `chip` is an `sm_XY` NVIDIA
    architecture, that the PTX version in `features` is one the chip accepts
    (LLVM aborts on, e.g., `sm_90` with `+ptx60`), that `format` is `isa`,
    `bin` or `fatbin`, and that binary formats are not requested for chips
    CUDA 13's ptxas no longer targets (below sm_75: emit PTX and let the
    driver JIT it). Fails with an error on the module otherwise.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_70\"",
           "Target architecture">,
    Option<"features", "features", "std::string", /*default=*/"\"\"",
           "PTX features (e.g. +ptx80)">,
    Option<"format", "format", "std::string", /*default=*/"\"isa\"",
           "Serialization format">,
  ];
}

#endif // CONVBN_GPU_PASSES_TD
