//===- ChannelAffine.cpp - per-channel affine expressions -----------------===//

#include "ConvBN/Analysis/ChannelAffine.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::convbn;

//===----------------------------------------------------------------------===//
// Polynomial
//===----------------------------------------------------------------------===//

Polynomial Polynomial::constant(double value) {
  Polynomial result;
  result.add(Monomial{value, {}});
  return result;
}

Polynomial Polynomial::atom(unsigned id) {
  Polynomial result;
  result.add(Monomial{1.0, {{id, 1}}});
  return result;
}

std::optional<double> Polynomial::getConstant() const {
  if (terms.empty())
    return 0.0;
  if (terms.size() == 1 && terms.front().isConstant())
    return terms.front().coefficient;
  return std::nullopt;
}

void Polynomial::add(Monomial term) {
  if (term.coefficient == 0.0)
    return;
  auto it = llvm::lower_bound(terms, term, [](const Monomial &a,
                                              const Monomial &b) {
    return a.factors < b.factors;
  });
  if (it != terms.end() && it->sameFactors(term)) {
    it->coefficient += term.coefficient;
    if (it->coefficient == 0.0)
      terms.erase(it);
    return;
  }
  terms.insert(it, std::move(term));
}

Polynomial Polynomial::operator+(const Polynomial &other) const {
  Polynomial result = *this;
  for (const Monomial &term : other.terms)
    result.add(term);
  return result;
}

Polynomial Polynomial::operator-() const {
  Polynomial result = *this;
  for (Monomial &term : result.terms)
    term.coefficient = -term.coefficient;
  return result;
}

static Monomial multiply(const Monomial &a, const Monomial &b) {
  Monomial result{a.coefficient * b.coefficient, {}};
  // Merge the sorted factor lists, adding exponents of shared atoms.
  auto ia = a.factors.begin(), ib = b.factors.begin();
  while (ia != a.factors.end() || ib != b.factors.end()) {
    if (ib == b.factors.end() ||
        (ia != a.factors.end() && ia->first < ib->first)) {
      result.factors.push_back(*ia++);
    } else if (ia == a.factors.end() || ib->first < ia->first) {
      result.factors.push_back(*ib++);
    } else {
      int exponent = ia->second + ib->second;
      if (exponent != 0)
        result.factors.push_back({ia->first, exponent});
      ++ia;
      ++ib;
    }
  }
  return result;
}

Polynomial Polynomial::operator*(const Polynomial &other) const {
  Polynomial result;
  for (const Monomial &a : terms)
    for (const Monomial &b : other.terms)
      result.add(multiply(a, b));
  return result;
}

std::optional<Polynomial> Polynomial::divide(const Polynomial &divisor) const {
  if (divisor.terms.size() != 1)
    return std::nullopt;
  const Monomial &d = divisor.terms.front();
  Monomial inverse{1.0 / d.coefficient, {}};
  for (auto [id, exponent] : d.factors)
    inverse.factors.push_back({id, -exponent});
  Polynomial inversePoly;
  inversePoly.add(inverse);
  return *this * inversePoly;
}

bool Polynomial::operator==(const Polynomial &other) const {
  if (terms.size() != other.terms.size())
    return false;
  for (auto [a, b] : llvm::zip(terms, other.terms))
    if (a.coefficient != b.coefficient || !a.sameFactors(b))
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// AtomTable and AffineForm
//===----------------------------------------------------------------------===//

unsigned AtomTable::intern(Atom atom) {
  for (auto [id, existing] : llvm::enumerate(atoms))
    if (existing.kind == atom.kind && existing.value == atom.value &&
        existing.argument == atom.argument)
      return id;
  atoms.push_back(std::move(atom));
  return atoms.size() - 1;
}

unsigned AtomTable::getVector(Value vector) {
  return intern(Atom{Atom::Kind::Vector, vector, Polynomial()});
}

unsigned AtomTable::getSqrt(const Polynomial &radicand) {
  return intern(Atom{Atom::Kind::Sqrt, Value(), radicand});
}

unsigned AtomTable::getActivation(Value activation) {
  return intern(Atom{Atom::Kind::Activation, activation, Polynomial()});
}

unsigned AtomTable::getSum(const Polynomial &product) {
  return intern(Atom{Atom::Kind::Sum, Value(), product});
}

AffineForm AffineForm::compose(const AffineForm &inner) const {
  return AffineForm{slope * inner.slope, slope * inner.intercept + intercept};
}

//===----------------------------------------------------------------------===//
// ChannelAffineAnalysis
//===----------------------------------------------------------------------===//

std::optional<int64_t> mlir::convbn::getVectorLength(Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType || !tensorType.hasStaticShape())
    return std::nullopt;
  int64_t length = 1;
  for (int64_t size : tensorType.getShape()) {
    if (size == 1)
      continue;
    if (length != 1)
      return std::nullopt;
    length = size;
  }
  return length;
}

