//===- VectorizeThreadTiles.cpp - thread tiles as vector code -------------===//
//
// A thread's tile of a convolution is a handful of outputs (4 along the
// innermost dimension) and a long reduction. convert-linalg-to-loops would
// put the reduction inside the loop over those outputs and accumulate in the
// output buffer: one load and one store of global memory per step, four
// separate reduction loops, and one scalar load per operand element. Here the
// outputs become the lanes of a vector, the accumulator is a loop-carried
// vector (registers), and operands are read with aligned vector loads.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <map>
#include <tuple>

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUVECTORIZETHREADTILES
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

//===----------------------------------------------------------------------===//
// Alignment: what power of two provably divides an address.
//===----------------------------------------------------------------------===//

/// Trailing zero bits that stand for "the value is zero" (divisible by any
/// power of two we care about).
constexpr unsigned kZeroBits = 32;

/// The longest window read with one vector load; longer ones (a wide
/// dilated kernel row) are read per tap or per lane.
constexpr int64_t kMaxWindowLength = 32;

/// The widest access a GPU thread makes (ld.global.v4.b32).
constexpr uint64_t kMaxAccessBytes = 16;

/// The most accumulator elements (lanes times blocked outputs) a thread
/// keeps in registers for one op.
constexpr int64_t kMaxAccumulatorElements = 64;

static unsigned trailingZeros(int64_t value) {
  return value == 0 ? kZeroBits
                    : std::min<unsigned>(llvm::countr_zero(
                                             static_cast<uint64_t>(value)),
                                         kZeroBits);
}

static unsigned knownTrailingZeros(Value value, unsigned depth = 0);

/// Known trailing zero bits of `expr` whose dims and symbols are `operands`.
static unsigned knownTrailingZeros(AffineExpr expr, ValueRange operands,
                                   unsigned numDims, unsigned depth) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return trailingZeros(constant.getValue());
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return knownTrailingZeros(operands[dim.getPosition()], depth + 1);
  if (auto symbol = dyn_cast<AffineSymbolExpr>(expr))
    return knownTrailingZeros(operands[numDims + symbol.getPosition()],
                              depth + 1);
  auto binary = cast<AffineBinaryOpExpr>(expr);
  unsigned lhs = knownTrailingZeros(binary.getLHS(), operands, numDims, depth);
  unsigned rhs = knownTrailingZeros(binary.getRHS(), operands, numDims, depth);
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return std::min(lhs, rhs);
  case AffineExprKind::Mul:
    return std::min(lhs + rhs, kZeroBits);
  default: // mod, floordiv, ceildiv: nothing is known.
    return 0;
  }
}

/// How many factors of two an index value provably has: constants, affine
/// combinations and products of known values, loop induction variables
/// (`scf.for`, `scf.forall`) with known bounds and steps. Thread and block ids, and anything else, have none.
static unsigned knownTrailingZeros(Value value, unsigned depth) {
  if (depth > 16)
    return 0;
  if (std::optional<int64_t> constant = getConstantIntValue(value))
    return trailingZeros(*constant);
  if (auto apply = value.getDefiningOp<affine::AffineApplyOp>()) {
    AffineMap map = apply.getAffineMap();
    return knownTrailingZeros(map.getResult(0), apply.getMapOperands(),
                              map.getNumDims(), depth);
  }
  if (auto add = value.getDefiningOp<arith::AddIOp>())
    return std::min(knownTrailingZeros(add.getLhs(), depth + 1),
                    knownTrailingZeros(add.getRhs(), depth + 1));
  if (auto sub = value.getDefiningOp<arith::SubIOp>())
    return std::min(knownTrailingZeros(sub.getLhs(), depth + 1),
                    knownTrailingZeros(sub.getRhs(), depth + 1));
  if (auto mul = value.getDefiningOp<arith::MulIOp>())
    return std::min(knownTrailingZeros(mul.getLhs(), depth + 1) +
                        knownTrailingZeros(mul.getRhs(), depth + 1),
                    kZeroBits);
  // Induction variables of loops still being built (the ones this pass
  // creates, with unit steps) have no parent op yet, and nothing known.
  auto argument = dyn_cast<BlockArgument>(value);
  if (argument && !argument.getOwner()->getParentOp())
    return 0;
  if (auto loop = scf::getForInductionVarOwner(value))
    return std::min(knownTrailingZeros(loop.getLowerBound(), depth + 1),
                    knownTrailingZeros(loop.getStep(), depth + 1));
  if (auto forall = scf::getForallOpThreadIndexOwner(value)) {
    unsigned i = argument.getArgNumber();
    auto bits = [&](OpFoldResult bound) {
      if (std::optional<int64_t> constant = getConstantIntValue(bound))
        return trailingZeros(*constant);
      return knownTrailingZeros(cast<Value>(bound), depth + 1);
    };
    return std::min(bits(forall.getMixedLowerBound()[i]),
                    bits(forall.getMixedStep()[i]));
  }
  return 0;
}

