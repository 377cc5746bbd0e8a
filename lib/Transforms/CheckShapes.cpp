//===- CheckShapes.cpp - static shapes that contradict each other ---------===//
//
// Some IR verifies although its static shapes cannot all hold at run time
// (a static `output_shape` that is not the result's, a window that does not
// fit the input). Canonicalization or a conversion later makes the
// contradiction explicit in an op whose verifier rejects it, and the
// pipeline fails on IR the user never wrote. This pass reports it at the op
// that holds it, before anything is lowered.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "ConvBN/IR/LinalgConv.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ShapedOpInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_CHECKSHAPES
#define GEN_PASS_DEF_CHECKSTATICLISTS
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

/// The static size of dimension `dim` of `value`, looking through
/// `tensor.cast`s that made it dynamic.
static int64_t getStaticSizeThroughCasts(Value value, int64_t dim) {
  while (true) {
    auto type = cast<ShapedType>(value.getType());
    if (!type.isDynamicDim(dim))
      return type.getDimSize(dim);
    auto cast = value.getDefiningOp<tensor::CastOp>();
    if (!cast)
      return ShapedType::kDynamic;
    value = cast.getSource();
  }
}

/// A static list in which INT64_MIN stands for "dynamic" must have one
/// operand per such entry. The parser accepts INT64_MIN as a static value,
/// leaving an op whose printer and folders read past its operands.
static LogicalResult checkDynamicMarkers(Operation *op, StringRef what,
                                         ArrayRef<int64_t> staticValues,
                                         ValueRange dynamicValues) {
  int64_t markers = llvm::count_if(staticValues, ShapedType::isDynamic);
  if (markers == static_cast<int64_t>(dynamicValues.size()))
    return success();
  return op->emitOpError("has ")
         << markers << " " << what << " marked dynamic (" << ShapedType::kDynamic
         << ") but " << dynamicValues.size()
         << " dynamic operands: a static value of INT64_MIN is not allowed";
}

/// The size in bytes of a statically shaped `type`, or nullopt when it does
/// not fit in 64 bits. (Builtin types accept any static sizes; past 2^63
/// bytes the element count itself wraps, a splat constant of the type prints
/// as `dense<>` and every index computation of the lowering overflows.)
static std::optional<int64_t> getStaticSizeInBytes(ShapedType type) {
  int64_t size = 1;
  for (int64_t dim : type.getShape())
    if (llvm::MulOverflow(size, dim, size))
      return std::nullopt;
  Type element = type.getElementType();
  int64_t bits = element.isIndex() ? 64
                 : element.isIntOrFloat() ? element.getIntOrFloatBitWidth()
                                          : 8;
  if (llvm::MulOverflow(size, int64_t(llvm::divideCeil(bits, 8)), size))
    return std::nullopt;
  return size;
}

static LogicalResult checkSizeInBytes(Operation *op, TypeRange types) {
  for (Type type : types) {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped || !shaped.hasStaticShape())
      continue;
    if (!getStaticSizeInBytes(shaped))
      return op->emitOpError("uses type ")
             << type << ", whose size in bytes does not fit in 64 bits";
  }
  return success();
}

/// The static lists of `op` that mark dynamic values with INT64_MIN each
/// have one operand per marker.
static LogicalResult checkStaticLists(Operation *op) {
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    return failure(
        failed(checkDynamicMarkers(op, "low paddings", pad.getStaticLow(),
                                   pad.getLow())) ||
        failed(checkDynamicMarkers(op, "high paddings", pad.getStaticHigh(),
                                   pad.getHigh())));
  if (auto slice = dyn_cast<OffsetSizeAndStrideOpInterface>(op))
    return failure(failed(checkDynamicMarkers(op, "offsets",
                                              slice.getStaticOffsets(),
                                              slice.getOffsets())) ||
                   failed(checkDynamicMarkers(op, "sizes",
                                              slice.getStaticSizes(),
                                              slice.getSizes())) ||
                   failed(checkDynamicMarkers(op, "strides",
                                              slice.getStaticStrides(),
                                              slice.getStrides())));
  return success();
}

