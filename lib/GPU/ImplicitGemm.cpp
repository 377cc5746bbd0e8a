//===- ImplicitGemm.cpp - convolutions as implicit-GEMM GPU kernels -------===//
//
// Every statically shaped linalg convolution becomes one gpu.launch that
// computes it as a GEMM per group without materialising im2col:
//
//   M = batch x output image  (rows)        G = depthwise/group dimensions
//   N = output channels       (columns)     K = input channels x filter taps
//
// A block computes a BM x BN tile of the output. For every BK-slice of K,
// its threads cooperatively gather the BK x BM slice of the input (the
// implicit im2col, zero padding as predicated loads) and the BK x BN slice
// of the filter into workgroup memory, synchronise, and each thread
// accumulates a TM x TN outer-product tile out of workgroup memory, in
// private memory that LLVM keeps in registers (every index is a constant).
// Workgroup memory has S stages and one barrier per slice: slice i + S - 1
// is on its way while slice i is computed, through registers (S = 2: loaded
// before the computation, stored after it) or, from sm_80, by asynchronous
// copies of the runs that are contiguous in memory (S = 3, cp.async).
//
// The kernel absorbs what surrounds the convolution, so that a conv + BN
// block is one launch in every mode:
//  - producers of the input, filter and initial value evaluated at the
//    element being loaded: a constant tensor.pad (predicated loads), tune's
//    weight fold w * s (on the way into workgroup memory), a bias broadcast
//    or zero fill (the accumulators' initial value);
//  - elementwise consumers applied to the accumulators before the single
//    store: eval's normalisation, ReLU, residual adds, the rounding to f16;
//  - vectors over the output channels that only absorbed ops read, at the
//    column being computed (tune's per-channel scale, which its weight
//    fold and folded bias share): computed once per block, the block's BN
//    entries into workgroup memory at the kernel's start.
// Absorbed ops are all-parallel, pure-tensor linalg ops with an identity
// output map whose body does not read the output, single-use but for the
// column vectors.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/NVVMTarget.h"
#include "ConvBN/GPU/Passes.h"
#include "ConvBN/IR/LinalgConv.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUIMPLICITGEMM
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// The loops of a convolution grouped as a batched GEMM, each group
/// outermost first.
struct GemmLoops {
  SmallVector<unsigned> g, m, n, k;
  SmallVector<int64_t> ranges;
  /// The reduction loops over input channels (among `k`).
  SmallVector<unsigned> inputChannels;

  int64_t size(ArrayRef<unsigned> dims) const {
    int64_t product = 1;
    for (unsigned d : dims)
      product *= ranges[d];
    return product;
  }
  /// The innermost loop of `dims` that takes more than one value, if any.
  std::optional<unsigned> getInnermost(ArrayRef<unsigned> dims) const {
    for (unsigned d : llvm::reverse(dims))
      if (ranges[d] > 1)
        return d;
    return std::nullopt;
  }
  /// The K loop that every BK-slice runs along, if there is one: the
  /// innermost K loop that takes more than one value, when its range is a
  /// multiple of `bk`. Within a slice the other K loops then keep the
  /// values they have at the slice's start (the loops after it have one
  /// value), and K is a multiple of `bk`.
  std::optional<unsigned> getSliceLoop(int64_t bk) const {
    std::optional<unsigned> innermost = getInnermost(k);
    if (innermost && ranges[*innermost] % bk == 0)
      return innermost;
    return std::nullopt;
  }
};

constexpr int64_t kWarpSize = 32;
/// The side of a tensor-core fragment: the m16n16k16 shape of WMMA, and
/// M and K of mma.sync's m16n8k16, whose accumulators are kFragment x
/// kMmaSyncColumns.
constexpr int64_t kFragment = 16;
constexpr int64_t kMmaSyncColumns = 8;
/// K of mma.sync's TF32 shape, m16n8k8.
constexpr int64_t kTf32FragmentK = 8;
/// Rows of tensor-core operands and accumulators in workgroup memory are
/// padded by 16 bytes: fragment loads of consecutive rows then fall into
/// different banks, and rows stay 16-byte multiples (WMMA's requirement).
constexpr int64_t kRowPaddingBytes = 16;
/// The sizes cp.async copies: 4, 8 or 16 bytes.
constexpr int64_t kMinAsyncCopyBytes = 4;
constexpr int64_t kMaxAsyncCopyBytes = 16;
/// The workgroup memory a block may have statically.
constexpr int64_t kMaxStaticSharedBytes = 48 * 1024;
/// The first compute capability with cp.async.
constexpr unsigned kMinAsyncCopyVersion = 80;

/// How the slices of one operand reach workgroup memory.
struct OperandStaging {
  /// The slice's workgroup layout is [stage][w][k], K innermost, rather
  /// than [stage][k][w] (w: the tile's M or N coordinate).
  bool kInner = false;
  /// Elements per asynchronous copy (cp.async, sm_80 and later): a run
  /// contiguous in the operand's memory and in workgroup memory; 0 when the
  /// slice goes through registers.
  int64_t asyncElements = 0;
  /// With asynchronous copies of an operand computed elementwise from a
  /// tensor in memory (tune's weight fold w * s): the input of the
  /// computation that is copied; each thread applies the computation to
  /// its copied elements in workgroup memory once they have landed.
  OpOperand *foldedInput = nullptr;
};

/// Block tile BM x BN x BK, and thread tile TM x TN (SIMT) or warp tile
/// TM x TN (tensor cores, `mma`): of 16x16x16 fragments (WMMA), or of
/// 16x8x16 ones in the shapes of mma.sync (`mmaSync`, sm_80 and later), or
/// 16x8x8 ones for f32 operands multiplied as TF32.
struct GemmTiles {
  int64_t bm, bn, bk, tm, tn;
  bool mma = false;
  bool mmaSync = false;
  bool tf32 = false;
  /// Slices in workgroup memory at once: two (one computed, one filled)
  /// when they go through registers, three with asynchronous copies (two
  /// in flight while one is computed).
  int64_t stages = 2;
  OperandStaging input, filter;
  int64_t getThreads() const {
    return (bm / tm) * (bn / tn) * (mma ? kWarpSize : 1);
  }
  /// K of one fragment product.
  int64_t getFragmentK() const { return tf32 ? kTf32FragmentK : kFragment; }
  /// The element type in which the warps read fragments of `element`
  /// slices: bf16 fragments are read as the bits of f16 ones, since
  /// upstream's vector-to-nvgpu conversion has no register layout for bf16
  /// (mma.sync's m16n8k16 fragments are laid out alike for both);
  /// GPUContractsToMmaSync gives mma.sync the bf16 operands back.
  Type getFragmentElementType(Type element) const {
    if (mmaSync && element.isBF16())
      return Float16Type::get(element.getContext());
    return element;
  }
  bool hasAsyncCopies() const {
    return input.asyncElements || filter.asyncElements;
  }
};

/// Elements that pad a row of `type` by kRowPaddingBytes.
static int64_t getRowPadding(Type type) {
  return kRowPaddingBytes * 8 / type.getIntOrFloatBitWidth();
}

/// The kernel's workgroup memory: the stages of the input's BK x BM slice
/// and the filter's BK x BN slice (each [stage][k][w] or [stage][w][k],
/// `OperandStaging::kInner`), and for tensor cores the block's BM x BN
/// accumulators; tensor cores' rows are padded.
static SmallVector<Type> getWorkgroupMemoryTypes(linalg::LinalgOp conv,
                                                 const GemmTiles &tiles) {
  MLIRContext *context = conv.getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);
  Type inputType = getElementTypeOrSelf(conv.getDpsInputOperand(0)->get());
  Type filterType = getElementTypeOrSelf(conv.getDpsInputOperand(1)->get());
  Type accType = getElementTypeOrSelf(conv.getDpsInitOperand(0)->get());
  auto get = [&](ArrayRef<int64_t> shape, Type element) -> Type {
    return MemRefType::get(shape, element, MemRefLayoutAttrInterface(),
                           workgroup);
  };
  auto getSlice = [&](const OperandStaging &staging, int64_t width,
                      Type element) {
    int64_t padding = tiles.mma ? getRowPadding(element) : 0;
    return staging.kInner
               ? get({tiles.stages, width, tiles.bk + padding}, element)
               : get({tiles.stages, tiles.bk, width + padding}, element);
  };
  SmallVector<Type> types = {getSlice(tiles.input, tiles.bm, inputType),
                             getSlice(tiles.filter, tiles.bn, filterType)};
  if (tiles.mma)
    types.push_back(get({tiles.bm, tiles.bn + getRowPadding(accType)}, accType));
  return types;
}

static int64_t getWorkgroupMemoryBytes(linalg::LinalgOp conv,
                                       const GemmTiles &tiles) {
  int64_t bytes = 0;
  for (Type type : getWorkgroupMemoryTypes(conv, tiles)) {
    auto memref = cast<MemRefType>(type);
    bytes += memref.getNumElements() *
             memref.getElementType().getIntOrFloatBitWidth() / 8;
  }
  return bytes;
}

/// Dimensions of `loops` ordered by where they first appear in `map`'s
/// results (loops the map does not use last, in loop order).
static SmallVector<unsigned> orderBy(ArrayRef<unsigned> loops, AffineMap map) {
  SmallVector<std::pair<unsigned, unsigned>> keyed;
  for (unsigned loop : loops) {
    unsigned position = map.getNumResults();
    for (auto [i, expr] : llvm::enumerate(map.getResults()))
      if (expr.isFunctionOfDim(loop)) {
        position = i;
        break;
      }
    keyed.push_back({position, loop});
  }
  llvm::stable_sort(keyed, [](auto a, auto b) { return a.first < b.first; });
  return llvm::to_vector(llvm::make_second_range(keyed));
}

/// The convolution's loops as a GEMM, or failure when some loop has no role.
static FailureOr<GemmLoops> getGemmLoops(linalg::LinalgOp conv) {
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(conv);
  if (failed(dims))
    return failure();
  AffineMap filterMap = conv.getMatchingIndexingMap(conv.getDpsInputOperand(1));
  AffineMap outputMap = conv.getMatchingIndexingMap(conv.getDpsInitOperand(0));
  GemmLoops loops;
  loops.ranges = conv.getStaticLoopRanges();
  loops.g = orderBy(dims->depth, outputMap);
  SmallVector<unsigned> rows = llvm::to_vector(dims->batch);
  llvm::append_range(rows, dims->outputImage);
  loops.m = orderBy(rows, outputMap);
  loops.n = orderBy(dims->outputChannel, outputMap);
  SmallVector<unsigned> reduction = llvm::to_vector(dims->inputChannel);
  llvm::append_range(reduction, dims->filterLoop);
  loops.k = orderBy(reduction, filterMap);
  loops.inputChannels = llvm::to_vector(dims->inputChannel);
  if (loops.g.size() + loops.m.size() + loops.n.size() + loops.k.size() !=
      conv.getNumLoops())
    return failure();
  return loops;
}

/// Whether the kernel can compute `op`'s result element by element where
/// it is needed instead of reading it from memory: a pure-tensor,
/// all-parallel linalg op with one result, an identity output map and a
/// body that does not read the output (and, to be absorbed, used once).
static bool isComputableElementwise(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      linalgOp->getNumResults() != 1 ||
      !linalgOp.hasOnlyProjectedPermutations() ||
      linalgOp.getNumParallelLoops() != linalgOp.getNumLoops() ||
      !isa<linalg::GenericOp, linalg::FillOp, linalg::BroadcastOp,
           linalg::MapOp>(op))
    return false;
  OpOperand *init = linalgOp.getDpsInitOperand(0);
  if (!linalgOp.getMatchingIndexingMap(init).isIdentity() ||
      linalgOp.payloadUsesValueFromOperand(init))
    return false;
  auto type = cast<RankedTensorType>(linalgOp->getResult(0).getType());
  return type.hasStaticShape();
}

static bool isAbsorbableElementwise(Operation *op) {
  return isComputableElementwise(op) && op->getResult(0).hasOneUse();
}

/// A zero-or-constant tensor.pad with static sizes, used once.
static bool isAbsorbablePad(Operation *op) {
  auto pad = dyn_cast_or_null<tensor::PadOp>(op);
  return pad && pad.getResult().hasOneUse() && pad.getConstantPaddingValue() &&
         pad.getSourceType().hasStaticShape() &&
         pad.getResultType().hasStaticShape() &&
         llvm::all_of(pad.getMixedLowPad(),
                      [](OpFoldResult r) { return getConstantIntValue(r); });
}

