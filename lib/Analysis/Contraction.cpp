//===- Contraction.cpp - tensors as sums of products of reads -------------===//

#include "ConvBN/Analysis/Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <numeric>

using namespace mlir;
using namespace mlir::convbn;

//===----------------------------------------------------------------------===//
// LinearIndex
//===----------------------------------------------------------------------===//

LinearIndex LinearIndex::dim(unsigned numDims, unsigned position,
                             int64_t coefficient) {
  LinearIndex index;
  index.coefficients.assign(numDims, 0);
  index.coefficients[position] = coefficient;
  return index;
}

LinearIndex LinearIndex::constantIndex(unsigned numDims, int64_t value) {
  LinearIndex index;
  index.coefficients.assign(numDims, 0);
  index.constant = value;
  return index;
}

void LinearIndex::normalize() {
  if (denominator < 0) {
    denominator = -denominator;
    constant = -constant;
    for (int64_t &c : coefficients)
      c = -c;
  }
  int64_t g = denominator;
  g = std::gcd(g, constant);
  for (int64_t c : coefficients)
    g = std::gcd(g, c);
  if (g > 1) {
    denominator /= g;
    constant /= g;
    for (int64_t &c : coefficients)
      c /= g;
  }
}

LinearIndex LinearIndex::operator+(const LinearIndex &other) const {
  int64_t lcm = std::lcm(denominator, other.denominator);
  LinearIndex result;
  result.denominator = lcm;
  int64_t fa = lcm / denominator, fb = lcm / other.denominator;
  result.coefficients.resize(std::max(coefficients.size(),
                                      other.coefficients.size()));
  for (auto [i, c] : llvm::enumerate(result.coefficients)) {
    int64_t a = i < coefficients.size() ? coefficients[i] : 0;
    int64_t b = i < other.coefficients.size() ? other.coefficients[i] : 0;
    c = a * fa + b * fb;
  }
  result.constant = constant * fa + other.constant * fb;
  result.normalize();
  return result;
}

LinearIndex LinearIndex::scaled(int64_t numerator, int64_t divisor) const {
  LinearIndex result = *this;
  for (int64_t &c : result.coefficients)
    c *= numerator;
  result.constant *= numerator;
  result.denominator *= divisor;
  result.normalize();
  return result;
}

LinearIndex LinearIndex::operator-(const LinearIndex &other) const {
  return *this + other.scaled(-1);
}

bool LinearIndex::isConstant() const {
  return llvm::all_of(coefficients, [](int64_t c) { return c == 0; });
}

bool LinearIndex::operator==(const LinearIndex &other) const {
  LinearIndex difference = *this - other;
  return difference.isConstant() && difference.constant == 0;
}

/// `index` with every variable i replaced by `replacements[i]` (all over the
/// same variables).
static LinearIndex substitute(const LinearIndex &index,
                              ArrayRef<LinearIndex> replacements,
                              unsigned numVariables) {
  LinearIndex result = LinearIndex::constantIndex(numVariables, index.constant);
  for (auto [i, c] : llvm::enumerate(index.coefficients))
    if (c != 0)
      result = result + replacements[i].scaled(c);
  return result.scaled(1, index.denominator);
}

/// Appends `from`'s reads and conditions to `into`, each index with `from`'s
/// variables replaced by `replacements` (over `numVariables`, `into`'s).
static void appendSubstituted(const Contraction &from,
                              ArrayRef<LinearIndex> replacements,
                              unsigned numVariables, Contraction &into) {
  for (const Read &read : from.factors) {
    Read substituted{read.tensor, {}};
    for (const LinearIndex &index : read.indices)
      substituted.indices.push_back(
          substitute(index, replacements, numVariables));
    into.factors.push_back(std::move(substituted));
  }
  for (const Condition &condition : from.conditions)
    into.conditions.push_back(
        {condition.kind,
         substitute(condition.expr, replacements, numVariables)});
}

//===----------------------------------------------------------------------===//
// Contraction building blocks
//===----------------------------------------------------------------------===//

Contraction Contraction::leaf(Value tensor, ArrayRef<int64_t> shape) {
  Contraction result;
  result.ranges.assign(shape.begin(), shape.end());
  result.numOutputs = shape.size();
  Read read{tensor, {}};
  for (unsigned i = 0; i < shape.size(); ++i)
    read.indices.push_back(LinearIndex::dim(shape.size(), i));
  result.factors.push_back(std::move(read));
  return result;
}

/// `inner` read at `outputs` (one index per output of `inner`, over the
/// variables `outerRanges`): the variables are `outerRanges` followed by
/// `inner`'s reduction variables; the first `numOutputs` of them index the
/// result.
static Contraction compose(const Contraction &inner,
                           ArrayRef<int64_t> outerRanges, unsigned numOutputs,
                           ArrayRef<LinearIndex> outputs) {
  unsigned numOuter = outerRanges.size();
  unsigned numVariables = numOuter + inner.getNumVariables() - inner.numOutputs;
  SmallVector<LinearIndex> replacements;
  for (unsigned v = 0; v < inner.getNumVariables(); ++v) {
    if (v < inner.numOutputs) {
      LinearIndex replacement = outputs[v];
      replacement.coefficients.resize(numVariables, 0);
      replacements.push_back(replacement);
    } else {
      replacements.push_back(
          LinearIndex::dim(numVariables, numOuter + v - inner.numOutputs));
    }
  }
  Contraction result;
  result.ranges.assign(outerRanges.begin(), outerRanges.end());
  result.ranges.append(inner.ranges.begin() + inner.numOutputs,
                       inner.ranges.end());
  result.numOutputs = numOutputs;
  appendSubstituted(inner, replacements, numVariables, result);
  return result;
}