static std::string describe(Operation *op) {
  return "'" + op->getName().getStringRef().str() + "'";
}

std::optional<double> mlir::convbn::getScalarConstant(Value value) {
  FloatAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr.getValueAsDouble();
  DenseFPElementsAttr elements;
  if (matchPattern(value, m_Constant(&elements)) && elements.isSplat())
    return elements.getSplatValue<APFloat>().convertToDouble();
  return std::nullopt;
}

double mlir::convbn::roundToFloatType(double value, Type type) {
  auto floatType = dyn_cast<FloatType>(type);
  if (!floatType)
    return value;
  APFloat rounded(value);
  bool losesInfo;
  rounded.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
  return rounded.convertToDouble();
}

FailureOr<AffineForm>
ChannelAffineAnalysis::evaluate(Value value, DenseMap<Value, AffineForm> &known,
                                std::string &reason) {
  if (auto it = known.find(value); it != known.end())
    return it->second;
  auto fail = [&](std::string why) -> FailureOr<AffineForm> {
    reason = std::move(why);
    return failure();
  };

  Operation *def = value.getDefiningOp();
  if (!def) {
    if (auto scalar = getScalarConstant(value))
      return AffineForm{Polynomial(), Polynomial::constant(*scalar)};
    return fail("the body reads a value that is not a constant");
  }
  // Values captured from outside the body must be scalar constants.
  if (auto scalar = getScalarConstant(value))
    return AffineForm{Polynomial(), Polynomial::constant(*scalar)};

  auto operand = [&](unsigned i) {
    return evaluate(def->getOperand(i), known, reason);
  };
  auto invariant = [](const AffineForm &form) { return form.slope.isZero(); };

  FailureOr<AffineForm> result =
      TypeSwitch<Operation *, FailureOr<AffineForm>>(def)
          .Case<arith::AddFOp, arith::SubFOp>([&](auto op)
                                                  -> FailureOr<AffineForm> {
            FailureOr<AffineForm> lhs = operand(0), rhs = operand(1);
            if (failed(lhs) || failed(rhs))
              return failure();
            if (isa<arith::SubFOp>(op))
              return AffineForm{lhs->slope - rhs->slope,
                                lhs->intercept - rhs->intercept};
            return AffineForm{lhs->slope + rhs->slope,
                              lhs->intercept + rhs->intercept};
          })
          .Case<arith::MulFOp>([&](auto) -> FailureOr<AffineForm> {
            FailureOr<AffineForm> lhs = operand(0), rhs = operand(1);
            if (failed(lhs) || failed(rhs))
              return failure();
            if (!invariant(*lhs) && !invariant(*rhs))
              return fail("the body multiplies the convolution output by "
                          "itself (not affine)");
            if (invariant(*lhs))
              std::swap(lhs, rhs);
            return AffineForm{lhs->slope * rhs->intercept,
                              lhs->intercept * rhs->intercept};
          })
          .Case<arith::DivFOp>([&](auto) -> FailureOr<AffineForm> {
            FailureOr<AffineForm> lhs = operand(0), rhs = operand(1);
            if (failed(lhs) || failed(rhs))
              return failure();
            if (!invariant(*rhs))
              return fail("the body divides by the convolution output (not "
                          "affine)");
            std::optional<Polynomial> slope = lhs->slope.divide(rhs->intercept);
            std::optional<Polynomial> intercept =
                lhs->intercept.divide(rhs->intercept);
            if (!slope || !intercept)
              return fail("the body divides by a sum of per-channel terms");
            return AffineForm{*slope, *intercept};
          })
          .Case<arith::NegFOp>([&](auto) -> FailureOr<AffineForm> {
            FailureOr<AffineForm> in = operand(0);
            if (failed(in))
              return failure();
            return AffineForm{-in->slope, -in->intercept};
          })
          .Case<arith::ExtFOp, arith::TruncFOp>(
              [&](auto op) -> FailureOr<AffineForm> {
                FailureOr<AffineForm> in = operand(0);
                if (failed(in))
                  return failure();
                // A cast of a constant is a constant of the new precision
                // (torch computes eps in f64 and truncates it).
                if (std::optional<double> c = in->intercept.getConstant();
                    c && invariant(*in))
                  return AffineForm{Polynomial(),
                                    Polynomial::constant(
                                        roundToFloatType(*c, op.getType()))};
                return in;
              })
          .Case<math::SqrtOp, math::RsqrtOp>(
              [&](auto op) -> FailureOr<AffineForm> {
                FailureOr<AffineForm> in = operand(0);
                if (failed(in))
                  return failure();
                if (!invariant(*in))
                  return fail("the body takes a square root of the "
                              "convolution output (not affine)");
                Polynomial root;
                if (std::optional<double> c = in->intercept.getConstant()) {
                  root = Polynomial::constant(std::sqrt(*c));
                } else {
                  root = Polynomial::atom(atoms.getSqrt(in->intercept));
                }
                if (isa<math::SqrtOp>(op))
                  return AffineForm{Polynomial(), root};
                std::optional<Polynomial> inverse =
                    Polynomial::constant(1.0).divide(root);
                if (!inverse)
                  return fail("the body takes an rsqrt of zero");
                return AffineForm{Polynomial(), *inverse};
              })
          .Default([&](Operation *op) -> FailureOr<AffineForm> {
            return fail(describe(op) + " in the body is not a per-channel "
                                       "affine operation");
          });
  if (succeeded(result))
    known[value] = *result;
  return result;
}