/// Whether the buffer `tensor` bufferizes to starts 16-byte aligned and is
/// contiguous (identity layout): a function's argument (identity layouts
/// at function boundaries, alignment checked on entry by
/// convbn-gpu-check-argument-alignment, as vector loads assume), a
/// constant, or a new allocation, seen through ops that write into their
/// destination's buffer or reshape it.
static bool hasAlignedContiguousBuffer(Value tensor) {
  if (auto argument = dyn_cast<BlockArgument>(tensor))
    return argument.getOwner()->isEntryBlock() &&
           isa<FunctionOpInterface>(argument.getOwner()->getParentOp());
  Operation *def = tensor.getDefiningOp();
  if (isa<tensor::EmptyOp, arith::ConstantOp>(def))
    return true;
  if (auto toTensor = dyn_cast<bufferization::ToTensorOp>(def))
    return toTensor.getBuffer().getDefiningOp<memref::AllocOp>() != nullptr;
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(def))
    return hasAlignedContiguousBuffer(insert.getDest());
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def))
    return hasAlignedContiguousBuffer(def->getOperand(0));
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(def))
    return hasAlignedContiguousBuffer(
        dps.getTiedOpOperand(cast<OpResult>(tensor))->get());
  return false;
}

/// How many consecutive GEMM coordinates along `axis` (loops, outermost
/// first) address consecutive elements of a tensor of `shape` read with
/// `map`, starting from any multiple of that number: the product of the
/// ranges of the axis's innermost loops that index the tensor's innermost
/// dimensions one to one over their whole extent (loops and dimensions of
/// size 1 aside). `sameAsResult(d)`: dimension d is indexed as the map's
/// result says (a pad's source dimension that the pad leaves alone).
static int64_t getContiguousRun(ArrayRef<int64_t> shape, AffineMap map,
                                ArrayRef<unsigned> axis,
                                ArrayRef<int64_t> ranges,
                                function_ref<bool(unsigned)> sameAsResult) {
  // Loops of size 1 are always 0.
  MLIRContext *context = map.getContext();
  SmallVector<AffineExpr> dims;
  for (auto [d, range] : llvm::enumerate(ranges))
    dims.push_back(range == 1 ? getAffineConstantExpr(0, context)
                              : getAffineDimExpr(d, context));
  map = simplifyAffineMap(
      map.replaceDimsAndSymbols(dims, {}, map.getNumDims(), 0));
  int64_t run = 1;
  int64_t result = map.getNumResults() - 1, loop = axis.size() - 1;
  while (true) {
    while (result >= 0 && shape[result] == 1)
      --result;
    while (loop >= 0 && ranges[axis[loop]] == 1)
      --loop;
    if (result < 0 || loop < 0)
      return run;
    unsigned d = axis[loop];
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(result));
    if (!dim || dim.getPosition() != d || shape[result] != ranges[d] ||
        !sameAsResult(result))
      return run;
    for (auto [i, expr] : llvm::enumerate(map.getResults()))
      if (int64_t(i) != result && expr.isFunctionOfDim(d))
        return run;
    run *= ranges[d];
    --result;
    --loop;
  }
}

/// The input that an absorbed elementwise producer `def` of an operand
/// (tune's weight fold w * s) reads at the operand's own element, in its
/// element type, if it has exactly one such input: what asynchronous copies
/// can bring into workgroup memory, where the producer is then applied.
static OpOperand *getFoldedInput(Operation *def) {
  if (!isAbsorbableElementwise(def))
    return nullptr;
  auto producer = cast<linalg::LinalgOp>(def);
  auto resultType = cast<RankedTensorType>(producer->getResult(0).getType());
  OpOperand *found = nullptr;
  for (OpOperand *input : producer.getDpsInputOperands()) {
    if (input->get().getType() != resultType ||
        !producer.getMatchingIndexingMap(input).isIdentity() ||
        !producer.payloadUsesValueFromOperand(input))
      continue;
    if (found)
      return nullptr;
    found = input;
  }
  return found;
}

/// How many elements apart a row-major tensor of `shape` read with `map`
/// has the elements at consecutive values of loop `d` (0: the map does not
/// use it).
static int64_t getLoopStride(ArrayRef<int64_t> shape, AffineMap map,
                             unsigned d) {
  MLIRContext *context = map.getContext();
  SmallVector<AffineExpr> origin(map.getNumDims(),
                                 getAffineConstantExpr(0, context));
  SmallVector<AffineExpr> unit = origin;
  unit[d] = getAffineConstantExpr(1, context);
  int64_t stride = 0, dimStride = 1;
  for (int64_t r = map.getNumResults() - 1; r >= 0; --r) {
    auto at = [&](ArrayRef<AffineExpr> values) {
      auto value = dyn_cast<AffineConstantExpr>(simplifyAffineExpr(
          map.getResult(r).replaceDimsAndSymbols(values, {}), 0, 0));
      return value ? value.getValue() : 0;
    };
    stride += std::abs(at(unit) - at(origin)) * dimStride;
    dimStride *= shape[r];
  }
  return stride;
}

/// Writes the kernel of one convolution.
class ImplicitGemmEmitter {
public:
  ImplicitGemmEmitter(RewriterBase &rewriter, linalg::LinalgOp conv,
                      GemmLoops loops, GemmTiles tiles)
      : rewriter(rewriter), conv(conv), loops(std::move(loops)), tiles(tiles),
        sliceLoop(this->loops.getSliceLoop(tiles.bk)), loc(conv.getLoc()) {}

  void emit();

private:
  /// What the kernel's code is written in terms of.
  struct KernelIds {
    Value thread, group, rowBase, columnBase;
    /// The two-stage slices in workgroup memory.
    Value sharedInput, sharedFilter;
    /// The same slices typed as the warps read fragments out of them
    /// (`GemmTiles::getFragmentElementType`).
    Value fragmentInput, fragmentFilter;
  };
  /// The K loop: slices through workgroup memory, `computeSlice` computing
  /// one out of a stage from the values the loop carries (starting with
  /// `initial`; the last ones go to `results`).
  void emitReduction(
      OpBuilder &b, const KernelIds &ids, ValueRange initial,
      function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)>
          computeSlice,
      SmallVectorImpl<Value> &results);
  /// The SIMT kernel: each thread a TM x TN outer-product tile.
  void emitThreadTiles(OpBuilder &b, const KernelIds &ids);
  /// The tensor-core kernel: each warp a TM x TN tile of 16 x 16 fragments.
  void emitWarpTiles(OpBuilder &b, const KernelIds &ids,
                     Value sharedAccumulators);
  /// Applies the epilogue to the accumulator of GEMM element (row, column)
  /// and stores it, if the element exists; `addInitialValue` for
  /// accumulators that started from zero rather than the initial value.
  void emitOutput(OpBuilder &b, Value group, Value row, Value column,
                  Value accumulator, bool addInitialValue);
  /// Collects the memory the kernel reads, the ops it absorbs, and the
  /// consumers it applies to the accumulators.
  void collect();
  void collectReads(Value tensor);
  /// Whether the kernel computes `tensor` (`columnVectorCandidates`) per
  /// block into workgroup memory: a vector over the output channels
  /// computed elementwise, all of whose users the kernel absorbs and reads
  /// it at the column being computed (tune's per-channel scale, which its
  /// weight fold and folded bias share).
  bool isColumnVector(Value tensor);
  /// Computes the block's BN entries of each column vector into its
  /// workgroup buffer (`sharedColumnVectors`), then a barrier.
  void emitColumnVectors(OpBuilder &b, const KernelIds &ids,
                         ValueRange shared);
  /// `tensor`'s element at `indices`, computed from absorbed producers or
  /// loaded.
  Value evaluate(OpBuilder &b, Value tensor, ValueRange indices);
  /// The indices into `pad`'s source for `indices` of its result; returns
  /// whether they fall inside the source (null: always).
  Value getPadSourceIndices(OpBuilder &b, tensor::PadOp pad,
                            ValueRange indices,
                            SmallVectorImpl<Value> &sourceIndices);
  /// The payload of `op` at loop point `point`, with `operandValues` given
  /// for some of its operands and the rest evaluated.
  Value applyPayload(OpBuilder &b, linalg::LinalgOp op, ValueRange point,
                     const DenseMap<OpOperand *, Value> &operandValues);
  /// The convolution's loop point for GEMM coordinates (nullptr entries
  /// for the coordinates not given).
  SmallVector<Value> getLoopPoint(OpBuilder &b, Value group, Value row,
                                  Value column, Value reduction);
  /// The loop point of element (k0 + kk, w) of the input's (w: a row) or
  /// the filter's (w: a column) slice at `k0` (null `kk`: 0). Along a
  /// `sliceLoop`, K is decomposed at the slice's start and the slice loop
  /// advanced by kk: the decomposition is the same for every element of
  /// the slice, and `kk` is a constant for each of a thread's elements.
  SmallVector<Value> getSliceLoopPoint(OpBuilder &b, Value group, Value w,
                                       Value k0, Value kk, bool isInput);
  /// Whether element (k0 + kk, w) of the input's or the filter's slice
  /// lies inside the GEMM.
  Value isInsideGemm(OpBuilder &b, Value k0, Value kk, Value w, bool isInput);
  /// The one result of `map` (an operand's, read through `pad` if not
  /// null) that uses `loop`, if it is `loop` itself, into a dimension that
  /// `pad` leaves alone: moving `loop` alone moves that index alone, and
  /// by as much.
  std::optional<unsigned> getResultOfLoop(AffineMap map, tensor::PadOp pad,
                                          unsigned loop);
  /// How far apart a thread's successive elements (or copies) of an
  /// operand's slice are, when it is the same distance along one index.
  struct Step {
    /// The operand's index they differ in.
    unsigned result;
    /// By how much, from one to the next.
    int64_t distance;
  };
  /// The Step of `operand`'s slices (read through `pad`, if not null)
  /// when a thread takes every `getThreads()`-th element (or copy) of
  /// lines `lineLength` long along K (`alongK`) or along the tile's width:
  /// successive ones then lie a constant number of lines apart along the
  /// other coordinate, if the threads fill whole lines. That coordinate
  /// must move one loop alone, without carry: along K the `sliceLoop`,
  /// along the width its innermost loop where that loop's range is a
  /// multiple of the width; and that loop must be an index of the operand
  /// by itself (getResultOfLoop).
  std::optional<Step> getStep(OpOperand *operand, tensor::PadOp pad,
                              bool isInput, int64_t lineLength, bool alongK);
  /// The buffer that `operand`'s slices are read from: the operand's own,
  /// or that of the tensor an absorbed pad pads (returned in `pad`), or
  /// that of the one input an absorbed elementwise producer computes the
  /// operand from at each element (returned in `folded`: tune's weight
  /// fold, applied to each element read); null for other computed
  /// operands.
  Value getReadBuffer(OpOperand *operand, tensor::PadOp &pad,
                      OpOperand *&folded);
  /// Reads of a buffer at some indices and at constant steps from them
  /// along one index.
  struct SteppedAccess {
    Value memref;
    SmallVector<Value> indices;
    /// The entry of `indices` that steps move, and by how much per unit.
    unsigned position;
    int64_t scale;
  };
  /// Accesses to `buffer` at `indices` and steps along `result` from them:
  /// through a flat view with one linear index where the buffer has an
  /// identity layout, so that a step is a constant added to the address
  /// (an immediate offset of the load).
  SteppedAccess getSteppedAccess(OpBuilder &b, Value buffer,
                                 ArrayRef<Value> indices, unsigned result);
  /// The indices of `access` moved `offset` units along its index.
  SmallVector<Value> getStepIndices(OpBuilder &b,
                                    const SteppedAccess &access,
                                    int64_t offset);
  /// The indices of `operand`'s element (k0 + kk, w) of a slice read
  /// through `pad` (if not null) into `indices`: the element's where
  /// `valid` holds and it lies inside the padding's source, else zeros
  /// (plus kk in the index of the slice loop, getResultOfLoop): inside
  /// the operand either way. Returns whether the element lies inside the
  /// padding's source (null: always).
  Value getClampedIndices(OpBuilder &b, OpOperand *operand, tensor::PadOp pad,
                          Value group, Value w, Value k0, Value kk,
                          bool isInput, Value valid,
                          SmallVectorImpl<Value> &indices);
  /// `pad`'s padding value, usable at `b`'s insertion point: a constant
  /// defined in the pad's own body is copied out of it.
  Value getPaddingValue(OpBuilder &b, tensor::PadOp pad) {
    Value padding = pad.getConstantPaddingValue();
    if (pad.getRegion().isAncestor(padding.getParentRegion()))
      padding = b.clone(*padding.getDefiningOp())->getResult(0);
    return padding;
  }
  SmallVector<Value> applyMap(OpBuilder &b, AffineMap map, ValueRange point);
  void decompose(OpBuilder &b, Value linear, ArrayRef<unsigned> dims,
                 SmallVectorImpl<Value> &point);
  Value constant(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  /// Whether x < xSize and y < ySize: an element inside the GEMM.
  Value bothBelow(OpBuilder &b, Value x, int64_t xSize, Value y,
                  int64_t ySize) {
    return arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                              constant(b, xSize)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, y,
                              constant(b, ySize)));
  }
  /// Whether `operand`'s elements lie closer in memory along K (its
  /// innermost loop) than along the tile's width: consecutive threads then
  /// take consecutive elements along K (NHWC inputs, FCHW filters), else
  /// along the width (NCHW inputs, HWCF filters), for coalesced loads.
  bool isReductionFastest(OpOperand *operand);
  /// One element of a slice on its way to workgroup memory.
  struct PendingStore {
    Value value, kk, ww;
    /// Whether this thread has the element (null: always).
    Value exists;
  };
  /// Loads this thread's share of the BK x B{M,N} slice at `k0` of the
  /// input or the filter, into registers: the stores into workgroup memory
  /// (`emitTileStores`) come later, so that the loads' latency overlaps the
  /// computation in between.
  SmallVector<PendingStore> emitTileLoads(OpBuilder &b, Value thread, Value k0,
                                          Value group, Value base,
                                          bool isInput);
  /// `operand`'s elements (k0 + kk, w) of an input or filter slice and
  /// the `steps` - 1 after it that `step` describes (or just the one), or
  /// zero where `valid` does not hold, without branching: loads from
  /// clamped indices (getClampedIndices) where nothing is to be read. For
  /// tensors read from memory (or through a constant pad); empty for
  /// computed ones.
  SmallVector<Value> emitClampedReads(OpBuilder &b, OpOperand *operand,
                                      Value group, Value w, Value k0, Value kk,
                                      bool isInput, Value valid,
                                      std::optional<Step> step, int64_t steps);
  /// Stores a slice's elements at [stage][k][w] of `shared`, or at
  /// [stage][w][k] (`kInner`).
  void emitTileStores(OpBuilder &b, ArrayRef<PendingStore> stores,
                      Value shared, Value stage, bool kInner);
  /// Starts this thread's asynchronous copies of the slice at `k0` of the
  /// input or the filter into `stage` of its workgroup buffer; zero fill
  /// where the slice leaves the GEMM or meets padding. Adds the copies'
  /// tokens to `tokens`.
  void emitTileCopies(OpBuilder &b, const KernelIds &ids, Value k0,
                      Value stage, bool isInput,
                      SmallVectorImpl<Value> &tokens);
  /// Copies per slice of the input or the filter (a thread makes every
  /// `getThreads()`-th).
  int64_t getCopiesPerSlice(bool isInput);
  /// Whether consecutive copies go along K (else along M or N).
  bool copiesAlongK(bool isInput);
  /// The slice coordinates (kk, ww) of a thread's copy number `first`
  /// + thread.
  std::pair<Value, Value> getCopyCoordinates(OpBuilder &b, Value thread,
                                             int64_t first, bool isInput);
  /// Applies the computation of a copied operand (`foldedInput`) to this
  /// thread's copied elements of the slice at `k0` in `stage`, once they
  /// have landed.
  void emitFoldOfCopies(OpBuilder &b, const KernelIds &ids, Value k0,
                        Value stage, bool isInput);
  /// Fills `stage` with the slice at `k0`: asynchronous copies (their
  /// tokens into `tokens`), or loads whose stores `emitTileStores` makes
  /// once the returned values arrive.
  SmallVector<PendingStore> emitSliceFill(OpBuilder &b, const KernelIds &ids,
                                          Value k0, Value stage, bool isInput,
                                          SmallVectorImpl<Value> &tokens);

  RewriterBase &rewriter;
  linalg::LinalgOp conv;
  GemmLoops loops;
  GemmTiles tiles;
  /// The K loop every slice runs along (GemmLoops::getSliceLoop), if any.
  std::optional<unsigned> sliceLoop;
  Location loc;
  /// The kernel's body, and the flat views of buffers made at its start.
  Block *kernelBody = nullptr;
  DenseMap<Value, Value> flatViews;

  /// Tensors read from memory, and their buffers inside the kernel.
  SetVector<Value> reads;
  /// Ops the kernel absorbs (what collectReads went through).
  DenseSet<Operation *> absorbed;
  /// Tensors computed elementwise with more than one use, which may be
  /// column vectors; and those that are, with their workgroup buffers.
  SetVector<Value> columnVectorCandidates;
  SmallVector<Value> columnVectors;
  DenseMap<Value, Value> sharedColumnVectors;
  /// The block's first column (N coordinate).
  Value columnBase;
  IRMapping buffers;
  /// Consumers applied to the accumulators, in order; the last one's result
  /// is the kernel's.
  SmallVector<linalg::LinalgOp> epilogue;
  /// The buffer the kernel writes.
  Value output;
};

} // namespace

