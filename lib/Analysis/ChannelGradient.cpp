//===- ChannelGradient.cpp - per-channel expressions of a BN backward -----===//

#include "ConvBN/Analysis/ChannelGradient.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::convbn;

bool ChannelGradientAnalysis::isActivationExpr(const Polynomial &expr) const {
  return !expr.isZero() &&
         llvm::all_of(expr.getTerms(), [&](const Monomial &term) {
           return llvm::any_of(term.factors, [&](auto factor) {
             return atoms[factor.first].isActivation();
           });
         });
}

bool ChannelGradientAnalysis::isPerChannelExpr(const Polynomial &expr) const {
  return llvm::none_of(expr.getTerms(), [&](const Monomial &term) {
    return llvm::any_of(term.factors, [&](auto factor) {
      return atoms[factor.first].isActivation();
    });
  });
}

bool ChannelGradientAnalysis::involvesOtherActivation(const Polynomial &expr,
                                                      unsigned atom) const {
  for (const Monomial &term : expr.getTerms())
    for (auto factor : term.factors) {
      const AtomTable::Atom &a = atoms[factor.first];
      if (a.kind != AtomTable::Atom::Kind::Sum)
        continue;
      for (const Monomial &inner : a.argument.getTerms())
        for (auto innerFactor : inner.factors)
          if (innerFactor.first != atom)
            return true;
    }
  return false;
}

FailureOr<Polynomial> ChannelGradientAnalysis::sum(const Polynomial &expr,
                                                    std::string &reason) {
  Polynomial result;
  for (const Monomial &term : expr.getTerms()) {
    // Per-channel factors (and the coefficient) come out of the sum; the
    // product of the activation factors is what is summed.
    Monomial outside{term.coefficient, {}};
    Monomial inside{1.0, {}};
    for (auto factor : term.factors) {
      if (atoms[factor.first].isActivation()) {
        if (factor.second < 0) {
          reason = "a reduction divides by an activation";
          return failure();
        }
        inside.factors.push_back(factor);
      } else {
        outside.factors.push_back(factor);
      }
    }
    if (inside.factors.empty()) {
      reason = "a reduction sums a per-channel value (its result depends on "
               "the batch and spatial sizes)";
      return failure();
    }
    Polynomial insidePoly = Polynomial::constant(1.0);
    for (auto [id, exponent] : inside.factors)
      for (int i = 0; i < exponent; ++i)
        insidePoly = insidePoly * Polynomial::atom(id);
    Polynomial outsidePoly = Polynomial::constant(outside.coefficient);
    for (auto [id, exponent] : outside.factors) {
      Polynomial factor = Polynomial::atom(id);
      if (exponent < 0) {
        std::optional<Polynomial> inverse =
            Polynomial::constant(1.0).divide(factor);
        factor = *inverse;
      }
      for (int i = 0; i < std::abs(exponent); ++i)
        outsidePoly = outsidePoly * factor;
    }
    result = result +
             outsidePoly * Polynomial::atom(atoms.getSum(insidePoly));
  }
  return result;
}