/// What is known of a buffer's address: log2 of its base alignment in bytes,
/// and the known trailing zero bits of its element offset from that base.
struct KnownAlignment {
  unsigned baseLog2 = 0;
  unsigned offsetBits = 0;
};

/// Walks views back to the allocation or argument they view.
static std::optional<KnownAlignment>
getKnownAlignment(Value buffer, int64_t argumentAlignment) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type)
    return std::nullopt;
  if (auto subview = buffer.getDefiningOp<memref::SubViewOp>()) {
    std::optional<KnownAlignment> source =
        getKnownAlignment(subview.getSource(), argumentAlignment);
    if (!source)
      return std::nullopt;
    auto [strides, offset] = subview.getSourceType().getStridesAndOffset();
    for (auto [index, stride] :
         llvm::zip_equal(subview.getMixedOffsets(), strides)) {
      if (ShapedType::isDynamic(stride))
        return std::nullopt;
      unsigned bits = isa<Attribute>(index)
                          ? trailingZeros(*getConstantIntValue(index))
                          : knownTrailingZeros(cast<Value>(index));
      source->offsetBits = std::min(
          source->offsetBits, std::min(bits + trailingZeros(stride), kZeroBits));
    }
    return source;
  }
  // Views that keep the offset.
  if (auto cast = buffer.getDefiningOp<memref::CastOp>())
    return getKnownAlignment(cast.getSource(), argumentAlignment);
  if (auto expand = buffer.getDefiningOp<memref::ExpandShapeOp>())
    return getKnownAlignment(expand.getSrc(), argumentAlignment);
  if (auto collapse = buffer.getDefiningOp<memref::CollapseShapeOp>())
    return getKnownAlignment(collapse.getSrc(), argumentAlignment);

  // Roots. Their element offset is the static one of their type.
  auto [strides, offset] = type.getStridesAndOffset();
  if (ShapedType::isDynamic(offset))
    return std::nullopt;
  KnownAlignment known;
  known.offsetBits = trailingZeros(offset);
  auto log2 = [](int64_t bytes) { return llvm::Log2_64(bytes); };
  if (auto argument = dyn_cast<BlockArgument>(buffer)) {
    if (!isa<FunctionOpInterface>(argument.getOwner()->getParentOp()) ||
        !argument.getOwner()->isEntryBlock() || argumentAlignment <= 0)
      return std::nullopt;
    known.baseLog2 = log2(argumentAlignment);
    return known;
  }
  // cuMemAlloc aligns to at least 256 bytes.
  if (buffer.getDefiningOp<gpu::AllocOp>()) {
    known.baseLog2 = log2(256);
    return known;
  }
  if (auto alloc = buffer.getDefiningOp<memref::AllocOp>()) {
    if (std::optional<uint64_t> alignment = alloc.getAlignment()) {
      known.baseLog2 = log2(*alignment);
      return known;
    }
  }
  if (auto alloca = buffer.getDefiningOp<memref::AllocaOp>()) {
    if (std::optional<uint64_t> alignment = alloca.getAlignment()) {
      known.baseLog2 = log2(*alignment);
      return known;
    }
  }
  return std::nullopt;
}

/// The alignment in bytes (at most 16, the widest GPU load) proven for an
/// access of `buffer` at `indices`, or none beyond the element's own.
static llvm::MaybeAlign getProvenAlignment(Value buffer, ValueRange indices,
                                           int64_t argumentAlignment) {
  auto type = cast<MemRefType>(buffer.getType());
  if (!type.getElementType().isIntOrFloat())
    return std::nullopt; // index: its width is the target's
  unsigned elementBits = type.getElementTypeBitWidth();
  if (elementBits < 8 || !llvm::isPowerOf2_32(elementBits))
    return std::nullopt;
  std::optional<KnownAlignment> known =
      getKnownAlignment(buffer, argumentAlignment);
  if (!known)
    return std::nullopt;
  auto [strides, offset] = type.getStridesAndOffset();
  unsigned bits = known->offsetBits;
  for (auto [index, stride] : llvm::zip_equal(indices, strides)) {
    if (ShapedType::isDynamic(stride))
      return std::nullopt;
    bits = std::min(bits, std::min(knownTrailingZeros(index) +
                                       trailingZeros(stride),
                                   kZeroBits));
  }
  unsigned elementLog2 = llvm::Log2_32(elementBits / 8);
  unsigned log2 = std::min({bits + elementLog2, known->baseLog2, 4u});
  if (log2 <= elementLog2)
    return std::nullopt;
  return llvm::Align(uint64_t(1) << log2);
}

//===----------------------------------------------------------------------===//
// Access patterns.
//===----------------------------------------------------------------------===//