void ImplicitGemmEmitter::collectReads(Value tensor) {
  if (!isa<RankedTensorType>(tensor.getType()))
    return; // A scalar (a fill value): used directly.
  Operation *def = tensor.getDefiningOp();
  if (isAbsorbablePad(def)) {
    absorbed.insert(def);
    collectReads(cast<tensor::PadOp>(def).getSource());
    return;
  }
  if (isAbsorbableElementwise(def)) {
    absorbed.insert(def);
    auto linalgOp = cast<linalg::LinalgOp>(def);
    for (OpOperand *input : linalgOp.getDpsInputOperands())
      if (linalgOp.payloadUsesValueFromOperand(input))
        collectReads(input->get());
    return;
  }
  if (isComputableElementwise(def)) {
    columnVectorCandidates.insert(tensor);
    return;
  }
  reads.insert(tensor);
}

bool ImplicitGemmEmitter::isColumnVector(Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() != 1 || loops.n.size() != 1 ||
      type.getDimSize(0) != loops.ranges[loops.n.front()])
    return false;
  unsigned column = loops.n.front();
  for (OpOperand &use : tensor.getUses()) {
    auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!user || !absorbed.contains(user))
      return false;
    // The user's loops are the indices of what it computes: an operand of
    // the convolution, or (an epilogue op) the output.
    Value result = user->getResult(0);
    AffineMap convMap;
    for (OpOperand &operand : conv->getOpOperands())
      if (operand.get() == result)
        convMap = conv.getMatchingIndexingMap(&operand);
    if (llvm::is_contained(epilogue, user))
      convMap = conv.getMatchingIndexingMap(conv.getDpsInitOperand(0));
    auto index =
        dyn_cast<AffineDimExpr>(user.getMatchingIndexingMap(&use).getResult(0));
    if (!convMap || !index ||
        convMap.getResult(index.getPosition()) !=
            getAffineDimExpr(column, conv.getContext()))
      return false;
  }
  return true;
}

void ImplicitGemmEmitter::collect() {
  collectReads(conv.getDpsInputOperand(0)->get());
  collectReads(conv.getDpsInputOperand(1)->get());
  OpOperand *init = conv.getDpsInitOperand(0);
  if (conv.payloadUsesValueFromOperand(init))
    collectReads(init->get());
  Value result = conv->getResult(0);
  while (result.hasOneUse()) {
    OpOperand &use = *result.use_begin();
    auto consumer = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!consumer || consumer.isDpsInit(&use) ||
        !isa<linalg::GenericOp, linalg::MapOp>(consumer) ||
        !consumer.hasPureTensorSemantics() ||
        consumer->getNumResults() != 1 ||
        consumer.getNumParallelLoops() != consumer.getNumLoops() ||
        !consumer.hasOnlyProjectedPermutations() ||
        !consumer.getMatchingIndexingMap(&use).isIdentity() ||
        !consumer.getMatchingIndexingMap(consumer.getDpsInitOperand(0))
             .isIdentity() ||
        consumer.payloadUsesValueFromOperand(consumer.getDpsInitOperand(0)) ||
        !cast<RankedTensorType>(consumer->getResult(0).getType())
             .hasStaticShape())
      break;
    for (OpOperand *input : consumer.getDpsInputOperands())
      if (input != &use && consumer.payloadUsesValueFromOperand(input))
        collectReads(input->get());
    epilogue.push_back(consumer);
    absorbed.insert(consumer);
    result = consumer->getResult(0);
  }
  // Column vectors, once every absorbed op is known; their own inputs may
  // add candidates.
  for (size_t i = 0; i < columnVectorCandidates.size(); ++i) {
    Value candidate = columnVectorCandidates[i];
    if (!isColumnVector(candidate)) {
      reads.insert(candidate);
      continue;
    }
    columnVectors.push_back(candidate);
    auto def = candidate.getDefiningOp<linalg::LinalgOp>();
    for (OpOperand *input : def.getDpsInputOperands())
      if (def.payloadUsesValueFromOperand(input))
        collectReads(input->get());
  }
}

SmallVector<Value> ImplicitGemmEmitter::applyMap(OpBuilder &b, AffineMap map,
                                                 ValueRange point) {
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      indices.push_back(point[dim.getPosition()]);
      continue;
    }
    if (auto value = dyn_cast<AffineConstantExpr>(expr)) {
      indices.push_back(constant(b, value.getValue()));
      continue;
    }
    indices.push_back(affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), 0, expr), point));
  }
  return indices;
}

Value ImplicitGemmEmitter::applyPayload(
    OpBuilder &b, linalg::LinalgOp op, ValueRange point,
    const DenseMap<OpOperand *, Value> &operandValues) {
  Block *body = op.getBlock();
  IRMapping mapping;
  for (OpOperand &operand : op->getOpOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(&operand);
    if (arg.use_empty())
      continue;
    Value value = operandValues.lookup(&operand);
    if (!value) {
      Value source = operand.get();
      value = isa<RankedTensorType>(source.getType())
                  ? evaluate(b, source,
                             applyMap(b, op.getMatchingIndexingMap(&operand),
                                      point))
                  : source;
    }
    mapping.map(arg, value);
  }
  for (Operation &payload : body->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(payload)) {
      mapping.map(index.getResult(), point[index.getDim()]);
      continue;
    }
    b.clone(payload, mapping);
  }
  return mapping.lookupOrDefault(body->getTerminator()->getOperand(0));
}

Value ImplicitGemmEmitter::evaluate(OpBuilder &b, Value tensor,
                                    ValueRange indices) {
  if (Value buffer = buffers.lookupOrNull(tensor))
    return memref::LoadOp::create(b, loc, buffer, indices);
  if (Value shared = sharedColumnVectors.lookup(tensor)) {
    // The block's column: entry column - columnBase. Clamped reads ask for
    // column 0 where they read nothing, which may lie before the block.
    Value entry = arith::SubIOp::create(b, loc, indices.front(), columnBase);
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         entry, constant(b, tiles.bn));
    return memref::LoadOp::create(
        b, loc, shared,
        ValueRange{arith::SelectOp::create(b, loc, inside, entry,
                                           constant(b, 0))});
  }
  Operation *def = tensor.getDefiningOp();
  if (auto pad = dyn_cast<tensor::PadOp>(def)) {
    // Read the source where the index falls inside it, else the padding.
    SmallVector<Value> sourceIndices;
    Value inside = getPadSourceIndices(b, pad, indices, sourceIndices);
    if (!inside)
      return evaluate(b, pad.getSource(), sourceIndices);
    Value padding = getPaddingValue(b, pad);
    auto branch = scf::IfOp::create(b, loc, padding.getType(), inside,
                                    /*withElseRegion=*/true);
    OpBuilder thenBuilder = branch.getThenBodyBuilder();
    scf::YieldOp::create(thenBuilder, loc,
                         evaluate(thenBuilder, pad.getSource(), sourceIndices));
    OpBuilder elseBuilder = branch.getElseBodyBuilder();
    scf::YieldOp::create(elseBuilder, loc, padding);
    return branch.getResult(0);
  }
  // An absorbed elementwise producer: its loops are the tensor's indices.
  return applyPayload(b, cast<linalg::LinalgOp>(def), indices,
                      DenseMap<OpOperand *, Value>());
}

Value ImplicitGemmEmitter::getPadSourceIndices(
    OpBuilder &b, tensor::PadOp pad, ValueRange indices,
    SmallVectorImpl<Value> &sourceIndices) {
  ArrayRef<int64_t> sourceShape = pad.getSourceType().getShape();
  Value inside;
  for (auto [dim, low] : llvm::enumerate(pad.getMixedLowPad())) {
    int64_t lowValue = *getConstantIntValue(low);
    if (lowValue == 0 &&
        pad.getResultType().getDimSize(dim) == sourceShape[dim]) {
      sourceIndices.push_back(indices[dim]);
      continue;
    }
    Value index =
        arith::SubIOp::create(b, loc, indices[dim], constant(b, lowValue));
    // Unsigned: a negative index is a large one.
    Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       index, constant(b, sourceShape[dim]));
    inside = inside ? arith::AndIOp::create(b, loc, inside, fits) : fits;
    sourceIndices.push_back(index);
  }
  return inside;
}

void ImplicitGemmEmitter::decompose(OpBuilder &b, Value linear,
                                    ArrayRef<unsigned> dims,
                                    SmallVectorImpl<Value> &point) {
  for (unsigned dim : llvm::reverse(dims)) {
    int64_t range = loops.ranges[dim];
    if (dim == dims.front()) {
      point[dim] = linear;
      break;
    }
    Value size = constant(b, range);
    point[dim] = arith::RemUIOp::create(b, loc, linear, size);
    linear = arith::DivUIOp::create(b, loc, linear, size);
  }
}