static LogicalResult checkCast(tensor::CastOp op) {
  auto result = dyn_cast<RankedTensorType>(op.getType());
  auto source = dyn_cast<RankedTensorType>(op.getSource().getType());
  if (!result || !source || result.getRank() != source.getRank())
    return success();
  for (int64_t dim = 0; dim < result.getRank(); ++dim) {
    int64_t size = getStaticSizeThroughCasts(op.getSource(), dim);
    if (!result.isDynamicDim(dim) && !ShapedType::isDynamic(size) &&
        size != result.getDimSize(dim))
      return op.emitOpError("casts dimension ")
             << dim << " of static size " << size
             << " (before an earlier cast made it dynamic) to size "
             << result.getDimSize(dim);
  }
  return success();
}

static LogicalResult checkExpandShape(tensor::ExpandShapeOp op) {
  RankedTensorType result = op.getResultType();
  for (auto [dim, size] : llvm::enumerate(op.getStaticOutputShape())) {
    if (!ShapedType::isDynamic(size) && !result.isDynamicDim(dim) &&
        size != result.getDimSize(dim))
      return op.emitOpError("has static output size ")
             << size << " for dimension " << dim << " of a result of type "
             << result;
  }
  return success();
}

/// Every operand dimension indexed by the same loop alone must have the
/// same static size. (linalg's verifier compares them only for some
/// operands, and GPU tiling then slices the larger past the smaller.)
static LogicalResult checkLoopSizes(linalg::LinalgOp op) {
  DenseMap<unsigned, std::pair<int64_t, unsigned>> sizes; // loop -> size, operand
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    if (!type || !type.hasRank())
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [dim, expr] : llvm::enumerate(map.getResults())) {
      auto loop = dyn_cast<AffineDimExpr>(expr);
      if (!loop || type.isDynamicDim(dim))
        continue;
      int64_t size = type.getDimSize(dim);
      auto [it, inserted] = sizes.try_emplace(
          loop.getPosition(), size, operand.getOperandNumber());
      if (!inserted && it->second.first != size)
        return op->emitOpError("operand #")
               << operand.getOperandNumber() << " has size " << size
               << " in dimension " << dim << " where operand #"
               << it->second.second << " has " << it->second.first
               << " for the same loop";
    }
  }
  return success();
}

/// The largest (`atEnd`) or smallest value of `expr` over loops running
/// from 0 to `ranges[d] - 1`, when `expr` is a sum of loops times
/// non-negative constants plus a constant (monotone in every loop);
/// std::nullopt for anything else or a dynamic range it uses.
static std::optional<int64_t> extremeOf(AffineExpr expr,
                                        ArrayRef<int64_t> ranges, bool atEnd) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return constant.getValue();
  if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
    int64_t range = ranges[dim.getPosition()];
    if (ShapedType::isDynamic(range))
      return std::nullopt;
    return atEnd ? range - 1 : 0;
  }
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  if (binary.getKind() == AffineExprKind::Add) {
    std::optional<int64_t> lhs = extremeOf(binary.getLHS(), ranges, atEnd);
    std::optional<int64_t> rhs = extremeOf(binary.getRHS(), ranges, atEnd);
    int64_t sum;
    if (!lhs || !rhs || llvm::AddOverflow(*lhs, *rhs, sum))
      return std::nullopt;
    return sum;
  }
  if (binary.getKind() == AffineExprKind::Mul) {
    auto factor = dyn_cast<AffineConstantExpr>(binary.getRHS());
    if (!factor || factor.getValue() < 0)
      return std::nullopt;
    std::optional<int64_t> lhs = extremeOf(binary.getLHS(), ranges, atEnd);
    int64_t product;
    if (!lhs || llvm::MulOverflow(*lhs, factor.getValue(), product))
      return std::nullopt;
    return product;
  }
  return std::nullopt;
}

