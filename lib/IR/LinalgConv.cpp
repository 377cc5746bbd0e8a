//===- LinalgConv.cpp - linalg named convolutions and layouts -------------===//

#include "ConvBN/IR/LinalgConv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::convbn;

/// Applies `fn(ConvLayout, OpTy tag)` for the linalg op class of each layout;
/// the one table both directions of the correspondence are read from.
template <typename Fn>
static void forEachConvOp(Fn &&fn) {
  fn(ConvLayout::NCW_FCW, linalg::Conv1DNcwFcwOp());
  fn(ConvLayout::NWC_WCF, linalg::Conv1DNwcWcfOp());
  fn(ConvLayout::NCW_CW, linalg::DepthwiseConv1DNcwCwOp());
  fn(ConvLayout::NWC_WC, linalg::DepthwiseConv1DNwcWcOp());
  fn(ConvLayout::NWC_WCM, linalg::DepthwiseConv1DNwcWcmOp());
  fn(ConvLayout::NCHW_FCHW, linalg::Conv2DNchwFchwOp());
  fn(ConvLayout::NHWC_HWCF, linalg::Conv2DNhwcHwcfOp());
  fn(ConvLayout::NHWC_FHWC, linalg::Conv2DNhwcFhwcOp());
  fn(ConvLayout::NGCHW_GFCHW, linalg::Conv2DNgchwGfchwOp());
  fn(ConvLayout::NHWGC_GFHWC, linalg::Conv2DNhwgcGfhwcOp());
  fn(ConvLayout::NCHW_CHW, linalg::DepthwiseConv2DNchwChwOp());
  fn(ConvLayout::NHWC_HWC, linalg::DepthwiseConv2DNhwcHwcOp());
  fn(ConvLayout::NHWC_HWCM, linalg::DepthwiseConv2DNhwcHwcmOp());
  fn(ConvLayout::NCDHW_FCDHW, linalg::Conv3DNcdhwFcdhwOp());
  fn(ConvLayout::NDHWC_DHWCF, linalg::Conv3DNdhwcDhwcfOp());
  fn(ConvLayout::NCDHW_CDHW, linalg::DepthwiseConv3DNcdhwCdhwOp());
  fn(ConvLayout::NDHWC_DHWC, linalg::DepthwiseConv3DNdhwcDhwcOp());
  fn(ConvLayout::NDHWC_DHWCM, linalg::DepthwiseConv3DNdhwcDhwcmOp());
}

std::optional<ConvLayout> mlir::convbn::getConvLayout(Operation *op) {
  std::optional<ConvLayout> result;
  forEachConvOp([&](ConvLayout layout, auto tag) {
    if (isa<decltype(tag)>(op))
      result = layout;
  });
  return result;
}

static SmallVector<int64_t> getConvAttr(Operation *conv, StringRef name) {
  unsigned numSpatial =
      getConvDims(*getConvLayout(conv)).getNumSpatialDims();
  auto attr = dyn_cast_if_present<DenseIntElementsAttr>(conv->getAttr(name));
  if (!attr)
    return SmallVector<int64_t>(numSpatial, 1);
  return llvm::to_vector(attr.getValues<int64_t>());
}

SmallVector<int64_t> mlir::convbn::getConvStrides(Operation *conv) {
  return getConvAttr(conv, "strides");
}

SmallVector<int64_t> mlir::convbn::getConvDilations(Operation *conv) {
  return getConvAttr(conv, "dilations");
}

Value mlir::convbn::createLinalgConv(OpBuilder &b, Location loc,
                                     ConvLayout layout, Value input,
                                     Value filter, Value init,
                                     ArrayRef<int64_t> strides,
                                     ArrayRef<int64_t> dilations) {
  auto attrType = RankedTensorType::get({static_cast<int64_t>(strides.size())},
                                        b.getI64Type());
  Attribute stridesAttr = DenseIntElementsAttr::get(attrType, strides);
  Attribute dilationsAttr = DenseIntElementsAttr::get(attrType, dilations);
  Type resultType = init.getType();
  Value inputs[] = {input, filter};
  Value result;
  forEachConvOp([&](ConvLayout candidate, auto tag) {
    if (candidate != layout)
      return;
    result = decltype(tag)::create(b, loc, TypeRange(resultType),
                                   ValueRange(inputs), ValueRange(init),
                                   stridesAttr, dilationsAttr)
                 .getResult(0);
  });
  return result;
}

