//===- ConvBNToLinalg.cpp - lower convbn ops to linalg --------------------===//
//
// The lowering is the dialect's reference semantics: every op becomes linalg
// named convolutions and linalg.generic ops on tensors, so that upstream
// bufferization and code generation can run it anywhere.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Conversion/Passes.h"

#include "ConvBN/IR/ConvBNOps.h"
#include "ConvBN/IR/LinalgConv.h"
#include "ConvGradients.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_CONVERTCONVBNTOLINALG
#include "ConvBN/Conversion/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// Builds the tensor computations of the lowering at one location. Scalar
/// arithmetic inside linalg bodies goes through `compute`, the float type in
/// which batch-norm arithmetic is done.
class ChannelBuilder {
public:
  ChannelBuilder(OpBuilder &b, Location loc, FloatType compute)
      : b(b), loc(loc), compute(compute) {}

  /// A scalar constant of the compute type.
  Value constant(double value) const {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(compute, value));
  }

  /// Widens or narrows a float scalar to `type`.
  Value convert(OpBuilder &nested, Value value, Type type) const {
    unsigned from = value.getType().getIntOrFloatBitWidth();
    unsigned to = type.getIntOrFloatBitWidth();
    if (value.getType() == type)
      return value;
    if (from < to)
      return arith::ExtFOp::create(nested, loc, type, value);
    return arith::TruncFOp::create(nested, loc, type, value);
  }

  /// An empty tensor of `type`, taking dynamic sizes from `dynamicSizes`.
  Value empty(RankedTensorType type, ValueRange dynamicSizes = {}) const {
    return tensor::EmptyOp::create(b, loc, type, dynamicSizes);
  }

  /// An empty tensor of `like`'s shape (dynamic sizes included) and `type`'s
  /// element type.
  Value emptyLike(Value like, RankedTensorType type) const {
    return tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, like),
                                   type.getElementType());
  }

  /// A tensor of `type` filled with `value`.
  Value filled(RankedTensorType type, double value,
               ValueRange dynamicSizes = {}) const {
    Value scalar = arith::ConstantOp::create(
        b, loc, b.getFloatAttr(type.getElementType(), value));
    return linalg::FillOp::create(b, loc, scalar, empty(type, dynamicSizes))
        .getResult(0);
  }

  /// A linalg.generic over `init`'s iteration space: `maps` holds one map per
  /// input, then the map of `init`; the body receives the block arguments
  /// and returns the value to yield.
  using BodyFn = function_ref<Value(OpBuilder &, ValueRange)>;
  Value generic(ValueRange inputs, Value init, ArrayRef<AffineMap> maps,
                ArrayRef<utils::IteratorType> iterators, BodyFn body) const {
    auto op = linalg::GenericOp::create(
        b, loc, init.getType(), inputs, init, maps, iterators,
        [&](OpBuilder &nested, Location, ValueRange args) {
          linalg::YieldOp::create(nested, loc, body(nested, args));
        });
    return op.getResult(0);
  }

  /// An elementwise linalg.generic over 1-D per-channel vectors.
  Value channelwise(ValueRange inputs, RankedTensorType resultType,
                    BodyFn body) const {
    AffineMap id = b.getMultiDimIdentityMap(1);
    SmallVector<AffineMap> maps(inputs.size() + 1, id);
    return generic(inputs, empty(resultType), maps,
                   {utils::IteratorType::parallel}, body);
  }

  /// `scale / sqrt(variance + epsilon)` per channel, in the compute type
  /// (`scale` may be null, standing for 1). With `nanIfNotFinite`, a scale
  /// that is not finite (an infinite scale, variance + epsilon <= 0) becomes
  /// NaN: tune and deploy then give NaN for the whole channel, where a
  /// folded filter w·inf would mix infinities and NaNs (0·inf) depending on
  /// the weights (docs/design.md, "Non-finite batch norms").
  Value channelScale(Value scale, Value variance, double epsilon,
                     bool nanIfNotFinite = false) const {
    auto varianceType = cast<RankedTensorType>(variance.getType());
    SmallVector<Value> inputs{variance};
    if (scale)
      inputs.push_back(scale);
    return channelwise(
        inputs, varianceType.clone(compute),
        [&](OpBuilder &nested, ValueRange args) -> Value {
          Value var = convert(nested, args[0], compute);
          Value eps =
              arith::ConstantOp::create(nested, loc,
                                        nested.getFloatAttr(compute, epsilon));
          Value stddev = math::SqrtOp::create(
              nested, loc, arith::AddFOp::create(nested, loc, var, eps));
          Value numerator =
              scale ? convert(nested, args[1], compute)
                    : arith::ConstantOp::create(
                          nested, loc, nested.getFloatAttr(compute, 1.0));
          Value s = arith::DivFOp::create(nested, loc, numerator, stddev);
          if (!nanIfNotFinite)
            return s;
          Value infinity = arith::ConstantOp::create(
              nested, loc,
              nested.getFloatAttr(compute, APFloat::getInf(
                                               compute.getFloatSemantics())));
          Value nan = arith::ConstantOp::create(
              nested, loc,
              nested.getFloatAttr(compute, APFloat::getQNaN(
                                               compute.getFloatSemantics())));
          Value finite = arith::CmpFOp::create(
              nested, loc, arith::CmpFPredicate::OLT,
              math::AbsFOp::create(nested, loc, s), infinity);
          return arith::SelectOp::create(nested, loc, finite, s, nan);
        });
  }

  Value expandChannels(Value vector, ArrayRef<int64_t> channelShape) const {
    return convbn::expandChannels(b, loc, vector, channelShape);
  }

  /// The inverse of `expandChannels`.
  Value collapseChannels(Value tensor) const {
    auto type = cast<RankedTensorType>(tensor.getType());
    if (type.getRank() == 1)
      return tensor;
    ReassociationIndices all =
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    return tensor::CollapseShapeOp::create(b, loc, tensor, {all});
  }

  /// `Σ body(args)` per channel: a reduction of tensors shaped like
  /// `shaped` (read through the identity) and per-channel vectors (read
  /// along `channelDims`) over every other dimension, into a 1-D vector of
  /// the compute type. `body` receives the tensors' elements, then the
  /// vectors', widened to the compute type.
  Value sumPerChannel(ValueRange shaped, ValueRange vectors,
                      ArrayRef<unsigned> channelDims, BodyFn body) const {
    auto type = cast<RankedTensorType>(shaped.front().getType());
    unsigned rank = type.getRank();
    SmallVector<int64_t> channelShape;
    for (unsigned pos : channelDims)
      channelShape.push_back(type.getDimSize(pos));
    AffineMap id = b.getMultiDimIdentityMap(rank);
    AffineMap perChannel = channelMap(rank, channelDims);
    SmallVector<Value> inputs(shaped.begin(), shaped.end());
    SmallVector<AffineMap> maps(shaped.size(), id);
    for (Value vector : vectors) {
      inputs.push_back(expandChannels(vector, channelShape));
      maps.push_back(perChannel);
    }
    maps.push_back(perChannel);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    for (unsigned pos : channelDims)
      iterators[pos] = utils::IteratorType::parallel;
    Value sum = generic(
        inputs, filled(RankedTensorType::get(channelShape, compute), 0.0),
        maps, iterators, [&](OpBuilder &nested, ValueRange args) {
          SmallVector<Value> widened;
          for (Value arg : args.drop_back())
            widened.push_back(convert(nested, arg, compute));
          return arith::AddFOp::create(nested, loc, args.back(),
                                       body(nested, widened))
              .getResult();
        });
    return collapseChannels(sum);
  }

  /// `tensor * vector[c]` along `channelDims`, as `elementType` (computed in
  /// the compute type).
  Value scalePerChannel(Value tensor, Value vector,
                        ArrayRef<unsigned> channelDims, Type elementType,
                        ValueRange dynamicSizes = {}) const {
    auto type = cast<RankedTensorType>(tensor.getType());
    unsigned rank = type.getRank();
    SmallVector<int64_t> channelShape;
    for (unsigned pos : channelDims)
      channelShape.push_back(type.getDimSize(pos));
    AffineMap id = b.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    return generic({tensor, expandChannels(vector, channelShape)},
                   empty(type.clone(elementType), dynamicSizes),
                   {id, channelMap(rank, channelDims), id}, parallel,
                   [&](OpBuilder &nested, ValueRange args) {
                     Value product = arith::MulFOp::create(
                         nested, loc, convert(nested, args[0], compute),
                         convert(nested, args[1], compute));
                     return convert(nested, product, elementType);
                   });
  }

  /// An elementwise `body` over 1-D per-channel vectors, as `type`.
  Value channelwiseAs(ValueRange inputs, RankedTensorType type,
                      BodyFn body) const {
    return channelwise(inputs, type, [&](OpBuilder &nested, ValueRange args) {
      SmallVector<Value> widened;
      for (Value arg : args.drop_back())
        widened.push_back(convert(nested, arg, compute));
      return convert(nested, body(nested, widened), type.getElementType());
    });
  }

  /// The map of a rank-`rank` iteration space onto `channelDims`.
  AffineMap channelMap(unsigned rank, ArrayRef<unsigned> channelDims) const {
    SmallVector<AffineExpr> exprs;
    for (unsigned pos : channelDims)
      exprs.push_back(b.getAffineDimExpr(pos));
    return AffineMap::get(rank, 0, exprs, b.getContext());
  }

  OpBuilder &b;
  Location loc;
  FloatType compute;
};