SmallVector<Value> ImplicitGemmEmitter::getLoopPoint(OpBuilder &b, Value group,
                                                     Value row, Value column,
                                                     Value reduction) {
  SmallVector<Value> point(conv.getNumLoops(), constant(b, 0));
  if (group && !loops.g.empty())
    decompose(b, group, loops.g, point);
  if (row && !loops.m.empty())
    decompose(b, row, loops.m, point);
  if (column && !loops.n.empty())
    decompose(b, column, loops.n, point);
  if (reduction && !loops.k.empty())
    decompose(b, reduction, loops.k, point);
  return point;
}

SmallVector<Value> ImplicitGemmEmitter::getSliceLoopPoint(OpBuilder &b,
                                                          Value group, Value w,
                                                          Value k0, Value kk,
                                                          bool isInput) {
  Value row = isInput ? w : Value(), column = isInput ? Value() : w;
  if (!sliceLoop) {
    Value k = kk ? arith::AddIOp::create(b, loc, k0, kk) : k0;
    return getLoopPoint(b, group, row, column, k);
  }
  SmallVector<Value> point = getLoopPoint(b, group, row, column, Value());
  Value range = constant(b, loops.ranges[*sliceLoop]);
  ArrayRef<unsigned> outer(loops.k.begin(), llvm::find(loops.k, *sliceLoop));
  if (!outer.empty())
    decompose(b, arith::DivUIOp::create(b, loc, k0, range), outer, point);
  Value start = arith::RemUIOp::create(b, loc, k0, range);
  point[*sliceLoop] = kk ? arith::AddIOp::create(b, loc, start, kk) : start;
  return point;
}

Value ImplicitGemmEmitter::isInsideGemm(OpBuilder &b, Value k0, Value kk,
                                        Value w, bool isInput) {
  // w = a block's first row (column) + less than the block's width, so it
  // lies inside M (N) where the width divides it.
  int64_t extent = isInput ? loops.size(loops.m) : loops.size(loops.n);
  int64_t width = isInput ? tiles.bm : tiles.bn;
  Value inside =
      extent % width == 0
          ? arith::ConstantIntOp::create(b, loc, /*value=*/1, /*width=*/1)
                .getResult()
          : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, w,
                                  constant(b, extent))
                .getResult();
  // Along a slice loop, every slice starts inside K (emitReduction clamps
  // the start of those past the end) and K is a multiple of BK: so does
  // every element.
  if (sliceLoop)
    return inside;
  Value k = kk ? arith::AddIOp::create(b, loc, k0, kk) : k0;
  return arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, k,
                            constant(b, loops.size(loops.k))),
      inside);
}

std::optional<unsigned>
ImplicitGemmEmitter::getResultOfLoop(AffineMap map, tensor::PadOp pad,
                                     unsigned loop) {
  std::optional<unsigned> found;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (!expr.isFunctionOfDim(loop))
      continue;
    if (found || !isa<AffineDimExpr>(expr))
      return std::nullopt;
    found = i;
  }
  if (found && pad &&
      (getConstantIntValue(pad.getMixedLowPad()[*found]) != 0 ||
       pad.getSourceType().getDimSize(*found) !=
           pad.getResultType().getDimSize(*found)))
    return std::nullopt;
  return found;
}

std::optional<ImplicitGemmEmitter::Step>
ImplicitGemmEmitter::getStep(OpOperand *operand, tensor::PadOp pad,
                             bool isInput, int64_t lineLength, bool alongK) {
  int64_t threads = tiles.getThreads();
  if (threads % lineLength)
    return std::nullopt;
  std::optional<unsigned> loop = sliceLoop;
  if (alongK) {
    int64_t width = isInput ? tiles.bm : tiles.bn;
    loop = loops.getInnermost(isInput ? loops.m : loops.n);
    if (loop && loops.ranges[*loop] % width)
      loop.reset();
  }
  if (!loop)
    return std::nullopt;
  std::optional<unsigned> result =
      getResultOfLoop(conv.getMatchingIndexingMap(operand), pad, *loop);
  if (!result)
    return std::nullopt;
  return Step{*result, threads / lineLength};
}

Value ImplicitGemmEmitter::getReadBuffer(OpOperand *operand,
                                         tensor::PadOp &pad,
                                         OpOperand *&folded) {
  Value tensor = operand->get();
  if (Value buffer = buffers.lookupOrNull(tensor))
    return buffer;
  if ((pad = tensor.getDefiningOp<tensor::PadOp>()))
    return buffers.lookupOrNull(pad.getSource());
  folded = getFoldedInput(tensor.getDefiningOp());
  return folded ? buffers.lookupOrNull(folded->get()) : Value();
}

ImplicitGemmEmitter::SteppedAccess
ImplicitGemmEmitter::getSteppedAccess(OpBuilder &b, Value buffer,
                                      ArrayRef<Value> indices,
                                      unsigned result) {
  auto type = cast<MemRefType>(buffer.getType());
  if (!type.getLayout().isIdentity() || type.getRank() < 2)
    return {buffer, llvm::to_vector(indices), result, 1};
  Value &flat = flatViews[buffer];
  if (!flat) {
    OpBuilder atStart = OpBuilder::atBlockBegin(kernelBody);
    flat = memref::CollapseShapeOp::create(
        atStart, loc, buffer,
        ArrayRef<ReassociationIndices>{
            llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))});
  }
  SmallVector<int64_t> strides = computeSuffixProduct(type.getShape());
  Value linear = indices.back();
  for (int64_t d = type.getRank() - 2; d >= 0; --d)
    linear = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, indices[d], constant(b, strides[d])),
        linear);
  return {flat, {linear}, 0, strides[result]};
}

SmallVector<Value>
ImplicitGemmEmitter::getStepIndices(OpBuilder &b, const SteppedAccess &access,
                                    int64_t offset) {
  SmallVector<Value> indices = access.indices;
  if (offset)
    indices[access.position] =
        arith::AddIOp::create(b, loc, indices[access.position],
                              constant(b, offset * access.scale));
  return indices;
}

Value ImplicitGemmEmitter::getClampedIndices(
    OpBuilder &b, OpOperand *operand, tensor::PadOp pad, Value group, Value w,
    Value k0, Value kk, bool isInput, Value valid,
    SmallVectorImpl<Value> &indices) {
  AffineMap map = conv.getMatchingIndexingMap(operand);
  // Where the elements differ from the slice's start in one index only,
  // the start's indices are clamped and kk added after: one set of
  // indices for all of a thread's elements, each element at a constant
  // distance from it.
  std::optional<unsigned> offsetResult;
  if (sliceLoop)
    offsetResult = getResultOfLoop(map, pad, *sliceLoop);
  SmallVector<Value> at = applyMap(
      b, map,
      getSliceLoopPoint(b, group, w, k0, offsetResult ? Value() : kk, isInput));
  Value inside;
  if (pad) {
    SmallVector<Value> sourceIndices;
    inside = getPadSourceIndices(b, pad, at, sourceIndices);
    at = std::move(sourceIndices);
  }
  Value read = inside ? arith::AndIOp::create(b, loc, valid, inside) : valid;
  Value zero = constant(b, 0);
  for (Value index : at)
    indices.push_back(arith::SelectOp::create(b, loc, read, index, zero));
  if (offsetResult && kk)
    indices[*offsetResult] =
        arith::AddIOp::create(b, loc, indices[*offsetResult], kk);
  return inside;
}

bool ImplicitGemmEmitter::isReductionFastest(OpOperand *operand) {
  bool isInput = operand == conv.getDpsInputOperand(0);
  std::optional<unsigned> k = loops.getInnermost(loops.k);
  std::optional<unsigned> w =
      loops.getInnermost(isInput ? ArrayRef(loops.m) : ArrayRef(loops.n));
  if (!k || !w)
    return k.has_value();
  ArrayRef<int64_t> shape =
      cast<ShapedType>(operand->get().getType()).getShape();
  AffineMap map = conv.getMatchingIndexingMap(operand);
  int64_t kStride = getLoopStride(shape, map, *k);
  int64_t wStride = getLoopStride(shape, map, *w);
  return kStride != 0 && (wStride == 0 || kStride <= wStride);
}

SmallVector<ImplicitGemmEmitter::PendingStore>
ImplicitGemmEmitter::emitTileLoads(OpBuilder &b, Value thread, Value k0,
                                   Value group, Value base, bool isInput) {
  OpOperand *operand = conv.getDpsInputOperand(isInput ? 0 : 1);
  AffineMap map = conv.getMatchingIndexingMap(operand);
  int64_t width = isInput ? tiles.bm : tiles.bn;
  bool reductionFastest = isReductionFastest(operand);
  int64_t elements = tiles.bk * width;
  int64_t threads = tiles.getThreads();
  Type elementType = getElementTypeOrSelf(operand->get().getType());
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elementType));
  SmallVector<PendingStore> stores;
  auto getCoordinates = [&](Value element) -> std::pair<Value, Value> {
    if (reductionFastest)
      return {arith::RemUIOp::create(b, loc, element, constant(b, tiles.bk)),
              arith::DivUIOp::create(b, loc, element, constant(b, tiles.bk))};
    return {arith::DivUIOp::create(b, loc, element, constant(b, width)),
            arith::RemUIOp::create(b, loc, element, constant(b, width))};
  };
  // Where a thread's elements lie at a constant distance from each other
  // in memory, they are read from one clamped address and its offsets.
  tensor::PadOp pad;
  OpOperand *folded = nullptr;
  std::optional<Step> step;
  if (elements % threads == 0 && getReadBuffer(operand, pad, folded))
    step = getStep(operand, pad, isInput,
                   reductionFastest ? tiles.bk : width, reductionFastest);
  if (step) {
    auto [kk, ww] = getCoordinates(thread);
    Value w = arith::AddIOp::create(b, loc, base, ww);
    // Inside the GEMM for one element, inside for all (getStep).
    Value valid = isInsideGemm(b, k0, kk, w, isInput);
    SmallVector<Value> values = emitClampedReads(
        b, operand, group, w, k0, kk, isInput, valid, step, elements / threads);
    for (auto [s, value] : llvm::enumerate(values)) {
      Value lines = constant(b, s * step->distance);
      Value kkAt =
          reductionFastest ? kk : arith::AddIOp::create(b, loc, kk, lines);
      Value wwAt =
          reductionFastest ? arith::AddIOp::create(b, loc, ww, lines) : ww;
      stores.push_back({value, kkAt, wwAt, Value()});
    }
    return stores;
  }
  for (int64_t first = 0; first < elements; first += threads) {
    Value element = arith::AddIOp::create(b, loc, thread, constant(b, first));
    Value exists;
    if (first + threads > elements)
      exists = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                     element, constant(b, elements));
    auto [kk, ww] = getCoordinates(element);
    Value w = arith::AddIOp::create(b, loc, base, ww);
    Value valid = isInsideGemm(b, k0, kk, w, isInput);
    if (exists)
      valid = arith::AndIOp::create(b, loc, valid, exists);
    SmallVector<Value> values = emitClampedReads(
        b, operand, group, w, k0, kk, isInput, valid, std::nullopt, 1);
    if (!values.empty()) {
      stores.push_back({values.front(), kk, ww, exists});
      continue;
    }
    auto branch = scf::IfOp::create(b, loc, elementType, valid,
                                    /*withElseRegion=*/true);
    OpBuilder inside = branch.getThenBodyBuilder();
    SmallVector<Value> point =
        getSliceLoopPoint(inside, group, w, k0, kk, isInput);
    scf::YieldOp::create(
        inside, loc,
        evaluate(inside, operand->get(), applyMap(inside, map, point)));
    OpBuilder outside = branch.getElseBodyBuilder();
    scf::YieldOp::create(outside, loc, zero);
    stores.push_back({branch.getResult(0), kk, ww, exists});
  }
  return stores;
}

SmallVector<Value> ImplicitGemmEmitter::emitClampedReads(
    OpBuilder &b, OpOperand *operand, Value group, Value w, Value k0,
    Value kk, bool isInput, Value valid, std::optional<Step> step,
    int64_t steps) {
  tensor::PadOp pad;
  OpOperand *folded = nullptr;
  Value buffer = getReadBuffer(operand, pad, folded);
  if (!buffer)
    return {};
  SmallVector<Value> indices;
  Value inside = getClampedIndices(b, operand, pad, group, w, k0, kk, isInput,
                                   valid, indices);
  SteppedAccess access =
      getSteppedAccess(b, buffer, indices, step ? step->result : 0);
  Value padding = inside ? getPaddingValue(b, pad) : Value();
  Value zero = arith::ConstantOp::create(
      b, loc, b.getZeroAttr(getElementTypeOrSelf(buffer.getType())));
  SmallVector<Value> values;
  for (int64_t s = 0; s < steps; ++s) {
    Value value = memref::LoadOp::create(
        b, loc, access.memref,
        getStepIndices(b, access, step ? s * step->distance : 0));
    if (folded) {
      // The fold's other operands are read at the element's clamped
      // indices too (inside their tensors, whatever the element).
      SmallVector<Value> at = indices;
      if (step && s)
        at[step->result] = arith::AddIOp::create(
            b, loc, at[step->result], constant(b, s * step->distance));
      value = applyPayload(b, cast<linalg::LinalgOp>(folded->getOwner()), at,
                           {{folded, value}});
    }
    if (inside)
      value = arith::SelectOp::create(b, loc, inside, value, padding);
    values.push_back(arith::SelectOp::create(b, loc, valid, value, zero));
  }
  return values;
}