/// The coefficient of `dim` in `expr` if `expr` is linear in it.
static std::optional<int64_t> getLinearCoefficient(AffineExpr expr,
                                                   unsigned dim) {
  if (!expr.isFunctionOfDim(dim))
    return 0;
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return d.getPosition() == dim ? 1 : 0;
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  if (expr.getKind() == AffineExprKind::Add) {
    std::optional<int64_t> lhs = getLinearCoefficient(binary.getLHS(), dim);
    std::optional<int64_t> rhs = getLinearCoefficient(binary.getRHS(), dim);
    if (!lhs || !rhs)
      return std::nullopt;
    return *lhs + *rhs;
  }
  if (expr.getKind() == AffineExprKind::Mul) {
    auto lhsConstant = dyn_cast<AffineConstantExpr>(binary.getLHS());
    auto rhsConstant = dyn_cast<AffineConstantExpr>(binary.getRHS());
    if (rhsConstant)
      if (std::optional<int64_t> c = getLinearCoefficient(binary.getLHS(), dim))
        return *c * rhsConstant.getValue();
    if (lhsConstant)
      if (std::optional<int64_t> c = getLinearCoefficient(binary.getRHS(), dim))
        return *c * lhsConstant.getValue();
  }
  return std::nullopt;
}

/// The step between consecutive values of `dim` along the contiguous
/// innermost dimension of `buffer` read through `map`, if `dim` moves only
/// that index, linearly and forwards.
static std::optional<int64_t> getContiguousStep(AffineMap map, unsigned dim,
                                                Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() == 0)
    return std::nullopt;
  auto [strides, offset] = type.getStridesAndOffset();
  if (strides.back() != 1)
    return std::nullopt;
  for (AffineExpr expr : map.getResults().drop_back())
    if (expr.isFunctionOfDim(dim))
      return std::nullopt;
  std::optional<int64_t> step = getLinearCoefficient(map.getResults().back(),
                                                     dim);
  if (!step || *step < 0)
    return std::nullopt;
  return step;
}

//===----------------------------------------------------------------------===//
// The rewrite of one op.
//===----------------------------------------------------------------------===//

class ThreadTileVectorizer {
public:
  ThreadTileVectorizer(linalg::LinalgOp op, int64_t argumentAlignment,
                       int64_t maxLanes, int64_t maxWindowTaps)
      : op(op), argumentAlignment(argumentAlignment), maxLanes(maxLanes),
        maxWindowTaps(maxWindowTaps) {}

  /// Decides how to rewrite the op (lanes, loops, taps); false when it
  /// cannot be (dynamic or empty shapes, tensors, a payload with side
  /// effects), which leaves it to convert-linalg-to-loops.
  bool plan();
  void rewrite(RewriterBase &rewriter);

private:
  void chooseLanes();
  bool payloadAppliesToVectors(unsigned laneDim);

  Type laneType(Type elementType) const {
    return lanes > 1 ? VectorType::get({lanes}, elementType) : elementType;
  }
  Value broadcastToLanes(OpBuilder &b, Location loc, Value scalar) const {
    if (lanes == 1 || isa<VectorType>(scalar.getType()))
      return scalar;
    return vector::BroadcastOp::create(b, loc, laneType(scalar.getType()),
                                       scalar);
  }

  SmallVector<Value> getIndices(OpBuilder &b, Location loc, AffineMap map,
                                ArrayRef<Value> dims);
  Value loadScalar(OpBuilder &b, Location loc, OpOperand &operand,
                   ArrayRef<Value> dims);
  Value loadLanes(OpBuilder &b, Location loc, OpOperand &operand,
                  ArrayRef<Value> dims);
  Value loadWindow(OpBuilder &b, Location loc, OpOperand &operand,
                   ArrayRef<Value> dims, int64_t length);
  Value selectFromWindow(OpBuilder &b, Location loc, Value window,
                         int64_t laneStep, int64_t first);
  void storeLanes(OpBuilder &b, Location loc, OpOperand &operand,
                  ArrayRef<Value> dims, Value value);
  SmallVector<Value> applyPayload(OpBuilder &b, Location loc,
                                  ArrayRef<Value> arguments,
                                  ArrayRef<Value> dims);
  SmallVector<SmallVector<Value>> getBlockedPointDims(OpBuilder &b,
                                                      Location loc,
                                                      ArrayRef<Value> dims);
  SmallVector<Value> emitReductionStep(OpBuilder &b, Location loc,
                                       SmallVector<Value> dims,
                                       ValueRange accumulators);
  SmallVector<Value> emitReductionLoops(OpBuilder &b, Location loc,
                                        SmallVector<Value> dims,
                                        unsigned depth,
                                        ValueRange accumulators);
  void emitOutputPoint(OpBuilder &b, Location loc, SmallVector<Value> dims);
  void emitParallelLoops(OpBuilder &b, Location loc, SmallVector<Value> dims,
                         unsigned depth);

  linalg::LinalgOp op;
  int64_t argumentAlignment, maxLanes, maxWindowTaps;

  SmallVector<int64_t> ranges;
  /// The parallel dimension that becomes vector lanes, if any.
  std::optional<unsigned> laneDim;
  int64_t lanes = 1;
  /// Parallel dimensions other than the lanes' with more than one iteration:
  /// either loops around everything, or, for a reduction whose accumulators
  /// all fit in registers, blocked: each of their points gets accumulators
  /// of its own in the same reduction loops, so that an operand read once
  /// serves all of them (an input window, every output channel of the
  /// thread). Reduction dimensions are loops with register accumulators.
  /// Outermost first.
  SmallVector<unsigned> parallelLoops, blockedDims, reductionLoops;
  /// The points of the blocked dimensions, each a value per blocked dim.
  SmallVector<SmallVector<int64_t>> blockedPoints = {{}};
  /// The innermost reduction dimension when it is unrolled into window taps.
  std::optional<unsigned> tapDim;
  /// Whether the op has reduction dimensions (its outputs accumulate).
  bool reduces = false;
};

