//===- LinalgConv.h - linalg named convolutions and layouts -----*- C++ -*-===//
//
// The correspondence between convbn's `ConvLayout` and linalg's named
// convolution ops, shared by the passes that create and recognise them.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_IR_LINALGCONV_H
#define CONVBN_IR_LINALGCONV_H

#include "ConvBN/IR/ConvBNOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::convbn {

/// The layout of a linalg named convolution, or nullopt for other ops
/// (including quantized convolutions, which have no batch-norm semantics).
std::optional<ConvLayout> getConvLayout(Operation *op);

/// The strides or dilations of a linalg named convolution (1 when absent).
SmallVector<int64_t> getConvStrides(Operation *conv);
SmallVector<int64_t> getConvDilations(Operation *conv);

/// Creates the linalg named convolution for `layout`, accumulating into
/// `init`.
Value createLinalgConv(OpBuilder &b, Location loc, ConvLayout layout,
                       Value input, Value filter, Value init,
                       ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations);

/// The parameters of a convolution as convbn.conv_bn carries them.
struct ConvParams {
  ConvLayout layout;
  SmallVector<int64_t> strides;
  SmallVector<int64_t> dilations;
  SmallVector<int64_t> padding; // lows, then highs
};

/// Zero-pads the spatial dimensions of `input` (returns it unchanged
/// without padding).
Value padConvInput(OpBuilder &b, Location loc, const ConvParams &params,
                   Value input);

/// The dynamic sizes of the output of type `outputType` of a convolution of
/// the unpadded `input` with a filter of type `filterType`.
SmallVector<Value> getConvOutputDynamicSizes(OpBuilder &b, Location loc,
                                             const ConvParams &params,
                                             Value input,
                                             RankedTensorType filterType,
                                             RankedTensorType outputType);

/// Reshapes a per-channel vector [C] to `channelShape` (the sizes of the
/// output-channel dimensions, e.g. [G, F]); a no-op for one dimension.
Value expandChannels(OpBuilder &b, Location loc, Value vector,
                     ArrayRef<int64_t> channelShape);

/// A tensor of `outputType` holding the per-channel `vector` at every
/// position (read along the output-channel dimensions of `layout`), widened
/// to `outputType`'s element type where that is wider.
Value broadcastChannels(OpBuilder &b, Location loc, ConvLayout layout,
                        Value vector, RankedTensorType outputType,
                        ValueRange dynamicSizes);

/// The type a convolution of `elementType` accumulates in: f32 for f16 and
/// bf16 (as cuDNN and the frontends do), else the type itself.
Type getAccumulatorType(Type elementType);

/// `conv(pad(input), filter) + bias` as upstream ops, accumulated in
/// `getAccumulatorType` of `outputType`'s element type and returned in that
/// type: the named convolution accumulating into the broadcast (widened)
/// `bias`, or into zeros when `bias` is null.
Value createAccumulatingConv(OpBuilder &b, Location loc,
                             const ConvParams &params, Value input,
                             Value filter, Value bias,
                             RankedTensorType outputType);

/// `createAccumulatingConv` rounded to `outputType`.
Value createConvWithBias(OpBuilder &b, Location loc, const ConvParams &params,
                         Value input, Value filter, Value bias,
                         RankedTensorType outputType);

/// For a `deploy` op whose filter, bias and batch-norm parameters are
/// constants: the linalg convolution on the folded constants, created at
/// `b`'s insertion point. Fails, creating nothing, for other ops, for
/// constants too large to fold (kMaxFoldedElements), and for narrow types
/// whose folded filter would overflow.
FailureOr<Value> buildFoldedDeployConv(OpBuilder &b, ConvBNOp op);

/// What a convolution accumulates into (its `outs`, with output-channel
/// dimensions `channelDims`): zero (a null Value), or a per-channel vector
/// broadcast over every other dimension (that vector, possibly of a narrower
/// type the broadcast widens); failure for anything else.
FailureOr<Value> matchConvInit(Value init, ArrayRef<unsigned> channelDims);

} // namespace mlir::convbn

#endif // CONVBN_IR_LINALGCONV_H
