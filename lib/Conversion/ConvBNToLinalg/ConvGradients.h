//===- ConvGradients.h - gradients of linalg convolutions -------*- C++ -*-===//
//
// The two convolutions of a convolution's backward pass, as linalg.generic
// ops built from the layout's dimension letters, so that every layout the
// dialect has gets them from one construction:
//
//   filter gradient  dW[f, c, k] = Σ_{n, o} X[n, c, o·s + k·d − lo] · G[n, f, o]
//   data gradient    dX[n, c, i] = Σ_{f, k} G[n, f, o] · W[f, c, k]
//                                  over the o, k with o·s + k·d − lo = i
//
// (letters as in ConvDims; reads of X outside its bounds are zero padding).
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_LIB_CONVERSION_CONVGRADIENTS_H
#define CONVBN_LIB_CONVERSION_CONVGRADIENTS_H

#include "ConvBN/IR/LinalgConv.h"

namespace mlir::convbn {

/// The gradient of a convolution with respect to its filter, for the output
/// gradient `gradOutput`: a tensor of the filter's shape and element type
/// `accumulatorType`, accumulated in that type (operands are widened).
Value createConvFilterGradient(OpBuilder &b, Location loc,
                               const ConvParams &params, Value input,
                               Value gradOutput, RankedTensorType filterType,
                               Type accumulatorType);

/// The gradient of a convolution with respect to its (unpadded) input, for
/// the output gradient `gradOutput`: a tensor of `input`'s shape and element
/// type `accumulatorType`. `input` only provides the shape (its dynamic
/// sizes are read with tensor.dim).
///
/// With `filterScale` (per output channel, shaped like the filter's
/// output-channel dimensions, see expandChannels), the convolution's filter
/// is `filter * filterScale`, formed in the kernel flip the data gradient
/// makes anyway: a backward that recomputes a forward's scaled filter this
/// way shares no value with the forward, so the forward's copy is not kept
/// alive until the backward runs.
Value createConvDataGradient(OpBuilder &b, Location loc,
                             const ConvParams &params, Value gradOutput,
                             Value filter, Value input, Type accumulatorType,
                             Value filterScale = {});

} // namespace mlir::convbn

#endif // CONVBN_LIB_CONVERSION_CONVGRADIENTS_H
