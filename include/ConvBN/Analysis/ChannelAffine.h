//===- ChannelAffine.h - per-channel affine expressions ---------*- C++ -*-===//
//
// A small symbolic algebra for proving that a chain of elementwise ops after
// a convolution computes `y = slope[c] * x + intercept[c]` per output
// channel `c`, with `slope` and `intercept` expressions over per-channel
// vectors and constants. Frontends spell batch norm in many ways (sqrt then
// reciprocal, rsqrt, divide last, pre-folded scale and shift, bias adds in
// between); all of them normalise to the same expressions here, so one
// recogniser serves every spelling.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_ANALYSIS_CHANNELAFFINE_H
#define CONVBN_ANALYSIS_CHANNELAFFINE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace mlir::convbn {

/// A product `coefficient * atom_1^e_1 * ... * atom_k^e_k` with non-zero
/// integer exponents, the atoms sorted by id.
struct Monomial {
  double coefficient = 1.0;
  SmallVector<std::pair<unsigned, int>> factors;

  bool isConstant() const { return factors.empty(); }
  /// The factors, ignoring the coefficient, compare equal.
  bool sameFactors(const Monomial &other) const {
    return factors == other.factors;
  }
};

/// A sum of monomials with distinct factors, kept sorted: two equal
/// expressions have equal representations.
class Polynomial {
public:
  Polynomial() = default;
  static Polynomial constant(double value);
  static Polynomial atom(unsigned id);

  bool isZero() const { return terms.empty(); }
  /// The value when the polynomial is a constant (including zero).
  std::optional<double> getConstant() const;
  ArrayRef<Monomial> getTerms() const { return terms; }

  Polynomial operator+(const Polynomial &other) const;
  Polynomial operator-() const;
  Polynomial operator-(const Polynomial &other) const {
    return *this + (-other);
  }
  Polynomial operator*(const Polynomial &other) const;
  /// Division by a monomial; fails for other divisors.
  std::optional<Polynomial> divide(const Polynomial &divisor) const;

  bool operator==(const Polynomial &other) const;
  bool operator!=(const Polynomial &other) const { return !(*this == other); }

private:
  void add(Monomial term);
  SmallVector<Monomial> terms;
};

/// The interned atoms of a set of polynomials. Per-channel atoms: vectors
/// (SSA values read along the output channel) and square roots of
/// per-channel polynomials. Activation atoms (for a batch norm's backward):
/// tensors shaped like the convolution output, read elementwise, and
/// per-channel sums (over every dimension but the channel) of products of
/// activations.
class AtomTable {
public:
  struct Atom {
    enum class Kind { Vector, Sqrt, Activation, Sum };
    Kind kind;
    Value value;         // Vector and Activation: the tensor
    Polynomial argument; // Sqrt: the radicand; Sum: the summed monomial

    bool isVector() const { return kind == Kind::Vector; }
    bool isSqrt() const { return kind == Kind::Sqrt; }
    /// Whether the atom varies along dimensions other than the channel.
    bool isActivation() const { return kind == Kind::Activation; }
  };

  unsigned getVector(Value vector);
  unsigned getSqrt(const Polynomial &radicand);
  unsigned getActivation(Value activation);
  /// The per-channel sum of `product`, a monomial of activation atoms
  /// (coefficient 1).
  unsigned getSum(const Polynomial &product);
  const Atom &operator[](unsigned id) const { return atoms[id]; }

private:
  unsigned intern(Atom atom);
  SmallVector<Atom> atoms;
};

/// `slope * x + intercept`.
struct AffineForm {
  Polynomial slope;
  Polynomial intercept;

  /// This form applied after `inner`: `this(inner(x))`.
  AffineForm compose(const AffineForm &inner) const;
};

/// Builds the affine forms of elementwise linalg.generic steps over a
/// tensor whose dimension `channelDim` is the output channel.
class ChannelAffineAnalysis {
public:
  /// `keepSplatVectors`: whether splat constants read per channel are
  /// vectors (atoms) rather than scalars. Both readings are legitimate: a
  /// freshly initialised BN has splat statistics, some frontends spell eps
  /// as a splat vector; the matcher tries the scalar reading first.
  explicit ChannelAffineAnalysis(AtomTable &atoms,
                                 bool keepSplatVectors = false)
      : atoms(atoms), keepSplatVectors(keepSplatVectors) {}

  /// The form of the result of `step` as a function of its operands equal
  /// to `x` (read through the identity map). Every other operand must be
  /// read only along `channelDim` (or be a scalar constant). On failure,
  /// returns a reason suitable for "not fused: <reason>".
  FailureOr<AffineForm> analyzeStep(linalg::GenericOp step, Value x,
                                    unsigned channelDim, std::string &reason);

  /// The expression of a per-channel vector (a tensor with at most one
  /// non-unit dimension): constants fold, reshapes and elementwise generics
  /// over vectors are looked through, anything else becomes an atom.
  /// Splat constants fold to scalars unless `keepSplats` (the vector is read
  /// per channel, so a splat is a vector that happens to be uniform).
  FailureOr<Polynomial> analyzeVector(Value vector, std::string &reason,
                                      unsigned depth = 0,
                                      bool keepSplats = false);

private:
  /// Evaluates `value` inside a linalg body given the forms of its block
  /// arguments.
  FailureOr<AffineForm> evaluate(Value value,
                                 DenseMap<Value, AffineForm> &known,
                                 std::string &reason);

  AtomTable &atoms;
  bool keepSplatVectors;
};

/// Strips reshapes and returns the tensor's only non-unit dimension size, or
/// 1 for all-unit shapes; nullopt when the tensor is not a vector.
std::optional<int64_t> getVectorLength(Type type);

/// The float value of a scalar constant (or splat), rounded to its type.
std::optional<double> getScalarConstant(Value value);

/// `value` rounded to the precision of the float type `type`, as a cast in
/// the IR rounds it.
double roundToFloatType(double value, Type type);

/// Whether `map` reads an operand of `type` only along dimension
/// `channelDim` of the iteration space (unit dimensions may be read through
/// any dimension or at 0).
bool readsOnlyChannel(AffineMap map, RankedTensorType type,
                      unsigned channelDim);

} // namespace mlir::convbn

#endif // CONVBN_ANALYSIS_CHANNELAFFINE_H