/// The product of `a` and `b`, whose first `numShared` variables are the
/// same; `b`'s others follow `a`'s.
static Contraction multiply(const Contraction &a, const Contraction &b,
                            unsigned numShared) {
  unsigned numVariables =
      a.getNumVariables() + b.getNumVariables() - numShared;
  SmallVector<LinearIndex> fromA, fromB;
  for (unsigned v = 0; v < a.getNumVariables(); ++v)
    fromA.push_back(LinearIndex::dim(numVariables, v));
  for (unsigned v = 0; v < b.getNumVariables(); ++v)
    fromB.push_back(LinearIndex::dim(
        numVariables, v < numShared ? v : a.getNumVariables() + v - numShared));
  Contraction result;
  result.ranges = a.ranges;
  result.ranges.append(b.ranges.begin() + numShared, b.ranges.end());
  result.numOutputs = a.numOutputs;
  appendSubstituted(a, fromA, numVariables, result);
  appendSubstituted(b, fromB, numVariables, result);
  return result;
}

/// `expr >= 0` and `expr <= size - 1`.
static void addBounds(Contraction &contraction, const LinearIndex &expr,
                      int64_t size) {
  unsigned n = contraction.getNumVariables();
  contraction.conditions.push_back({Condition::Kind::NonNegative, expr});
  contraction.conditions.push_back(
      {Condition::Kind::NonNegative,
       LinearIndex::constantIndex(n, size - 1) - expr});
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

namespace {
class Evaluator {
public:
  Evaluator(ArrayRef<Value> leaves, std::string &reason)
      : leaves(leaves), reason(reason) {}

  FailureOr<Contraction> evaluate(Value value, unsigned depth = 0);
  FailureOr<Contraction> evaluateExpanded(Value value,
                                          ArrayRef<ReassociationIndices> groups,
                                          ArrayRef<int64_t> shape,
                                          unsigned depth = 0);

private:
  FailureOr<Contraction> fail(const Twine &why) {
    reason = why.str();
    return failure();
  }
  FailureOr<Contraction> evaluateLinalg(linalg::LinalgOp op, unsigned depth);
  std::optional<FailureOr<Contraction>>
  evaluateRegrouped(tensor::ExpandShapeOp expand, unsigned depth);
  FailureOr<LinearIndex> indexOf(Value value, unsigned numVariables,
                                 ArrayRef<unsigned> loopToVariable);

  ArrayRef<Value> leaves;
  std::string &reason;
};
} // namespace

/// An AffineExpr of loops as a LinearIndex over variables.
static FailureOr<LinearIndex> toLinearIndex(AffineExpr expr,
                                            unsigned numVariables,
                                            ArrayRef<unsigned> loopToVariable) {
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return LinearIndex::dim(numVariables, loopToVariable[dim.getPosition()]);
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return LinearIndex::constantIndex(numVariables, constant.getValue());
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return failure();
  FailureOr<LinearIndex> lhs =
      toLinearIndex(binary.getLHS(), numVariables, loopToVariable);
  FailureOr<LinearIndex> rhs =
      toLinearIndex(binary.getRHS(), numVariables, loopToVariable);
  if (failed(lhs) || failed(rhs))
    return failure();
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return *lhs + *rhs;
  case AffineExprKind::Mul:
    if (rhs->isConstant() && rhs->denominator == 1)
      return lhs->scaled(rhs->constant);
    if (lhs->isConstant() && lhs->denominator == 1)
      return rhs->scaled(lhs->constant);
    return failure();
  default:
    return failure();
  }
}

static bool isZeroTensor(Value value) {
  if (matchPattern(value, m_AnyZeroFloat()))
    return true;
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return false;
}

static Value stripCasts(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (!isa<arith::ExtFOp, arith::TruncFOp>(def))
      break;
    value = def->getOperand(0);
  }
  return value;
}

FailureOr<LinearIndex>
Evaluator::indexOf(Value value, unsigned numVariables,
                   ArrayRef<unsigned> loopToVariable) {
  if (auto index = value.getDefiningOp<linalg::IndexOp>())
    return LinearIndex::dim(numVariables, loopToVariable[index.getDim()]);
  IntegerAttr constant;
  if (matchPattern(value, m_Constant(&constant)))
    return LinearIndex::constantIndex(numVariables, constant.getInt());
  Operation *def = value.getDefiningOp();
  if (!def || !isa<arith::AddIOp, arith::SubIOp, arith::MulIOp>(def))
    return failure();
  FailureOr<LinearIndex> lhs =
      indexOf(def->getOperand(0), numVariables, loopToVariable);
  FailureOr<LinearIndex> rhs =
      indexOf(def->getOperand(1), numVariables, loopToVariable);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (isa<arith::AddIOp>(def))
    return *lhs + *rhs;
  if (isa<arith::SubIOp>(def))
    return *lhs - *rhs;
  if (rhs->isConstant() && rhs->denominator == 1)
    return lhs->scaled(rhs->constant);
  if (lhs->isConstant() && lhs->denominator == 1)
    return rhs->scaled(lhs->constant);
  return failure();
}

