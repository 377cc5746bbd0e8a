//===- ConvBNOps.cpp - convbn operations ----------------------------------===//

#include "ConvBN/IR/ConvBNOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CheckedArithmetic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::convbn;

//===----------------------------------------------------------------------===//
// Convolution layouts
//===----------------------------------------------------------------------===//

ConvDims mlir::convbn::getConvDims(ConvLayout layout) {
  auto [input, filter] = stringifyConvLayout(layout).split('_');
  ConvDims dims;
  dims.input = input.str();
  dims.filter = filter.str();
  // The output is the input with its channel replaced by the filter's
  // output channels: `f` for ordinary and grouped convs, `cm` for depthwise
  // convs with a channel multiplier, `c` itself for plain depthwise convs.
  std::string replacement = filter.contains('f')   ? "f"
                            : filter.contains('m') ? "cm"
                                                   : "c";
  for (char dim : input) {
    if (dim == 'c')
      dims.output += replacement;
    else
      dims.output += dim;
  }
  return dims;
}

unsigned ConvDims::getNumSpatialDims() const {
  return getSpatialDims(input).size();
}

SmallVector<unsigned> ConvDims::getSpatialDims(StringRef dims) {
  SmallVector<unsigned> positions;
  for (auto [pos, dim] : llvm::enumerate(dims))
    if (isSpatial(dim))
      positions.push_back(pos);
  return positions;
}

SmallVector<unsigned> ConvDims::getOutputChannelDims() const {
  SmallVector<unsigned> positions;
  for (auto [pos, dim] : llvm::enumerate(output))
    if (dim != 'n' && !isSpatial(dim))
      positions.push_back(pos);
  return positions;
}

SmallVector<unsigned> ConvDims::getFilterChannelDims() const {
  SmallVector<unsigned> positions;
  for (unsigned outPos : getOutputChannelDims())
    positions.push_back(filter.find(output[outPos]));
  return positions;
}

int64_t mlir::convbn::getNumOutputChannels(ConvLayout layout,
                                           RankedTensorType filterType) {
  std::optional<int64_t> channels = 1;
  for (unsigned pos : getConvDims(layout).getFilterChannelDims()) {
    if (filterType.isDynamicDim(pos))
      return ShapedType::kDynamic;
    // Two huge static sizes (group x filter) may not have a product.
    channels = llvm::checkedMul(*channels, filterType.getDimSize(pos));
    if (!channels)
      return ShapedType::kDynamic;
  }
  return *channels;
}

FloatType mlir::convbn::getComputeType(Type convElementType,
                                       Type paramElementType) {
  // Narrow types (f16, bf16) compute in f32, and f64 is not narrowed to it.
  MLIRContext *ctx = convElementType.getContext();
  if (isa<Float64Type>(convElementType) || isa<Float64Type>(paramElementType))
    return Float64Type::get(ctx);
  return Float32Type::get(ctx);
}

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape, os,
      [&](int64_t size) {
        if (ShapedType::isDynamic(size))
          os << '?';
        else
          os << size;
      },
      "x");
  return text;
}

static std::string formatList(ArrayRef<int64_t> values) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(values, os);
  return text;
}

