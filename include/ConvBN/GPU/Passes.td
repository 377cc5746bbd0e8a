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
    host. A static innermost dimension is padded further, to a multiple of
    4 elements, and the result is the `tensor.extract_slice` the pad
    defines: every row of the padded buffer then starts 16-byte aligned, so
    that the convolution reading it can use 16-byte vector loads.
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
    this way). An insert into a splat constant (torch's `slice_scatter`
    into zeros, as max-pool backward scatters each window position's
    gradient) becomes instead one `linalg.generic` over the destination
    that reads the source where the index lies on the slice
    (offset + k·stride, k < size) and yields the splat elsewhere: a
    constant bufferizes read-only, and a fill plus a copy would give every
    such insert the same fill once CSE runs, a shared destination that
    bufferizes out of place with a strided copy on the host.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def GPUDistinctResults
    : Pass<"convbn-gpu-distinct-results", "::mlir::func::FuncOp"> {
  let summary = "Return a tensor or buffer at most once per return";
  let description = [{
    A value returned in two positions becomes, from its second position
    on, a copy of it: for a tensor `bufferization.alloc_tensor` with
    `copy`, which bufferizes to a device-to-device copy (a pure op would be
    merged back by CSE, so the pipeline runs the pass just before
    bufferization); for a buffer (identity layout) a `memref.alloc` and a
    `memref.copy`. The pipeline runs it again just after bufferization,
    which can give two different returned tensors one buffer: a returned
    `tensor.empty` that an op also writes into in place (its contents are
    undefined, so the sharing is legal). Training graphs return one tensor twice when
    two parameters have the same gradient (torch computes `Σ dZ` once for
    the two batch norms of a ResNet's residual add). Upstream's
    `buffer-results-to-out-params`, which the GPU pipeline uses so that
    callers own the outputs, crashes on a buffer returned twice; with one
    buffer per result each gets its own output parameter.
  }];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
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
    Option<"threadTileZ", "thread-tile-z", "int64_t", /*default=*/"1",
           "Outputs each thread computes along the third-innermost output "
           "dimension (NCHW: channels; NHWC: rows) where that divides it; "
           "a convolution then reads each input window once for all of "
           "them (convbn-gpu-vectorize-thread-tiles blocks them)">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::gpu::GPUDialect",
  ];
}