/// Maps an iteration space of `rank` dims onto the dims at `positions`.
static AffineMap projection(MLIRContext *ctx, unsigned rank,
                            ArrayRef<unsigned> positions) {
  SmallVector<AffineExpr> exprs;
  for (unsigned pos : positions)
    exprs.push_back(getAffineDimExpr(pos, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

static SmallVector<int64_t> gatherSizes(ShapedType type,
                                        ArrayRef<unsigned> positions) {
  SmallVector<int64_t> sizes;
  for (unsigned pos : positions)
    sizes.push_back(type.getDimSize(pos));
  return sizes;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

struct LowerFoldWeights : OpRewritePattern<FoldWeightsOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(FoldWeightsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    auto biasType = cast<RankedTensorType>(op.getFoldedBias().getType());
    Type paramType = op.getMean().getType().getElementType();
    ChannelBuilder cb(rewriter, loc,
                      getComputeType(filterType.getElementType(), paramType));
    MLIRContext *ctx = rewriter.getContext();

    Value s = cb.channelScale(op.getScale(), op.getVariance(),
                              op.getEpsilon().convertToDouble(),
                              /*nanIfNotFinite=*/true);

    // folded_filter = filter * s, s read along the output-channel dims.
    SmallVector<unsigned> channelDims =
        getConvDims(op.getLayout()).getFilterChannelDims();
    unsigned rank = filterType.getRank();
    Value sExpanded =
        cb.expandChannels(s, gatherSizes(filterType, channelDims));
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value foldedFilter = cb.generic(
        {op.getFilter(), sExpanded}, cb.emptyLike(op.getFilter(), filterType),
        {id, projection(ctx, rank, channelDims), id}, parallel,
        [&](OpBuilder &b, ValueRange args) {
          Value w = cb.convert(b, args[0], cb.compute);
          Value product = arith::MulFOp::create(b, loc, w, args[1]);
          return cb.convert(b, product, filterType.getElementType());
        });

    // folded_bias = (bias - mean) * s + offset.
    SmallVector<Value> inputs{s, op.getMean()};
    if (op.getBias())
      inputs.push_back(op.getBias());
    if (op.getOffset())
      inputs.push_back(op.getOffset());
    bool hasBias = !!op.getBias(), hasOffset = !!op.getOffset();
    Value foldedBias = cb.channelwise(
        inputs, biasType, [&](OpBuilder &b, ValueRange args) {
          Value mean = cb.convert(b, args[1], cb.compute);
          Value centered = arith::NegFOp::create(b, loc, mean);
          if (hasBias)
            centered = arith::SubFOp::create(
                b, loc, cb.convert(b, args[2], cb.compute), mean);
          Value result = arith::MulFOp::create(b, loc, centered, args[0]);
          if (hasOffset)
            result = arith::AddFOp::create(
                b, loc, result,
                cb.convert(b, args[hasBias ? 3 : 2], cb.compute));
          return cb.convert(b, result, biasType.getElementType());
        });

    rewriter.replaceOp(op, {foldedFilter, foldedBias});
    return success();
  }
};

struct LowerConvBN : OpRewritePattern<ConvBNOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvBNOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outputType = cast<RankedTensorType>(op.getOutput().getType());
    Type elementType = outputType.getElementType();
    Type paramType = op.getMean().getType().getElementType();
    ChannelBuilder cb(rewriter, loc, getComputeType(elementType, paramType));
    ConvParams params{op.getLayout(), op.getStrideValues(),
                      op.getDilationValues(), op.getPaddingValues()};
    SmallVector<unsigned> channelDims =
        getConvDims(op.getLayout()).getOutputChannelDims();
    SmallVector<int64_t> channelShape = gatherSizes(outputType, channelDims);
    SmallVector<Value> dynamicSizes = getConvOutputDynamicSizes(
        rewriter, loc, params, op.getInput(),
        cast<RankedTensorType>(op.getFilter().getType()), outputType);

    // Narrow types (f16, bf16) accumulate in f32. Folding the batch norm
    // into their filter would round w·s to the narrow type, which loses
    // accuracy and overflows where |w·s| > 65504 although the normalised
    // output is finite; tune and deploy normalise the f32 accumulator
    // instead (the same arithmetic as eval, with tune's contract for
    // non-finite scales). No activation-sized tensor is kept for backward
    // either way: what tune saves is decided by its backward, not by where
    // forward applies s.
    bool narrow = getAccumulatorType(elementType) != elementType;
    switch (op.getMode()) {
    case Mode::Tune:
    case Mode::Deploy: {
      // Constant parameters: fold now.
      if (op.getMode() == Mode::Deploy) {
        FailureOr<Value> folded = buildFoldedDeployConv(rewriter, op);
        if (succeeded(folded)) {
          rewriter.replaceOp(op, *folded);
          return success();
        }
      }
      if (narrow) {
        rewriter.replaceOp(op, normalise(op, cb, dynamicSizes,
                                         /*nanIfNotFinite=*/true));
        return success();
      }
      // Fold on weight-sized data on every execution, then one convolution.
      auto fold = FoldWeightsOp::create(
          rewriter, loc, op.getLayoutAttr(), op.getFilter(), op.getBias(),
          op.getScale(), op.getOffset(), op.getMean(), op.getVariance(),
          op.getEpsilonAttr());
      rewriter.replaceOp(op, createConvWithBias(rewriter, loc, params,
                                                op.getInput(),
                                                fold.getFoldedFilter(),
                                                fold.getFoldedBias(),
                                                outputType));
      return success();
    }
    case Mode::Eval: {
      Value convOutput;
      Value output = normalise(op, cb, dynamicSizes, /*nanIfNotFinite=*/false,
                               op.getKeepConvOutput() ? &convOutput : nullptr);
      if (convOutput)
        rewriter.replaceOp(op, {output, convOutput});
      else
        rewriter.replaceOp(op, output);
      return success();
    }
    case Mode::Train:
      rewriter.replaceOp(
          op, lowerTrain(op, cb,
                         createAccumulatingConv(rewriter, loc, params,
                                                op.getInput(), op.getFilter(),
                                                op.getBias(), outputType),
                         channelShape, dynamicSizes));
      return success();
    }
    llvm_unreachable("unknown mode");
  }

  /// `(conv(input, filter) + bias - mean) * s + offset`, normalising the
  /// convolution's accumulator (f32 for half types) and rounding once. With
  /// `convOutput`, also returns `conv(input, filter) + bias` in the output
  /// type (what an eval-mode backward reads).
  static Value normalise(ConvBNOp op, ChannelBuilder &cb,
                         ValueRange dynamicSizes, bool nanIfNotFinite,
                         Value *convOutput = nullptr) {
    OpBuilder &b = cb.b;
    Location loc = cb.loc;
    auto outputType = cast<RankedTensorType>(op.getOutput().getType());
    Type elementType = outputType.getElementType();
    unsigned rank = outputType.getRank();
    SmallVector<unsigned> channelDims =
        getConvDims(op.getLayout()).getOutputChannelDims();
    SmallVector<int64_t> channelShape = gatherSizes(outputType, channelDims);
    AffineMap id = b.getMultiDimIdentityMap(rank);
    AffineMap perChannel = projection(b.getContext(), rank, channelDims);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    ConvParams params{op.getLayout(), op.getStrideValues(),
                      op.getDilationValues(), op.getPaddingValues()};
    Value conv = createAccumulatingConv(b, loc, params, op.getInput(),
                                        op.getFilter(), op.getBias(),
                                        outputType);
    if (convOutput) {
      *convOutput = conv;
      if (conv.getType() != outputType) {
        AffineMap id = b.getMultiDimIdentityMap(rank);
        *convOutput = cb.generic(
            conv, cb.empty(outputType, dynamicSizes), {id, id}, parallel,
            [&](OpBuilder &nested, ValueRange args) {
              return cb.convert(nested, args[0], elementType);
            });
      }
    }
    Value s = cb.channelScale(op.getScale(), op.getVariance(),
                              op.getEpsilon().convertToDouble(),
                              nanIfNotFinite);
    SmallVector<Value> inputs{conv,
                              cb.expandChannels(op.getMean(), channelShape),
                              cb.expandChannels(s, channelShape)};
    if (op.getOffset())
      inputs.push_back(cb.expandChannels(op.getOffset(), channelShape));
    SmallVector<AffineMap> maps(inputs.size(), perChannel);
    maps.front() = id;
    maps.push_back(id);
    bool hasOffset = !!op.getOffset();
    return cb.generic(
        inputs, cb.empty(outputType, dynamicSizes), maps, parallel,
        [&](OpBuilder &nested, ValueRange args) {
          Value y = cb.convert(nested, args[0], cb.compute);
          Value mean = cb.convert(nested, args[1], cb.compute);
          Value z = arith::MulFOp::create(
              nested, loc, arith::SubFOp::create(nested, loc, y, mean),
              args[2]);
          if (hasOffset)
            z = arith::AddFOp::create(nested, loc, z,
                                      cb.convert(nested, args[3], cb.compute));
          return cb.convert(nested, z, elementType);
        });
  }

  /// Batch statistics, normalisation and the running-statistics update.
  static SmallVector<Value> lowerTrain(ConvBNOp op, ChannelBuilder &cb,
                                       Value conv,
                                       ArrayRef<int64_t> channelShape,
                                       ValueRange dynamicSizes) {
    OpBuilder &rewriter = cb.b;
    Location loc = cb.loc;
    MLIRContext *ctx = rewriter.getContext();
    FloatType compute = cb.compute;
    // `conv` may be wider than the op's output (f32 accumulator of f16).
    auto outputType = op.getOutput().getType();
    auto paramVectorType = cast<RankedTensorType>(op.getMean().getType());
    unsigned rank = outputType.getRank();
    SmallVector<unsigned> channelDims =
        getConvDims(op.getLayout()).getOutputChannelDims();
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap perChannel = projection(ctx, rank, channelDims);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    for (unsigned pos : channelDims)
      iterators[pos] = utils::IteratorType::parallel;

    // n = number of values per channel, as a float of the compute type.
    Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t pos = 0; pos < rank; ++pos) {
      if (llvm::is_contained(channelDims, pos))
        continue;
      Value size = tensor::DimOp::create(rewriter, loc, conv, pos);
      count = arith::MulIOp::create(rewriter, loc, count, size);
    }
    Value n = arith::UIToFPOp::create(
        rewriter, loc, compute,
        arith::IndexCastUIOp::create(rewriter, loc, rewriter.getI64Type(),
                                     count));

    auto channelTensorType = RankedTensorType::get(channelShape, compute);
    auto reduce = [&](Value mean) {
      SmallVector<Value> inputs{conv};
      SmallVector<AffineMap> maps{id};
      if (mean) {
        inputs.push_back(cb.expandChannels(mean, channelShape));
        maps.push_back(perChannel);
      }
      maps.push_back(perChannel);
      Value sum = cb.generic(
          inputs, cb.filled(channelTensorType, 0.0), maps, iterators,
          [&](OpBuilder &b, ValueRange args) {
            Value y = cb.convert(b, args[0], compute);
            if (mean) {
              Value d = arith::SubFOp::create(b, loc, y, args[1]);
              y = arith::MulFOp::create(b, loc, d, d);
            }
            return arith::AddFOp::create(b, loc, args.back(), y);
          });
      return cb.collapseChannels(sum);
    };
    auto vectorType = paramVectorType.clone(compute);
    auto divideByN = [&](Value sum) {
      return cb.channelwise(sum, vectorType, [&](OpBuilder &b, ValueRange a) {
        return arith::DivFOp::create(b, loc, a[0], n);
      });
    };

    // Two passes (mean, then squared deviations) for accuracy.
    Value mean = divideByN(reduce(Value()));
    Value variance = divideByN(reduce(mean));
    double epsilon = op.getEpsilon().convertToDouble();
    Value invStd = cb.channelScale(Value(), variance, epsilon);

    // output = (y - mean) * invStd * scale + offset.
    SmallVector<Value> inputs{conv, cb.expandChannels(mean, channelShape),
                              cb.expandChannels(invStd, channelShape)};
    if (op.getScale())
      inputs.push_back(cb.expandChannels(op.getScale(), channelShape));
    if (op.getOffset())
      inputs.push_back(cb.expandChannels(op.getOffset(), channelShape));
    SmallVector<AffineMap> maps(inputs.size(), perChannel);
    maps.front() = id;
    maps.push_back(id);
    bool hasScale = !!op.getScale(), hasOffset = !!op.getOffset();
    Type elementType = outputType.getElementType();
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value output = cb.generic(
        inputs, cb.empty(outputType, dynamicSizes), maps, parallel,
        [&](OpBuilder &b, ValueRange args) {
          Value y = cb.convert(b, args[0], compute);
          Value z = arith::MulFOp::create(
              b, loc, arith::SubFOp::create(b, loc, y, args[1]), args[2]);
          unsigned next = 3;
          if (hasScale)
            z = arith::MulFOp::create(b, loc, z,
                                      cb.convert(b, args[next++], compute));
          if (hasOffset)
            z = arith::AddFOp::create(b, loc, z,
                                      cb.convert(b, args[next], compute));
          return cb.convert(b, z, elementType);
        });

    // Running statistics: (1 - m) * running + m * batch, the variance
    // unbiased by n / (n - 1).
    double momentum = op.getMomentum()->convertToDouble();
    Type paramType = paramVectorType.getElementType();
    auto update = [&](Value running, Value batch, bool unbias) {
      return cb.channelwise(
          ValueRange{running, batch}, paramVectorType,
          [&](OpBuilder &b, ValueRange args) {
            auto c = [&](double v) {
              return arith::ConstantOp::create(b, loc,
                                               b.getFloatAttr(compute, v));
            };
            Value batchValue = args[1];
            if (unbias) {
              Value nMinusOne = arith::SubFOp::create(b, loc, n, c(1.0));
              batchValue = arith::DivFOp::create(
                  b, loc, arith::MulFOp::create(b, loc, batchValue, n),
                  nMinusOne);
            }
            Value kept = arith::MulFOp::create(
                b, loc, cb.convert(b, args[0], compute), c(1.0 - momentum));
            Value added =
                arith::MulFOp::create(b, loc, batchValue, c(momentum));
            return cb.convert(b, arith::AddFOp::create(b, loc, kept, added),
                              paramType);
          });
    };
    auto toParamType = [&](Value vector) {
      return cb.channelwise(vector, paramVectorType,
                            [&](OpBuilder &b, ValueRange args) {
                              return cb.convert(b, args[0], paramType);
                            });
    };
    Value newMean = update(op.getMean(), mean, /*unbias=*/false);
    Value newVariance = update(op.getVariance(), variance, /*unbias=*/true);
    return {output, newMean, newVariance, toParamType(mean),
            toParamType(invStd)};
  }
};