FailureOr<RankedTensorType> mlir::convbn::inferConvOutputType(
    std::optional<Location> loc, ConvLayout layout, RankedTensorType inputType,
    RankedTensorType filterType, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> dilations, ArrayRef<int64_t> padding) {
  ConvDims dims = getConvDims(layout);
  StringRef layoutName = stringifyConvLayout(layout);
  if (inputType.getRank() != static_cast<int64_t>(dims.input.size()))
    return emitOptionalError(loc, "layout '", layoutName, "' expects a rank-",
                             dims.input.size(), " input (", dims.input,
                             "), got rank ", inputType.getRank());
  if (filterType.getRank() != static_cast<int64_t>(dims.filter.size()))
    return emitOptionalError(loc, "layout '", layoutName, "' expects a rank-",
                             dims.filter.size(), " filter (", dims.filter,
                             "), got rank ", filterType.getRank());
  if (inputType.getElementType() != filterType.getElementType())
    return emitOptionalError(loc, "input element type ",
                             inputType.getElementType(),
                             " differs from filter element type ",
                             filterType.getElementType());

  unsigned numSpatial = dims.getNumSpatialDims();
  if (strides.size() != numSpatial)
    return emitOptionalError(loc, "expected ", numSpatial,
                             " strides (one per spatial dimension), got ",
                             strides.size());
  if (dilations.size() != numSpatial)
    return emitOptionalError(loc, "expected ", numSpatial,
                             " dilations (one per spatial dimension), got ",
                             dilations.size());
  if (padding.size() != 2 * numSpatial)
    return emitOptionalError(loc, "expected ", 2 * numSpatial,
                             " padding amounts (low then high for each "
                             "spatial dimension), got ",
                             padding.size());
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }))
    return emitOptionalError(loc, "strides must be positive, got [",
                             formatList(strides), "]");
  if (llvm::any_of(dilations, [](int64_t d) { return d <= 0; }))
    return emitOptionalError(loc, "dilations must be positive, got [",
                             formatList(dilations), "]");
  if (llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOptionalError(loc, "padding must be non-negative, got [",
                             formatList(padding), "]");

  // Every filter dimension is a channel or kernel size: they must be known.
  // An empty kernel has no window at all, and the output-size formula would
  // make the output larger than the input.
  for (auto [pos, dim] : llvm::enumerate(dims.filter)) {
    if (filterType.isDynamicDim(pos))
      return emitOptionalError(loc, "filter dimension ", pos, " ('", dim,
                               "') must be static");
    if (ConvDims::isSpatial(dim) && filterType.getDimSize(pos) == 0)
      return emitOptionalError(loc, "kernel size of spatial dimension '", dim,
                               "' (filter dimension ", pos,
                               ") must be positive, got 0");
  }

  auto inputSize = [&](char dim) {
    return inputType.getDimSize(dims.input.find(dim));
  };
  auto filterSize = [&](char dim) {
    return filterType.getDimSize(dims.filter.find(dim));
  };
  // Dimensions the input and the filter share must agree.
  for (char dim : {'c', 'g'}) {
    if (dims.input.find(dim) == std::string::npos)
      continue;
    int64_t in = inputSize(dim), fil = filterSize(dim);
    if (ShapedType::isDynamic(in))
      return emitOptionalError(loc, "input dimension ", dims.input.find(dim),
                               " ('", dim, "', ",
                               dim == 'c' ? "channels" : "groups",
                               ") must be static");
    if (in != fil)
      return emitOptionalError(
          loc, "input has ", in, dim == 'c' ? " channels" : " groups",
          " (dimension '", dim, "') but the filter has ", fil);
  }

  SmallVector<int64_t> shape;
  unsigned spatialIndex = 0;
  for (char dim : dims.output) {
    if (dim == 'n') {
      shape.push_back(inputSize('n'));
    } else if (!ConvDims::isSpatial(dim)) {
      shape.push_back(dim == 'c' || dim == 'g' ? inputSize(dim)
                                               : filterSize(dim));
    } else {
      int64_t in = inputSize(dim), kernel = filterSize(dim);
      int64_t lo = padding[spatialIndex];
      int64_t hi = padding[spatialIndex + numSpatial];
      // Attribute values are arbitrary int64s: sizes that do not fit in
      // int64 are errors, not wrapped-around shapes. The padding sum is
      // checked for dynamic inputs too, since the lowering computes with it.
      std::optional<int64_t> window =
          llvm::checkedMulAdd(dilations[spatialIndex], kernel - 1, int64_t(1));
      std::optional<int64_t> padSum = llvm::checkedAdd(lo, hi);
      if (!window)
        return emitOptionalError(loc, "dilated kernel window of spatial "
                                      "dimension '",
                                 dim, "' (dilation ", dilations[spatialIndex],
                                 ", kernel ", kernel, ") overflows int64");
      if (!padSum)
        return emitOptionalError(loc, "padding of spatial dimension '", dim,
                                 "' (", lo, " + ", hi, ") overflows int64");
      if (ShapedType::isDynamic(in)) {
        shape.push_back(ShapedType::kDynamic);
      } else {
        std::optional<int64_t> padded = llvm::checkedAdd(in, *padSum);
        if (!padded)
          return emitOptionalError(loc, "padded size of spatial dimension '",
                                   dim, "' (", in, " + ", lo, " + ", hi,
                                   ") overflows int64");
        if (*padded < *window)
          return emitOptionalError(
              loc, "spatial dimension '", dim, "' of the input (", in,
              ", padded to ", *padded,
              ") is smaller than the dilated kernel window (", *window, ")");
        shape.push_back((*padded - *window) / strides[spatialIndex] + 1);
      }
      ++spatialIndex;
    }
  }
  return RankedTensorType::get(shape, inputType.getElementType());
}

//===----------------------------------------------------------------------===//
// Assembly helpers
//===----------------------------------------------------------------------===//

static std::optional<Mode> symbolizeInt(Mode, uint32_t value) {
  return symbolizeMode(value);
}
static std::optional<ConvLayout> symbolizeInt(ConvLayout, uint32_t value) {
  return symbolizeConvLayout(value);
}
static unsigned getMaxEnumVal(Mode) { return getMaxEnumValForMode(); }
static unsigned getMaxEnumVal(ConvLayout) {
  return getMaxEnumValForConvLayout();
}

/// "train, eval, tune, deploy": the keywords of an enum, for diagnostics
/// (the layout cases are not numbered contiguously).
template <typename EnumT>
static std::string listKeywords() {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::ListSeparator separator;
  for (uint32_t i = 0; i <= getMaxEnumVal(EnumT()); ++i)
    if (std::optional<EnumT> value = symbolizeInt(EnumT(), i))
      os << separator << stringifyEnum(*value);
  return text;
}

/// Parses an enum attribute written as its bare keyword (`tune`,
/// `nchw_fchw`), which reads better in an op than `#convbn.mode<tune>`.
/// A wrong or missing keyword is answered with the list of valid ones.
template <typename AttrT>
static ParseResult parseEnumKeyword(OpAsmParser &parser, AttrT &attr) {
  using EnumT = decltype(std::declval<AttrT>().getValue());
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (failed(parser.parseOptionalKeyword(&keyword)))
    return parser.emitError(loc)
           << "expected a " << AttrT::getMnemonic()
           << " keyword, one of: " << listKeywords<EnumT>();
  std::optional<EnumT> value = symbolizeEnum<EnumT>(keyword);
  if (!value)
    return parser.emitError(loc)
           << "unknown " << AttrT::getMnemonic() << " '" << keyword
           << "'; expected one of: " << listKeywords<EnumT>();
  attr = AttrT::get(parser.getContext(), *value);
  return success();
}

template <typename AttrT>
static void printEnumKeyword(OpAsmPrinter &printer, Operation *,
                             AttrT attr) {
  printer << stringifyEnum(attr.getValue());
}