// Unit dimensions of the operand may be read at 0 or through any iteration
// dimension (which must then have size 1 for the access to be in bounds:
// frontends read `1xCx1x1` vectors through `(d0, d1, 0, 0)` at batch size 1).
bool mlir::convbn::readsOnlyChannel(AffineMap map, RankedTensorType type,
                                    unsigned channelDim) {
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (type.getDimSize(i) == 1 && (isa<AffineDimExpr>(expr) ||
                                    isa<AffineConstantExpr>(expr)))
      continue;
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || dim.getPosition() != channelDim)
      return false;
  }
  return true;
}

FailureOr<AffineForm>
ChannelAffineAnalysis::analyzeStep(linalg::GenericOp step, Value x,
                                   unsigned channelDim, std::string &reason) {
  if (step.getNumDpsInits() != 1 || step->getNumResults() != 1 ||
      step.getNumReductionLoops() != 0) {
    reason = "the next op is not an elementwise linalg.generic";
    return failure();
  }
  Block *body = step.getBody();
  OpOperand *init = step.getDpsInitOperand(0);
  if (!body->getArgument(init->getOperandNumber()).use_empty() ||
      !step.getMatchingIndexingMap(init).isIdentity()) {
    reason = "the next op reads its output tensor";
    return failure();
  }

  DenseMap<Value, AffineForm> known;
  for (OpOperand *input : step.getDpsInputOperands()) {
    Value arg = body->getArgument(input->getOperandNumber());
    AffineMap map = step.getMatchingIndexingMap(input);
    if (input->get() == x) {
      if (!map.isIdentity()) {
        reason = "the convolution output is read transposed";
        return failure();
      }
      known[arg] = AffineForm{Polynomial::constant(1.0), Polynomial()};
      continue;
    }
    Value operand = input->get();
    // A per-channel vector broadcast to the whole output and read
    // elementwise (StableHLO before elementwise fusion) is that vector.
    if (auto broadcast = operand.getDefiningOp<linalg::BroadcastOp>();
        broadcast && map.isIdentity() &&
        broadcast.getInput().getType().getRank() == 1 &&
        !llvm::is_contained(broadcast.getDimensions(),
                            static_cast<int64_t>(channelDim))) {
      operand = broadcast.getInput();
      map = AffineMap::get(map.getNumDims(), 0,
                           getAffineDimExpr(channelDim, step.getContext()));
    }
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !readsOnlyChannel(map, type, channelDim)) {
      reason = "operand #" + std::to_string(input->getOperandNumber()) +
               " of the next op is indexed by a dimension other than the "
               "output channel";
      return failure();
    }
    // Read along the channel, a splat constant may be a per-channel vector
    // (a freshly initialised BN: mean 0, variance 1) or a scalar spelled as
    // one (eps); `keepSplatVectors` picks the reading. Read at 0, it is a
    // scalar.
    bool perChannel = llvm::any_of(map.getResults(), [&](AffineExpr expr) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      return dim && dim.getPosition() == channelDim;
    });
    FailureOr<Polynomial> expr = analyzeVector(
        operand, reason, /*depth=*/0, perChannel && keepSplatVectors);
    if (failed(expr))
      return failure();
    known[arg] = AffineForm{Polynomial(), *expr};
  }

  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  return evaluate(yield.getOperand(0), known, reason);
}