/// Every element a linalg op with static shapes reads or writes lies within
/// its operand. linalg's verifier checks some ops' windows (convolutions')
/// but not others (a pooling whose input is empty along a window dimension
/// while its output is not), and GPU tiling then slices past the end. An op
/// with an empty loop touches nothing.
static LogicalResult checkAccessesInBounds(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::is_contained(ranges, 0))
    return success();
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    if (!type || !type.hasRank())
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [dim, expr] : llvm::enumerate(map.getResults())) {
      if (type.isDynamicDim(dim))
        continue;
      int64_t size = type.getDimSize(dim);
      std::optional<int64_t> last = extremeOf(expr, ranges, /*atEnd=*/true);
      std::optional<int64_t> first = extremeOf(expr, ranges, /*atEnd=*/false);
      if ((last && *last >= size) || (first && *first < 0))
        return op->emitOpError("accesses operand #")
               << operand.getOperandNumber() << " at "
               << (last && *last >= size ? *last : *first)
               << " in dimension " << dim << ", outside its size " << size;
    }
  }
  return success();
}

static LogicalResult checkConvolution(linalg::LinalgOp op, ConvLayout layout) {
  ConvDims dims = getConvDims(layout);
  auto inputType = cast<ShapedType>(op.getDpsInputOperand(0)->get().getType());
  auto filterType = cast<ShapedType>(op.getDpsInputOperand(1)->get().getType());
  auto outputType = cast<ShapedType>(op.getDpsInitOperand(0)->get().getType());
  SmallVector<int64_t> strides = getConvStrides(op);
  SmallVector<int64_t> dilations = getConvDilations(op);
  for (auto [i, pos] : llvm::enumerate(ConvDims::getSpatialDims(dims.input))) {
    char letter = dims.input[pos];
    int64_t kernel = filterType.getDimSize(dims.filter.find(letter));
    int64_t input = inputType.getDimSize(pos);
    if (ShapedType::isDynamic(kernel) || kernel <= 0 || dilations[i] <= 0)
      continue; // the verifiers own these
    int64_t extent;
    if (llvm::MulOverflow(dilations[i], kernel - 1, extent) ||
        llvm::AddOverflow(extent, int64_t(1), extent))
      return op->emitOpError("has a window of dilation ")
             << dilations[i] << " and size " << kernel
             << " whose extent overflows 64 bits";
    if (!ShapedType::isDynamic(input) && extent > input)
      return op->emitOpError("has a window of extent ")
             << extent << " along dimension " << pos
             << ", larger than its input (" << input
             << "): no output position fits";
    int64_t output = outputType.getDimSize(dims.output.find(letter));
    int64_t last;
    if (!ShapedType::isDynamic(input) && !ShapedType::isDynamic(output) &&
        output > 0 && strides[i] > 0 &&
        (llvm::MulOverflow(output - 1, strides[i], last) ||
         llvm::AddOverflow(last, extent, last) || last > input))
      return op->emitOpError("has ")
             << output << " windows of extent " << extent << " and stride "
             << strides[i] << " along dimension " << pos
             << ", which run past its input (" << input << ")";
  }
  return success();
}