bool ThreadTileVectorizer::plan() {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() == 0)
    return false;
  // Buffers of scalars (elements that can be vector lanes) and static shape.
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    if (type && (!isa<MemRefType>(type) || !type.hasStaticShape() ||
                 !type.getElementType().isIntOrIndexOrFloat()))
      return false;
    // Sub-byte elements (i1 masks): a buffer holds one per byte, as scalar
    // loads and stores write them, but a vector of them is bit-packed in
    // memory, so a vector load or store would read or write other bytes.
    if (type && type.getElementType().isIntOrFloat() &&
        type.getElementTypeBitWidth() % 8 != 0)
      return false;
  }
  ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, [](int64_t range) {
        return ShapedType::isDynamic(range) || range == 0;
      }))
    return false;
  // The payload may read memory (a gather) but not write it.
  for (Operation &payloadOp : op.getBlock()->without_terminator()) {
    if (payloadOp.getNumRegions() != 0)
      return false;
    auto effects = dyn_cast<MemoryEffectOpInterface>(payloadOp);
    if (!effects && !payloadOp.hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return false;
    if (effects && (effects.hasEffect<MemoryEffects::Write>() ||
                    effects.hasEffect<MemoryEffects::Allocate>() ||
                    effects.hasEffect<MemoryEffects::Free>()))
      return false;
  }
  chooseLanes();
  return true;
}

/// Lanes are the innermost dimension of the (first) output, when it is a
/// parallel dimension that every output is indexed by and the payload can be
/// applied to whole vectors.
void ThreadTileVectorizer::chooseLanes() {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outputMap.getNumResults() != 0) {
    if (auto dim = dyn_cast<AffineDimExpr>(outputMap.getResults().back())) {
      unsigned d = dim.getPosition();
      bool everyOutput = llvm::all_of(op.getDpsInitsMutable(), [&](OpOperand &o) {
        return op.getMatchingIndexingMap(&o).isFunctionOfDim(d);
      });
      if (iterators[d] == utils::IteratorType::parallel && ranges[d] > 1 &&
          ranges[d] <= maxLanes && everyOutput &&
          payloadAppliesToVectors(d)) {
        laneDim = d;
        lanes = ranges[d];
      }
    }
  }
  // Dimensions of one iteration stay at index 0, without a loop (whose
  // induction variable would hide that it is 0 from the alignment proof).
  for (unsigned d = 0; d < ranges.size(); ++d) {
    if (ranges[d] == 1 || d == laneDim)
      continue;
    if (iterators[d] == utils::IteratorType::reduction)
      reductionLoops.push_back(d);
    else
      parallelLoops.push_back(d);
  }
  if (!reductionLoops.empty() &&
      ranges[reductionLoops.back()] <= maxWindowTaps) {
    tapDim = reductionLoops.pop_back_val();
  }

  // Block the other parallel dimensions of a reduction when their
  // accumulators fit (a thread's output channels): loops around the whole
  // reduction would read every input again for each.
  reduces = llvm::any_of(iterators, [](utils::IteratorType iterator) {
    return iterator == utils::IteratorType::reduction;
  });
  int64_t accumulatorElements = lanes * op.getNumDpsInits();
  for (unsigned d : parallelLoops)
    accumulatorElements *= ranges[d];
  if (reduces && !parallelLoops.empty() &&
      accumulatorElements <= kMaxAccumulatorElements) {
    blockedDims = std::move(parallelLoops);
    parallelLoops.clear();
    for (unsigned d : blockedDims) {
      SmallVector<SmallVector<int64_t>> extended;
      for (const SmallVector<int64_t> &point : blockedPoints)
        for (int64_t value = 0; value < ranges[d]; ++value) {
          extended.push_back(point);
          extended.back().push_back(value);
        }
      blockedPoints = std::move(extended);
    }
  }
}

/// Whether every payload op that sees a lane-dependent value is elementwise
/// (applies to vectors as it does to scalars).
bool ThreadTileVectorizer::payloadAppliesToVectors(unsigned dim) {
  Block *block = op.getBlock();
  DenseSet<Value> laneDependent;
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<ShapedType>(operand.get().getType()))
      continue;
    if (op.getMatchingIndexingMap(&operand).isFunctionOfDim(dim))
      laneDependent.insert(op.getMatchingBlockArgument(&operand));
  }
  for (Operation &payloadOp : block->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(payloadOp)) {
      if (index.getDim() == dim)
        laneDependent.insert(index.getResult());
      continue;
    }
    bool dependent = llvm::any_of(payloadOp.getOperands(), [&](Value v) {
      return laneDependent.contains(v);
    });
    if (!dependent)
      continue;
    if (!OpTrait::hasElementwiseMappableTraits(&payloadOp) ||
        payloadOp.getNumRegions() != 0 ||
        llvm::any_of(payloadOp.getResultTypes(),
                     [](Type t) { return isa<ShapedType>(t); }))
      return false;
    laneDependent.insert(payloadOp.result_begin(), payloadOp.result_end());
  }
  return true;
}