FailureOr<Contraction> Evaluator::evaluate(Value value, unsigned depth) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return fail("a tensor on the way has a dynamic shape");
  if (llvm::is_contained(leaves, value))
    return Contraction::leaf(value, type.getShape());
  if (depth > 32)
    return fail("too many ops between the value and its leaves");
  Operation *def = value.getDefiningOp();
  if (!def)
    return fail("reaches a function argument that is not a leaf");
  unsigned rank = type.getRank();
  ArrayRef<int64_t> shape = type.getShape();

  if (auto cast = dyn_cast<tensor::CastOp>(def))
    return evaluate(cast.getSource(), depth + 1);

  if (auto transpose = dyn_cast<linalg::TransposeOp>(def)) {
    FailureOr<Contraction> in = evaluate(transpose.getInput(), depth + 1);
    if (failed(in))
      return failure();
    SmallVector<LinearIndex> outputs(rank);
    for (auto [j, p] : llvm::enumerate(transpose.getPermutation()))
      outputs[p] = LinearIndex::dim(rank, j);
    return compose(*in, shape, rank, outputs);
  }

  if (auto pad = dyn_cast<tensor::PadOp>(def)) {
    Value padValue = pad.getConstantPaddingValue();
    if (!padValue || !matchPattern(padValue, m_AnyZeroFloat()) ||
        !pad.getLow().empty() || !pad.getHigh().empty())
      return fail("a tensor.pad is not a static zero padding");
    FailureOr<Contraction> in = evaluate(pad.getSource(), depth + 1);
    if (failed(in))
      return failure();
    ArrayRef<int64_t> low = pad.getStaticLow();
    auto sourceShape = pad.getSourceType().getShape();
    SmallVector<LinearIndex> outputs;
    for (unsigned p = 0; p < rank; ++p)
      outputs.push_back(LinearIndex::dim(rank, p) -
                        LinearIndex::constantIndex(rank, low[p]));
    Contraction result = compose(*in, shape, rank, outputs);
    for (unsigned p = 0; p < rank; ++p) {
      if (low[p] == 0 && pad.getStaticHigh()[p] == 0)
        continue;
      LinearIndex expr = outputs[p];
      expr.coefficients.resize(result.getNumVariables(), 0);
      addBounds(result, expr, sourceShape[p]);
    }
    return result;
  }

  if (auto insert = dyn_cast<tensor::InsertSliceOp>(def)) {
    if (!isZeroTensor(insert.getDest()))
      return fail("a tensor.insert_slice writes into a tensor that is not "
                  "zero");
    if (!insert.getOffsets().empty() || !insert.getSizes().empty() ||
        !insert.getStrides().empty() ||
        insert.getSourceType().getRank() != static_cast<int64_t>(rank))
      return fail("a tensor.insert_slice is dynamic or rank-reducing");
    FailureOr<Contraction> in = evaluate(insert.getSource(), depth + 1);
    if (failed(in))
      return failure();
    SmallVector<LinearIndex> outputs;
    for (unsigned p = 0; p < rank; ++p)
      outputs.push_back(
          (LinearIndex::dim(rank, p) -
           LinearIndex::constantIndex(rank, insert.getStaticOffsets()[p]))
              .scaled(1, insert.getStaticStrides()[p]));
    Contraction result = compose(*in, shape, rank, outputs);
    for (unsigned p = 0; p < rank; ++p) {
      LinearIndex expr = outputs[p];
      expr.coefficients.resize(result.getNumVariables(), 0);
      if (expr.denominator != 1)
        result.conditions.push_back({Condition::Kind::Integral, expr});
      addBounds(result, expr, insert.getStaticSizes()[p]);
    }
    return result;
  }

  if (auto extract = dyn_cast<tensor::ExtractSliceOp>(def)) {
    if (!extract.getOffsets().empty() || !extract.getSizes().empty() ||
        !extract.getStrides().empty())
      return fail("a tensor.extract_slice is dynamic");
    FailureOr<Contraction> in = evaluate(extract.getSource(), depth + 1);
    if (failed(in))
      return failure();
    llvm::SmallBitVector dropped = extract.getDroppedDims();
    SmallVector<LinearIndex> outputs;
    unsigned next = 0;
    for (unsigned p = 0; p < extract.getSourceType().getRank(); ++p) {
      LinearIndex offset =
          LinearIndex::constantIndex(rank, extract.getStaticOffsets()[p]);
      if (dropped.test(p)) {
        outputs.push_back(offset);
        continue;
      }
      outputs.push_back(offset + LinearIndex::dim(
                                     rank, next++,
                                     extract.getStaticStrides()[p]));
    }
    return compose(*in, shape, rank, outputs);
  }

  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def)) {
    if (std::optional<FailureOr<Contraction>> regrouped =
            evaluateRegrouped(expand, depth))
      return *regrouped;
    FailureOr<Contraction> in = evaluate(expand.getSrc(), depth + 1);
    if (failed(in))
      return failure();
    return expandOutputs(*in, expand.getReassociationIndices(), shape);
  }

  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def)) {
    FailureOr<Contraction> in = evaluate(collapse.getSrc(), depth + 1);
    if (failed(in))
      return failure();
    auto sourceShape = collapse.getSrcType().getShape();
    SmallVector<LinearIndex> outputs(sourceShape.size());
    for (auto [j, group] :
         llvm::enumerate(collapse.getReassociationIndices())) {
      unsigned nonUnit = 0;
      for (int64_t d : group) {
        if (sourceShape[d] != 1) {
          ++nonUnit;
          outputs[d] = LinearIndex::dim(rank, j);
        } else {
          outputs[d] = LinearIndex::constantIndex(rank, 0);
        }
      }
      if (nonUnit > 1)
        return fail("a tensor.collapse_shape merges dimensions");
    }
    return compose(*in, shape, rank, outputs);
  }

  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(def))
    return evaluateLinalg(linalgOp, depth);
  return fail("'" + def->getName().getStringRef() +
              "' is not an op the contraction analysis knows");
}