FailureOr<Polynomial>
ChannelGradientAnalysis::evaluate(Value value,
                                  DenseMap<Value, Polynomial> &known,
                                  std::string &reason) {
  if (auto it = known.find(value); it != known.end())
    return it->second;
  auto fail = [&](std::string why) -> FailureOr<Polynomial> {
    reason = std::move(why);
    return failure();
  };
  if (std::optional<double> scalar = getScalarConstant(value))
    return Polynomial::constant(*scalar);
  Operation *def = value.getDefiningOp();
  if (!def)
    return fail("the body reads a value that is not a constant");

  auto operand = [&](unsigned i) {
    return evaluate(def->getOperand(i), known, reason);
  };
  FailureOr<Polynomial> result =
      TypeSwitch<Operation *, FailureOr<Polynomial>>(def)
          .Case<arith::AddFOp, arith::SubFOp, arith::MulFOp>(
              [&](auto op) -> FailureOr<Polynomial> {
                FailureOr<Polynomial> lhs = operand(0), rhs = operand(1);
                if (failed(lhs) || failed(rhs))
                  return failure();
                if (isa<arith::AddFOp>(op))
                  return *lhs + *rhs;
                if (isa<arith::SubFOp>(op))
                  return *lhs - *rhs;
                return *lhs * *rhs;
              })
          .Case<arith::DivFOp>([&](auto) -> FailureOr<Polynomial> {
            FailureOr<Polynomial> lhs = operand(0), rhs = operand(1);
            if (failed(lhs) || failed(rhs))
              return failure();
            if (!isPerChannelExpr(*rhs))
              return fail("the body divides by an activation");
            std::optional<Polynomial> quotient = lhs->divide(*rhs);
            if (!quotient)
              return fail("the body divides by a sum of per-channel terms");
            return *quotient;
          })
          .Case<arith::NegFOp>([&](auto) -> FailureOr<Polynomial> {
            FailureOr<Polynomial> in = operand(0);
            if (failed(in))
              return failure();
            return -*in;
          })
          .Case<arith::ExtFOp, arith::TruncFOp>(
              [&](auto op) -> FailureOr<Polynomial> {
                FailureOr<Polynomial> in = operand(0);
                if (failed(in))
                  return failure();
                if (std::optional<double> c = in->getConstant())
                  return Polynomial::constant(
                      roundToFloatType(*c, op.getType()));
                return *in;
              })
          .Case<math::FPowIOp>([&](math::FPowIOp op)
                                   -> FailureOr<Polynomial> {
            // torch spells x ** 1 and x ** 2 of its losses this way.
            FailureOr<Polynomial> base = operand(0);
            IntegerAttr exponent;
            if (failed(base))
              return failure();
            if (!matchPattern(op.getRhs(), m_Constant(&exponent)) ||
                exponent.getInt() < 0 || exponent.getInt() > 4)
              return fail("the body raises to a power that is not a small "
                          "constant");
            Polynomial power = Polynomial::constant(1.0);
            for (int64_t i = 0; i < exponent.getInt(); ++i)
              power = power * *base;
            return power;
          })
          .Case<math::SqrtOp, math::RsqrtOp>(
              [&](auto op) -> FailureOr<Polynomial> {
                FailureOr<Polynomial> in = operand(0);
                if (failed(in))
                  return failure();
                if (!isPerChannelExpr(*in))
                  return fail("the body takes a square root of an "
                              "activation");
                Polynomial root;
                if (std::optional<double> c = in->getConstant())
                  root = Polynomial::constant(std::sqrt(*c));
                else
                  root = Polynomial::atom(atoms.getSqrt(*in));
                if (isa<math::SqrtOp>(op))
                  return root;
                std::optional<Polynomial> inverse =
                    Polynomial::constant(1.0).divide(root);
                if (!inverse)
                  return fail("the body takes an rsqrt of zero");
                return *inverse;
              })
          .Default([&](Operation *op) -> FailureOr<Polynomial> {
            return fail("'" + op->getName().getStringRef().str() +
                        "' in the body is not a polynomial operation");
          });
  if (succeeded(result))
    known[value] = *result;
  return result;
}