/// `input, filter, scale`: the gradients of a backward op, as keywords in
/// any order (printed in the order of the results).
static ParseResult parseGradientList(OpAsmParser &parser,
                                     GradientsAttr &attr) {
  Gradients gradients = Gradients::None;
  auto parseOne = [&]() -> ParseResult {
    SMLoc loc = parser.getCurrentLocation();
    StringRef keyword;
    if (failed(parser.parseOptionalKeyword(&keyword)))
      return parser.emitError(loc, "expected a gradient: input, filter, "
                                   "bias, scale or offset");
    std::optional<Gradients> one = symbolizeGradients(keyword);
    if (!one || *one == Gradients::None)
      return parser.emitError(loc)
             << "unknown gradient '" << keyword
             << "'; expected one of: input, filter, bias, scale, offset";
    if (bitEnumContainsAny(gradients, *one))
      return parser.emitError(loc) << "gradient '" << keyword
                                   << "' is listed twice";
    gradients = gradients | *one;
    return success();
  };
  if (parser.parseCommaSeparatedList(parseOne))
    return failure();
  attr = GradientsAttr::get(parser.getContext(), gradients);
  return success();
}

static void printGradientList(OpAsmPrinter &printer, Operation *,
                              GradientsAttr attr) {
  llvm::ListSeparator separator;
  for (Gradients one : {Gradients::Input, Gradients::Filter, Gradients::Bias,
                        Gradients::Scale, Gradients::Offset})
    if (bitEnumContainsAll(attr.getValue(), one))
      printer.getStream() << separator << stringifyGradients(one);
}

//===----------------------------------------------------------------------===//
// Shared verification of the batch-norm operands
//===----------------------------------------------------------------------===//

namespace {
/// The per-channel operands of `conv_bn` and `fold_weights`.
struct ChannelOperands {
  Value bias, scale, offset, mean, variance;
};
} // namespace

/// Epsilon is an f64 attribute, but the batch norm adds it in `computeType`
/// (f32 for f16/bf16/f32): a value that is positive as a double can still
/// round to 0 (1e-50), to a denormal that GPUs flush to 0 (1e-40), or to
/// +inf (1e39) there, and every one of those silently changes the result
/// (a zero normaliser, or every channel's scale 0). Such values are
/// rejected: epsilon must be zero (as written: the frozen batch norms of
/// pretrained detectors use 0) or a positive, finite, normal number of the
/// compute type.
static LogicalResult verifyEpsilon(std::optional<Location> loc,
                                   FloatAttr epsilon, FloatType computeType) {
  const APFloat &written = epsilon.getValue();
  if (written.isPosZero())
    return success();
  APFloat value = written;
  bool losesInfo;
  (void)value.convert(computeType.getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &losesInfo);
  if (value.isNormal() && !value.isNegative())
    return success();
  double original = epsilon.getValueAsDouble();
  if (written.isNormal() && !written.isNegative()) {
    // Positive as written: say what it becomes.
    const char *rounded = value.isZero()       ? "rounds to 0"
                          : value.isInfinity() ? "rounds to +inf"
                                               : "is a denormal";
    return emitOptionalError(
        loc, "epsilon ", original, " ", rounded, " in ", computeType,
        ", the type the batch norm is computed in; it must be 0 or a "
        "positive, finite, normal ",
        computeType, " value");
  }
  return emitOptionalError(loc, "epsilon must be 0 or a positive, finite, "
                                "normal ",
                           computeType, " value, got ", original);
}

/// Checks the per-channel operands against the filter and epsilon, and
/// returns the number of output channels.
static FailureOr<int64_t>
verifyChannelOperands(std::optional<Location> loc, ConvLayout layout,
                      RankedTensorType filterType,
                      const ChannelOperands &operands, FloatAttr epsilon) {
  if (!epsilon)
    return emitOptionalError(loc, "requires an 'epsilon' attribute");

  ConvDims dims = getConvDims(layout);
  if (filterType.getRank() != static_cast<int64_t>(dims.filter.size()))
    return emitOptionalError(loc, "layout '", stringifyConvLayout(layout),
                             "' expects a rank-", dims.filter.size(),
                             " filter (", dims.filter, "), got rank ",
                             filterType.getRank());
  int64_t channels = getNumOutputChannels(layout, filterType);
  if (ShapedType::isDynamic(channels)) {
    if (llvm::any_of(dims.getFilterChannelDims(), [&](unsigned pos) {
          return filterType.isDynamicDim(pos);
        }))
      return emitOptionalError(loc, "the filter's output-channel dimensions "
                                    "must be static");
    return emitOptionalError(loc, "the filter's output-channel count "
                                  "overflows int64");
  }

  auto meanType = dyn_cast_if_present<RankedTensorType>(
      operands.mean ? operands.mean.getType() : Type());
  if (!meanType)
    return emitOptionalError(loc, "requires a ranked 'mean' operand");
  Type paramElementType = meanType.getElementType();
  if (failed(verifyEpsilon(loc, epsilon,
                           getComputeType(filterType.getElementType(),
                                          paramElementType))))
    return failure();

  auto checkVector = [&](Value value, StringRef name,
                         Type elementType) -> LogicalResult {
    if (!value)
      return success();
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || type.getRank() != 1)
      return emitOptionalError(loc, "'", name,
                               "' must be a 1-D tensor, got ", value.getType());
    if (type.getDimSize(0) != channels)
      return emitOptionalError(
          loc, "'", name, "' has ", formatShape(type.getShape()),
          " elements but the filter has ", channels, " output channels");
    if (type.getElementType() != elementType)
      return emitOptionalError(
          loc, "'", name, "' has element type ", type.getElementType(),
          ", expected ", elementType,
          name == "bias" ? " (the element type of the filter)"
                         : " (the element type of 'mean')");
    return success();
  };
  if (failed(checkVector(operands.bias, "bias", filterType.getElementType())) ||
      failed(checkVector(operands.scale, "scale", paramElementType)) ||
      failed(checkVector(operands.offset, "offset", paramElementType)) ||
      failed(checkVector(operands.mean, "mean", paramElementType)) ||
      failed(checkVector(operands.variance, "variance", paramElementType)))
    return failure();
  return channels;
}