/// torch-mlir's grouped convolutions collapse (group, channel) into one
/// dimension, slice or zero-pad the other dimensions, and expand the same
/// groups again. Through the collapse the merged index would be a quotient
/// and a remainder, which affine indices cannot express; but the whole is
/// the uncollapsed value sliced and padded in its other dimensions. Returns
/// std::nullopt when `expand` does not end such a chain.
std::optional<FailureOr<Contraction>>
Evaluator::evaluateRegrouped(tensor::ExpandShapeOp expand, unsigned depth) {
  SmallVector<ReassociationIndices> groups =
      expand.getReassociationIndices();
  auto isMerged = [&](unsigned j) { return groups[j].size() > 1; };
  // The slices and pads between the expand and the collapse, outermost
  // first; each must leave the merged dimensions whole.
  SmallVector<Operation *> steps;
  Value source = expand.getSrc();
  while (Operation *def = source.getDefiningOp()) {
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def)) {
      if (!slice.getOffsets().empty() || !slice.getSizes().empty() ||
          !slice.getStrides().empty() ||
          slice.getSourceType().getRank() != slice.getType().getRank())
        return std::nullopt;
      for (unsigned j = 0; j < groups.size(); ++j)
        if (isMerged(j) && (slice.getStaticOffsets()[j] != 0 ||
                            slice.getStaticStrides()[j] != 1 ||
                            slice.getStaticSizes()[j] !=
                                slice.getSourceType().getDimSize(j)))
          return std::nullopt;
      steps.push_back(slice);
      source = slice.getSource();
      continue;
    }
    if (auto pad = dyn_cast<tensor::PadOp>(def)) {
      Value padValue = pad.getConstantPaddingValue();
      if (!padValue || !matchPattern(padValue, m_AnyZeroFloat()) ||
          !pad.getLow().empty() || !pad.getHigh().empty())
        return std::nullopt;
      for (unsigned j = 0; j < groups.size(); ++j)
        if (isMerged(j) &&
            (pad.getStaticLow()[j] != 0 || pad.getStaticHigh()[j] != 0))
          return std::nullopt;
      steps.push_back(pad);
      source = pad.getSource();
      continue;
    }
    break;
  }
  auto collapse = source.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse || collapse.getReassociationIndices() != groups)
    return std::nullopt;
  ArrayRef<int64_t> expandedShape = expand.getResultType().getShape();
  SmallVector<int64_t> shape(collapse.getSrcType().getShape());
  for (unsigned j = 0; j < groups.size(); ++j)
    if (isMerged(j))
      for (int64_t d : groups[j])
        if (shape[d] != expandedShape[d])
          return std::nullopt;

  FailureOr<Contraction> result = evaluate(collapse.getSrc(), depth + 1);
  if (failed(result))
    return result;
  unsigned rank = shape.size();
  // Replay the steps innermost first, in the uncollapsed dimensions: a
  // dimension of its own group is sliced or padded as the step says.
  for (Operation *step : llvm::reverse(steps)) {
    ArrayRef<int64_t> stepShape =
        cast<RankedTensorType>(step->getResult(0).getType()).getShape();
    SmallVector<int64_t> next(shape);
    SmallVector<LinearIndex> outputs;
    for (unsigned d = 0; d < rank; ++d)
      outputs.push_back(LinearIndex::dim(rank, d));
    SmallVector<std::pair<unsigned, int64_t>> bounds;
    for (unsigned j = 0; j < groups.size(); ++j) {
      if (isMerged(j))
        continue;
      unsigned d = groups[j].front();
      next[d] = stepShape[j];
      if (auto slice = dyn_cast<tensor::ExtractSliceOp>(step)) {
        outputs[d] =
            LinearIndex::constantIndex(rank, slice.getStaticOffsets()[j]) +
            LinearIndex::dim(rank, d, slice.getStaticStrides()[j]);
        continue;
      }
      auto pad = cast<tensor::PadOp>(step);
      outputs[d] = LinearIndex::dim(rank, d) -
                   LinearIndex::constantIndex(rank, pad.getStaticLow()[j]);
      if (pad.getStaticLow()[j] != 0 || pad.getStaticHigh()[j] != 0)
        bounds.push_back({d, shape[d]});
    }
    Contraction composed = compose(*result, next, rank, outputs);
    for (auto [d, size] : bounds) {
      LinearIndex expr = outputs[d];
      expr.coefficients.resize(composed.getNumVariables(), 0);
      addBounds(composed, expr, size);
    }
    *result = std::move(composed);
    shape = std::move(next);
  }
  return result;
}