SmallVector<Value> ThreadTileVectorizer::getIndices(OpBuilder &b, Location loc,
                                                    AffineMap map,
                                                    ArrayRef<Value> dims) {
  SmallVector<OpFoldResult> operands = getAsOpFoldResult(dims);
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults()) {
    OpFoldResult index = affine::makeComposedFoldedAffineApply(
        b, loc, AffineMap::get(map.getNumDims(), 0, expr), operands);
    indices.push_back(getValueOrCreateConstantIndexOp(b, loc, index));
  }
  return indices;
}

Value ThreadTileVectorizer::loadScalar(OpBuilder &b, Location loc,
                                       OpOperand &operand,
                                       ArrayRef<Value> dims) {
  if (!isa<ShapedType>(operand.get().getType()))
    return operand.get();
  SmallVector<Value> indices =
      getIndices(b, loc, op.getMatchingIndexingMap(&operand), dims);
  return memref::LoadOp::create(b, loc, operand.get(), indices);
}

/// A window of `length` consecutive elements of the innermost dimension,
/// starting where `dims` point. It is read as the widest pieces its proven
/// alignment allows (at most 16 bytes) and put together with shuffles: LLVM
/// would split a `<6 x float>` load into three 8-byte ones even when it is
/// 16-byte aligned, where a `<4 x float>` and a `<2 x float>` load are one
/// 16-byte and one 8-byte access.
Value ThreadTileVectorizer::loadWindow(OpBuilder &b, Location loc,
                                       OpOperand &operand,
                                       ArrayRef<Value> dims, int64_t length) {
  SmallVector<Value> indices =
      getIndices(b, loc, op.getMatchingIndexingMap(&operand), dims);
  Type elementType = getElementTypeOrSelf(operand.get().getType());
  llvm::MaybeAlign alignment =
      getProvenAlignment(operand.get(), indices, argumentAlignment);
  // Without a proven alignment beyond the element's, LLVM reads element by
  // element whatever the shape: one load says it more simply.
  unsigned bits =
      elementType.isIntOrFloat() ? elementType.getIntOrFloatBitWidth() : 0;
  if (bits < 8 || !llvm::isPowerOf2_32(bits) || !alignment)
    return vector::LoadOp::create(b, loc,
                                  VectorType::get({length}, elementType),
                                  operand.get(), indices,
                                  /*nontemporal=*/false, alignment);
  uint64_t elementBytes = bits / 8;
  uint64_t baseAlign = alignment->value();
  Value window;
  for (int64_t offset = 0; offset < length;) {
    // The alignment at this piece's start, and the widest piece it allows.
    uint64_t offsetBytes = offset * elementBytes;
    uint64_t pieceAlign =
        offset == 0 ? baseAlign
                    : std::min<uint64_t>(baseAlign,
                                         uint64_t(1)
                                             << llvm::countr_zero(offsetBytes));
    int64_t width = std::max<uint64_t>(
        1, std::min<uint64_t>(pieceAlign, kMaxAccessBytes) / elementBytes);
    width = std::min<int64_t>(width, llvm::bit_floor(uint64_t(length - offset)));
    SmallVector<Value> pieceIndices(indices);
    if (offset != 0)
      pieceIndices.back() = arith::AddIOp::create(
          b, loc, indices.back(), arith::ConstantIndexOp::create(b, loc, offset));
    Value piece = vector::LoadOp::create(
        b, loc, VectorType::get({width}, elementType), operand.get(),
        pieceIndices, /*nontemporal=*/false,
        pieceAlign > elementBytes ? llvm::MaybeAlign(pieceAlign)
                                  : llvm::MaybeAlign());
    if (!window) {
      window = piece;
    } else {
      int64_t have = cast<VectorType>(window.getType()).getNumElements();
      SmallVector<int64_t> mask = llvm::to_vector(llvm::seq<int64_t>(0, have + width));
      window = vector::ShuffleOp::create(b, loc, window, piece, mask);
    }
    offset += width;
  }
  return window;
}

/// The lanes `first`, `first + laneStep`, ... of a window.
Value ThreadTileVectorizer::selectFromWindow(OpBuilder &b, Location loc,
                                             Value window, int64_t laneStep,
                                             int64_t first) {
  auto windowType = cast<VectorType>(window.getType());
  if (lanes == 1)
    return vector::ExtractOp::create(b, loc, window, first);
  if (first == 0 && laneStep == 1 && windowType.getNumElements() == lanes)
    return window;
  SmallVector<int64_t> mask;
  for (int64_t lane = 0; lane < lanes; ++lane)
    mask.push_back(first + lane * laneStep);
  return vector::ShuffleOp::create(b, loc, window, window, mask);
}

