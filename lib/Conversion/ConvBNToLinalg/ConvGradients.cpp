//===- ConvGradients.cpp - gradients of linalg convolutions ---------------===//

#include "ConvGradients.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::convbn;

namespace {
/// Where each spatial dimension of a convolution sits in its three operands,
/// indexed by the spatial dimension's rank among the input's spatial letters.
struct SpatialDims {
  SmallVector<char> letters;
  SmallVector<unsigned> input, filter, output;

  explicit SpatialDims(const ConvDims &dims) {
    for (unsigned pos : ConvDims::getSpatialDims(dims.input)) {
      char letter = dims.input[pos];
      letters.push_back(letter);
      input.push_back(pos);
      filter.push_back(dims.filter.find(letter));
      output.push_back(dims.output.find(letter));
    }
  }
  size_t size() const { return letters.size(); }
};
} // namespace

/// The sizes of `value`'s dynamic dimensions, read with tensor.dim.
static SmallVector<Value> getDynamicSizes(OpBuilder &b, Location loc,
                                          Value value) {
  SmallVector<Value> sizes;
  auto type = cast<RankedTensorType>(value.getType());
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      sizes.push_back(tensor::DimOp::create(b, loc, value, dim));
  return sizes;
}

/// A zero tensor of `type`.
static Value createZeros(OpBuilder &b, Location loc, RankedTensorType type,
                         ValueRange dynamicSizes) {
  Value zero =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  Value empty = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// Widens a float scalar to `type` (no-op when it already is).
static Value widen(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return arith::ExtFOp::create(b, loc, type, value);
}

/// A linalg.generic accumulating `lhs * rhs` into `init` (operands widened to
/// the accumulator type).
static Value createContraction(OpBuilder &b, Location loc, Value lhs,
                               Value rhs, Value init,
                               ArrayRef<AffineMap> maps,
                               ArrayRef<utils::IteratorType> iterators) {
  Type accumulator = cast<RankedTensorType>(init.getType()).getElementType();
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{lhs, rhs}, init, maps,
             iterators,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value product = arith::MulFOp::create(
                   nested, nestedLoc, widen(nested, nestedLoc, args[0],
                                            accumulator),
                   widen(nested, nestedLoc, args[1], accumulator));
               linalg::YieldOp::create(
                   nested, nestedLoc,
                   arith::AddFOp::create(nested, nestedLoc, args[2], product)
                       .getResult());
             })
      .getResult(0);
}