//===----------------------------------------------------------------------===//
// Operand segments and inherent attributes
//===----------------------------------------------------------------------===//

namespace {
/// One entry of an op's operandSegmentSizes.
struct OperandSegment {
  StringLiteral name;
  bool optional;
};
} // namespace

static constexpr OperandSegment kConvBNSegments[] = {
    {"input", false}, {"filter", false}, {"bias", true},    {"scale", true},
    {"offset", true}, {"mean", false},   {"variance", false}};
static constexpr OperandSegment kFoldWeightsSegments[] = {
    {"filter", false}, {"bias", true},  {"scale", true},
    {"offset", true},  {"mean", false}, {"variance", false}};
static constexpr OperandSegment kConvBNBackwardSegments[] = {
    {"input", false},  {"filter", false},   {"grad_output", false},
    {"bias", true},    {"scale", true},     {"mean", false},
    {"variance", false}, {"conv_output", true}};

/// Whether `sizes` give each operand of `segments` a valid count (one, or at
/// most one if optional) and add up to `numOperands`. Result-type inference
/// reads its operands through the segments, and can be called (C API,
/// builders) on states the verifier has not seen.
static bool areValidSegments(ArrayRef<int32_t> sizes,
                             ArrayRef<OperandSegment> segments,
                             size_t numOperands) {
  size_t total = 0;
  for (auto [segment, size] : llvm::zip_equal(segments, sizes)) {
    if (size != 1 && !(size == 0 && segment.optional))
      return false;
    total += size;
  }
  return total == numOperands;
}

LogicalResult
mlir::convbn::detail::verifyWellFormedOperandSegments(Operation *op) {
  ArrayRef<int32_t> sizes;
  ArrayRef<OperandSegment> segments;
  if (auto convBN = dyn_cast<ConvBNOp>(op)) {
    sizes = convBN.getProperties().getOperandSegmentSizes();
    segments = kConvBNSegments;
  } else if (auto backward = dyn_cast<ConvBNBackwardOp>(op)) {
    sizes = backward.getProperties().getOperandSegmentSizes();
    segments = kConvBNBackwardSegments;
  } else {
    sizes = cast<FoldWeightsOp>(op).getProperties().getOperandSegmentSizes();
    segments = kFoldWeightsSegments;
  }

  // AttrSizedOperandSegments, verified first, has checked that the sizes are
  // non-negative and add up to the number of operands.
  llvm::StringMap<Value> operands;
  unsigned next = 0;
  for (auto [segment, size] : llvm::zip_equal(segments, sizes)) {
    if (size == 1)
      operands[segment.name] = op->getOperand(next);
    else if (!(size == 0 && segment.optional))
      return op->emitOpError()
             << (segment.optional ? "takes at most one '"
                                  : "requires exactly one '")
             << segment.name << "' operand, but operandSegmentSizes gives it "
             << size;
    next += size;
  }

  // The generated TypesMatchWith checks compare against whatever operand
  // follows an absent optional one, and so can blame the wrong operand.
  Value mean = operands.lookup("mean");
  for (StringRef name : {"scale", "offset", "variance"}) {
    Value value = operands.lookup(name);
    if (value && value.getType() != mean.getType())
      return op->emitOpError()
             << "'" << name << "' has type " << value.getType()
             << " but 'mean' has type " << mean.getType()
             << " (scale, offset, mean and variance share one type)";
  }
  return success();
}

/// The generated parser infers the result types from the op's keywords and
/// only afterwards merges the attribute dictionary into the op, where an
/// inherent attribute (`{epsilon = ...}`, `{padding = ...}`) would silently
/// replace what the keywords said and leave the inferred types stale. The
/// generated builders pass the same values in both places, which is fine.
template <typename OpTy>
static LogicalResult
verifyNoShadowedInherentAttrs(std::optional<Location> loc, MLIRContext *ctx,
                              DictionaryAttr attributes,
                              const typename OpTy::Properties &properties) {
  if (!attributes)
    return success();
  for (NamedAttribute attr : attributes) {
    std::optional<Attribute> inherent =
        OpTy::getInherentAttr(ctx, properties, attr.getName().getValue());
    if (!inherent || *inherent == attr.getValue())
      continue;
    return emitOptionalError(loc, "'", attr.getName().getValue(),
                             "' belongs in the op's own syntax, not in its "
                             "attribute dictionary (which sets it to ",
                             attr.getValue(), ")");
  }
  return success();
}

static RankedTensorType getRankedType(Value value) {
  return value ? dyn_cast<RankedTensorType>(value.getType())
               : RankedTensorType();
}

//===----------------------------------------------------------------------===//
// ConvBNOp
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> valuesOrFill(std::optional<ArrayRef<int64_t>> values,
                                         size_t size, int64_t fill) {
  if (values)
    return llvm::to_vector(*values);
  return SmallVector<int64_t>(size, fill);
}