void ImplicitGemmEmitter::emitTileStores(OpBuilder &b,
                                         ArrayRef<PendingStore> stores,
                                         Value shared, Value stage,
                                         bool kInner) {
  for (const PendingStore &store : stores) {
    OpBuilder::InsertionGuard guard(b);
    if (store.exists) {
      auto branch = scf::IfOp::create(b, loc, store.exists,
                                      /*withElseRegion=*/false);
      b.setInsertionPoint(branch.thenBlock()->getTerminator());
    }
    memref::StoreOp::create(
        b, loc, store.value, shared,
        kInner ? ValueRange{stage, store.ww, store.kk}
               : ValueRange{stage, store.kk, store.ww});
  }
}

void ImplicitGemmEmitter::emitTileCopies(OpBuilder &b, const KernelIds &ids,
                                         Value k0, Value stage, bool isInput,
                                         SmallVectorImpl<Value> &tokens) {
  const OperandStaging &staging = isInput ? tiles.input : tiles.filter;
  int64_t vector = staging.asyncElements;
  OpOperand *operand = conv.getDpsInputOperand(isInput ? 0 : 1);
  Value base = isInput ? ids.rowBase : ids.columnBase;
  Value shared = isInput ? ids.sharedInput : ids.sharedFilter;
  // What planStaging found copyable: the operand, a zero pad's source, or
  // the folded input (staging.foldedInput).
  tensor::PadOp pad;
  OpOperand *folded = nullptr;
  Value buffer = getReadBuffer(operand, pad, folded);
  int64_t elementBytes =
      getElementTypeOrSelf(buffer.getType()).getIntOrFloatBitWidth() / 8;
  Value zero = constant(b, 0);
  Value full = constant(b, vector);
  int64_t copies = getCopiesPerSlice(isInput);
  int64_t threads = tiles.getThreads();
  bool alongK = copiesAlongK(isInput);
  int64_t runsPerLine =
      (alongK ? tiles.bk : (isInput ? tiles.bm : tiles.bn)) / vector;
  // Where a thread's copies lie at a constant distance from each other in
  // memory, they start from one clamped address and its offsets: one
  // address with `copies / threads` steps from it; else one address each.
  std::optional<Step> step =
      getStep(operand, pad, isInput, runsPerLine, alongK);
  int64_t addresses = step ? 1 : copies / threads;
  int64_t steps = step ? copies / threads : 1;
  for (int64_t address = 0; address < addresses; ++address) {
    auto [kk, ww] =
        getCopyCoordinates(b, ids.thread, address * threads, isInput);
    Value w = arith::AddIOp::create(b, loc, base, ww);
    Value valid = isInsideGemm(b, k0, kk, w, isInput);
    // A run outside the source reads nothing and fills zeros; its address
    // is clamped all the same.
    SmallVector<Value> indices;
    if (Value inside = getClampedIndices(b, operand, pad, ids.group, w, k0, kk,
                                         isInput, valid, indices))
      valid = arith::AndIOp::create(b, loc, valid, inside);
    Value sourceElements = arith::SelectOp::create(b, loc, valid, full, zero);
    SteppedAccess access =
        getSteppedAccess(b, buffer, indices, step ? step->result : 0);
    for (int64_t s = 0; s < steps; ++s) {
      int64_t lines = step ? s * step->distance : 0;
      Value along = alongK ? ww : kk;
      along = arith::AddIOp::create(b, loc, along, constant(b, lines));
      Value kkAt = alongK ? kk : along;
      Value wwAt = alongK ? along : ww;
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), shared,
          staging.kInner ? ValueRange{stage, wwAt, kkAt}
                         : ValueRange{stage, kkAt, wwAt},
          access.memref, getStepIndices(b, access, lines),
          b.getIndexAttr(vector), sourceElements,
          /*bypassL1=*/vector * elementBytes == kMaxAsyncCopyBytes
              ? b.getUnitAttr()
              : UnitAttr()));
    }
  }
}

int64_t ImplicitGemmEmitter::getCopiesPerSlice(bool isInput) {
  const OperandStaging &staging = isInput ? tiles.input : tiles.filter;
  return tiles.bk * (isInput ? tiles.bm : tiles.bn) / staging.asyncElements;
}

bool ImplicitGemmEmitter::copiesAlongK(bool isInput) {
  const OperandStaging &staging = isInput ? tiles.input : tiles.filter;
  // Runs lie along the workgroup layout's inner dimension (planned to be
  // contiguous in memory too); single elements along the operand's
  // innermost dimension. Consecutive threads take consecutive ones
  // (coalesced either way).
  return staging.asyncElements > 1
             ? staging.kInner
             : isReductionFastest(conv.getDpsInputOperand(isInput ? 0 : 1));
}

std::pair<Value, Value>
ImplicitGemmEmitter::getCopyCoordinates(OpBuilder &b, Value thread,
                                        int64_t first, bool isInput) {
  const OperandStaging &staging = isInput ? tiles.input : tiles.filter;
  int64_t width = isInput ? tiles.bm : tiles.bn;
  bool alongK = copiesAlongK(isInput);
  int64_t runsPerLine =
      (alongK ? tiles.bk : width) / staging.asyncElements;
  Value copy = arith::AddIOp::create(b, loc, thread, constant(b, first));
  Value line = arith::DivUIOp::create(b, loc, copy, constant(b, runsPerLine));
  Value inner = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, copy, constant(b, runsPerLine)),
      constant(b, staging.asyncElements));
  return alongK ? std::make_pair(inner, line) : std::make_pair(line, inner);
}

void ImplicitGemmEmitter::emitFoldOfCopies(OpBuilder &b, const KernelIds &ids,
                                           Value k0, Value stage,
                                           bool isInput) {
  const OperandStaging &staging = isInput ? tiles.input : tiles.filter;
  if (!staging.foldedInput)
    return;
  auto fold = cast<linalg::LinalgOp>(staging.foldedInput->getOwner());
  OpOperand *operand = conv.getDpsInputOperand(isInput ? 0 : 1);
  AffineMap map = conv.getMatchingIndexingMap(operand);
  Value base = isInput ? ids.rowBase : ids.columnBase;
  Value shared = isInput ? ids.sharedInput : ids.sharedFilter;
  bool alongK = copiesAlongK(isInput);
  Value zeroIndex = constant(b, 0);
  Value zero = arith::ConstantOp::create(
      b, loc, b.getZeroAttr(getElementTypeOrSelf(operand->get().getType())));
  for (int64_t first = 0; first < getCopiesPerSlice(isInput);
       first += tiles.getThreads()) {
    auto [runK, runW] = getCopyCoordinates(b, ids.thread, first, isInput);
    for (int64_t e = 0; e < staging.asyncElements; ++e) {
      Value kk = alongK ? arith::AddIOp::create(b, loc, runK, constant(b, e))
                        : runK;
      Value ww = alongK ? runW
                        : arith::AddIOp::create(b, loc, runW, constant(b, e));
      Value w = arith::AddIOp::create(b, loc, base, ww);
      // Elements outside the GEMM stay the zeros the copy wrote (not the
      // fold of zero); the fold's other operands are read at a clamped
      // point there: the slice's start and w at 0, and kk too unless it
      // moves along a slice loop (which stays inside K from 0).
      Value valid = isInsideGemm(b, k0, kk, w, isInput);
      Value clampedK0 = arith::SelectOp::create(b, loc, valid, k0, zeroIndex);
      Value clampedKk =
          sliceLoop ? kk
                    : arith::SelectOp::create(b, loc, valid, kk, zeroIndex);
      w = arith::SelectOp::create(b, loc, valid, w, zeroIndex);
      SmallVector<Value> point =
          getSliceLoopPoint(b, ids.group, w, clampedK0, clampedKk, isInput);
      SmallVector<Value> at = staging.kInner ? SmallVector<Value>{stage, ww, kk}
                                             : SmallVector<Value>{stage, kk, ww};
      Value copied = memref::LoadOp::create(b, loc, shared, at);
      Value folded = applyPayload(b, fold, applyMap(b, map, point),
                                  {{staging.foldedInput, copied}});
      memref::StoreOp::create(
          b, loc, arith::SelectOp::create(b, loc, valid, folded, zero), shared,
          at);
    }
  }
}

SmallVector<ImplicitGemmEmitter::PendingStore>
ImplicitGemmEmitter::emitSliceFill(OpBuilder &b, const KernelIds &ids,
                                   Value k0, Value stage, bool isInput,
                                   SmallVectorImpl<Value> &tokens) {
  const OperandStaging &staging = isInput ? tiles.input : tiles.filter;
  if (staging.asyncElements) {
    emitTileCopies(b, ids, k0, stage, isInput, tokens);
    return {};
  }
  return emitTileLoads(b, ids.thread, k0, ids.group,
                       isInput ? ids.rowBase : ids.columnBase, isInput);
}

void ImplicitGemmEmitter::emitReduction(
    OpBuilder &b, const KernelIds &ids, ValueRange initial,
    function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)>
        computeSlice,
    SmallVectorImpl<Value> &results) {
  // One BK-slice at a time through S stages of workgroup memory: while
  // slice i is computed out of stage i % S, slice i + S - 1 is on its way
  // into stage (i + S - 1) % S, which held slice i - 1. One barrier per
  // slice, at its start, both makes slice i visible to every thread and
  // tells that no thread still computes slice i - 1.
  //  - Asynchronous copies (sm_80+) go in one group per slice; a thread
  //    waits until at most S - 2 groups are pending, i.e. until its copies
  //    of the next slice have landed, before the barrier.
  //  - Loads through registers are issued before the computation and
  //    stored after it, so that their latency overlaps it.
  // Slices past the end are never computed. Along a slice loop (K a
  // multiple of BK) they are filled with the last slice again (in bounds,
  // and an element is then inside K wherever its slice starts: no test);
  // otherwise with zeros, reading nothing.
  int64_t stages = tiles.stages;
  int64_t reduction = loops.size(loops.k);
  auto clampSliceStart = [&](OpBuilder &b, Value k0) {
    return sliceLoop ? arith::MinUIOp::create(b, loc, k0,
                                              constant(b, reduction - tiles.bk))
                     : k0;
  };
  bool async = tiles.hasAsyncCopies();
  MLIRContext *context = b.getContext();
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(context);
  SmallVector<Value> tokens;
  auto commit = [&](OpBuilder &b) {
    Value group =
        nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, tokens);
    tokens.clear();
    return group;
  };
  // After a wait, the copies of slice `k0` have landed in `stage`.
  auto commitAndWait = [&](OpBuilder &b, Value k0, Value stage) {
    if (!async)
      return;
    nvgpu::DeviceAsyncWaitOp::create(b, loc, commit(b),
                                     b.getI32IntegerAttr(stages - 2));
    k0 = clampSliceStart(b, k0);
    emitFoldOfCopies(b, ids, k0, stage, /*isInput=*/true);
    emitFoldOfCopies(b, ids, k0, stage, /*isInput=*/false);
  };
  auto fill = [&](OpBuilder &b, Value k0, Value stage) {
    k0 = clampSliceStart(b, k0);
    // In this order (not as two arguments of one call).
    auto input = emitSliceFill(b, ids, k0, stage, /*isInput=*/true, tokens);
    auto filter = emitSliceFill(b, ids, k0, stage, /*isInput=*/false, tokens);
    return std::make_pair(std::move(input), std::move(filter));
  };
  auto store = [&](OpBuilder &b, auto &pending, Value stage) {
    emitTileStores(b, pending.first, ids.sharedInput, stage,
                   tiles.input.kInner);
    emitTileStores(b, pending.second, ids.sharedFilter, stage,
                   tiles.filter.kInner);
  };
  // The first S - 1 slices.
  for (int64_t s = 0; s + 1 < stages; ++s) {
    Value stage = constant(b, s);
    auto pending = fill(b, constant(b, s * tiles.bk), stage);
    store(b, pending, stage);
    if (s + 2 == stages)
      commitAndWait(b, constant(b, 0), constant(b, 0));
    else if (async)
      commit(b);
  }

  auto kLoop = scf::ForOp::create(
      b, loc, constant(b, 0), constant(b, llvm::alignTo(reduction, tiles.bk)),
      constant(b, tiles.bk), initial);
  OpBuilder::InsertionGuard guard(b);
  // The loop's own terminator (made when it carries nothing) gives way to
  // the one yielding what `computeSlice` computed.
  if (kLoop.getBody()->mightHaveTerminator())
    kLoop.getBody()->getTerminator()->erase();
  b.setInsertionPointToEnd(kLoop.getBody());
  gpu::BarrierOp::create(b, loc);
  Value k0 = kLoop.getInductionVar();
  Value slice = arith::DivUIOp::create(b, loc, k0, constant(b, tiles.bk));
  Value stage = arith::RemUIOp::create(b, loc, slice, constant(b, stages));
  Value fillStage = arith::RemUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, slice, constant(b, stages - 1)),
      constant(b, stages));
  Value fillK0 = arith::AddIOp::create(b, loc, k0,
                                       constant(b, (stages - 1) * tiles.bk));
  auto pending = fill(b, fillK0, fillStage);
  SmallVector<Value> carried =
      computeSlice(b, stage, kLoop.getRegionIterArgs());
  store(b, pending, fillStage);
  commitAndWait(
      b, arith::AddIOp::create(b, loc, k0, constant(b, tiles.bk)),
      arith::RemUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, slice, constant(b, 1)),
          constant(b, stages)));
  scf::YieldOp::create(b, loc, carried);
  llvm::append_range(results, kLoop.getResults());
}