Value mlir::convbn::createConvFilterGradient(OpBuilder &b, Location loc,
                                             const ConvParams &params,
                                             Value input, Value gradOutput,
                                             RankedTensorType filterType,
                                             Type accumulatorType) {
  MLIRContext *ctx = b.getContext();
  ConvDims dims = getConvDims(params.layout);
  SpatialDims spatial(dims);
  // Loops: the filter's dimensions (parallel), then the batch and the output
  // positions (reductions).
  unsigned numFilterLoops = dims.filter.size();
  unsigned batchLoop = numFilterLoops;
  auto outputLoop = [&](unsigned j) {
    return getAffineDimExpr(numFilterLoops + 1 + j, ctx);
  };
  unsigned numLoops = numFilterLoops + 1 + spatial.size();
  auto filterLoop = [&](char letter) {
    return getAffineDimExpr(dims.filter.find(letter), ctx);
  };

  SmallVector<AffineExpr> inputExprs, gradExprs, filterExprs;
  for (char letter : dims.input) {
    if (letter == 'n') {
      inputExprs.push_back(getAffineDimExpr(batchLoop, ctx));
    } else if (ConvDims::isSpatial(letter)) {
      unsigned j = llvm::find(spatial.letters, letter) - spatial.letters.begin();
      inputExprs.push_back(outputLoop(j) * params.strides[j] +
                           filterLoop(letter) * params.dilations[j]);
    } else {
      inputExprs.push_back(filterLoop(letter));
    }
  }
  for (char letter : dims.output) {
    if (letter == 'n') {
      gradExprs.push_back(getAffineDimExpr(batchLoop, ctx));
    } else if (ConvDims::isSpatial(letter)) {
      unsigned j = llvm::find(spatial.letters, letter) - spatial.letters.begin();
      gradExprs.push_back(outputLoop(j));
    } else {
      gradExprs.push_back(filterLoop(letter));
    }
  }
  for (unsigned pos = 0; pos < numFilterLoops; ++pos)
    filterExprs.push_back(getAffineDimExpr(pos, ctx));

  SmallVector<AffineMap> maps = {
      AffineMap::get(numLoops, 0, inputExprs, ctx),
      AffineMap::get(numLoops, 0, gradExprs, ctx),
      AffineMap::get(numLoops, 0, filterExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::reduction);
  for (unsigned pos = 0; pos < numFilterLoops; ++pos)
    iterators[pos] = utils::IteratorType::parallel;

  Value init = createZeros(b, loc, filterType.clone(accumulatorType), {});
  return createContraction(b, loc, padConvInput(b, loc, params, input),
                           gradOutput, init, maps, iterators);
}

/// The output gradient spread onto the input's grid, so that the data
/// gradient is a stride-1 correlation with the flipped filter:
/// `spread[.., j] = grad[.., (j - offset) / stride]` where `j - offset` is a
/// non-negative multiple of the stride below `size * stride`, else 0, with
/// `offset = (kernel - 1) * dilation - low padding`, along each spatial
/// dimension; `input extent + (kernel - 1) * dilation` long.
static Value spreadGradOutput(OpBuilder &b, Location loc,
                              const ConvParams &params, Value gradOutput,
                              Value input, RankedTensorType filterType) {
  ConvDims dims = getConvDims(params.layout);
  SpatialDims spatial(dims);
  auto gradType = cast<RankedTensorType>(gradOutput.getType());
  auto inputType = cast<RankedTensorType>(input.getType());
  unsigned rank = gradType.getRank();
  unsigned numSpatial = spatial.size();

  SmallVector<int64_t> shape(gradType.getShape());
  SmallVector<Value> dynamicSizes;
  SmallVector<int64_t> offsets(numSpatial);
  for (unsigned pos = 0; pos < rank; ++pos) {
    auto it = llvm::find(spatial.output, pos);
    if (it == spatial.output.end()) {
      if (gradType.isDynamicDim(pos))
        dynamicSizes.push_back(tensor::DimOp::create(b, loc, gradOutput, pos));
      continue;
    }
    unsigned j = it - spatial.output.begin();
    int64_t kernel = filterType.getDimSize(spatial.filter[j]);
    int64_t window = (kernel - 1) * params.dilations[j];
    offsets[j] = window - params.padding[j];
    int64_t inputSize = inputType.getDimSize(spatial.input[j]);
    if (ShapedType::isDynamic(inputSize)) {
      shape[pos] = ShapedType::kDynamic;
      Value size = tensor::DimOp::create(b, loc, input, spatial.input[j]);
      dynamicSizes.push_back(arith::AddIOp::create(
          b, loc, size, arith::ConstantIndexOp::create(b, loc, window)));
    } else {
      shape[pos] = inputSize + window;
    }
  }
  auto spreadType = RankedTensorType::get(shape, gradType.getElementType());

  // The output gradient's spatial sizes, read in the body.
  SmallVector<Value> gradSizes;
  for (unsigned j = 0; j < numSpatial; ++j)
    gradSizes.push_back(
        tensor::DimOp::create(b, loc, gradOutput, spatial.output[j]));

  Value empty = tensor::EmptyOp::create(b, loc, spreadType, dynamicSizes);
  AffineMap id = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, spreadType, ValueRange(), empty, ArrayRef<AffineMap>{id},
             parallel,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               auto index = [&](int64_t v) {
                 return arith::ConstantIndexOp::create(nb, l, v);
               };
               Value valid = arith::ConstantIntOp::create(nb, l, 1, 1);
               SmallVector<Value> source;
               for (unsigned pos = 0; pos < rank; ++pos) {
                 Value at = linalg::IndexOp::create(nb, l, pos);
                 auto it = llvm::find(spatial.output, pos);
                 if (it == spatial.output.end()) {
                   source.push_back(at);
                   continue;
                 }
                 unsigned j = it - spatial.output.begin();
                 int64_t stride = params.strides[j];
                 // q = at - offset: 0 <= q, q % stride == 0, q / stride < size.
                 Value q = arith::SubIOp::create(nb, l, at, index(offsets[j]));
                 Value zero = index(0);
                 Value clamped = arith::MaxSIOp::create(nb, l, q, zero);
                 Value quotient = arith::DivUIOp::create(nb, l, clamped,
                                                         index(stride));
                 Value remainder = arith::RemUIOp::create(nb, l, clamped,
                                                          index(stride));
                 Value inRange = arith::AndIOp::create(
                     nb, l,
                     arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, q,
                                           zero),
                     arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                           quotient, gradSizes[j]));
                 Value aligned = arith::CmpIOp::create(
                     nb, l, arith::CmpIPredicate::eq, remainder, zero);
                 valid = arith::AndIOp::create(
                     nb, l, valid, arith::AndIOp::create(nb, l, inRange,
                                                         aligned));
                 // An in-bounds index for the (discarded) read of invalid
                 // positions.
                 Value last = arith::SubIOp::create(nb, l, gradSizes[j],
                                                    index(1));
                 source.push_back(arith::MaxSIOp::create(
                     nb, l, arith::MinSIOp::create(nb, l, quotient, last),
                     zero));
               }
               Value element =
                   tensor::ExtractOp::create(nb, l, gradOutput, source);
               Value zeroElement = arith::ConstantOp::create(
                   nb, l, nb.getZeroAttr(gradType.getElementType()));
               linalg::YieldOp::create(
                   nb, l,
                   arith::SelectOp::create(nb, l, valid, element, zeroElement)
                       .getResult());
             })
      .getResult(0);
}