/// The backward op as the convolutions of its gradients and per-channel
/// reductions (the formulas of the op's description).
struct LowerConvBNBackward : OpRewritePattern<ConvBNBackwardOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvBNBackwardOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    auto gradType = cast<RankedTensorType>(op.getGradOutput().getType());
    Type elementType = inputType.getElementType();
    auto paramType = cast<RankedTensorType>(op.getMean().getType());
    ChannelBuilder cb(rewriter, loc,
                      getComputeType(elementType, paramType.getElementType()));
    Type accumulator = getAccumulatorType(elementType);
    ConvParams params{op.getLayout(), op.getStrideValues(),
                      op.getDilationValues(), op.getPaddingValues()};
    ConvDims dims = getConvDims(op.getLayout());
    SmallVector<unsigned> outputChannels = dims.getOutputChannelDims();
    SmallVector<unsigned> filterChannels = dims.getFilterChannelDims();
    bool tune = op.getMode() == Mode::Tune;
    double epsilon = op.getEpsilon().convertToDouble();
    Value dz = op.getGradOutput();

    // s = scale / sqrt(variance + eps) and 1 / sqrt(variance + eps); tune
    // makes a channel with a non-finite s NaN, as its forward does.
    Value s = cb.channelScale(op.getScale(), op.getVariance(), epsilon, tune);
    Value invStd = cb.channelScale(Value(), op.getVariance(), epsilon, tune);
    auto computeVector = paramType.clone(cb.compute);
    auto sum = [&](OpBuilder &, ValueRange args) { return args[0]; };
    Value sumDz = cb.sumPerChannel(dz, {}, outputChannels, sum);

    // The activation-sized gradient eval works from: dY = dZ * s.
    Value dy;
    SmallVector<Value> gradDynamicSizes;
    for (int64_t dim = 0; dim < gradType.getRank(); ++dim)
      if (gradType.isDynamicDim(dim))
        gradDynamicSizes.push_back(
            tensor::DimOp::create(rewriter, loc, dz, dim));
    if (!tune)
      dy = cb.scalePerChannel(dz, s, outputChannels, accumulator,
                              gradDynamicSizes);

    // tune: dW' = conv_filter_grad(input, dZ), the gradient with respect to
    // the folded filter.
    Value foldedFilterGrad;
    if (tune && (op.getGradFilter() || op.getGradScale()))
      foldedFilterGrad = createConvFilterGradient(
          rewriter, loc, params, op.getInput(), dz, filterType, accumulator);

    SmallVector<Value> results;
    auto castTo = [&](Value value, RankedTensorType type) {
      if (value.getType() == type)
        return value;
      unsigned rank = type.getRank();
      AffineMap id = rewriter.getMultiDimIdentityMap(rank);
      SmallVector<Value> sizes;
      for (int64_t dim = 0; dim < type.getRank(); ++dim)
        if (type.isDynamicDim(dim))
          sizes.push_back(tensor::DimOp::create(rewriter, loc, value, dim));
      SmallVector<utils::IteratorType> parallel(rank,
                                                utils::IteratorType::parallel);
      return cb.generic(value, cb.empty(type, sizes), {id, id}, parallel,
                        [&](OpBuilder &nested, ValueRange args) {
                          return cb.convert(nested, args[0],
                                            type.getElementType());
                        });
    };

    if (op.getGradInput()) {
      Value gradInput;
      if (tune) {
        // conv_data_grad(dZ, filter * s), with the folded filter in the
        // accumulator type: rounding it to a narrow type would overflow
        // where the forward's epilogue does not. The fold is recomputed
        // here, inside the data gradient's kernel flip, rather than shared
        // with the forward's: a shared one (CSE merges identical folds)
        // would keep every block's folded filter alive from its forward to
        // its backward. Recomputing costs one weight-sized pass, which the
        // flip makes anyway, and frees the sum of the network's filters
        // (94 MB for ResNet-50) from the step's peak.
        SmallVector<int64_t> channelShape;
        for (unsigned pos : filterChannels)
          channelShape.push_back(filterType.getDimSize(pos));
        gradInput = createConvDataGradient(
            rewriter, loc, params, dz, op.getFilter(), op.getInput(),
            accumulator, cb.expandChannels(s, channelShape));
      } else {
        gradInput = createConvDataGradient(rewriter, loc, params, dy,
                                           op.getFilter(), op.getInput(),
                                           accumulator);
      }
      results.push_back(castTo(gradInput, inputType));
    }
    if (op.getGradFilter()) {
      Value gradFilter =
          tune ? cb.scalePerChannel(foldedFilterGrad, s, filterChannels,
                                    filterType.getElementType())
               : castTo(createConvFilterGradient(rewriter, loc, params,
                                                 op.getInput(), dy, filterType,
                                                 accumulator),
                        filterType);
      results.push_back(gradFilter);
    }
    if (op.getGradBias()) {
      // Σ dY = s * Σ dZ in both modes.
      auto biasType = cast<RankedTensorType>(op.getBias().getType());
      results.push_back(cb.channelwiseAs(
          {s, sumDz}, biasType, [&](OpBuilder &nested, ValueRange args) {
            return arith::MulFOp::create(nested, loc, args[0], args[1]);
          }));
    }
    if (op.getGradScale()) {
      Value dotted;
      Value centeredSum;
      if (tune) {
        // (Σ dW'·filter + Σ dZ·(bias - mean)) / sqrt(variance + eps)
        dotted = cb.sumPerChannel(
            {foldedFilterGrad, op.getFilter()}, {}, filterChannels,
            [&](OpBuilder &nested, ValueRange args) {
              return arith::MulFOp::create(nested, loc, args[0], args[1]);
            });
        SmallVector<Value> inputs{sumDz, op.getMean()};
        if (op.getBias())
          inputs.push_back(op.getBias());
        bool hasBias = !!op.getBias();
        centeredSum = cb.channelwiseAs(
            inputs, computeVector, [&](OpBuilder &nested, ValueRange args) {
              Value centered =
                  hasBias ? arith::SubFOp::create(nested, loc, args[2], args[1])
                                .getResult()
                          : arith::NegFOp::create(nested, loc, args[1])
                                .getResult();
              return arith::MulFOp::create(nested, loc, args[0], centered);
            });
      } else {
        // Σ dZ·(Y - mean) / sqrt(variance + eps)
        dotted = cb.sumPerChannel(
            {dz, op.getConvOutput()}, {op.getMean()}, outputChannels,
            [&](OpBuilder &nested, ValueRange args) {
              Value centered =
                  arith::SubFOp::create(nested, loc, args[1], args[2]);
              return arith::MulFOp::create(nested, loc, args[0], centered);
            });
      }
      SmallVector<Value> inputs{dotted, invStd};
      if (centeredSum)
        inputs.push_back(centeredSum);
      bool hasCentered = !!centeredSum;
      results.push_back(cb.channelwiseAs(
          inputs, paramType, [&](OpBuilder &nested, ValueRange args) {
            Value total = args[0];
            if (hasCentered)
              total = arith::AddFOp::create(nested, loc, total, args[2]);
            return arith::MulFOp::create(nested, loc, total, args[1]);
          }));
    }
    if (op.getGradOffset())
      results.push_back(cb.channelwiseAs(
          sumDz, paramType,
          [&](OpBuilder &, ValueRange args) { return args[0]; }));

    rewriter.replaceOp(op, results);
    return success();
  }
};

struct ConvertConvBNToLinalgPass
    : convbn::impl::ConvertConvBNToLinalgBase<ConvertConvBNToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateConvBNToLinalgPatterns(patterns);
    // Folding stays off: a `tune` fold of constant operands is the user's
    // choice to keep; only `deploy` folds, explicitly, in its pattern.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
    WalkResult leftover = getOperation()->walk([](Operation *op) {
      if (isa<ConvBNDialect>(op->getDialect())) {
        op->emitError("could not lower this op to linalg");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (leftover.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void mlir::convbn::populateConvBNToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConvBN, LowerConvBNBackward, LowerFoldWeights>(
      patterns.getContext());
}
