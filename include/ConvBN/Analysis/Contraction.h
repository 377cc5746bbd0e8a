//===- Contraction.h - tensors as sums of products of reads -----*- C++ -*-===//
//
// Proves that a value computes a given contraction of leaf tensors, whatever
// the ops in between. A frontend computes a convolution's filter and data
// gradients in many ways (torch-mlir: transposed convolutions, a grouped
// convolution with the batch as groups, a spread of the gradient by a strided
// insert_slice, a flip by a gathering generic, explicit generics for
// dilations); all of them are
//
//     T[o] = Σ_{r ∈ box}  A[f_A(o, r)] · B[f_B(o, r)]   where every index is
//                                                        integral and in bounds
//
// with f_A, f_B affine with rational coefficients. Evaluating the ops
// between the leaves and a value gives this normal form; comparing two
// normal forms (after matching their reduction variables through one
// factor's indices) decides equality. Anything the evaluation cannot express
// exactly fails: the analysis proves or refuses, it never guesses.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_ANALYSIS_CONTRACTION_H
#define CONVBN_ANALYSIS_CONTRACTION_H

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace mlir::convbn {

/// `(Σ coefficients[i]·d_i + constant) / denominator` over integer
/// variables d_i (denominator > 0, kept in lowest terms).
struct LinearIndex {
  SmallVector<int64_t> coefficients;
  int64_t constant = 0;
  int64_t denominator = 1;

  static LinearIndex dim(unsigned numDims, unsigned position,
                         int64_t coefficient = 1);
  static LinearIndex constantIndex(unsigned numDims, int64_t value);

  LinearIndex operator+(const LinearIndex &other) const;
  LinearIndex operator-(const LinearIndex &other) const;
  LinearIndex scaled(int64_t numerator, int64_t divisor = 1) const;
  bool operator==(const LinearIndex &other) const;
  bool isConstant() const;
  void normalize();
};

/// A read of a leaf tensor at one index per dimension.
struct Read {
  Value tensor;
  SmallVector<LinearIndex> indices;
};

/// A condition on the variables for a term to be present: `expr >= 0`, or
/// `expr` integral.
struct Condition {
  enum class Kind { NonNegative, Integral };
  Kind kind;
  LinearIndex expr;
};

/// A tensor as `Σ_{reduction variables} Π factors`, over the conditions. The
/// first `numOutputs` variables index the tensor; the others are summed
/// over their ranges.
struct Contraction {
  SmallVector<int64_t> ranges;
  unsigned numOutputs = 0;
  SmallVector<Read> factors;
  SmallVector<Condition> conditions;

  unsigned getNumVariables() const { return ranges.size(); }
  /// The leaf `tensor` (of static `shape`) read at the identity.
  static Contraction leaf(Value tensor, ArrayRef<int64_t> shape);
};

/// Evaluates `value` as a contraction of the `leaves` (which stay unread):
/// through tensor.cast, linalg.transpose, zero tensor.pad, tensor.insert_slice
/// into zeros, tensor.extract_slice, tensor.expand_shape, tensor.collapse_shape
/// of unit dimensions, and linalg ops that copy, gather (tensor.extract at
/// affine indices), sum or multiply-accumulate into zeros. Fails with the
/// reason otherwise (dynamic shapes included).
FailureOr<Contraction> evaluateContraction(Value value,
                                           ArrayRef<Value> leaves,
                                           std::string &reason);

/// `value` as `tensor.expand_shape` with `groups` to `shape` would give it,
/// evaluated as a contraction of the `leaves`. Where `value` is a
/// collapse_shape of the same groups (possibly under transposes), the
/// expansion cancels it: a merged dimension read through its parts, which
/// evaluateContraction could only express with a quotient and a remainder
/// (torch-mlir's filter gradients of grouped convolutions).
FailureOr<Contraction>
evaluateExpandedContraction(Value value, ArrayRef<ReassociationIndices> groups,
                            ArrayRef<int64_t> shape, ArrayRef<Value> leaves,
                            std::string &reason);

/// `contraction` read at `indices` (one per output, over variables with
/// `ranges`, of which the first `numOutputs` index the result); the
/// contraction's own summed variables follow.
Contraction readContraction(const Contraction &contraction,
                            ArrayRef<int64_t> ranges, unsigned numOutputs,
                            ArrayRef<LinearIndex> indices);

/// `contraction` with its output dimensions split as `expand_shape` would
/// split them (a virtual expand_shape to `shape`).
FailureOr<Contraction> expandOutputs(const Contraction &contraction,
                                     ArrayRef<ReassociationIndices> groups,
                                     ArrayRef<int64_t> shape);

/// Whether `a` and `b` are the same tensor: the same outputs, factors of the
/// same leaves at the same indices and the same conditions, once the
/// reduction variables of `a` are expressed through those of `b` (found
/// from a factor whose indices each hold one reduction variable). Fails
/// with the first difference.
LogicalResult checkEquivalent(const Contraction &a, const Contraction &b,
                              std::string &reason);

} // namespace mlir::convbn

#endif // CONVBN_ANALYSIS_CONTRACTION_H