/// `filter` with every kernel dimension reversed: `flipped[.., k] =
/// filter[.., K - 1 - k]` (weight-sized). With `channelScale` (per output
/// channel, shaped like the filter's output-channel dimensions), each
/// element is also multiplied by its channel's factor, in the factor's type,
/// and the result has element type `scaledType`.
static Value flipKernel(OpBuilder &b, Location loc, ConvLayout layout,
                        Value filter, Value channelScale, Type scaledType) {
  ConvDims dims = getConvDims(layout);
  auto type = cast<RankedTensorType>(filter.getType());
  unsigned rank = type.getRank();
  SmallVector<AffineExpr> reads;
  for (unsigned pos = 0; pos < rank; ++pos) {
    AffineExpr dim = b.getAffineDimExpr(pos);
    reads.push_back(ConvDims::isSpatial(dims.filter[pos])
                        ? b.getAffineConstantExpr(type.getDimSize(pos) - 1) -
                              dim
                        : dim);
  }
  SmallVector<Value> inputs{filter};
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, reads, b.getContext())};
  if (channelScale) {
    // The channel dimensions are not flipped: read them at the loop itself.
    SmallVector<AffineExpr> channels;
    for (unsigned pos : dims.getFilterChannelDims())
      channels.push_back(b.getAffineDimExpr(pos));
    inputs.push_back(channelScale);
    maps.push_back(AffineMap::get(rank, 0, channels, b.getContext()));
    type = type.clone(scaledType);
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  Value empty = tensor::EmptyOp::create(b, loc, type, ValueRange());
  return linalg::GenericOp::create(
             b, loc, type, inputs, empty, maps, parallel,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value element = args[0];
               if (channelScale) {
                 Value factor = args[1];
                 element = arith::MulFOp::create(
                     nested, nestedLoc,
                     widen(nested, nestedLoc, element, factor.getType()),
                     factor);
                 if (element.getType() != scaledType)
                   element = arith::TruncFOp::create(nested, nestedLoc,
                                                     scaledType, element);
               }
               linalg::YieldOp::create(nested, nestedLoc, element);
             })
      .getResult(0);
}

Value mlir::convbn::createConvDataGradient(OpBuilder &b, Location loc,
                                           const ConvParams &params,
                                           Value gradOutput, Value filter,
                                           Value input, Type accumulatorType,
                                           Value filterScale) {
  MLIRContext *ctx = b.getContext();
  ConvDims dims = getConvDims(params.layout);
  SpatialDims spatial(dims);
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto inputType = cast<RankedTensorType>(input.getType());
  Value spread =
      spreadGradOutput(b, loc, params, gradOutput, input, filterType);

  // Loops: the input's dimensions (parallel), then the filter's channel
  // dimensions the input does not have (output channels, multipliers) and
  // the flipped kernel positions (reductions).
  unsigned numInputLoops = dims.input.size();
  SmallVector<char> reducedLetters;
  for (char letter : dims.filter)
    if (!ConvDims::isSpatial(letter) &&
        dims.input.find(letter) == std::string::npos)
      reducedLetters.push_back(letter);
  unsigned kernelBase = numInputLoops + reducedLetters.size();
  unsigned numLoops = kernelBase + spatial.size();
  auto loopOf = [&](char letter) -> AffineExpr {
    size_t pos = dims.input.find(letter);
    if (pos != std::string::npos)
      return getAffineDimExpr(pos, ctx);
    unsigned r = llvm::find(reducedLetters, letter) - reducedLetters.begin();
    return getAffineDimExpr(numInputLoops + r, ctx);
  };
  auto spatialIndex = [&](char letter) {
    return unsigned(llvm::find(spatial.letters, letter) -
                    spatial.letters.begin());
  };

  SmallVector<AffineExpr> spreadExprs, filterExprs, resultExprs;
  for (char letter : dims.output) {
    if (ConvDims::isSpatial(letter)) {
      unsigned j = spatialIndex(letter);
      spreadExprs.push_back(getAffineDimExpr(spatial.input[j], ctx) +
                            getAffineDimExpr(kernelBase + j, ctx) *
                                params.dilations[j]);
    } else {
      spreadExprs.push_back(loopOf(letter));
    }
  }
  // The flipped filter, read at the kernel loops (a map with `K - 1 - k`
  // would leave k without a loop bound linalg can derive).
  for (char letter : dims.filter) {
    if (ConvDims::isSpatial(letter))
      filterExprs.push_back(
          getAffineDimExpr(kernelBase + spatialIndex(letter), ctx));
    else
      filterExprs.push_back(loopOf(letter));
  }
  for (unsigned pos = 0; pos < numInputLoops; ++pos)
    resultExprs.push_back(getAffineDimExpr(pos, ctx));

  SmallVector<AffineMap> maps = {
      AffineMap::get(numLoops, 0, spreadExprs, ctx),
      AffineMap::get(numLoops, 0, filterExprs, ctx),
      AffineMap::get(numLoops, 0, resultExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::reduction);
  for (unsigned pos = 0; pos < numInputLoops; ++pos)
    iterators[pos] = utils::IteratorType::parallel;

  Value init = createZeros(b, loc, inputType.clone(accumulatorType),
                           getDynamicSizes(b, loc, input));
  return createContraction(b, loc, spread,
                           flipKernel(b, loc, params.layout, filter,
                                      filterScale, accumulatorType),
                           init,
                           maps, iterators);
}
