//===- ChannelGradient.h - per-channel expressions of a BN backward -*- C++ -*-===//
//
// The backward of an inference batch norm, as frontends spell it, is a
// handful of elementwise ops over activation-shaped tensors (the output
// gradient dZ, the convolution output Y) and per-channel reductions of them:
//
//   dY     = dZ · γ / sqrt(σ̂² + ε)              (elementwise)
//   dγ     = Σ dZ · (Y − μ̂) / sqrt(σ̂² + ε)      (a per-channel reduction)
//   dβ     = Σ dZ
//
// This analysis evaluates such ops into polynomials over the atoms of an
// AtomTable: per-channel vectors and square roots (as ChannelAffineAnalysis
// does), activations (tensors read elementwise) and per-channel sums of
// products of activations. Σ is linear and per-channel factors come out of
// it, so every spelling of these gradients has one normal form: dγ is
// `s·Σ(dZ·Y) − s·μ̂·Σ(dZ)` with `s` the inverse standard deviation, whatever
// the order of subtraction, multiplication and reduction in the IR.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_ANALYSIS_CHANNELGRADIENT_H
#define CONVBN_ANALYSIS_CHANNELGRADIENT_H

#include "ConvBN/Analysis/ChannelAffine.h"

namespace mlir::convbn {

class ChannelGradientAnalysis {
public:
  /// Per-channel vectors are analysed with `vectors` (which must share
  /// `atoms`).
  ChannelGradientAnalysis(AtomTable &atoms, ChannelAffineAnalysis &vectors)
      : atoms(atoms), vectors(vectors) {}

  /// The expression of the result of `step` given the expression of its
  /// operand `current`, for three kinds of step:
  ///  - an elementwise linalg.generic over tensors shaped like `current`
  ///    (an activation): other operands of that shape read through the
  ///    identity become activation atoms (unless `known` maps them to an
  ///    expression), operands read along `channelDim` are per-channel
  ///    vectors, scalars are constants;
  ///  - a reduction of such a body over every dimension but `channelDim`
  ///    into a per-channel result (the body adds to the output once);
  ///  - an elementwise generic over per-channel vectors (`current` a vector).
  /// On failure, returns why in `reason`.
  FailureOr<Polynomial> analyzeStep(linalg::GenericOp step, Value current,
                                    const Polynomial &currentExpr,
                                    unsigned channelDim,
                                    const DenseMap<Value, Polynomial> &known,
                                    std::string &reason);

  /// Whether every term of `expr` has an activation atom (it varies along
  /// the non-channel dimensions).
  bool isActivationExpr(const Polynomial &expr) const;

  /// Whether no term of `expr` has an activation atom (a per-channel value;
  /// `Y - mean` is neither this nor an activation expression).
  bool isPerChannelExpr(const Polynomial &expr) const;

  /// Whether `expr` has a Sum atom whose product involves an activation
  /// other than `atom`.
  bool involvesOtherActivation(const Polynomial &expr, unsigned atom) const;

  /// Σ over every dimension but the channel of the activation expression
  /// `expr`: per-channel factors come out, the remaining products of
  /// activations become Sum atoms.
  FailureOr<Polynomial> sum(const Polynomial &expr, std::string &reason);

private:
  FailureOr<Polynomial> evaluate(Value value,
                                 DenseMap<Value, Polynomial> &known,
                                 std::string &reason);

  AtomTable &atoms;
  ChannelAffineAnalysis &vectors;
};

} // namespace mlir::convbn

#endif // CONVBN_ANALYSIS_CHANNELGRADIENT_H