SmallVector<int64_t> ConvBNOp::getStrideValues() {
  return valuesOrFill(getStrides(),
                      getConvDims(getLayout()).getNumSpatialDims(), 1);
}

SmallVector<int64_t> ConvBNOp::getDilationValues() {
  return valuesOrFill(getDilations(),
                      getConvDims(getLayout()).getNumSpatialDims(), 1);
}

SmallVector<int64_t> ConvBNOp::getPaddingValues() {
  return valuesOrFill(getPadding(),
                      2 * getConvDims(getLayout()).getNumSpatialDims(), 0);
}

static Value getStatisticOrNull(ConvBNOp op, unsigned index) {
  if (op.getMode() != Mode::Train ||
      op.getAuxiliary().size() != ConvBNOp::kNumTrainResults - 1)
    return Value();
  return op.getAuxiliary()[index];
}

Value ConvBNOp::getNewRunningMean() { return getStatisticOrNull(*this, 0); }
Value ConvBNOp::getNewRunningVariance() { return getStatisticOrNull(*this, 1); }
Value ConvBNOp::getSavedMean() { return getStatisticOrNull(*this, 2); }
Value ConvBNOp::getSavedInvStd() { return getStatisticOrNull(*this, 3); }

Value ConvBNOp::getConvOutput() {
  if (getMode() != Mode::Eval || !getKeepConvOutput() ||
      getAuxiliary().size() != 1)
    return Value();
  return getAuxiliary().front();
}

LogicalResult ConvBNOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  if (!areValidSegments(adaptor.getProperties().operandSegmentSizes,
                        kConvBNSegments, adaptor.getOperands().size()))
    return emitOptionalError(loc, "operandSegmentSizes do not match the "
                                  "operands");
  auto inputType = getRankedType(adaptor.getInput());
  auto filterType = getRankedType(adaptor.getFilter());
  if (!inputType || !filterType)
    return emitOptionalError(loc, "input and filter must be ranked tensors");
  // Read through the properties: the adaptor's attribute getters `cast` and
  // so assert on a missing attribute.
  if (!adaptor.getProperties().mode || !adaptor.getProperties().layout)
    return emitOptionalError(loc, "requires 'mode' and 'layout' attributes");
  if (failed(verifyNoShadowedInherentAttrs<ConvBNOp>(
          loc, context, adaptor.getAttributes(), adaptor.getProperties())))
    return failure();
  Mode mode = adaptor.getMode();
  ConvLayout layout = adaptor.getLayout();

  unsigned numSpatial = getConvDims(layout).getNumSpatialDims();
  FailureOr<RankedTensorType> outputType = inferConvOutputType(
      loc, layout, inputType, filterType,
      valuesOrFill(adaptor.getStrides(), numSpatial, 1),
      valuesOrFill(adaptor.getDilations(), numSpatial, 1),
      valuesOrFill(adaptor.getPadding(), 2 * numSpatial, 0));
  if (failed(outputType))
    return failure();

  ChannelOperands channelOperands{adaptor.getBias(), adaptor.getScale(),
                                  adaptor.getOffset(), adaptor.getMean(),
                                  adaptor.getVariance()};
  if (failed(verifyChannelOperands(loc, layout, filterType, channelOperands,
                                   adaptor.getProperties().epsilon)))
    return failure();

  FloatAttr momentum = adaptor.getMomentumAttr();
  if (mode == Mode::Train) {
    if (!momentum)
      return emitOptionalError(loc, "'train' mode requires a 'momentum' "
                                    "attribute (the running-statistics update "
                                    "rate)");
    double m = momentum.getValueAsDouble();
    if (!(m >= 0.0 && m <= 1.0))
      return emitOptionalError(loc, "momentum must be in [0, 1], got ", m);
    // The unbiased running variance divides by n - 1, and an empty batch
    // has no statistics at all (0 / 0 in the running update). A product too
    // large for int64 is certainly more than one.
    std::optional<int64_t> count = 1;
    bool dynamicCount = false;
    ConvDims dims = getConvDims(layout);
    for (auto [pos, dim] : llvm::enumerate(dims.output)) {
      if (dim != 'n' && !ConvDims::isSpatial(dim))
        continue;
      if (outputType->isDynamicDim(pos))
        dynamicCount = true;
      else if (count)
        count = llvm::checkedMul(*count, outputType->getDimSize(pos));
    }
    if (count && (*count == 0 || (*count == 1 && !dynamicCount)))
      return emitOptionalError(
          loc, "'train' mode needs more than one value per channel (batch "
               "size times output spatial size is ",
          *count, ")");
  } else if (momentum) {
    return emitOptionalError(loc, "'momentum' is only meaningful in 'train' "
                                  "mode, not in '",
                             stringifyMode(mode), "'");
  }
  bool keepConvOutput = !!adaptor.getProperties().keep_conv_output;
  if (keepConvOutput && mode != Mode::Eval)
    return emitOptionalError(
        loc, "'keep_conv_output' keeps the convolution output for an 'eval' "
             "backward; '",
        stringifyMode(mode), "' mode ",
        mode == Mode::Tune ? "computes its gradients without it"
                           : "has no such backward");

  inferredReturnTypes.push_back(*outputType);
  if (mode == Mode::Train)
    inferredReturnTypes.append(kNumTrainResults - 1,
                               adaptor.getMean().getType());
  if (keepConvOutput)
    inferredReturnTypes.push_back(*outputType);
  return success();
}