def GPUImplicitGemm : Pass<"convbn-gpu-implicit-gemm", "::mlir::func::FuncOp"> {
  let summary = "Convolutions as implicit-GEMM GPU kernels staged through "
                "workgroup memory";
  let description = [{
    Rewrites every linalg named convolution on statically shaped tensors
    (every layout, grouped and depthwise included) into one `gpu.launch`
    computing it as a GEMM per group, M = batch x output image, N = output
    channels, K = input channels x filter taps, without materialising
    im2col. A block computes a BM x BN output tile: for every BK-slice of
    K its threads cooperatively gather the input slice (zero padding as
    predicated loads) and the filter slice into workgroup memory, then each
    thread accumulates a TM x TN outer-product tile in private memory
    (registers). The launch reads its operands through
    `bufferization.to_buffer` and writes a new buffer that
    `bufferization.to_tensor` hands back to the tensor program.

    The kernel absorbs the single-use producers of its operands (a
    constant `tensor.pad`, tune's weight fold, a bias broadcast or fill of
    the accumulators) by computing them where an element is loaded, and
    the chain of single-use elementwise consumers of its result (eval's
    normalisation, ReLU, residual adds, rounding to f16) by applying them
    to the accumulators before the one store: a conv + BN block is one
    launch in every mode.

    Tensor cores: where `chip` has them for the operands' element type (f16
    from sm_70, with f16 or f32 accumulators; bf16 from sm_80 with f32
    accumulators; f32 from sm_80 as TF32, only with `allow-tf32`) and the
    GEMM is at
    least 16 wide and tall, the block's warps compute
    WM x WN warp tiles instead, as `vector.contract`s between fragments
    read from workgroup memory (`vector.transfer_read`), accumulated in
    vectors the K loop carries: 16x16x16 with both fragments row-major
    (WMMA's shape) before sm_80, 16x8x16 with the filter's fragment read
    transposed (mma.sync's) from sm_80, 16x8x8 for TF32. The block's
    accumulators go through
    workgroup memory once, where the threads apply the epilogue element by
    element. `convert-vector-to-gpu` turns the first form into
    `gpu.subgroup_mma_*` (WMMA) ops, `convbn-gpu-contracts-to-mma-sync` the
    second into `nvgpu.ldmatrix` / `nvgpu.mma.sync`; run on the host
    (`convbn-gpu-launch-to-host-loops`) either is the same computation.
    bf16 slices are bytes in workgroup memory (`memref.view`ed as bf16 where
    written, as f16 where the warps read fragments, which are bitcast to
    bf16 before the contraction): upstream's nvgpu conversion has no bf16
    fragments.

    From sm_80 (`async-copies`), slices that are contiguous in memory as in
    workgroup memory are copied with `nvgpu.device_async_copy` (cp.async;
    zero padding as zero fill), three stages deep; an operand computed
    elementwise from one such tensor (tune's weight fold) is copied as
    that tensor and computed in workgroup memory by the threads that
    copied it. Other slices go through registers, two stages.

    Tiles follow a heuristic (docs/gpu.md) that `tiles=BM,BN,BK,TM,TN`
    (thread tiles) and `mma-tiles=BM,BN,BK,WM,WN` (warp tiles) override.
    Convolutions with dynamic shapes, integer or exotic element types,
    empty loops, or that would exceed the GPU's grid or block limits are
    left to the direct kernels of `convbn-gpu-tile`.
  }];
  let options = [
    ListOption<"tiles", "tiles", "int64_t",
               "Block and thread tile sizes BM,BN,BK,TM,TN of the SIMT "
               "kernels (default: the heuristic)">,
    ListOption<"mmaTiles", "mma-tiles", "int64_t",
               "Block and warp tile sizes BM,BN,BK,WM,WN of the tensor-core "
               "kernels, multiples of 16 (default: the heuristic)">,
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_70\"",
           "The target (sm_XY), which decides where tensor cores apply">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"true",
           "Use tensor cores where the chip has them for the element types">,
    Option<"allowTf32", "allow-tf32", "bool", /*default=*/"false",
           "Multiply f32 convolutions on tensor cores as TF32 (10-bit "
           "mantissas, f32 accumulation) from sm_80, as PyTorch's "
           "allow_tf32; off: exact f32 FMAs">,
    Option<"asyncCopies", "async-copies", "bool", /*default=*/"true",
           "From sm_80, copy slices that are contiguous in memory into "
           "workgroup memory with cp.async (nvgpu.device_async_copy), three "
           "stages deep; off: every slice through registers">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
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
    Calls to external functions (declarations, e.g. a runtime's
    `printMemrefF32`) run on the host: each buffer operand is copied to a
    host buffer for the call and back after it.
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
    and the kernel-window loops expose independent multiply-adds. Loops
    around a `gpu.barrier` (an implicit GEMM's K loop) stay loops: the
    barrier, not the loop's overhead, bounds them, and their bodies are
    large.
  }];
  let options = [
    Option<"maxTripCount", "max-trip-count", "int64_t", /*default=*/"4",
           "Unroll loops with at most this many iterations">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def GPUVectorizeThreadTiles
    : Pass<"convbn-gpu-vectorize-thread-tiles", "::mlir::func::FuncOp"> {
  let summary = "Rewrite each thread's linalg op as register-resident vector code";
  let description = [{
    After bufferization, every linalg op on a thread's tile (inside a
    `gpu.launch`, or an `scf.forall` mapped to `#gpu.thread`) with static
    shapes is rewritten without `convert-linalg-to-loops`:

    - The innermost output dimension of the tile becomes the lanes of a 1-D
      vector (the 4 outputs a thread computes along W in NCHW, or along the
      channels in NHWC). The payload is applied to whole vectors; values
      that do not depend on the lane (a filter tap in NCHW, a per-channel
      BN parameter) are computed once and broadcast.
    - Reduction dimensions become `scf.for` loops whose accumulators are
      loop-carried vectors (registers), read from the output once before
      and written once after, instead of a load and a store of the output
      on every step.
    - The tile's other parallel dimensions (a thread's output channels with
      `thread-tile-z`) are blocked when their accumulators fit in 64
      elements: each point keeps its own accumulators in the same reduction
      loops, and operands that do not depend on them (the input window) are
      read once for all.
    - An operand whose innermost index moves with the lanes is read with one
      `vector.load` (a strided convolution reads the covering window and
      shuffles). The innermost reduction dimension, when short (a kernel
      row), is unrolled and its taps are shuffled out of one window load
      shared by all of them.
    - Every `vector.load` / `vector.store` carries the alignment proven for
      it: the base alignment of the buffer (`gpu.alloc`: 256 bytes; function
      arguments: `argument-alignment`; private buffers: their element) and
      the power of two that provably divides the element offset (static
      strides times what is known of each index: constants, multiples of
      thread and block ids, loop steps). Unproven accesses keep the
      element's alignment, which LLVM splits into narrower loads.

    Ops whose payload cannot be applied to vectors (it reads memory with
    lane-dependent indices, e.g. a padding gather) are still rewritten with
    scalar lanes: each output point in a loop with register accumulators.
  }];
  let options = [
    Option<"argumentAlignment", "argument-alignment", "int64_t",
           /*default=*/"16",
           "Byte alignment the caller guarantees for the function's buffer "
           "arguments (checked at run time by convbn-gpu-assert-alignment)">,
    Option<"maxLanes", "max-lanes", "int64_t", /*default=*/"16",
           "Tiles with more outputs along the innermost dimension are "
           "left to convert-linalg-to-loops">,
    Option<"maxWindowTaps", "max-window-taps", "int64_t", /*default=*/"8",
           "Unroll the innermost reduction dimension into one window load "
           "when it has at most this many iterations">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::ub::UBDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def GPUAllowFMA : Pass<"convbn-gpu-allow-fma", "::mlir::func::FuncOp"> {
  let summary = "Let floating-point multiplies and adds in kernels fuse";
  let description = [{
    Adds the `contract` fast-math flag to every `arith.mulf`, `arith.addf`
    and `arith.subf` inside a `gpu.launch`. Without it LLVM must keep a convolution's
    `mulf` + `addf` as two rounded instructions (`mul.rn` and `add.rn` in
    PTX); with it, NVPTX emits one `fma.rn` per tap, as CUDA C++ and cuDNN
    do by default. A fused multiply-add rounds once instead of twice, so
    results can differ from the unfused CPU path in the last bit.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def GPUAlignWorkgroupMemory
    : Pass<"convbn-gpu-align-workgroup-memory", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Align every kernel's workgroup memory";
  let description = [{
    Sets `llvm.align` on every workgroup attribution of every `gpu.func`
    that does not have one. Without it, convert-gpu-to-nvvm declares a
    buffer with its element's alignment (`.shared .align 2` for f16), while
    WMMA loads and stores need 32-byte aligned fragments (PTX ISA,
    `wmma.load`: 256 bits) and vector loads their vector's size; where ptxas
    places an under-aligned buffer is up to it.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"128",
           "Byte alignment of each workgroup buffer">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def GPUContractsToMmaSync
    : Pass<"convbn-gpu-contracts-to-mma-sync", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Warp-level vector.contract chains as nvgpu.mma.sync";
  let description = [{
    Converts every chain of `vector.contract`s in the shapes of `mma.sync`
    (16x8x16 for f16: A as M x K, B as N x K, accumulators M x N), with the
    `vector.transfer_read`s of their operands, the loops that carry their
    accumulators and the `vector.transfer_write`s of their results, into
    `nvgpu.ldmatrix` (or per-lane loads), `nvgpu.mma.sync` and per-lane
    stores, through upstream's `convertVectorToNVVMCompatibleMMASync`.

    Upstream's pass (`convert-vector-to-gpu{use-nvgpu=true}`) starts a
    chain at every op it could express on matrix fragments, scalar ones
    included, and fails on any kernel with scalar integer or float
    arithmetic (an index computation, an epilogue) with "unhandled vector to
    mma type". This pass starts chains at contractions only, one chain at a
    time, and removes what a conversion leaves dead before the next; then
    merges the fragment loads that separate chains share (CSE) and turns
    slices of fragment registers (`vector.extract_strided_slice`, two 8 x 16
    B operands out of one 16 x 16 load) into row extracts, which the LLVM
    lowering takes. Chains that mma.sync cannot express stay vector code.

    f32 contractions (16x8x8, per-lane loads: ldmatrix moves 16-bit
    elements) multiply as TF32 (`nvgpu.mma.sync` with `tf32Enabled`,
    upstream's `populateMmaSyncF32ToTF32Patterns`) with `allow-tf32`, and
    are an error without it: tensor cores round f32 operands to 10-bit
    mantissas, which nothing may do unasked.

    bf16 contractions (16x8x16, laid out in registers as f16) are converted
    where their operands are f16 fragments bitcast to bf16, as
    `convbn-gpu-implicit-gemm` reads them (upstream's conversion has no
    bf16 fragments): the chain is converted as f16 and the `nvgpu.mma.sync`
    ops take the fragments bitcast to bf16 (a register renaming). A bf16
    contraction of other operands, or one in a function that also
    multiplies f16 fragments (a contraction or an `nvgpu.mma.sync`), is an
    error.
  }];
  let options = [
    Option<"allowTf32", "allow-tf32", "bool", /*default=*/"false",
           "Multiply f32 contractions on tensor cores as TF32">,
  ];
  let dependentDialects = [
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::affine::AffineDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def GPUMmaSyncBF16ToNVVM
    : Pass<"convbn-gpu-mma-sync-bf16-to-nvvm", "::mlir::gpu::GPUModuleOp"> {
  let summary = "bf16 nvgpu.mma.sync as nvvm.mma.sync";
  let description = [{
    Lowers each `nvgpu.mma.sync` of bf16 operands in the m16n8k16 shape
    (f32 accumulators) to `nvvm.mma.sync` (`mma.sync.aligned.m16n8k16.row.col
    .f32.bf16.bf16.f32`): each thread's pairs of bf16 values become the 32-bit
    registers the instruction takes, and its four accumulators come back as
    a 2 x 2 vector. Upstream's `convert-nvgpu-to-nvvm` verifies such ops but
    fails on them ("failed to deduce operand PTX types"); it runs after this
    pass and lowers the other shapes and types. Other bf16 shapes are left to
    it (and its error).
  }];
  let dependentDialects = [
    "::mlir::NVVM::NVVMDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def GPUCheckArgumentAlignment
    : Pass<"convbn-gpu-check-argument-alignment", "::mlir::ModuleOp"> {
  let summary = "Check at run time that buffer arguments are aligned";
  let description = [{
    Kernels load function-argument buffers with vector loads whose alignment
    `convbn-gpu-vectorize-thread-tiles` derives from `alignment`: a caller
    passing a misaligned view would get a misaligned-address fault. This
    pass makes the promise checked: on entry to every public function with
    a body, each memref argument's aligned pointer is tested, and a
    misaligned one stops the program with a message naming the function and
    the argument. The message is written to stderr with `write(2)` before
    `abort()`: unbuffered, so that it survives the abort also when output
    goes to a pipe or a log (`cf.assert` prints with `puts`, whose buffer
    an abort discards).
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Byte alignment every buffer argument must have">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def GPULaunchToHostLoops
    : Pass<"convbn-gpu-launch-to-host-loops", "::mlir::func::FuncOp"> {
  let summary = "Run gpu.launch bodies as host loops (kernels tested on the CPU)";
  let description = [{
    For testing without a GPU: every `gpu.launch` becomes loops over blocks
    (z, y, x) and, inside them, over threads (z, y, x) running its body,
    with the block and thread ids bound to the loop variables.

    Threads that synchronise with `gpu.barrier` run in phases: the thread
    loops are split at every barrier, so each phase runs for all threads of
    a block before the next starts, as the barrier guarantees on a GPU. A
    barrier may sit in the kernel's body or in `scf.for` / `scf.if` ops whose
    bounds and conditions every thread of the block agrees on (they do not
    depend on the thread id); those ops then run once per block around the
    phases. Across a barrier a thread keeps pure values (recomputed in each
    phase: indices) and its private buffers (`memref.alloca`, then one copy
    per thread, carved out of one byte buffer with `memref.view`). Values
    that a loop around a barrier carries (scalars, or the vectors of a
    warp's matrix accumulators) are first moved into private buffers: each
    is stored where an iteration computes it and loaded where the next one
    starts. Anything else a thread would carry across a barrier (a loaded
    value, the results of a branch) is rejected with the op to blame. Workgroup memory (attributions, or `memref.alloca`
    in the workgroup address space at the kernel's top level) is one host
    buffer that the blocks, run one after another, reuse; GPU address spaces
    are dropped from the types.

    `gpu.alloc` and `gpu.memcpy` become `memref.alloc` (with the 256-byte
    alignment that the kernels' vector loads may rely on) and `memref.copy`;
    `gpu.dealloc` and `memref.dealloc` are dropped (buffers live until the
    test process exits: `--lower-to-cpu` bufferizes, and one-shot
    bufferization rejects `memref.dealloc`). Private buffers of threads that
    do not synchronise move to the function's entry, where one copy serves
    the threads run one after another. Shuffles, reductions across threads,
    dynamic shared memory and clusters are rejected.

    `--convbn-gpu-launches` (everything `lower-to-nvvm` does before
    outlining kernels) followed by this pass and `--lower-to-cpu` runs the
    exact launches, grid and block shapes, bounds guards and unrolled
    thread code that become PTX.
  }];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def GPUDeviceConstants
    : Pass<"convbn-gpu-device-constants", "::mlir::ModuleOp"> {
  let summary = "Copy constants to the device once per process, not per call";
  let description = [{
    `convbn-gpu-host-memory` gives kernels a device copy of every constant
    global they read (`gpu.alloc` + `gpu.memcpy` on each call, `gpu.dealloc`
    before returning): correct, but a deployed network would copy all its
    weights to the GPU on every inference. This pass replaces each such copy
    of a `constant` global by a call to the runtime's
    `convbnDeviceConstant(slot, host, bytes)`, which copies the global on the
    first call and caches the device pointer in a per-global slot
    (`@__convbn_device_<global>`, a null-initialised pointer shared by every
    function of the module); the memref is rebuilt around that pointer.
    The device copies live as long as the process. A module that defines
    `convbnDeviceConstant` as anything but that function is an error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def CheckNVVMTarget : Pass<"convbn-check-nvvm-target", "::mlir::ModuleOp"> {
  let summary = "Reject impossible NVVM target options with a clear error";
  let description = [{
    Runs first in `lower-to-nvvm`: checks that `chip` is an `sm_XY` NVIDIA
    architecture, that the PTX version in `features` is one the chip accepts
    (LLVM aborts on, e.g., `sm_90` with `+ptx60`), that `format` is `isa`,
    `bin` or `fatbin`, and that binary formats are not requested for chips
    CUDA 13's ptxas no longer targets (below sm_75: emit PTX and let the
    driver JIT it). Fails with an error on the module otherwise. Then
    checks every op's operand and result types: a float type the NVPTX
    backend has no arithmetic for (anything but f16, bf16, f32 and f64:
    f80, f128, tf32, the f8/f6/f4 formats) is an error at the first op that
    uses it, where LLVM would abort during code generation.
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