/// The operand's values for every lane at `dims` (whose lane dimension is
/// the tile's first): one load if the lanes are consecutive, else one per
/// lane; a scalar if the operand does not depend on the lane.
Value ThreadTileVectorizer::loadLanes(OpBuilder &b, Location loc,
                                      OpOperand &operand,
                                      ArrayRef<Value> dims) {
  if (!isa<ShapedType>(operand.get().getType()))
    return operand.get();
  AffineMap map = op.getMatchingIndexingMap(&operand);
  if (!laneDim || !map.isFunctionOfDim(*laneDim))
    return loadScalar(b, loc, operand, dims);
  if (std::optional<int64_t> step =
          getContiguousStep(map, *laneDim, operand.get());
      step && *step >= 1 && (lanes - 1) * *step + 1 <= kMaxWindowLength) {
    Value window = loadWindow(b, loc, operand, dims, (lanes - 1) * *step + 1);
    return selectFromWindow(b, loc, window, *step, 0);
  }
  SmallVector<Value> elements;
  SmallVector<Value> laneDims(dims);
  for (int64_t lane = 0; lane < lanes; ++lane) {
    laneDims[*laneDim] = arith::ConstantIndexOp::create(b, loc, lane);
    elements.push_back(loadScalar(b, loc, operand, laneDims));
  }
  return vector::FromElementsOp::create(
      b, loc, laneType(getElementTypeOrSelf(operand.get().getType())),
      elements);
}

void ThreadTileVectorizer::storeLanes(OpBuilder &b, Location loc,
                                      OpOperand &operand, ArrayRef<Value> dims,
                                      Value value) {
  AffineMap map = op.getMatchingIndexingMap(&operand);
  if (lanes == 1) {
    memref::StoreOp::create(b, loc, value, operand.get(),
                            getIndices(b, loc, map, dims));
    return;
  }
  if (std::optional<int64_t> step =
          getContiguousStep(map, *laneDim, operand.get());
      step && *step == 1) {
    SmallVector<Value> indices = getIndices(b, loc, map, dims);
    vector::StoreOp::create(
        b, loc, value, operand.get(), indices, /*nontemporal=*/false,
        getProvenAlignment(operand.get(), indices, argumentAlignment));
    return;
  }
  SmallVector<Value> laneDims(dims);
  for (int64_t lane = 0; lane < lanes; ++lane) {
    laneDims[*laneDim] = arith::ConstantIndexOp::create(b, loc, lane);
    Value element = vector::ExtractOp::create(b, loc, value, lane);
    memref::StoreOp::create(b, loc, element, operand.get(),
                            getIndices(b, loc, map, laneDims));
  }
}

/// The payload on lane values: elementwise ops that see a vector are rebuilt
/// on vectors, everything else is cloned as it is (computed once, uniform).
SmallVector<Value>
ThreadTileVectorizer::applyPayload(OpBuilder &b, Location loc,
                                   ArrayRef<Value> arguments,
                                   ArrayRef<Value> dims) {
  Block *block = op.getBlock();
  IRMapping mapping;
  mapping.map(block->getArguments(), arguments);
  for (Operation &payloadOp : block->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(payloadOp)) {
      Value value = dims[index.getDim()];
      if (laneDim && index.getDim() == *laneDim && lanes > 1) {
        SmallVector<APInt> iota;
        for (int64_t lane = 0; lane < lanes; ++lane)
          iota.push_back(APInt(IndexType::kInternalStorageBitWidth, lane));
        Value offsets = arith::ConstantOp::create(
            b, loc,
            cast<TypedAttr>(DenseElementsAttr::get(
                cast<ShapedType>(laneType(b.getIndexType())), iota)));
        value = arith::AddIOp::create(b, loc, broadcastToLanes(b, loc, value),
                                      offsets);
      }
      mapping.map(index.getResult(), value);
      continue;
    }
    bool onVectors = llvm::any_of(payloadOp.getOperands(), [&](Value v) {
      return isa<VectorType>(mapping.lookupOrDefault(v).getType());
    });
    if (!onVectors) {
      b.clone(payloadOp, mapping);
      continue;
    }
    OperationState state(loc, payloadOp.getName());
    for (Value operand : payloadOp.getOperands())
      state.addOperands(broadcastToLanes(b, loc, mapping.lookupOrDefault(operand)));
    for (Type type : payloadOp.getResultTypes())
      state.addTypes(laneType(type));
    state.addAttributes(payloadOp.getAttrs());
    Operation *vectorOp = b.create(state);
    mapping.map(payloadOp.getResults(), vectorOp->getResults());
  }
  SmallVector<Value> yielded;
  for (Value value : block->getTerminator()->getOperands())
    yielded.push_back(broadcastToLanes(b, loc, mapping.lookupOrDefault(value)));
  return yielded;
}