LogicalResult mlir::convbn::detail::verifyResultsMatchMode(Operation *op) {
  auto convBN = cast<ConvBNOp>(op);
  unsigned expected = convBN.getMode() == Mode::Train
                          ? ConvBNOp::kNumTrainResults
                          : 1;
  if (convBN.getMode() == Mode::Eval && convBN.getKeepConvOutput()) {
    if (op->getNumResults() == 2)
      return success();
    return op->emitOpError()
           << "with 'keep_conv_output' yields 2 results (the output and the "
              "convolution output), got "
           << op->getNumResults();
  }
  if (op->getNumResults() == expected)
    return success();
  if (convBN.getMode() == Mode::Train)
    return op->emitOpError()
           << "in 'train' mode yields " << expected
           << " results (output, new running mean, new running variance, "
              "saved mean, saved inverse std), got "
           << op->getNumResults();
  return op->emitOpError() << "in '" << stringifyMode(convBN.getMode())
                           << "' mode yields 1 result (the output), got "
                           << op->getNumResults()
                           << "; the statistics results exist in 'train' "
                              "mode only";
}

//===----------------------------------------------------------------------===//
// ConvBNBackwardOp
//===----------------------------------------------------------------------===//

SmallVector<int64_t> ConvBNBackwardOp::getStrideValues() {
  return valuesOrFill(getStrides(),
                      getConvDims(getLayout()).getNumSpatialDims(), 1);
}

SmallVector<int64_t> ConvBNBackwardOp::getDilationValues() {
  return valuesOrFill(getDilations(),
                      getConvDims(getLayout()).getNumSpatialDims(), 1);
}

SmallVector<int64_t> ConvBNBackwardOp::getPaddingValues() {
  return valuesOrFill(getPadding(),
                      2 * getConvDims(getLayout()).getNumSpatialDims(), 0);
}

/// The gradients in the order of the results.
static constexpr Gradients kGradientOrder[] = {
    Gradients::Input, Gradients::Filter, Gradients::Bias, Gradients::Scale,
    Gradients::Offset};

Value ConvBNBackwardOp::getGradient(Gradients which) {
  unsigned index = 0;
  for (Gradients one : kGradientOrder) {
    if (!bitEnumContainsAll(getGradients(), one))
      continue;
    if (one == which)
      return index < getNumResults() ? getResult(index) : Value();
    ++index;
  }
  return Value();
}