FailureOr<Polynomial> ChannelGradientAnalysis::analyzeStep(
    linalg::GenericOp step, Value current, const Polynomial &currentExpr,
    unsigned channelDim, const DenseMap<Value, Polynomial> &knownValues,
    std::string &reason) {
  auto fail = [&](const char *why) -> FailureOr<Polynomial> {
    reason = why;
    return failure();
  };
  if (step.getNumDpsInits() != 1 || step->getNumResults() != 1)
    return fail("the next op is not a linalg.generic with one result");
  Block *body = step.getBody();
  OpOperand *init = step.getDpsInitOperand(0);
  BlockArgument out = body->getArgument(init->getOperandNumber());
  AffineMap outMap = step.getMatchingIndexingMap(init);
  auto currentType = cast<RankedTensorType>(current.getType());
  bool reduces = step.getNumReductionLoops() != 0;
  bool vectorStep = !reduces && getVectorLength(currentType).has_value() &&
                    isPerChannelExpr(currentExpr);

  if (!reduces) {
    if (!outMap.isIdentity() || !out.use_empty())
      return fail("the next op reads its output tensor");
  } else {
    // A per-channel reduction: the output is read along the channel only,
    // every other loop reduces, and the body adds to the output once.
    auto outType = cast<RankedTensorType>(init->get().getType());
    if (!readsOnlyChannel(outMap, outType, channelDim) ||
        step.getIteratorTypesArray()[channelDim] !=
            utils::IteratorType::parallel ||
        step.getNumReductionLoops() + 1 != step.getNumLoops())
      return fail("the next op is not a reduction over every dimension but "
                  "the channel");
    if (!matchPattern(init->get(), m_Constant()) &&
        !init->get().getDefiningOp<linalg::FillOp>())
      return fail("the reduction does not start from a constant");
    Attribute initValue;
    Value fillValue;
    if (auto fill = init->get().getDefiningOp<linalg::FillOp>())
      fillValue = fill.getInputs()[0];
    if (!(fillValue ? matchPattern(fillValue, m_AnyZeroFloat())
                    : matchPattern(init->get(), m_AnyZeroFloat())))
      return fail("the reduction does not start from zero");
    (void)initValue;
  }

  DenseMap<Value, Polynomial> known;
  for (OpOperand *input : step.getDpsInputOperands()) {
    Value arg = body->getArgument(input->getOperandNumber());
    AffineMap map = step.getMatchingIndexingMap(input);
    Value operand = input->get();
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type)
      return fail("an operand of the next op is not a ranked tensor");
    if (operand == current || knownValues.count(operand)) {
      if (!map.isIdentity())
        return fail("the next op reads an activation transposed");
      known[arg] = operand == current ? currentExpr
                                      : knownValues.lookup(operand);
      continue;
    }
    if (vectorStep) {
      // Vectors of the same shape, or broadcast scalars.
      bool sameShape = map.isIdentity() &&
                       type.getShape() == currentType.getShape();
      std::optional<int64_t> length = getVectorLength(type);
      if (!sameShape && length != 1)
        return fail("an operand of a per-channel step is not a vector of "
                    "the same shape");
      FailureOr<Polynomial> expr = vectors.analyzeVector(operand, reason);
      if (failed(expr))
        return failure();
      known[arg] = *expr;
      continue;
    }
    // A 1-D vector reshaped to the activation's shape: at batch 1 with a
    // 1x1 map, torch broadcasts the mean to 1xCx1x1 and reads it like an
    // activation. Shapes cannot tell it from one; its rank-1 source does.
    auto reshape = operand.getDefiningOp<tensor::ExpandShapeOp>();
    bool reshapedVector = reshape && reshape.getSrcType().getRank() == 1 &&
                          readsOnlyChannel(map, type, channelDim);
    if (!reshapedVector && map.isIdentity() &&
        type.getShape() == currentType.getShape()) {
      known[arg] = Polynomial::atom(atoms.getActivation(operand));
      continue;
    }
    if (!readsOnlyChannel(map, type, channelDim))
      return fail("an operand of the next op is indexed by a dimension other "
                  "than the output channel");
    FailureOr<Polynomial> expr = vectors.analyzeVector(operand, reason);
    if (failed(expr))
      return failure();
    known[arg] = *expr;
  }

  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Value yielded = yield.getOperand(0);
  if (!reduces)
    return evaluate(yielded, known, reason);

  // out + E, in either order.
  auto add = yielded.getDefiningOp<arith::AddFOp>();
  if (!add || (add.getLhs() != out && add.getRhs() != out) ||
      out.getNumUses() != 1)
    return fail("the reduction does not add to its output once");
  Value summand = add.getLhs() == out ? add.getRhs() : add.getLhs();
  FailureOr<Polynomial> expr = evaluate(summand, known, reason);
  if (failed(expr))
    return failure();
  if (!isActivationExpr(*expr))
    return fail("a reduction sums a per-channel value");
  return sum(*expr, reason);
}