FailureOr<Contraction> Evaluator::evaluateLinalg(linalg::LinalgOp op,
                                                 unsigned depth) {
  if (op.getNumDpsInits() != 1 || op->getNumResults() != 1 ||
      !op.hasPureTensorSemantics())
    return fail("a linalg op on the way has several results");
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  unsigned rank = resultType.getRank();
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outputMap = op.getMatchingIndexingMap(init);
  SmallVector<int64_t> loopRanges = op.getStaticLoopRanges();
  if (llvm::any_of(loopRanges, ShapedType::isDynamic))
    return fail("a linalg op on the way has dynamic loop ranges");
  if (!outputMap.isProjectedPermutation() ||
      outputMap.getNumResults() != rank)
    return fail("a linalg op on the way writes its output through a map "
                "that is not a projection");

  // Variables: the result's dimensions, then the reduction loops.
  SmallVector<unsigned> loopToVariable(op.getNumLoops(), ~0u);
  SmallVector<int64_t> ranges(resultType.getShape());
  for (unsigned j = 0; j < rank; ++j)
    loopToVariable[outputMap.getDimPosition(j)] = j;
  bool reduces = false;
  for (unsigned l = 0; l < op.getNumLoops(); ++l) {
    if (loopToVariable[l] != ~0u)
      continue;
    if (op.getIteratorTypesArray()[l] != utils::IteratorType::reduction)
      return fail("a parallel loop of a linalg op is not in its output");
    loopToVariable[l] = ranges.size();
    ranges.push_back(loopRanges[l]);
    reduces = true;
  }
  unsigned numVariables = ranges.size();

  // An input read through its indexing map, over the variables.
  auto readInput = [&](BlockArgument arg) -> FailureOr<Contraction> {
    OpOperand &operand = op->getOpOperand(arg.getArgNumber());
    if (&operand == init)
      return fail("a linalg op reads its output");
    FailureOr<Contraction> in = evaluate(operand.get(), depth + 1);
    if (failed(in))
      return failure();
    SmallVector<LinearIndex> outputs;
    for (AffineExpr expr : op.getMatchingIndexingMap(&operand).getResults()) {
      FailureOr<LinearIndex> index =
          toLinearIndex(expr, numVariables, loopToVariable);
      if (failed(index))
        return fail("a linalg op reads an operand through a map that is "
                    "not affine");
      outputs.push_back(*index);
    }
    return compose(*in, ranges, rank, outputs);
  };

  Block *body = op.getBlock();
  Value yielded =
      stripCasts(cast<linalg::YieldOp>(body->getTerminator()).getOperand(0));
  BlockArgument out = body->getArgument(init->getOperandNumber());

  // A copy (or widening) of an input, or a gather at affine indices.
  if (!reduces) {
    if (auto arg = dyn_cast<BlockArgument>(yielded);
        arg && arg.getOwner() == body)
      return readInput(arg);
    if (auto extract = yielded.getDefiningOp<tensor::ExtractOp>();
        extract && extract->getBlock() == body &&
        !body->getParentOp()->isAncestor(
            extract.getTensor().getParentBlock()->getParentOp())) {
      FailureOr<Contraction> source =
          evaluate(extract.getTensor(), depth + 1);
      if (failed(source))
        return failure();
      SmallVector<LinearIndex> outputs;
      for (Value index : extract.getIndices()) {
        FailureOr<LinearIndex> linear =
            indexOf(index, numVariables, loopToVariable);
        if (failed(linear))
          return fail("a gathering linalg op reads at an index that is not "
                      "affine");
        outputs.push_back(*linear);
      }
      return compose(*source, ranges, rank, outputs);
    }
  }

  // out + x or out + a * b, into zeros.
  auto add = yielded.getDefiningOp<arith::AddFOp>();
  if (!add || add->getBlock() != body)
    return fail("a linalg op on the way is not a copy, a gather, a sum or a "
                "multiply-accumulate");
  Value other = add.getLhs() == out ? add.getRhs()
                : add.getRhs() == out ? add.getLhs()
                                      : Value();
  if (!other || !isZeroTensor(init->get()))
    return fail("a linalg op on the way does not accumulate into zeros");
  other = stripCasts(other);
  auto asArg = [&](Value v) -> BlockArgument {
    auto arg = dyn_cast<BlockArgument>(stripCasts(v));
    return arg && arg.getOwner() == body && arg != out ? arg : BlockArgument();
  };
  if (BlockArgument arg = asArg(other))
    return readInput(arg);
  auto mul = other.getDefiningOp<arith::MulFOp>();
  BlockArgument lhs = mul ? asArg(mul.getLhs()) : BlockArgument();
  BlockArgument rhs = mul ? asArg(mul.getRhs()) : BlockArgument();
  if (!lhs || !rhs)
    return fail("a linalg op on the way is not a copy, a gather, a sum or a "
                "multiply-accumulate");
  FailureOr<Contraction> a = readInput(lhs);
  if (failed(a))
    return failure();
  FailureOr<Contraction> b = readInput(rhs);
  if (failed(b))
    return failure();
  return multiply(*a, *b, numVariables);
}

FailureOr<Contraction> mlir::convbn::evaluateContraction(
    Value value, ArrayRef<Value> leaves, std::string &reason) {
  Evaluator evaluator(leaves, reason);
  return evaluator.evaluate(value);
}