void ImplicitGemmEmitter::emitColumnVectors(OpBuilder &b, const KernelIds &ids,
                                            ValueRange shared) {
  if (columnVectors.empty())
    return;
  int64_t threads = tiles.getThreads();
  int64_t columns = loops.size(loops.n);
  for (int64_t first = 0; first < tiles.bn; first += threads) {
    Value entry = arith::AddIOp::create(b, loc, ids.thread, constant(b, first));
    Value column = arith::AddIOp::create(b, loc, ids.columnBase, entry);
    // Entries past the output channels hold the first one's value (never
    // read).
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         column, constant(b, columns));
    column = arith::SelectOp::create(b, loc, inside, column, constant(b, 0));
    OpBuilder::InsertionGuard guard(b);
    if (first + threads > tiles.bn) {
      auto branch = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, entry,
                                constant(b, tiles.bn)),
          /*withElseRegion=*/false);
      b.setInsertionPoint(branch.thenBlock()->getTerminator());
    }
    for (auto [vector, buffer] : llvm::zip(columnVectors, shared)) {
      Value value = applyPayload(b, vector.getDefiningOp<linalg::LinalgOp>(),
                                 column, DenseMap<OpOperand *, Value>());
      memref::StoreOp::create(b, loc, value, buffer, entry);
    }
  }
  gpu::BarrierOp::create(b, loc);
  for (auto [vector, buffer] : llvm::zip(columnVectors, shared))
    sharedColumnVectors[vector] = buffer;
}

void ImplicitGemmEmitter::emitOutput(OpBuilder &b, Value group, Value row,
                                     Value column, Value accumulator,
                                     bool addInitialValue) {
  int64_t rows = loops.size(loops.m), columns = loops.size(loops.n);
  Value valid = bothBelow(b, row, rows, column, columns);
  auto branch = scf::IfOp::create(b, loc, valid, /*withElseRegion=*/false);
  OpBuilder inside = branch.getThenBodyBuilder();
  SmallVector<Value> point = getLoopPoint(inside, group, row, column, Value());
  OpOperand *init = conv.getDpsInitOperand(0);
  AffineMap outputMap = conv.getMatchingIndexingMap(init);
  SmallVector<Value> indices = applyMap(inside, outputMap, point);
  Value value = accumulator;
  if (addInitialValue)
    value = arith::AddFOp::create(inside, loc,
                                  evaluate(inside, init->get(), indices), value);
  Value previous = conv->getResult(0);
  for (linalg::LinalgOp consumer : epilogue) {
    DenseMap<OpOperand *, Value> values;
    for (OpOperand *input : consumer.getDpsInputOperands())
      if (input->get() == previous)
        values[input] = value;
    value = applyPayload(inside, consumer, indices, values);
    previous = consumer->getResult(0);
  }
  memref::StoreOp::create(inside, loc, value, output, indices);
}

void ImplicitGemmEmitter::emitThreadTiles(OpBuilder &b, const KernelIds &ids) {
  int64_t rows = loops.size(loops.m), columns = loops.size(loops.n);
  Type accType = getElementTypeOrSelf(conv.getDpsInitOperand(0)->get());
  Value threadColumns = constant(b, tiles.bn / tiles.tn);
  Value threadRow = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, ids.thread, threadColumns),
      constant(b, tiles.tm));
  Value threadColumn = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, ids.thread, threadColumns),
      constant(b, tiles.tn));

  // Accumulators, initialised with the convolution's initial value.
  auto accumulatorsType = MemRefType::get({tiles.tm, tiles.tn}, accType);
  Value acc = memref::AllocaOp::create(b, loc, accumulatorsType);
  OpOperand *init = conv.getDpsInitOperand(0);
  bool readsInit = conv.payloadUsesValueFromOperand(init);
  AffineMap outputMap = conv.getMatchingIndexingMap(init);
  auto forEachOutput = [&](function_ref<void(OpBuilder &, int64_t, int64_t,
                                             Value, Value)>
                               body) {
    for (int64_t i = 0; i < tiles.tm; ++i)
      for (int64_t j = 0; j < tiles.tn; ++j) {
        Value row = arith::AddIOp::create(
            b, loc, ids.rowBase,
            arith::AddIOp::create(b, loc, threadRow, constant(b, i)));
        Value column = arith::AddIOp::create(
            b, loc, ids.columnBase,
            arith::AddIOp::create(b, loc, threadColumn, constant(b, j)));
        body(b, i, j, row, column);
      }
  };
  Value accZero = arith::ConstantOp::create(b, loc, b.getZeroAttr(accType));
  forEachOutput([&](OpBuilder &b, int64_t i, int64_t j, Value row,
                    Value column) {
    Value initial = accZero;
    if (readsInit) {
      Value valid = bothBelow(b, row, rows, column, columns);
      auto branch = scf::IfOp::create(b, loc, accType, valid, true);
      OpBuilder inside = branch.getThenBodyBuilder();
      SmallVector<Value> point =
          getLoopPoint(inside, ids.group, row, column, Value());
      scf::YieldOp::create(
          inside, loc,
          evaluate(inside, init->get(), applyMap(inside, outputMap, point)));
      OpBuilder outside = branch.getElseBodyBuilder();
      scf::YieldOp::create(outside, loc, accZero);
      initial = branch.getResult(0);
    }
    memref::StoreOp::create(b, loc, initial, acc,
                            ValueRange{constant(b, i), constant(b, j)});
  });

  // Each thread's TM x TN outer products, one row kk of the slice at a
  // time.
  SmallVector<Value> noResults;
  emitReduction(
      b, ids, ValueRange(),
      [&](OpBuilder &b, Value stage, ValueRange) {
        auto kkLoop = scf::ForOp::create(b, loc, constant(b, 0),
                                         constant(b, tiles.bk), constant(b, 1));
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPoint(kkLoop.getBody()->getTerminator());
        Value kk = kkLoop.getInductionVar();
        // This thread's `count` consecutive values of row kk of a slice.
        auto loadRow = [&](Value shared, Value first, int64_t count) {
          SmallVector<Value> values;
          for (int64_t i = 0; i < count; ++i)
            values.push_back(memref::LoadOp::create(
                b, loc, shared,
                ValueRange{stage, kk,
                           arith::AddIOp::create(b, loc, first,
                                                 constant(b, i))}));
          return values;
        };
        SmallVector<Value> a = loadRow(ids.sharedInput, threadRow, tiles.tm);
        SmallVector<Value> w =
            loadRow(ids.sharedFilter, threadColumn, tiles.tn);
        for (int64_t i = 0; i < tiles.tm; ++i)
          for (int64_t j = 0; j < tiles.tn; ++j) {
            SmallVector<Value> at = {constant(b, i), constant(b, j)};
            Value sum = memref::LoadOp::create(b, loc, acc, at);
            DenseMap<OpOperand *, Value> values = {
                {conv.getDpsInputOperand(0), a[i]},
                {conv.getDpsInputOperand(1), w[j]},
                {init, sum}};
            Value next = applyPayload(b, conv, ValueRange(), values);
            memref::StoreOp::create(b, loc, next, acc, at);
          }
        return SmallVector<Value>();
      },
      noResults);

  // The epilogue: consumers applied to each accumulator, one store.
  forEachOutput([&](OpBuilder &b, int64_t i, int64_t j, Value row,
                    Value column) {
    Value value = memref::LoadOp::create(
        b, loc, acc, ValueRange{constant(b, i), constant(b, j)});
    emitOutput(b, ids.group, row, column, value, /*addInitialValue=*/false);
  });
}

void ImplicitGemmEmitter::emitWarpTiles(OpBuilder &b, const KernelIds &ids,
                                        Value sharedAccumulators) {
  Type inputType = getElementTypeOrSelf(conv.getDpsInputOperand(0)->get());
  Type accType = getElementTypeOrSelf(conv.getDpsInitOperand(0)->get());
  // WMMA multiplies 16x16 fragments, both operands row-major; mma.sync
  // takes the filter's fragment as N x K (read transposed out of the
  // [k][n] slice, ldmatrix.trans on the GPU) and accumulates 16 x 8.
  int64_t fragmentColumns = tiles.mmaSync ? kMmaSyncColumns : kFragment;
  int64_t fragmentK = tiles.getFragmentK();
  int64_t fragmentsDown = tiles.tm / kFragment;
  int64_t fragmentsAcross = tiles.tn / fragmentColumns;
  Value warp = arith::DivUIOp::create(b, loc, ids.thread,
                                      constant(b, kWarpSize));
  Value warpColumns = constant(b, tiles.bn / tiles.tn);
  Value warpRow = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, warp, warpColumns),
      constant(b, tiles.tm));
  Value warpColumn = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, warp, warpColumns),
      constant(b, tiles.tn));

  // The warp's accumulators: one fragment per pair (i, j), carried by the
  // K loop (registers on the GPU, opaque to the threads or spread over the
  // warp's lanes).
  auto fragmentType = VectorType::get({kFragment, fragmentColumns}, accType);
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(fragmentType, b.getZeroAttr(accType)));
  SmallVector<Value> initial(fragmentsDown * fragmentsAcross, zero);

  MLIRContext *context = b.getContext();
  AffineExpr m, n, k;
  bindDims(context, m, n, k);
  AffineExpr filterRow = tiles.mmaSync ? n : k;
  AffineExpr filterColumn = tiles.mmaSync ? k : n;
  ArrayAttr maps = b.getAffineMapArrayAttr(AffineMap::inferFromExprList(
      ArrayRef<ArrayRef<AffineExpr>>{
          {m, k}, {filterRow, filterColumn}, {m, n}},
      context));
  ArrayAttr iterators = b.getArrayAttr(
      {vector::IteratorTypeAttr::get(context, vector::IteratorType::parallel),
       vector::IteratorTypeAttr::get(context, vector::IteratorType::parallel),
       vector::IteratorTypeAttr::get(context,
                                     vector::IteratorType::reduction)});
  // The input's fragments are read 16 x K, the filter's 16 x 16 (split in
  // two for mma.sync), or 8 x 8 for TF32.
  Type readType = tiles.getFragmentElementType(inputType);
  auto inputFragmentType = VectorType::get({kFragment, fragmentK}, readType);
  int64_t filterReadRows = tiles.tf32 ? kMmaSyncColumns : kFragment;
  auto filterFragmentType =
      VectorType::get({filterReadRows, fragmentK}, readType);
  // Fragments read as another type's bits take their own type again before
  // the contraction (a register renaming on the GPU).
  auto asOperand = [&](OpBuilder &b, Value fragment) -> Value {
    if (readType == inputType)
      return fragment;
    auto type = cast<VectorType>(fragment.getType()).clone(inputType);
    return arith::BitcastOp::create(b, loc, type, fragment);
  };
  // Workgroup slices are [stage][m][k] and [stage][k][n] or [stage][n][k]
  // (a filter whose memory runs along K, for mma.sync): the input's
  // fragments are read row-major, the filter's row-major (WMMA, or N x K
  // out of [n][k]) or transposed (mma.sync's N x K out of [k][n]).
  AffineMap minorIdentity = AffineMap::getMinorIdentityMap(3, 2, context);
  bool transposedFilter = tiles.mmaSync && !tiles.filter.kInner;
  AffineMap filterMap =
      transposedFilter
          ? AffineMap::get(3, 0, {getAffineDimExpr(2, context),
                                  getAffineDimExpr(1, context)},
                           context)
          : minorIdentity;
  Value padding = arith::ConstantOp::create(b, loc, b.getZeroAttr(readType));
  SmallVector<bool> inBounds = {true, true};

  SmallVector<Value> accumulators;
  emitReduction(
      b, ids, initial,
      [&](OpBuilder &b, Value stage, ValueRange carried) {
        SmallVector<Value> sums(carried);
        for (int64_t kk = 0; kk < tiles.bk; kk += fragmentK) {
          SmallVector<Value> a, w;
          for (int64_t i = 0; i < fragmentsDown; ++i)
            a.push_back(asOperand(b, vector::TransferReadOp::create(
                b, loc, inputFragmentType, ids.fragmentInput,
                ValueRange{stage,
                           arith::AddIOp::create(
                               b, loc, warpRow, constant(b, i * kFragment)),
                           constant(b, kk)},
                AffineMapAttr::get(minorIdentity), padding, /*mask=*/Value(),
                b.getBoolArrayAttr(inBounds))));
          // The filter's fragments: 16 x 16 reads, each split in two
          // 8 x 16 ones for mma.sync (one ldmatrix.x4.trans, where an 8 x 16
          // read would take an .x2; warp tiles are 16-column multiples);
          // 8 x 8 reads for TF32, which has no ldmatrix to share.
          for (int64_t j = 0; j < tiles.tn / filterReadRows; ++j) {
            Value column = arith::AddIOp::create(
                b, loc, warpColumn, constant(b, j * filterReadRows));
            Value read = vector::TransferReadOp::create(
                b, loc, filterFragmentType, ids.fragmentFilter,
                tiles.filter.kInner
                    ? ValueRange{stage, column, constant(b, kk)}
                    : ValueRange{stage, constant(b, kk), column},
                AffineMapAttr::get(filterMap), padding, /*mask=*/Value(),
                b.getBoolArrayAttr(inBounds));
            if (filterReadRows == fragmentColumns) {
              w.push_back(asOperand(b, read));
              continue;
            }
            for (int64_t half = 0; half < 2; ++half)
              w.push_back(asOperand(
                  b, vector::ExtractStridedSliceOp::create(
                         b, loc, read,
                         ArrayRef<int64_t>{half * kMmaSyncColumns, 0},
                         ArrayRef<int64_t>{kMmaSyncColumns, kFragment},
                         ArrayRef<int64_t>{1, 1})));
          }
          for (int64_t i = 0; i < fragmentsDown; ++i)
            for (int64_t j = 0; j < fragmentsAcross; ++j) {
              Value &sum = sums[i * fragmentsAcross + j];
              sum = vector::ContractionOp::create(b, loc, a[i], w[j], sum,
                                                  maps, iterators);
            }
        }
        return sums;
      },
      accumulators);

  // The block's accumulators, through workgroup memory to the threads.
  for (int64_t i = 0; i < fragmentsDown; ++i)
    for (int64_t j = 0; j < fragmentsAcross; ++j)
      vector::TransferWriteOp::create(
          b, loc, accumulators[i * fragmentsAcross + j], sharedAccumulators,
          ValueRange{
              arith::AddIOp::create(b, loc, warpRow, constant(b, i * kFragment)),
              arith::AddIOp::create(b, loc, warpColumn,
                                    constant(b, j * fragmentColumns))},
          ArrayRef<bool>(inBounds));
  gpu::BarrierOp::create(b, loc);

  // The epilogue, element by element: consecutive threads take consecutive
  // elements of the output's innermost dimension (coalesced stores).
  AffineMap outputMap =
      conv.getMatchingIndexingMap(conv.getDpsInitOperand(0));
  AffineExpr innermost = outputMap.getResults().back();
  bool columnsFastest = llvm::any_of(
      loops.n, [&](unsigned d) { return innermost.isFunctionOfDim(d); });
  int64_t threads = tiles.getThreads();
  auto elementLoop = scf::ForOp::create(b, loc, ids.thread,
                                        constant(b, tiles.bm * tiles.bn),
                                        constant(b, threads));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(elementLoop.getBody()->getTerminator());
  Value element = elementLoop.getInductionVar();
  Value r, c;
  if (columnsFastest) {
    r = arith::DivUIOp::create(b, loc, element, constant(b, tiles.bn));
    c = arith::RemUIOp::create(b, loc, element, constant(b, tiles.bn));
  } else {
    r = arith::RemUIOp::create(b, loc, element, constant(b, tiles.bm));
    c = arith::DivUIOp::create(b, loc, element, constant(b, tiles.bm));
  }
  Value value = memref::LoadOp::create(b, loc, sharedAccumulators,
                                       ValueRange{r, c});
  emitOutput(b, ids.group, arith::AddIOp::create(b, loc, ids.rowBase, r),
             arith::AddIOp::create(b, loc, ids.columnBase, c), value,
             /*addInitialValue=*/conv.payloadUsesValueFromOperand(
                 conv.getDpsInitOperand(0)));
}