LogicalResult ConvBNBackwardOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  if (!areValidSegments(adaptor.getProperties().operandSegmentSizes,
                        kConvBNBackwardSegments, adaptor.getOperands().size()))
    return emitOptionalError(loc, "operandSegmentSizes do not match the "
                                  "operands");
  auto inputType = getRankedType(adaptor.getInput());
  auto filterType = getRankedType(adaptor.getFilter());
  auto gradOutputType = getRankedType(adaptor.getGradOutput());
  if (!inputType || !filterType || !gradOutputType)
    return emitOptionalError(loc, "input, filter and grad_output must be "
                                  "ranked tensors");
  const Properties &properties = adaptor.getProperties();
  if (!properties.mode || !properties.layout || !properties.gradients)
    return emitOptionalError(loc, "requires 'mode', 'layout' and "
                                  "'gradients' attributes");
  if (failed(verifyNoShadowedInherentAttrs<ConvBNBackwardOp>(
          loc, context, adaptor.getAttributes(), properties)))
    return failure();
  Mode mode = adaptor.getMode();
  ConvLayout layout = adaptor.getLayout();

  unsigned numSpatial = getConvDims(layout).getNumSpatialDims();
  FailureOr<RankedTensorType> outputType = inferConvOutputType(
      loc, layout, inputType, filterType,
      valuesOrFill(adaptor.getStrides(), numSpatial, 1),
      valuesOrFill(adaptor.getDilations(), numSpatial, 1),
      valuesOrFill(adaptor.getPadding(), 2 * numSpatial, 0));
  if (failed(outputType))
    return failure();
  if (failed(verifyCompatibleShape(*outputType, gradOutputType)) ||
      outputType->getElementType() != gradOutputType.getElementType())
    return emitOptionalError(loc, "grad_output has type ", gradOutputType,
                             " but the convolution's output has type ",
                             *outputType);

  ChannelOperands channelOperands{adaptor.getBias(), adaptor.getScale(),
                                  Value(), adaptor.getMean(),
                                  adaptor.getVariance()};
  if (failed(verifyChannelOperands(loc, layout, filterType, channelOperands,
                                   properties.epsilon)))
    return failure();

  // What each mode needs from the forward pass.
  Value convOutput = adaptor.getConvOutput();
  switch (mode) {
  case Mode::Eval:
    if (!convOutput)
      return emitOptionalError(
          loc, "'eval' mode computes the scale's gradient from the "
               "convolution output: requires 'conv_output' (the forward "
               "op's result with 'keep_conv_output')");
    break;
  case Mode::Tune:
    if (convOutput)
      return emitOptionalError(
          loc, "'tune' mode computes its gradients without the convolution "
               "output: 'conv_output' would keep an activation-sized tensor "
               "alive for nothing");
    break;
  case Mode::Deploy:
    return emitOptionalError(loc, "'deploy' parameters are not trained: a "
                                  "deploy block has no backward op");
  case Mode::Train:
    return emitOptionalError(loc, "'train' mode (batch statistics) has no "
                                  "backward op");
  }

  Gradients gradients = adaptor.getGradients();
  if (gradients == Gradients::None)
    return emitOptionalError(loc, "computes no gradient");
  if (bitEnumContainsAll(gradients, Gradients::Bias) && !adaptor.getBias())
    return emitOptionalError(loc, "the 'bias' gradient needs the 'bias' "
                                  "operand (a convolution without bias has "
                                  "none)");
  if (bitEnumContainsAll(gradients, Gradients::Scale) && !adaptor.getScale())
    return emitOptionalError(loc, "the 'scale' gradient needs the 'scale' "
                                  "operand (a batch norm without affine "
                                  "parameters has none)");
  for (Gradients one : kGradientOrder) {
    if (!bitEnumContainsAll(gradients, one))
      continue;
    switch (one) {
    case Gradients::Input:
      inferredReturnTypes.push_back(inputType);
      break;
    case Gradients::Filter:
      inferredReturnTypes.push_back(filterType);
      break;
    case Gradients::Bias:
      inferredReturnTypes.push_back(adaptor.getBias().getType());
      break;
    default:
      inferredReturnTypes.push_back(adaptor.getMean().getType());
      break;
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// FoldWeightsOp
//===----------------------------------------------------------------------===//

LogicalResult FoldWeightsOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  if (!areValidSegments(adaptor.getProperties().operandSegmentSizes,
                        kFoldWeightsSegments, adaptor.getOperands().size()))
    return emitOptionalError(loc, "operandSegmentSizes do not match the "
                                  "operands");
  auto filterType = getRankedType(adaptor.getFilter());
  if (!filterType)
    return emitOptionalError(loc, "filter must be a ranked tensor");
  if (!adaptor.getProperties().layout)
    return emitOptionalError(loc, "requires a 'layout' attribute");
  if (failed(verifyNoShadowedInherentAttrs<FoldWeightsOp>(
          loc, context, adaptor.getAttributes(), adaptor.getProperties())))
    return failure();
  ChannelOperands channelOperands{adaptor.getBias(), adaptor.getScale(),
                                  adaptor.getOffset(), adaptor.getMean(),
                                  adaptor.getVariance()};
  FailureOr<int64_t> channels =
      verifyChannelOperands(loc, adaptor.getLayout(), filterType,
                            channelOperands, adaptor.getProperties().epsilon);
  if (failed(channels))
    return failure();
  inferredReturnTypes.push_back(filterType);
  inferredReturnTypes.push_back(
      RankedTensorType::get({*channels}, filterType.getElementType()));
  return success();
}

std::optional<FloatConstant> FloatConstant::get(Attribute attr) {
  FloatConstant constant;
  if (auto elements = dyn_cast_if_present<DenseFPElementsAttr>(attr)) {
    constant.elements = elements;
    constant.numElements = elements.getNumElements();
    constant.splat = elements.isSplat();
    return constant;
  }
  // Frontends (torch-mlir) keep weights in dense_resource blobs: read the
  // little-endian bits of the blob (absent for elided resources).
  auto resource = dyn_cast_if_present<DenseResourceElementsAttr>(attr);
  if (!resource)
    return std::nullopt;
  auto floatType = dyn_cast<FloatType>(resource.getType().getElementType());
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!floatType || !blob || floatType.getWidth() % 8 != 0)
    return std::nullopt;
  int64_t count = resource.getType().getNumElements();
  std::optional<int64_t> bytes =
      llvm::checkedMul(count, int64_t(floatType.getWidth() / 8));
  if (!bytes || blob->getData().size() != static_cast<uint64_t>(*bytes))
    return std::nullopt;
  constant.blob = blob->getData();
  constant.semantics = &floatType.getFloatSemantics();
  constant.numElements = count;
  return constant;
}

/// Exact for every float type up to f64 (APFloat::convertToDouble asserts
/// on wider semantics, so convert first).
static double toDouble(APFloat value) {
  bool losesInfo;
  value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                &losesInfo);
  return value.convertToDouble();
}

double FloatConstant::operator[](int64_t index) const {
  if (elements)
    return toDouble(*(elements.value_begin<APFloat>() + (splat ? 0 : index)));
  unsigned width = APFloat::getSizeInBits(*semantics);
  APInt bits(width, 0);
  llvm::LoadIntFromMemory(
      bits, reinterpret_cast<const uint8_t *>(blob.data()) + index * width / 8,
      width / 8);
  return toDouble(APFloat(*semantics, bits));
}

static APFloat toAPFloat(double value, FloatType type) {
  APFloat result(value);
  bool losesInfo;
  result.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                 &losesInfo);
  return result;
}

namespace {
/// A per-channel operand of a fold: a constant, or the value an absent
/// operand stands for.
struct ChannelConstant {
  std::optional<FloatConstant> constant;
  double fill = 0.0;

  bool isUniform() const { return !constant || constant->isSplat(); }
  double operator[](int64_t channel) const {
    return constant ? (*constant)[channel] : fill;
  }
};

/// Collects elements of a float type and builds the dense attribute from
/// their bits, without a 32-byte APFloat per element.
class DenseFloatBuilder {
public:
  explicit DenseFloatBuilder(RankedTensorType type)
      : type(type), elementType(cast<FloatType>(type.getElementType())),
        bytes(elementType.getWidth() / 8) {}

  /// Appends `value` rounded to the element type; false when rounding made
  /// a finite value infinite.
  bool push(double value) {
    APFloat rounded = toAPFloat(value, elementType);
    uint64_t bits = rounded.bitcastToAPInt().getZExtValue();
    size_t offset = data.size();
    data.resize(offset + bytes);
    llvm::StoreIntToMemory(APInt(bytes * 8, bits),
                           reinterpret_cast<uint8_t *>(data.data() + offset),
                           bytes);
    return !(rounded.isInfinity() && std::isfinite(value));
  }

