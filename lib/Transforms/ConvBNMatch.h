//===- ConvBNMatch.h - what fuse-convbn matched ------------------*- C++ -*-===//
//
// The match of one convolution + batch norm, shared by the forward matcher
// (FuseConvBN.cpp) and the matcher of a training graph's backward
// (TrainingBlocks.cpp). Internal to the Transforms library.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_LIB_TRANSFORMS_CONVBNMATCH_H
#define CONVBN_LIB_TRANSFORMS_CONVBNMATCH_H

#include "ConvBN/Analysis/ChannelAffine.h"
#include "ConvBN/IR/ConvBNOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <memory>

namespace mlir::convbn {

/// The batch norm read off a composed affine form, as values: per-channel
/// vectors (of any vector shape) or null where absent.
struct BatchNormParams {
  Value scale, offset, mean, variance, bias;
  double epsilon = 0.0;
  /// The atom `sqrt(variance + epsilon)`.
  unsigned rootAtom = 0;
};

/// A `tensor.dim` of a value of the chain, and where the batch dimension is
/// in that value.
struct ShapeUser {
  tensor::DimOp dim;
  std::optional<unsigned> batchDim;
};

/// The symbolic algebra of one match (the atoms outlive the walk: the
/// backward matcher reads them).
struct MatchAlgebra {
  explicit MatchAlgebra(bool keepSplatVectors)
      : analysis(atoms, keepSplatVectors) {}
  AtomTable atoms;
  ChannelAffineAnalysis analysis;
};

/// A value of the fused chain (the convolution's result or a step's): its
/// expression in the convolution output Y and where its channel is.
struct ChainValue {
  Value value;
  Polynomial expr;
  std::optional<unsigned> channelDim;
};

/// Everything the rewrite needs about one convolution + batch norm.
struct ConvBNMatch {
  Operation *conv = nullptr;
  ConvLayout layout;
  Value input;                  // after looking through an absorbed pad
  /// When the absorbed pad was under a reshape that splits the channel
  /// (torch-mlir's grouped convolutions: (group, channel)), that reshape:
  /// the fused op reads `input` regrouped the same way.
  tensor::ExpandShapeOp inputRegroup;
  SmallVector<int64_t> padding; // lows then highs
  Value initBias;               // per-channel vector the conv accumulates into
  BatchNormParams params;
  SmallVector<Operation *> chain; // the fused prefix, in order
  SmallVector<ShapeUser> shapeUsers;

  // What a training graph's backward is matched against.
  std::shared_ptr<MatchAlgebra> algebra;
  /// Y, the convolution's result, as an activation atom.
  unsigned convOutputAtom = 0;
  /// The composed per-channel scale of the fused prefix, γ / sqrt(σ̂² + ε).
  Polynomial slope;
  /// The convolution's result and the values of the fused prefix but its
  /// last (which the fused op replaces), in order.
  SmallVector<ChainValue> chainValues;
  /// Uses of those values outside the chain: in a joint forward + backward
  /// graph, the backward's (γ's gradient reads Y).
  SmallVector<OpOperand *> backwardUses;
};

/// The type of the fused op's input: `input`'s, regrouped as
/// `inputRegroup` does (whose groups of one dimension keep `input`'s size).
inline RankedTensorType getFusedInputType(const ConvBNMatch &match) {
  auto type = cast<RankedTensorType>(match.input.getType());
  tensor::ExpandShapeOp regroup = match.inputRegroup; // op handles: by value
  if (!regroup)
    return type;
  SmallVector<int64_t> shape(regroup.getResultType().getShape());
  for (auto [j, group] : llvm::enumerate(regroup.getReassociationIndices()))
    if (group.size() == 1)
      shape[group.front()] = type.getDimSize(j);
  return RankedTensorType::get(shape, type.getElementType());
}

} // namespace mlir::convbn

#endif // CONVBN_LIB_TRANSFORMS_CONVBNMATCH_H