FailureOr<Polynomial>
ChannelAffineAnalysis::analyzeVector(Value vector, std::string &reason,
                                     unsigned depth, bool keepSplats) {
  if (!getVectorLength(vector.getType())) {
    reason = "a per-channel operand is not a vector";
    return failure();
  }
  if (std::optional<double> scalar = getScalarConstant(vector)) {
    if (!keepSplats)
      return Polynomial::constant(*scalar);
    // A splat vector stays a vector, so that it can become an operand.
    if (matchPattern(vector, m_Constant()))
      return Polynomial::atom(atoms.getVector(vector));
  }
  // Bound the walk through producers; deeper chains become atoms.
  constexpr unsigned kMaxDepth = 16;
  Operation *def = vector.getDefiningOp();
  if (!def || depth >= kMaxDepth)
    return Polynomial::atom(atoms.getVector(vector));

  // Reshapes between vector shapes ([C] <-> [C,1,1] <-> [1,1,1,C]).
  if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp>(
          def) &&
      getVectorLength(def->getOperand(0).getType()))
    return analyzeVector(def->getOperand(0), reason, depth + 1, keepSplats);

  // Elementwise arithmetic on vectors (e.g. TOSA's rsqrt(var + eps) on the
  // vector, or a pre-folded scale and shift) is looked through. Its operands
  // are vectors read along the vector's dimension, or broadcast scalars.
  if (auto generic = dyn_cast<linalg::GenericOp>(def)) {
    Block *body = generic.getBody();
    bool elementwise =
        generic.getNumDpsInits() == 1 && generic->getNumResults() == 1 &&
        generic.getNumReductionLoops() == 0 &&
        generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
            .isIdentity() &&
        body->getArgument(generic.getDpsInitOperand(0)->getOperandNumber())
            .use_empty();
    DenseMap<Value, AffineForm> known;
    std::string innerReason;
    for (OpOperand *input : generic.getDpsInputOperands()) {
      if (!elementwise)
        break;
      AffineMap map = generic.getMatchingIndexingMap(input);
      auto type = dyn_cast<RankedTensorType>(input->get().getType());
      auto resultType = cast<RankedTensorType>(vector.getType());
      bool sameShape = map.isIdentity() && type == resultType.clone(
                                               type.getElementType());
      std::optional<int64_t> length =
          type ? getVectorLength(type) : std::nullopt;
      if (!sameShape && length != 1) {
        elementwise = false;
        break;
      }
      // Same-shape operands are vectors like this one; length-1 operands are
      // broadcast scalars (TOSA's eps).
      FailureOr<Polynomial> expr = analyzeVector(
          input->get(), innerReason, depth + 1, keepSplats && sameShape);
      if (failed(expr)) {
        elementwise = false;
        break;
      }
      known[body->getArgument(input->getOperandNumber())] =
          AffineForm{Polynomial(), *expr};
    }
    if (elementwise) {
      auto yield = cast<linalg::YieldOp>(body->getTerminator());
      FailureOr<AffineForm> form =
          evaluate(yield.getOperand(0), known, innerReason);
      if (succeeded(form))
        return form->intercept;
    }
  }
  return Polynomial::atom(atoms.getVector(vector));
}