static LogicalResult checkSlice(tosa::SliceOp op) {
  auto start = op.getStart().getDefiningOp<tosa::ConstShapeOp>();
  auto size = op.getSize().getDefiningOp<tosa::ConstShapeOp>();
  auto inputType = dyn_cast<RankedTensorType>(op.getInput1().getType());
  auto resultType = dyn_cast<RankedTensorType>(op.getOutput().getType());
  if (!start || !size || !inputType || !resultType)
    return success();
  SmallVector<int64_t> starts(start.getValues().getValues<int64_t>());
  SmallVector<int64_t> sizes(size.getValues().getValues<int64_t>());
  if (starts.size() != size_t(inputType.getRank()) ||
      sizes.size() != size_t(inputType.getRank()) ||
      resultType.getRank() != inputType.getRank())
    return success(); // the verifier owns ranks
  for (int64_t dim = 0; dim < inputType.getRank(); ++dim) {
    if (sizes[dim] == -1 && !resultType.isDynamicDim(dim))
      return op.emitOpError("has size -1 (the rest of the dimension) in "
                            "dimension ")
             << dim << ", which upstream tosa-to-tensor lowers to a dynamic "
                       "size that contradicts the static result type: write "
                       "the size";
    int64_t length = sizes[dim] == -1 && !inputType.isDynamicDim(dim)
                         ? inputType.getDimSize(dim) - starts[dim]
                         : sizes[dim];
    if (length >= 0 && !resultType.isDynamicDim(dim) &&
        resultType.getDimSize(dim) != length)
      return op.emitOpError("has size ")
             << length << " in dimension " << dim << " but its result has "
             << resultType.getDimSize(dim);
    int64_t end;
    if (length >= 0 && !inputType.isDynamicDim(dim) &&
        (starts[dim] < 0 || llvm::AddOverflow(starts[dim], length, end) ||
         end > inputType.getDimSize(dim)))
      return op.emitOpError("reads [")
             << starts[dim] << ", " << starts[dim] << " + " << length
             << ") of dimension " << dim << " of size "
             << inputType.getDimSize(dim);
  }
  return success();
}

/// The checks specific to `op`'s kind.
/// tensor.dim / memref.dim of a constant index outside the rank: undefined
/// behaviour the verifier lets through and upstream folders crash on.
static LogicalResult checkDimIndex(ShapedDimOpInterface op) {
  auto type = dyn_cast<ShapedType>(op.getShapedValue().getType());
  std::optional<int64_t> index = getConstantIntValue(op.getDimension());
  if (!type || !type.hasRank() || !index ||
      (*index >= 0 && *index < type.getRank()))
    return success();
  return op->emitError("dimension ")
         << *index << " is out of range for a rank-" << type.getRank()
         << " value";
}

static LogicalResult checkOpKind(Operation *op) {
  if (auto dim = dyn_cast<ShapedDimOpInterface>(op))
    return checkDimIndex(dim);
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return checkExpandShape(expand);
  if (auto castOp = dyn_cast<tensor::CastOp>(op))
    return checkCast(castOp);
  if (auto slice = dyn_cast<tosa::SliceOp>(op))
    return checkSlice(slice);
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (failed(checkLoopSizes(linalgOp)))
      return failure();
    if (std::optional<ConvLayout> layout = getConvLayout(op))
      if (failed(checkConvolution(linalgOp, *layout)))
        return failure();
    return checkAccessesInBounds(linalgOp);
  }
  return success();
}

/// Every check of `op`; the first that fails reports.
static LogicalResult checkOp(Operation *op) {
  if (failed(checkStaticLists(op)) ||
      failed(checkSizeInBytes(op, op->getResultTypes())))
    return failure();
  if (auto function = dyn_cast<FunctionOpInterface>(op))
    if (failed(checkSizeInBytes(op, function.getArgumentTypes())) ||
        failed(checkSizeInBytes(op, function.getResultTypes())))
      return failure();
  return checkOpKind(op);
}

namespace {
struct CheckShapesPass : convbn::impl::CheckShapesBase<CheckShapesPass> {
  void runOnOperation() override {
    bool failedAny = false;
    getOperation()->walk(
        [&](Operation *op) { failedAny |= failed(checkOp(op)); });
    if (failedAny)
      signalPassFailure();
  }
};

struct CheckStaticListsPass
    : convbn::impl::CheckStaticListsBase<CheckStaticListsPass> {
  void runOnOperation() override {
    bool failedAny = false;
    getOperation()->walk(
        [&](Operation *op) { failedAny |= failed(checkStaticLists(op)); });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