/// The expansion is pushed through transposes (whose dimensions carry their
/// groups along) until it meets a collapse_shape of the same groups, which
/// it cancels; anywhere else the value is evaluated and split.
FailureOr<Contraction>
Evaluator::evaluateExpanded(Value value, ArrayRef<ReassociationIndices> groups,
                            ArrayRef<int64_t> shape, unsigned depth) {
  if (depth > 32)
    return fail("too many ops between the value and its leaves");
  Operation *def = value.getDefiningOp();
  if (auto collapse = dyn_cast_if_present<tensor::CollapseShapeOp>(def)) {
    if (collapse.getReassociationIndices() == groups &&
        collapse.getSrcType().getShape() == shape)
      return evaluate(collapse.getSrc(), depth + 1);
  }
  if (auto transpose = dyn_cast_if_present<linalg::TransposeOp>(def)) {
    // out[j] = in[perm[j]]: the input's dimension perm[j] splits as the
    // output's j does.
    ArrayRef<int64_t> perm = transpose.getPermutation();
    SmallVector<SmallVector<int64_t>> sizes(perm.size());
    for (auto [j, group] : llvm::enumerate(groups))
      for (int64_t d : group)
        sizes[perm[j]].push_back(shape[d]);
    SmallVector<ReassociationIndices> inputGroups;
    SmallVector<int64_t> inputShape, firstOf;
    for (ArrayRef<int64_t> split : sizes) {
      firstOf.push_back(inputShape.size());
      inputGroups.push_back(llvm::to_vector(llvm::seq<int64_t>(
          inputShape.size(), inputShape.size() + split.size())));
      llvm::append_range(inputShape, split);
    }
    FailureOr<Contraction> in = evaluateExpanded(
        transpose.getInput(), inputGroups, inputShape, depth + 1);
    if (failed(in))
      return failure();
    unsigned rank = shape.size();
    SmallVector<LinearIndex> outputs(inputShape.size());
    for (auto [j, group] : llvm::enumerate(groups))
      for (auto [k, d] : llvm::enumerate(group))
        outputs[firstOf[perm[j]] + k] = LinearIndex::dim(rank, d);
    return compose(*in, shape, rank, outputs);
  }
  FailureOr<Contraction> in = evaluate(value, depth + 1);
  if (failed(in))
    return failure();
  return expandOutputs(*in, groups, shape);
}

FailureOr<Contraction> mlir::convbn::evaluateExpandedContraction(
    Value value, ArrayRef<ReassociationIndices> groups,
    ArrayRef<int64_t> shape, ArrayRef<Value> leaves, std::string &reason) {
  Evaluator evaluator(leaves, reason);
  return evaluator.evaluateExpanded(value, groups, shape);
}

Contraction mlir::convbn::readContraction(const Contraction &contraction,
                                          ArrayRef<int64_t> ranges,
                                          unsigned numOutputs,
                                          ArrayRef<LinearIndex> indices) {
  return compose(contraction, ranges, numOutputs, indices);
}

FailureOr<Contraction>
mlir::convbn::expandOutputs(const Contraction &contraction,
                            ArrayRef<ReassociationIndices> groups,
                            ArrayRef<int64_t> shape) {
  unsigned rank = shape.size();
  if (groups.size() != contraction.numOutputs)
    return failure();
  SmallVector<LinearIndex> outputs;
  for (const ReassociationIndices &group : groups) {
    LinearIndex index = LinearIndex::constantIndex(rank, 0);
    int64_t stride = 1;
    for (int64_t d : llvm::reverse(group)) {
      index = index + LinearIndex::dim(rank, d, stride);
      stride *= shape[d];
    }
    outputs.push_back(index);
  }
  return compose(contraction, shape, rank, outputs);
}

//===----------------------------------------------------------------------===//
// Equivalence
//===----------------------------------------------------------------------===//

namespace {
/// A condition in a canonical form, for comparing sets of conditions.
struct NormalCondition {
  Condition::Kind kind;
  SmallVector<int64_t> coefficients;
  int64_t constant;
  int64_t modulus; // Integral: the denominator; NonNegative: 1

  bool operator<(const NormalCondition &other) const {
    return std::tie(kind, coefficients, constant, modulus) <
           std::tie(other.kind, other.coefficients, other.constant,
                    other.modulus);
  }
  bool operator==(const NormalCondition &other) const {
    return !(*this < other) && !(other < *this);
  }
};
} // namespace

static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// The canonical form of `condition`, or nullopt when it holds everywhere
/// in the box `ranges`.
static std::optional<NormalCondition>
normalizeCondition(const Condition &condition, ArrayRef<int64_t> ranges) {
  LinearIndex expr = condition.expr;
  expr.normalize();
  if (condition.kind == Condition::Kind::Integral) {
    if (expr.denominator == 1)
      return std::nullopt;
    int64_t m = expr.denominator;
    NormalCondition normal{Condition::Kind::Integral, {}, 0, m};
    for (int64_t c : expr.coefficients)
      normal.coefficients.push_back(((c % m) + m) % m);
    normal.constant = ((expr.constant % m) + m) % m;
    int64_t g = m;
    for (int64_t c : normal.coefficients)
      g = std::gcd(g, c);
    g = std::gcd(g, normal.constant);
    if (g > 1) {
      for (int64_t &c : normal.coefficients)
        c /= g;
      normal.constant /= g;
      normal.modulus /= g;
    }
    if (normal.modulus == 1)
      return std::nullopt;
    return normal;
  }
  // numerator >= 0 (the denominator is positive).
  int64_t minimum = expr.constant;
  for (auto [c, range] : llvm::zip(expr.coefficients, ranges))
    minimum += c < 0 ? c * (range - 1) : 0;
  if (minimum >= 0)
    return std::nullopt;
  int64_t g = 0;
  for (int64_t c : expr.coefficients)
    g = std::gcd(g, c);
  NormalCondition normal{Condition::Kind::NonNegative,
                         SmallVector<int64_t>(expr.coefficients.begin(),
                                              expr.coefficients.end()),
                         expr.constant, 1};
  if (g > 1) {
    for (int64_t &c : normal.coefficients)
      c /= g;
    normal.constant = floorDiv(expr.constant, g);
  }
  return normal;
}