  DenseElementsAttr build() {
    if (data.size() == bytes) // one value: a splat of the whole type
      return DenseElementsAttr::get(
          type, toAPFloatFromBits(ArrayRef<char>(data)));
    return DenseElementsAttr::getFromRawBuffer(type, data);
  }

private:
  APFloat toAPFloatFromBits(ArrayRef<char> raw) const {
    APInt bits(bytes * 8, 0);
    llvm::LoadIntFromMemory(bits, reinterpret_cast<const uint8_t *>(raw.data()),
                            bytes);
    return APFloat(elementType.getFloatSemantics(), bits);
  }

  RankedTensorType type;
  FloatType elementType;
  unsigned bytes;
  std::vector<char> data;
};
} // namespace

FailureOr<std::pair<DenseElementsAttr, DenseElementsAttr>>
mlir::convbn::foldConstantWeights(ConvLayout layout,
                                  RankedTensorType filterType,
                                  const FoldWeightsConstants &constants,
                                  double epsilon, bool refuseOverflow) {
  std::optional<FloatConstant> weights = FloatConstant::get(constants.filter);
  if (!weights)
    return failure();
  auto channelOperand = [](Attribute attr, bool present,
                           double fill) -> std::optional<ChannelConstant> {
    ChannelConstant channel{std::nullopt, fill};
    if (!present)
      return channel;
    channel.constant = FloatConstant::get(attr);
    if (!channel.constant)
      return std::nullopt;
    return channel;
  };
  auto bias = channelOperand(constants.bias, constants.hasBias, 0.0);
  auto scale = channelOperand(constants.scale, constants.hasScale, 1.0);
  auto offset = channelOperand(constants.offset, constants.hasOffset, 0.0);
  auto mean = channelOperand(constants.mean, true, 0.0);
  auto variance = channelOperand(constants.variance, true, 0.0);
  if (!bias || !scale || !offset || !mean || !variance)
    return failure();

  int64_t channels = getNumOutputChannels(layout, filterType);
  if (ShapedType::isDynamic(channels))
    return failure();
  // Uniform channels (splat or absent parameters) fold to one scale and one
  // bias; a splat filter with uniform channels to a splat filter.
  bool uniformChannels = bias->isUniform() && scale->isUniform() &&
                         offset->isUniform() && mean->isUniform() &&
                         variance->isUniform();
  int64_t channelValues = uniformChannels ? std::min<int64_t>(channels, 1)
                                          : channels;
  bool splatFilter = uniformChannels && weights->isSplat();
  int64_t filterValues =
      splatFilter ? std::min<int64_t>(weights->size(), 1) : weights->size();
  if (channelValues > kMaxFoldedElements || filterValues > kMaxFoldedElements)
    return failure();

  // The arithmetic is done in double and rounded once into the result type,
  // which is at least as accurate as the f32 arithmetic of the lowering. A
  // channel whose scale is not finite (an infinite γ, σ̂² + ε <= 0) is NaN
  // in the folded filter and bias, as the lowering makes it.
  SmallVector<double> channelScale(channelValues);
  for (int64_t c = 0; c < channelValues; ++c) {
    double s = (*scale)[c] / std::sqrt((*variance)[c] + epsilon);
    channelScale[c] = std::isfinite(s) ? s : std::nan("");
  }

  auto biasType =
      RankedTensorType::get({channels}, filterType.getElementType());
  DenseFloatBuilder foldedBias(biasType);
  bool overflow = false;
  for (int64_t c = 0; c < channelValues; ++c)
    overflow |= !foldedBias.push(((*bias)[c] - (*mean)[c]) * channelScale[c] +
                                 (*offset)[c]);

  // Linear filter index -> output channel: row-major over the filter's
  // output-channel dimensions.
  ArrayRef<int64_t> shape = filterType.getShape();
  SmallVector<unsigned> channelDims = getConvDims(layout).getFilterChannelDims();
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  auto channelOf = [&](int64_t linear) -> int64_t {
    if (uniformChannels)
      return 0;
    int64_t channel = 0;
    for (unsigned dim : channelDims)
      channel = channel * shape[dim] + (linear / strides[dim]) % shape[dim];
    return channel;
  };
  DenseFloatBuilder foldedFilter(filterType);
  for (int64_t linear = 0; linear < filterValues; ++linear)
    overflow |= !foldedFilter.push((*weights)[linear] *
                                   channelScale[channelOf(linear)]);
  if (overflow && refuseOverflow)
    return failure();
  return std::make_pair(foldedFilter.build(), foldedBias.build());
}

LogicalResult FoldWeightsOp::fold(FoldAdaptor adaptor,
                                  SmallVectorImpl<OpFoldResult> &results) {
  FoldWeightsConstants constants{adaptor.getFilter(), adaptor.getBias(),
                                 adaptor.getScale(),  adaptor.getOffset(),
                                 adaptor.getMean(),   adaptor.getVariance(),
                                 !!getBias(),         !!getScale(),
                                 !!getOffset()};
  auto folded = foldConstantWeights(
      getLayout(), cast<RankedTensorType>(getFilter().getType()), constants,
      getEpsilon().convertToDouble(), /*refuseOverflow=*/false);
  if (failed(folded))
    return failure();
  results.push_back(folded->first);
  results.push_back(folded->second);
  return success();
}

#define GET_OP_CLASSES
#include "ConvBN/IR/ConvBNOps.cpp.inc"