Value mlir::convbn::padConvInput(OpBuilder &b, Location loc,
                                 const ConvParams &params, Value input) {
  if (llvm::all_of(params.padding, [](int64_t p) { return p == 0; }))
    return input;
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<unsigned> spatial =
      ConvDims::getSpatialDims(getConvDims(params.layout).input);
  SmallVector<int64_t> low(inputType.getRank(), 0), high(low);
  for (auto [i, pos] : llvm::enumerate(spatial)) {
    low[pos] = params.padding[i];
    high[pos] = params.padding[i + spatial.size()];
  }
  auto paddedType = tensor::PadOp::inferResultType(inputType, low, high);
  Value zero = arith::ConstantOp::create(
      b, loc, b.getZeroAttr(inputType.getElementType()));
  return tensor::PadOp::create(b, loc, paddedType, input,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high),
                               zero);
}

SmallVector<Value> mlir::convbn::getConvOutputDynamicSizes(
    OpBuilder &b, Location loc, const ConvParams &params, Value input,
    RankedTensorType filterType, RankedTensorType outputType) {
  ConvDims dims = getConvDims(params.layout);
  unsigned numSpatial = params.strides.size();
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<Value> sizes;
  unsigned spatialIndex = 0;
  for (auto [pos, dim] : llvm::enumerate(dims.output)) {
    bool spatial = ConvDims::isSpatial(dim);
    if (outputType.isDynamicDim(pos)) {
      // Only batch and spatial sizes can be dynamic (the verifier requires
      // static channels).
      Value in = tensor::DimOp::create(b, loc, input, dims.input.find(dim));
      if (!spatial) {
        sizes.push_back(in);
      } else {
        // (in + lo + hi - window) / stride + 1
        int64_t kernel = filterType.getDimSize(dims.filter.find(dim));
        int64_t window = params.dilations[spatialIndex] * (kernel - 1) + 1;
        int64_t extra = params.padding[spatialIndex] +
                        params.padding[spatialIndex + numSpatial] - window;
        Value padded = arith::AddIOp::create(b, loc, in, index(extra));
        Value steps = arith::DivSIOp::create(
            b, loc, padded, index(params.strides[spatialIndex]));
        sizes.push_back(arith::AddIOp::create(b, loc, steps, index(1)));
      }
    }
    if (spatial)
      ++spatialIndex;
  }
  return sizes;
}

Value mlir::convbn::expandChannels(OpBuilder &b, Location loc, Value vector,
                                   ArrayRef<int64_t> channelShape) {
  if (channelShape.size() == 1)
    return vector;
  auto type = cast<RankedTensorType>(vector.getType());
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, channelShape.size()));
  return tensor::ExpandShapeOp::create(b, loc, type.clone(channelShape),
                                       vector, {all});
}

Value mlir::convbn::broadcastChannels(OpBuilder &b, Location loc,
                                      ConvLayout layout, Value vector,
                                      RankedTensorType outputType,
                                      ValueRange dynamicSizes) {
  SmallVector<unsigned> channelDims = getConvDims(layout).getOutputChannelDims();
  SmallVector<int64_t> channelShape;
  SmallVector<AffineExpr> reads;
  for (unsigned pos : channelDims) {
    channelShape.push_back(outputType.getDimSize(pos));
    reads.push_back(b.getAffineDimExpr(pos));
  }
  unsigned rank = outputType.getRank();
  AffineMap maps[] = {AffineMap::get(rank, 0, reads, b.getContext()),
                      b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  Value empty = tensor::EmptyOp::create(b, loc, outputType, dynamicSizes);
  return linalg::GenericOp::create(
             b, loc, outputType, expandChannels(b, loc, vector, channelShape),
             empty, maps, parallel,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               // Widened on the way (an f16 bias into an f32 accumulator).
               Value element = args[0];
               if (element.getType() != outputType.getElementType())
                 element = arith::ExtFOp::create(
                     nested, nestedLoc, outputType.getElementType(), element);
               linalg::YieldOp::create(nested, nestedLoc, element);
             })
      .getResult(0);
}

Type mlir::convbn::getAccumulatorType(Type elementType) {
  if (elementType.isF16() || elementType.isBF16())
    return Float32Type::get(elementType.getContext());
  return elementType;
}

/// An elementwise float conversion of `value` to `type`.
static Value convertElements(OpBuilder &b, Location loc, Value value,
                             RankedTensorType type, ValueRange dynamicSizes) {
  if (value.getType() == type)
    return value;
  unsigned rank = type.getRank();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  Value empty = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
  return linalg::GenericOp::create(
             b, loc, type, value, empty, ArrayRef<AffineMap>{id, id}, parallel,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value converted =
                   type.getElementTypeBitWidth() >
                           args[0].getType().getIntOrFloatBitWidth()
                       ? Value(arith::ExtFOp::create(
                             nested, nestedLoc, type.getElementType(), args[0]))
                       : Value(arith::TruncFOp::create(
                             nested, nestedLoc, type.getElementType(),
                             args[0]));
               linalg::YieldOp::create(nested, nestedLoc, converted);
             })
      .getResult(0);
}