/// The conditions of `contraction` and those of its reads (each index
/// integral and within its tensor), canonical, without those the box
/// implies.
static SmallVector<NormalCondition>
collectConditions(const Contraction &contraction) {
  SmallVector<Condition> all(contraction.conditions.begin(),
                             contraction.conditions.end());
  unsigned n = contraction.getNumVariables();
  for (const Read &read : contraction.factors) {
    auto shape = cast<RankedTensorType>(read.tensor.getType()).getShape();
    for (auto [index, size] : llvm::zip(read.indices, shape)) {
      all.push_back({Condition::Kind::Integral, index});
      all.push_back({Condition::Kind::NonNegative, index});
      all.push_back({Condition::Kind::NonNegative,
                     LinearIndex::constantIndex(n, size - 1) - index});
    }
  }
  SmallVector<NormalCondition> normal;
  for (const Condition &condition : all)
    if (std::optional<NormalCondition> c =
            normalizeCondition(condition, contraction.ranges))
      normal.push_back(*c);
  llvm::sort(normal);
  normal.erase(std::unique(normal.begin(), normal.end()), normal.end());
  return normal;
}

/// `c` with its variables of range 1 fixed at 0, and its summed ones of
/// range 1 dropped (a unit loop of a convolution, a flip of a 1-wide kernel).
static Contraction withoutUnitVariables(const Contraction &c) {
  unsigned n = c.getNumVariables();
  SmallVector<LinearIndex> replacement;
  SmallVector<int64_t> ranges;
  SmallVector<unsigned> kept;
  for (unsigned v = 0; v < n; ++v)
    if (v < c.numOutputs || c.ranges[v] != 1)
      kept.push_back(v);
  unsigned m = kept.size();
  for (unsigned v = 0; v < n; ++v) {
    auto it = llvm::find(kept, v);
    if (c.ranges[v] == 1 || it == kept.end())
      replacement.push_back(LinearIndex::constantIndex(m, 0));
    else
      replacement.push_back(LinearIndex::dim(m, it - kept.begin()));
  }
  Contraction result;
  for (unsigned v : kept)
    result.ranges.push_back(c.ranges[v]);
  result.numOutputs = c.numOutputs;
  appendSubstituted(c, replacement, m, result);
  return result;
}

/// `c` with each output variable that its conditions and the bounds of its
/// reads fix to one value replaced by that value in every index, and the
/// value stated as a pair of conditions. Reads of size-1 dimensions
/// otherwise differ in how a frontend's reshapes spread the fixed variables
/// over them: X[0, kh + kw - 2] and X[kh - 1, kw - 1] of a 1x1 input padded
/// to 3x3 both say "kh = kw = 1".
static Contraction pinFixedOutputs(const Contraction &c) {
  unsigned n = c.getNumVariables();
  SmallVector<int64_t> low(c.numOutputs, 0), high;
  for (unsigned v = 0; v < c.numOutputs; ++v)
    high.push_back(c.ranges[v] - 1);
  // Bounds from `expr >= 0` where expr is ±v + constant.
  auto tighten = [&](const LinearIndex &expr) {
    if (expr.denominator != 1)
      return;
    int variable = -1;
    for (unsigned v = 0; v < n; ++v) {
      if (expr.coefficients[v] == 0)
        continue;
      if (variable != -1 || v >= c.numOutputs ||
          std::abs(expr.coefficients[v]) != 1)
        return;
      variable = v;
    }
    if (variable < 0)
      return;
    if (expr.coefficients[variable] == 1)
      low[variable] = std::max(low[variable], -expr.constant);
    else
      high[variable] = std::min(high[variable], expr.constant);
  };
  for (const Condition &condition : c.conditions)
    if (condition.kind == Condition::Kind::NonNegative)
      tighten(condition.expr);
  for (const Read &read : c.factors) {
    auto shape = cast<RankedTensorType>(read.tensor.getType()).getShape();
    for (auto [index, size] : llvm::zip(read.indices, shape)) {
      tighten(index);
      tighten(LinearIndex::constantIndex(n, size - 1) - index);
    }
  }
  SmallVector<LinearIndex> replacement;
  SmallVector<unsigned> pinned;
  for (unsigned v = 0; v < n; ++v) {
    if (v < c.numOutputs && low[v] == high[v] && c.ranges[v] > 1) {
      replacement.push_back(LinearIndex::constantIndex(n, low[v]));
      pinned.push_back(v);
    } else {
      replacement.push_back(LinearIndex::dim(n, v));
    }
  }
  if (pinned.empty())
    return c;
  Contraction result;
  result.ranges = c.ranges;
  result.numOutputs = c.numOutputs;
  appendSubstituted(c, replacement, n, result);
  for (unsigned v : pinned) {
    LinearIndex at = LinearIndex::dim(n, v) - LinearIndex::constantIndex(n, low[v]);
    result.conditions.push_back({Condition::Kind::NonNegative, at});
    result.conditions.push_back(
        {Condition::Kind::NonNegative, LinearIndex::constantIndex(n, 0) - at});
  }
  return result;
}