/// One step of the innermost reduction loop (or the only step when there is
/// no reduction): all taps of the unrolled dimension, whose operands that
/// move along it are read once as a window covering every tap and lane.
SmallVector<Value>
ThreadTileVectorizer::emitReductionStep(OpBuilder &b, Location loc,
                                        SmallVector<Value> dims,
                                        ValueRange accumulators) {
  int64_t taps = tapDim ? ranges[*tapDim] : 1;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  if (tapDim)
    dims[*tapDim] = zero;
  SmallVector<SmallVector<Value>> pointDims = getBlockedPointDims(b, loc, dims);

  // How each input is read: once per step when it does not move with the
  // taps; as one window covering every tap and lane when it moves along the
  // contiguous dimension with both; else per tap.
  SmallVector<OpOperand *> inputs = op.getDpsInputOperands();
  SmallVector<bool> perTap(inputs.size(), false);
  SmallVector<int64_t> laneSteps(inputs.size(), 0), tapSteps(inputs.size(), 0);
  SmallVector<int64_t> windowLengths(inputs.size(), 0);
  for (auto [i, input] : llvm::enumerate(inputs)) {
    if (!isa<ShapedType>(input->get().getType()))
      continue;
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!tapDim || !map.isFunctionOfDim(*tapDim))
      continue;
    perTap[i] = true;
    std::optional<int64_t> tapStep =
        getContiguousStep(map, *tapDim, input->get());
    bool movesWithLanes = laneDim && map.isFunctionOfDim(*laneDim);
    std::optional<int64_t> laneStep =
        movesWithLanes ? getContiguousStep(map, *laneDim, input->get())
                       : std::optional<int64_t>(0);
    if (!tapStep || *tapStep < 1 || !laneStep ||
        (movesWithLanes && *laneStep < 1))
      continue;
    int64_t length = (lanes - 1) * *laneStep + (taps - 1) * *tapStep + 1;
    if (length > kMaxWindowLength)
      continue;
    laneSteps[i] = *laneStep;
    tapSteps[i] = *tapStep;
    windowLengths[i] = length;
  }

  // Reads shared by the blocked points whose dims the operand does not use.
  std::map<std::tuple<unsigned, SmallVector<int64_t>, int64_t>, Value> reads;
  auto read = [&](unsigned i, unsigned point, int64_t tap,
                  function_ref<Value()> load) {
    AffineMap map = op.getMatchingIndexingMap(inputs[i]);
    SmallVector<int64_t> key;
    for (auto [d, value] : llvm::zip_equal(blockedDims, blockedPoints[point]))
      key.push_back(map.isFunctionOfDim(d) ? value : -1);
    Value &value = reads[{i, key, tap}];
    if (!value)
      value = load();
    return value;
  };

  unsigned numInits = op.getNumDpsInits();
  SmallVector<Value> results(accumulators);
  for (int64_t tap = 0; tap < taps; ++tap) {
    Value tapIndex = tap == 0 ? zero
                              : arith::ConstantIndexOp::create(b, loc, tap);
    for (auto [point, pointDimRef] : llvm::enumerate(pointDims)) {
      // Named variables: C++17 lambdas cannot capture structured bindings.
      SmallVector<Value> &pointDim = pointDimRef;
      if (tapDim)
        pointDim[*tapDim] = tapIndex;
      SmallVector<Value> arguments;
      for (auto [index, inputRef] : llvm::enumerate(inputs)) {
        size_t i = index;
        auto input = inputRef;
        if (!isa<ShapedType>(input->get().getType())) {
          arguments.push_back(input->get());
        } else if (!perTap[i]) {
          arguments.push_back(read(i, point, /*tap=*/-1, [&] {
            return loadLanes(b, loc, *input, pointDim);
          }));
        } else if (windowLengths[i]) {
          Value window = read(i, point, /*tap=*/-1, [&] {
            SmallVector<Value> start(pointDim);
            start[*tapDim] = zero;
            return loadWindow(b, loc, *input, start, windowLengths[i]);
          });
          arguments.push_back(
              laneSteps[i] == 0 && lanes > 1
                  ? vector::ExtractOp::create(b, loc, window,
                                              tap * tapSteps[i])
                        .getResult()
                  : selectFromWindow(b, loc, window, laneSteps[i],
                                     tap * tapSteps[i]));
        } else {
          arguments.push_back(read(i, point, tap, [&] {
            return loadLanes(b, loc, *input, pointDim);
          }));
        }
      }
      auto pointResults =
          MutableArrayRef<Value>(results).slice(point * numInits, numInits);
      llvm::append_range(arguments, pointResults);
      SmallVector<Value> updated = applyPayload(b, loc, arguments, pointDim);
      llvm::copy(updated, pointResults.begin());
    }
  }
  return results;
}

/// `dims` with the blocked dimensions set to each of their points.
SmallVector<SmallVector<Value>>
ThreadTileVectorizer::getBlockedPointDims(OpBuilder &b, Location loc,
                                          ArrayRef<Value> dims) {
  SmallVector<SmallVector<Value>> pointDims;
  for (const SmallVector<int64_t> &point : blockedPoints) {
    SmallVector<Value> pointDim(dims);
    for (auto [d, value] : llvm::zip_equal(blockedDims, point))
      pointDim[d] = arith::ConstantIndexOp::create(b, loc, value);
    pointDims.push_back(std::move(pointDim));
  }
  return pointDims;
}