Value mlir::convbn::createAccumulatingConv(OpBuilder &b, Location loc,
                                           const ConvParams &params,
                                           Value input, Value filter,
                                           Value bias,
                                           RankedTensorType outputType) {
  SmallVector<Value> dynamicSizes = getConvOutputDynamicSizes(
      b, loc, params, input, cast<RankedTensorType>(filter.getType()),
      outputType);
  auto accumulatorType =
      outputType.clone(getAccumulatorType(outputType.getElementType()));
  Value init;
  if (bias) {
    init = broadcastChannels(b, loc, params.layout, bias, accumulatorType,
                             dynamicSizes);
  } else {
    Value zero = arith::ConstantOp::create(
        b, loc, b.getZeroAttr(accumulatorType.getElementType()));
    Value empty =
        tensor::EmptyOp::create(b, loc, accumulatorType, dynamicSizes);
    init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  }
  return createLinalgConv(b, loc, params.layout,
                          padConvInput(b, loc, params, input), filter, init,
                          params.strides, params.dilations);
}

Value mlir::convbn::createConvWithBias(OpBuilder &b, Location loc,
                                       const ConvParams &params, Value input,
                                       Value filter, Value bias,
                                       RankedTensorType outputType) {
  Value accumulated = createAccumulatingConv(b, loc, params, input, filter,
                                             bias, outputType);
  SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < outputType.getRank(); ++dim)
    if (outputType.isDynamicDim(dim))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, accumulated, dim));
  return convertElements(b, loc, accumulated, outputType, dynamicSizes);
}

/// The dimensions a linalg.broadcast keeps (those of its input).
static SmallVector<int64_t> getKeptDims(linalg::BroadcastOp broadcast) {
  SmallVector<int64_t> kept;
  for (int64_t dim = 0, e = broadcast.getInit().getType().getRank(); dim < e;
       ++dim)
    if (!llvm::is_contained(broadcast.getDimensions(), dim))
      kept.push_back(dim);
  return kept;
}

FailureOr<Value> mlir::convbn::matchConvInit(Value init,
                                             ArrayRef<unsigned> channelDims) {
  // Zero: no bias.
  if (matchPattern(init, m_AnyZeroFloat()))
    return Value();
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    if (matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
      return Value();

  // torch-mlir broadcasts the bias of a grouped convolution over the
  // ungrouped output, then splits the channel dimension into (group, filter):
  // the flat vector already numbers channels row-major over those two.
  if (auto expand = init.getDefiningOp<tensor::ExpandShapeOp>()) {
    auto broadcast = expand.getSrc().getDefiningOp<linalg::BroadcastOp>();
    std::optional<unsigned> source;
    for (auto [i, group] : llvm::enumerate(expand.getReassociationIndices()))
      if (llvm::equal(group, channelDims))
        source = i;
    if (broadcast && source &&
        llvm::equal(getKeptDims(broadcast), ArrayRef<int64_t>{*source}))
      return broadcast.getInput();
  }

  // A per-channel vector broadcast over every other dimension.
  if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>())
    if (llvm::equal(getKeptDims(broadcast), channelDims))
      return broadcast.getInput();
  if (auto generic = init.getDefiningOp<linalg::GenericOp>()) {
    if (generic.getNumDpsInputs() == 1 && generic.getNumDpsInits() == 1 &&
        generic.getNumReductionLoops() == 0) {
      AffineMap map = generic.getIndexingMapsArray().front();
      SmallVector<unsigned> reads;
      bool projection = generic.getIndexingMapsArray().back().isIdentity();
      for (AffineExpr expr : map.getResults()) {
        if (auto dim = dyn_cast<AffineDimExpr>(expr))
          reads.push_back(dim.getPosition());
        else
          projection = false;
      }
      // The body yields the vector's element, possibly widened to the
      // accumulator type (TOSA's f16 convolutions).
      auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
      Value yielded = yield.getOperand(0);
      if (auto ext = yielded.getDefiningOp<arith::ExtFOp>())
        yielded = ext.getIn();
      if (projection && llvm::equal(reads, channelDims) &&
          yielded == generic.getBody()->getArgument(0))
        return generic.getDpsInputOperand(0)->get();
    }
  }
  return failure();
}
