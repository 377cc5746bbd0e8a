//===- TrainingBlocks.h - the backward of a ConvBN block --------*- C++ -*-===//
//
// In a joint forward + backward graph (a training step), the convolution
// output of a ConvBN block also feeds the batch norm's backward. This matches
// that backward, given the forward match: the output gradient dZ and the
// gradients with respect to the BN's scale and offset, the convolution's
// bias, filter and input, whichever the graph computes. Internal to the
// Transforms library.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_LIB_TRANSFORMS_TRAININGBLOCKS_H
#define CONVBN_LIB_TRANSFORMS_TRAININGBLOCKS_H

#include "ConvBNMatch.h"

namespace mlir::convbn {

/// The values of a block's backward in the joint graph.
struct BackwardMatch {
  /// dZ, the gradient of the loss with respect to the block's output, in
  /// the shape of the chain's end (the frontend's layout).
  Value gradOutput;
  /// The gradients the graph computes (null where it does not): the values
  /// the backward op replaces. In the frontend's shapes.
  Value gradScale, gradOffset, gradBias, gradFilter, gradInput;
  /// The BN's input gradient dY = dZ·s, which the frontend's convolution
  /// gradients read (null when absent).
  Value gradConvOutput;
  /// Why the convolution gradients were not matched (empty when they were,
  /// or when the graph has none).
  std::string unmatchedFilter, unmatchedInput;
};

/// Matches the backward of the block `match`, whose `backwardUses` are the
/// joint graph's uses of its convolution output (and of the chain's
/// values). Every such use must belong to the matched gradients: then the
/// forward op can replace the chain without leaving a reader of Y behind.
/// Without such uses (γ gets no gradient), the backward is found from
/// dY = dZ·s when the graph computes the convolution's gradients from it;
/// when it does not, the result has a null `gradOutput`: no backward.
FailureOr<BackwardMatch> matchBackward(const ConvBNMatch &match,
                                       std::string &reason);

/// "the scale and offset gradients, the filter gradient (dW), ..." for
/// remarks: what `backward` matched.
std::string describeBackward(const BackwardMatch &backward);

} // namespace mlir::convbn

#endif // CONVBN_LIB_TRANSFORMS_TRAININGBLOCKS_H