LogicalResult mlir::convbn::checkEquivalent(const Contraction &unitA,
                                            const Contraction &unitB,
                                            std::string &reason) {
  Contraction a = pinFixedOutputs(withoutUnitVariables(unitA));
  Contraction b = pinFixedOutputs(withoutUnitVariables(unitB));
  auto fail = [&](const Twine &why) {
    reason = why.str();
    return failure();
  };
  if (a.numOutputs != b.numOutputs ||
      !llvm::equal(ArrayRef(a.ranges).take_front(a.numOutputs),
                   ArrayRef(b.ranges).take_front(b.numOutputs)))
    return fail("the shapes differ");
  if (a.getNumVariables() != b.getNumVariables())
    return fail("the numbers of summed variables differ");
  if (a.factors.size() != b.factors.size())
    return fail("the numbers of factors differ");
  // Factors by leaf (each leaf read once).
  SmallVector<unsigned> match;
  for (const Read &read : b.factors) {
    auto it = llvm::find_if(a.factors, [&](const Read &candidate) {
      return candidate.tensor == read.tensor;
    });
    if (it == a.factors.end() ||
        llvm::count_if(a.factors, [&](const Read &r) {
          return r.tensor == read.tensor;
        }) != 1)
      return fail("the factors read different tensors");
    match.push_back(it - a.factors.begin());
  }

  // Express a's reduction variables through b's, from the first factor of b
  // whose indices each hold at most one reduction variable (coefficient
  // ±1) and hold each once.
  unsigned n = b.getNumVariables(), outputs = b.numOutputs;
  SmallVector<LinearIndex> replacement(n);
  for (unsigned v = 0; v < outputs; ++v)
    replacement[v] = LinearIndex::dim(n, v);
  bool found = false;
  for (auto [pivot, readB] : llvm::enumerate(b.factors)) {
    const Read &readA = a.factors[match[pivot]];
    SmallVector<LinearIndex> candidate = replacement;
    SmallVector<bool> seenA(n, false), seenB(n, false);
    bool usable = true;
    for (auto [ia, ib] : llvm::zip(readA.indices, readB.indices)) {
      auto reductionOf = [&](const LinearIndex &index,
                             SmallVector<bool> &seen) -> int {
        int variable = -1;
        for (unsigned v = outputs; v < n; ++v) {
          if (index.coefficients[v] == 0)
            continue;
          if (variable != -1 || seen[v] || index.denominator != 1 ||
              std::abs(index.coefficients[v]) != 1)
            return -2;
          variable = v;
        }
        if (variable >= 0)
          seen[variable] = true;
        return variable;
      };
      int va = reductionOf(ia, seenA), vb = reductionOf(ib, seenB);
      if (va == -2 || vb == -2 || (va < 0) != (vb < 0)) {
        usable = false;
        break;
      }
      if (va < 0)
        continue;
      // ia = sa·a_va + restA, ib = sb·b_vb + restB  =>
      // a_va = (sb·b_vb + restB - restA) / sa.
      int64_t sa = ia.coefficients[va], sb = ib.coefficients[vb];
      LinearIndex restA = ia - LinearIndex::dim(n, va, sa);
      LinearIndex restB = ib - LinearIndex::dim(n, vb, sb);
      candidate[va] = (LinearIndex::dim(n, vb, sb) + restB - restA).scaled(sa);
    }
    for (unsigned v = outputs; v < n && usable; ++v)
      usable = seenA[v] && seenB[v];
    if (!usable)
      continue;
    // Each a_v must sweep b's variable over the same range: a_v = b_w or
    // a_v = (range - 1) - b_w.
    for (unsigned v = outputs; v < n && usable; ++v) {
      const LinearIndex &r = candidate[v];
      int w = -1;
      for (unsigned u = 0; u < n; ++u)
        if (r.coefficients[u] != 0) {
          if (w != -1 || u < outputs)
            usable = false;
          w = u;
        }
      if (!usable || w < 0 || r.denominator != 1 ||
          a.ranges[v] != b.ranges[w] ||
          !((r.coefficients[w] == 1 && r.constant == 0) ||
            (r.coefficients[w] == -1 && r.constant == b.ranges[w] - 1)))
        usable = false;
    }
    if (!usable)
      continue;
    replacement = candidate;
    found = true;
    break;
  }
  if (!found)
    return fail("no factor pins the summed variables down one to one");

  // a in b's variables: the same reads and the same conditions.
  Contraction substituted;
  substituted.ranges = b.ranges;
  substituted.numOutputs = outputs;
  appendSubstituted(a, replacement, n, substituted);
  for (auto [i, readB] : llvm::enumerate(b.factors)) {
    const Read &readA = substituted.factors[match[i]];
    for (auto [ia, ib] : llvm::zip(readA.indices, readB.indices))
      if (!(ia == ib))
        return fail("a factor is read at different indices");
  }
  if (collectConditions(substituted) != collectConditions(b))
    return fail("the conditions (padding, strides) differ");
  return success();
}