SmallVector<Value> ThreadTileVectorizer::emitReductionLoops(
    OpBuilder &b, Location loc, SmallVector<Value> dims, unsigned depth,
    ValueRange accumulators) {
  if (depth == reductionLoops.size())
    return emitReductionStep(b, loc, dims, accumulators);
  unsigned dim = reductionLoops[depth];
  Value lower = arith::ConstantIndexOp::create(b, loc, 0);
  Value upper = arith::ConstantIndexOp::create(b, loc, ranges[dim]);
  Value step = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, lower, upper, step, accumulators,
      [&](OpBuilder &nested, Location nestedLoc, Value iv, ValueRange args) {
        SmallVector<Value> innerDims(dims);
        innerDims[dim] = iv;
        SmallVector<Value> results =
            emitReductionLoops(nested, nestedLoc, innerDims, depth + 1, args);
        scf::YieldOp::create(nested, nestedLoc, results);
      });
  return loop.getResults();
}

/// The lanes of one output point: read the outputs once, reduce in
/// registers, write them once.
void ThreadTileVectorizer::emitOutputPoint(OpBuilder &b, Location loc,
                                           SmallVector<Value> dims) {
  bool reads = reduces ||
               llvm::any_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
                 return !op.getMatchingBlockArgument(&init).use_empty();
               });
  SmallVector<SmallVector<Value>> pointDims = getBlockedPointDims(b, loc, dims);
  SmallVector<Value> accumulators;
  for (ArrayRef<Value> pointDim : pointDims) {
    for (OpOperand &init : op.getDpsInitsMutable()) {
      // Unread outputs still need a value of the right type for the
      // payload's block argument; it is never used.
      Type type = laneType(getElementTypeOrSelf(init.get().getType()));
      accumulators.push_back(reads ? loadLanes(b, loc, init, pointDim)
                                   : ub::PoisonOp::create(b, loc, type)
                                         .getResult());
    }
  }
  SmallVector<Value> results =
      emitReductionLoops(b, loc, dims, 0, accumulators);
  unsigned numInits = op.getNumDpsInits();
  for (auto [point, pointDim] : llvm::enumerate(pointDims))
    for (auto [i, init] : llvm::enumerate(op.getDpsInitsMutable()))
      storeLanes(b, loc, init, pointDim, results[point * numInits + i]);
}

void ThreadTileVectorizer::emitParallelLoops(OpBuilder &b, Location loc,
                                             SmallVector<Value> dims,
                                             unsigned depth) {
  if (depth == parallelLoops.size())
    return emitOutputPoint(b, loc, dims);
  unsigned dim = parallelLoops[depth];
  Value lower = arith::ConstantIndexOp::create(b, loc, 0);
  Value upper = arith::ConstantIndexOp::create(b, loc, ranges[dim]);
  Value step = arith::ConstantIndexOp::create(b, loc, 1);
  scf::ForOp::create(b, loc, lower, upper, step, ValueRange(),
                     [&](OpBuilder &nested, Location nestedLoc, Value iv,
                         ValueRange) {
                       SmallVector<Value> innerDims(dims);
                       innerDims[dim] = iv;
                       emitParallelLoops(nested, nestedLoc, innerDims,
                                         depth + 1);
                       scf::YieldOp::create(nested, nestedLoc);
                     });
}

void ThreadTileVectorizer::rewrite(RewriterBase &rewriter) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  SmallVector<Value> dims(ranges.size(), zero);
  emitParallelLoops(rewriter, loc, dims, 0);
  rewriter.eraseOp(op);
}

/// Whether `op` computes one thread's tile: it is in a kernel, or in a loop
/// over threads that will become one.
static bool isInThreadTile(Operation *op) {
  if (op->getParentOfType<gpu::LaunchOp>())
    return true;
  for (auto forall = op->getParentOfType<scf::ForallOp>(); forall;
       forall = forall->getParentOfType<scf::ForallOp>()) {
    std::optional<ArrayAttr> mapping = forall.getMapping();
    if (mapping && llvm::any_of(*mapping, [](Attribute attr) {
          return isa<gpu::GPUThreadMappingAttr>(attr);
        }))
      return true;
  }
  return false;
}

struct GPUVectorizeThreadTilesPass
    : convbn::impl::GPUVectorizeThreadTilesBase<GPUVectorizeThreadTilesPass> {
  using GPUVectorizeThreadTilesBase::GPUVectorizeThreadTilesBase;

  void runOnOperation() override {
    if (argumentAlignment < 0 ||
        (argumentAlignment > 0 && !llvm::isPowerOf2_64(argumentAlignment))) {
      getOperation().emitError("argument-alignment must be a power of two, "
                               "or 0 for none, not ")
          << static_cast<int64_t>(argumentAlignment);
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isInThreadTile(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      ThreadTileVectorizer vectorizer(op, argumentAlignment, maxLanes,
                                      maxWindowTaps);
      if (vectorizer.plan())
        vectorizer.rewrite(rewriter);
    }
  }
};

} // namespace