void ImplicitGemmEmitter::emit() {
  collect();
  // Column vectors where their workgroup buffers fit beside the slices;
  // the others are read from memory (computed by a kernel of their own).
  SmallVector<Type> columnVectorTypes;
  int64_t sharedBytes = getWorkgroupMemoryBytes(conv, tiles);
  auto workgroup = gpu::AddressSpaceAttr::get(rewriter.getContext(),
                                              gpu::AddressSpace::Workgroup);
  SmallVector<Value> staged;
  for (Value vector : columnVectors) {
    Type element = getElementTypeOrSelf(vector.getType());
    sharedBytes += tiles.bn * element.getIntOrFloatBitWidth() / 8;
    if (sharedBytes > kMaxStaticSharedBytes) {
      reads.insert(vector);
      continue;
    }
    staged.push_back(vector);
    columnVectorTypes.push_back(MemRefType::get(
        {tiles.bn}, element, MemRefLayoutAttrInterface(), workgroup));
  }
  columnVectors = std::move(staged);
  Value result = epilogue.empty() ? conv->getResult(0)
                                  : epilogue.back()->getResult(0);
  auto resultType = cast<RankedTensorType>(result.getType());

  // The memory the kernel reads and the buffer it writes.
  rewriter.setInsertionPoint(epilogue.empty() ? conv.getOperation()
                                              : epilogue.back().getOperation());
  // Buffers known to be contiguous are read with their static strides
  // (address arithmetic with constants, which asynchronous copies also
  // need for the innermost dimension); others with dynamic ones.
  for (Value tensor : reads) {
    auto type = cast<RankedTensorType>(tensor.getType());
    MemRefLayoutAttrInterface layout;
    if (!hasAlignedContiguousBuffer(tensor))
      layout = StridedLayoutAttr::get(
          rewriter.getContext(), ShapedType::kDynamic,
          SmallVector<int64_t>(type.getRank(), ShapedType::kDynamic));
    auto bufferType =
        MemRefType::get(type.getShape(), type.getElementType(), layout);
    buffers.map(tensor, bufferization::ToBufferOp::create(
                            rewriter, loc, bufferType, tensor,
                            /*read_only=*/true));
  }
  auto outputType =
      MemRefType::get(resultType.getShape(), resultType.getElementType());
  output = memref::AllocOp::create(rewriter, loc, outputType);

  int64_t rows = loops.size(loops.m), columns = loops.size(loops.n);
  Value gridX = constant(rewriter, llvm::divideCeil(rows, tiles.bm));
  Value gridY = constant(rewriter, llvm::divideCeil(columns, tiles.bn));
  Value gridZ = constant(rewriter, loops.size(loops.g));
  Value one = constant(rewriter, 1);
  Value threads = constant(rewriter, tiles.getThreads());
  // Slices whose fragments are read as another type than they are written
  // in are bytes in workgroup memory, viewed as each type.
  SmallVector<Type> sliceTypes = getWorkgroupMemoryTypes(conv, tiles);
  SmallVector<Type> workgroupTypes(sliceTypes);
  for (Type &type : MutableArrayRef<Type>(workgroupTypes).take_front(2)) {
    auto slice = cast<MemRefType>(type);
    if (tiles.getFragmentElementType(slice.getElementType()) !=
        slice.getElementType())
      type = MemRefType::get(
          {slice.getNumElements() * slice.getElementTypeBitWidth() / 8},
          rewriter.getI8Type(), MemRefLayoutAttrInterface(), workgroup);
  }
  llvm::append_range(workgroupTypes, columnVectorTypes);

  auto launch = gpu::LaunchOp::create(
      rewriter, loc, gridX, gridY, gridZ, threads, one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, workgroupTypes);
  Value tensorResult = bufferization::ToTensorOp::create(
      rewriter, loc, resultType, output, /*restrict=*/true,
      /*writable=*/true);

  OpBuilder b = OpBuilder::atBlockEnd(&launch.getBody().front());
  KernelIds ids;
  ids.thread = launch.getThreadIds().x;
  ids.rowBase = arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                                      constant(b, tiles.bm));
  ids.columnBase = arith::MulIOp::create(b, loc, launch.getBlockIds().y,
                                         constant(b, tiles.bn));
  ids.group = launch.getBlockIds().z;
  // A slice and its view as fragments.
  auto getSlice = [&](unsigned i, Type element) -> std::pair<Value, Value> {
    Value attribution = launch.getWorkgroupAttributions()[i];
    auto slice = cast<MemRefType>(sliceTypes[i]);
    if (attribution.getType() == slice)
      return {attribution, attribution};
    Value start = constant(b, 0);
    auto view = [&](Type type) -> Value {
      return memref::ViewOp::create(b, loc, type, attribution, start,
                                    ValueRange());
    };
    return {view(slice),
            view(MemRefType::get(slice.getShape(), element, slice.getLayout(),
                                 slice.getMemorySpace()))};
  };
  Type fragmentElement = tiles.getFragmentElementType(
      getElementTypeOrSelf(conv.getDpsInputOperand(0)->get()));
  std::tie(ids.sharedInput, ids.fragmentInput) = getSlice(0, fragmentElement);
  std::tie(ids.sharedFilter, ids.fragmentFilter) = getSlice(1, fragmentElement);
  kernelBody = &launch.getBody().front();
  columnBase = ids.columnBase;
  emitColumnVectors(
      b, ids, launch.getWorkgroupAttributions().take_back(columnVectors.size()));
  if (tiles.mma)
    emitWarpTiles(b, ids, launch.getWorkgroupAttributions()[2]);
  else
    emitThreadTiles(b, ids);
  gpu::TerminatorOp::create(b, loc);

  rewriter.replaceAllUsesWith(result, tensorResult);

  // The absorbed ops are dead now.
  SmallVector<Operation *> worklist;
  for (linalg::LinalgOp consumer : llvm::reverse(epilogue))
    worklist.push_back(consumer);
  worklist.push_back(conv);
  DenseSet<Operation *> erased;
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (erased.contains(op) || !isOpTriviallyDead(op))
      continue;
    SetVector<Operation *> producers;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        producers.insert(def);
    erased.insert(op);
    rewriter.eraseOp(op);
    llvm::append_range(worklist, producers);
  }
}

namespace {

/// CUDA's limits on every architecture convbn targets.
constexpr int64_t kMaxThreadsPerBlock = 1024;
/// What the heuristic aims for at least (as convbn-gpu-tile's blocks).
constexpr int64_t kMinThreadsPerBlock = 64;
constexpr int64_t kMaxGridYZ = 65535;

/// The multiprocessors of the data-centre GPU of compute capability
/// `version` (V100, T4, A100, A40, L40S, H100; 80 for others), which the
/// tile heuristic spreads its blocks over.
static int64_t getMultiprocessorCount(unsigned version) {
  switch (version) {
  case 75:
    return 40;
  case 80:
    return 108;
  case 86:
    return 84;
  case 89:
    return 142;
  case 90:
    return 132;
  default:
    return 80;
  }
}

/// The tile heuristic (docs/gpu.md): 128 x 64 x 8 blocks of 256 threads
/// with 8 x 4 outputs each, shrunk (in powers of two) to small GEMMs, and
/// to 64 rows where the grid would have one to two blocks per
/// multiprocessor of `multiprocessors`.
static GemmTiles chooseTiles(const GemmLoops &loops,
                             ArrayRef<int64_t> override,
                             int64_t multiprocessors) {
  if (override.size() == 5)
    return {override[0], override[1], override[2], override[3], override[4]};
  int64_t rows = loops.size(loops.m), columns = loops.size(loops.n);
  GemmTiles tiles{128, 64, 8, 8, 4};
  while (tiles.bn > 1 && tiles.bn / 2 >= columns)
    tiles.bn /= 2;
  tiles.tn = std::min(tiles.tn, tiles.bn);
  // Narrow GEMMs (depthwise: one column) get taller blocks instead.
  if (tiles.bn < 16) {
    tiles.bm = 256;
    tiles.tm = 4;
  }
  while (tiles.bm > 8 && tiles.bm / 2 >= rows)
    tiles.bm /= 2;
  // Between one and two blocks per multiprocessor, some multiprocessors
  // compute two blocks while others compute one (ResNet-50's layer4.conv2
  // at batch 32: 104 blocks of 128 rows on 80 multiprocessors, 65% of the
  // GPU busy); blocks of half the rows spread the work more evenly (200
  // blocks, 83%). Fewer blocks than multiprocessors: the GEMM cannot fill
  // the GPU either way and keeps the larger blocks' reuse.
  auto blocks = [&]() -> int64_t {
    return llvm::divideCeil(rows, tiles.bm) *
           llvm::divideCeil(columns, tiles.bn) * loops.size(loops.g);
  };
  if (tiles.bm > 64 && blocks() >= multiprocessors &&
      blocks() < 2 * multiprocessors)
    tiles.bm /= 2;
  tiles.tm = std::min(tiles.tm, tiles.bm);
  // Small blocks get smaller thread tiles, so that they keep at least two
  // warps where the block has that many outputs.
  while (tiles.getThreads() < kMinThreadsPerBlock &&
         (tiles.tm > 1 || tiles.tn > 1)) {
    if (tiles.tm >= tiles.tn)
      tiles.tm /= 2;
    else
      tiles.tn /= 2;
  }
  return tiles;
}

/// The tensor-core heuristic (docs/gpu.md): 64 x 64 x 32 blocks of four
/// warps with 32 x 32 outputs each (2 x 2 fragments), shrunk to GEMMs
/// smaller than a block.
static GemmTiles chooseMmaTiles(const GemmLoops &loops,
                                ArrayRef<int64_t> override, bool tf32) {
  if (override.size() == 5)
    return {override[0], override[1], override[2],
            override[3], override[4], /*mma=*/true};
  int64_t rows = loops.size(loops.m), columns = loops.size(loops.n);
  // TF32 slices are half as deep: f32 slices of 32 would need 52 KiB of
  // workgroup memory, more than a block may have statically.
  GemmTiles tiles{64, 64, tf32 ? 16 : 32, 32, 32, /*mma=*/true};
  while (tiles.bn > kFragment && tiles.bn / 2 >= columns)
    tiles.bn /= 2;
  tiles.tn = std::min(tiles.tn, tiles.bn);
  while (tiles.bm > kFragment && tiles.bm / 2 >= rows)
    tiles.bm /= 2;
  tiles.tm = std::min(tiles.tm, tiles.bm);
  return tiles;
}

/// Elements per asynchronous copy of the input's or the filter's slices
/// into a workgroup layout with K innermost (`kInner`) or not, or 0 where
/// they must go through registers: the operand must be read as it is in
/// memory (directly, or through a zero tensor.pad), from an aligned,
/// contiguous buffer, in runs of 4 to 16 bytes along the layout's inner
/// dimension, which every thread of a block copies the same number of.
static int64_t getAsyncCopyElements(linalg::LinalgOp conv,
                                    const GemmLoops &loops,
                                    const GemmTiles &tiles, bool isInput,
                                    bool kInner, OpOperand *&foldedInput) {
  OpOperand *operand = conv.getDpsInputOperand(isInput ? 0 : 1);
  Value source = operand->get();
  auto pad = source.getDefiningOp<tensor::PadOp>();
  foldedInput = nullptr;
  if (pad) {
    if (!isAbsorbablePad(pad) ||
        !matchPattern(pad.getConstantPaddingValue(), m_AnyZeroFloat()))
      return 0;
    source = pad.getSource();
  } else if ((foldedInput = getFoldedInput(source.getDefiningOp()))) {
    source = foldedInput->get();
  }
  Operation *def = source.getDefiningOp();
  if (isAbsorbableElementwise(def) || isAbsorbablePad(def) ||
      !hasAlignedContiguousBuffer(source)) {
    foldedInput = nullptr;
    return 0;
  }
  auto type = cast<RankedTensorType>(source.getType());
  auto unpadded = [&](unsigned d) {
    return !pad || (getConstantIntValue(pad.getMixedLowPad()[d]) == 0 &&
                    pad.getResultType().getDimSize(d) == type.getDimSize(d));
  };
  ArrayRef<unsigned> axis = kInner ? loops.k : isInput ? loops.m : loops.n;
  int64_t run =
      getContiguousRun(type.getShape(), conv.getMatchingIndexingMap(operand),
                       axis, loops.ranges, unpadded);
  int64_t width = isInput ? tiles.bm : tiles.bn;
  int64_t along = kInner ? tiles.bk : width;
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  int64_t elements = kMaxAsyncCopyBytes / elementBytes;
  while (elements > 1 && (run % elements || along % elements))
    elements /= 2;
  if (elements * elementBytes < kMinAsyncCopyBytes ||
      (tiles.bk * width / elements) % tiles.getThreads()) {
    foldedInput = nullptr;
    return 0;
  }
  return elements;
}

/// Moves an input-channel loop innermost in K where that gives the slices
/// a loop to run along (GemmLoops::getSliceLoop) and the filter's order
/// does not: FCHW filters order K as C x KH x KW, whose innermost loop (a
/// filter tap, range 3) no BK divides; with C innermost, each BK-slice lies
/// within one filter tap. The kernel then decomposes K into loop values
/// once per slice rather than once per element, and a thread's elements
/// lie at constant distances from the slice's start. What this costs: an
/// FCHW filter's runs along K in memory, hence its f16 slices'
/// asynchronous copies (docs/gpu.md).
static void orderReductionForSlices(GemmLoops &loops, int64_t bk) {
  if (loops.getSliceLoop(bk))
    return;
  for (unsigned channel : loops.inputChannels) {
    if (loops.ranges[channel] % bk)
      continue;
    llvm::erase(loops.k, channel);
    loops.k.push_back(channel);
    return;
  }
}

/// How the operands' slices reach workgroup memory: their layouts, which
/// go by asynchronous copies (from sm_80, `asyncCopies`), and the stages.
static void planStaging(linalg::LinalgOp conv, const GemmLoops &loops,
                        GemmTiles &tiles, bool asyncCopies) {
  // Tensor cores read the input's fragments M x K; mma.sync reads the
  // filter's N x K, which a filter running along K in memory (FCHW) keeps
  // in workgroup memory too.
  tiles.input.kInner = tiles.mma;
  OpOperand *filter = conv.getDpsInputOperand(1);
  tiles.filter.kInner =
      tiles.mmaSync &&
      getContiguousRun(cast<ShapedType>(filter->get().getType()).getShape(),
                       conv.getMatchingIndexingMap(filter), loops.k,
                       loops.ranges, [](unsigned) { return true; }) > 1;
  if (!asyncCopies)
    return;
  tiles.input.asyncElements =
      getAsyncCopyElements(conv, loops, tiles, /*isInput=*/true,
                           tiles.input.kInner, tiles.input.foldedInput);
  tiles.filter.asyncElements =
      getAsyncCopyElements(conv, loops, tiles, /*isInput=*/false,
                           tiles.filter.kInner, tiles.filter.foldedInput);
  if (!tiles.hasAsyncCopies())
    return;
  tiles.stages = 3;
  // Two stages where three do not fit: one slice's copies then overlap the
  // computation of the previous one.
  if (getWorkgroupMemoryBytes(conv, tiles) > kMaxStaticSharedBytes)
    tiles.stages = 2;
}

static bool isSupportedElementType(Type type) {
  return isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(type);
}

/// Whether `conv` is all f32, which tensor cores multiply as TF32.
static bool isF32(linalg::LinalgOp conv) {
  return llvm::all_of(conv->getOperandTypes(), [](Type type) {
    return getElementTypeOrSelf(type).isF32();
  });
}

/// Whether the tensor cores of compute capability `version` multiply
/// `conv`'s operands: f16 from sm_70 (WMMA; mma.sync from sm_80), with f16
/// or f32 accumulators; bf16 from sm_80 (mma.sync; V100 has no bf16 tensor
/// cores) with f32 accumulators (tensor cores have no bf16 ones, and a
/// convolution accumulating in bf16 rounds every sum);
/// all-f32 (`isF32`) as TF32 from sm_80 if `allowTf32`.
static bool hasTensorCores(unsigned version, linalg::LinalgOp conv,
                           bool isF32, bool allowTf32) {
  if (isF32)
    return allowTf32 && usesMmaSync(version);
  Type input = getElementTypeOrSelf(conv.getDpsInputOperand(0)->get());
  Type filter = getElementTypeOrSelf(conv.getDpsInputOperand(1)->get());
  Type acc = getElementTypeOrSelf(conv.getDpsInitOperand(0)->get());
  if (input != filter)
    return false;
  if (input.isF16())
    return version >= 70 && (acc.isF32() || acc.isF16());
  // bf16 multiplies on tensor cores from sm_80, accumulating in f32 only.
  return input.isBF16() && usesMmaSync(version) && acc.isF32();
}

struct GPUImplicitGemmPass
    : convbn::impl::GPUImplicitGemmBase<GPUImplicitGemmPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<int64_t> override(tiles.begin(), tiles.end());
    if (!override.empty()) {
      if (override.size() != 5 ||
          llvm::any_of(override, [](int64_t t) { return t <= 0; }) ||
          override[0] % override[3] != 0 || override[1] % override[4] != 0) {
        getOperation().emitError(
            "implicit-gemm tiles must be five positive sizes BM,BN,BK,TM,TN "
            "with TM dividing BM and TN dividing BN");
        return signalPassFailure();
      }
      int64_t threads = (override[0] / override[3]) * (override[1] / override[4]);
      if (threads > kMaxThreadsPerBlock) {
        getOperation().emitError("implicit-gemm tiles give ")
            << threads << " threads per block, more than "
            << kMaxThreadsPerBlock;
        return signalPassFailure();
      }
    }
    SmallVector<int64_t> mmaOverride(mmaTiles.begin(), mmaTiles.end());
    if (!mmaOverride.empty()) {
      if (mmaOverride.size() != 5 ||
          llvm::any_of(mmaOverride,
                       [](int64_t t) { return t <= 0 || t % kFragment; }) ||
          mmaOverride[0] % mmaOverride[3] != 0 ||
          mmaOverride[1] % mmaOverride[4] != 0) {
        getOperation().emitError(
            "implicit-gemm mma-tiles must be five sizes BM,BN,BK,WM,WN, "
            "multiples of 16, with WM dividing BM and WN dividing BN");
        return signalPassFailure();
      }
      int64_t threads = (mmaOverride[0] / mmaOverride[3]) *
                        (mmaOverride[1] / mmaOverride[4]) * kWarpSize;
      if (threads > kMaxThreadsPerBlock) {
        getOperation().emitError("implicit-gemm mma-tiles give ")
            << threads << " threads per block, more than "
            << kMaxThreadsPerBlock;
        return signalPassFailure();
      }
    }
    std::optional<unsigned> computeCapability = getComputeCapability(chip);
    if (!computeCapability) {
      getOperation().emitError("implicit-gemm chip '")
          << chip << "' is not an NVIDIA compute capability (sm_XY)";
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> convs;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!getConvLayout(op) || !op.hasPureTensorSemantics() ||
          op->getParentOfType<gpu::LaunchOp>())
        return;
      if (llvm::any_of(op->getOperandTypes(), [](Type type) {
            auto shaped = cast<ShapedType>(type);
            return !shaped.hasStaticShape() ||
                   !isSupportedElementType(shaped.getElementType());
          }))
        return;
      convs.push_back(op);
    });
    // A rewrite erases what it absorbed and what became dead with it, which
    // may be a convolution further down the list (one whose only use was
    // absorbed into another kernel): such convolutions are skipped.
    struct ErasureTracker : RewriterBase::Listener {
      DenseSet<Operation *> erased;
      void notifyOperationErased(Operation *op) override { erased.insert(op); }
    } tracker;
    IRRewriter rewriter(&getContext(), &tracker);
    for (linalg::LinalgOp conv : convs) {
      if (tracker.erased.contains(conv))
        continue;
      FailureOr<GemmLoops> loops = getGemmLoops(conv);
      if (failed(loops))
        continue;
      // Empty convolutions are left to the generic path (no kernel).
      if (llvm::is_contained(loops->ranges, 0))
        continue;
      // Tensor cores where the chip has them for the types and the GEMM
      // fills a fragment (depthwise convolutions, one column per group, do
      // not).
      bool f32 = isF32(conv);
      bool mma = tensorCores &&
                 hasTensorCores(*computeCapability, conv, f32, allowTf32) &&
                 loops->size(loops->m) >= kFragment &&
                 loops->size(loops->n) >= kFragment;
      bool tf32 = mma && f32;
      GemmTiles chosen = mma ? chooseMmaTiles(*loops, mmaOverride, tf32)
                             : chooseTiles(*loops, override,
                                           getMultiprocessorCount(
                                               *computeCapability));
      // From sm_80, the fragments take mma.sync's shapes (docs/gpu.md).
      chosen.mmaSync = mma && usesMmaSync(*computeCapability);
      chosen.tf32 = tf32;
      orderReductionForSlices(*loops, chosen.bk);
      planStaging(conv, *loops, chosen,
                  asyncCopies && *computeCapability >= kMinAsyncCopyVersion);
      // Grids beyond what y and z can hold stay direct kernels.
      if (loops->size(loops->g) > kMaxGridYZ ||
          llvm::divideCeil(loops->size(loops->n), chosen.bn) > kMaxGridYZ)
        continue;
      int64_t sharedBytes = getWorkgroupMemoryBytes(conv, chosen);
      if (sharedBytes > kMaxStaticSharedBytes) {
        conv.emitError("implicit-gemm tiles need ")
            << sharedBytes << " bytes of workgroup memory, more than the "
            << kMaxStaticSharedBytes << " a block may have statically";
        return signalPassFailure();
      }
      ImplicitGemmEmitter(rewriter, conv, std::move(*loops), chosen).emit();
    }
  }
};

} // namespace
