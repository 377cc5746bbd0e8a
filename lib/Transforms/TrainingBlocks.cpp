//===- TrainingBlocks.cpp - the backward of a ConvBN block ----------------===//
//
// The batch norm's backward is recognised algebraically
// (ChannelGradientAnalysis): with Y the convolution output, s = γ /
// sqrt(σ̂² + ε) and r = 1 / sqrt(σ̂² + ε),
//
//   γ's gradient   r·Σ(dZ·Y) + r·(b - μ̂)·Σ(dZ)   (b: a bias added after Y)
//   β's gradient   Σ(dZ)
//   dY             dZ·s
//   bias gradient  s·Σ(dZ)                        (Σ dY)
//
// whatever order of subtraction, multiplication and reduction the frontend
// spells them in; dZ is whatever activation the γ gradient multiplies Y by.
// The convolution's filter and input gradients are contractions of X and dY
// (of dY and W): evaluateContraction reduces the frontend's ops to a normal
// form that is compared with the gradients' definitions.
//
//===----------------------------------------------------------------------===//

#include "TrainingBlocks.h"

#include "ConvBN/Analysis/ChannelGradient.h"
#include "ConvBN/Analysis/Contraction.h"
#include "ConvBN/IR/LinalgConv.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::convbn;

namespace {
/// The values along a walk from a value through single-use steps, with
/// their expressions.
struct Walk {
  SmallVector<std::pair<Value, Polynomial>> steps;
};
} // namespace

/// Follows `value` (with expression `expr`, channel at `channelDim`) into
/// `user` and on through single-use linalg.generic steps and reshapes of
/// per-channel vectors, recording every value reached.
static Walk walkFrom(ChannelGradientAnalysis &gradients, Operation *user,
                     Value value, Polynomial expr, unsigned channelDim) {
  Walk walk;
  std::string reason;
  for (unsigned depth = 0; depth < 12 && user; ++depth) {
    if (auto generic = dyn_cast<linalg::GenericOp>(user)) {
      FailureOr<Polynomial> step = gradients.analyzeStep(
          generic, value, expr, channelDim, DenseMap<Value, Polynomial>(), reason);
      if (failed(step))
        break;
      value = generic->getResult(0);
      expr = *step;
    } else if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                   tensor::CastOp>(user) &&
               getVectorLength(value.getType()) &&
               getVectorLength(user->getResult(0).getType()) &&
               gradients.isPerChannelExpr(expr)) {
      value = user->getResult(0);
    } else {
      break;
    }
    walk.steps.push_back({value, expr});
    user = value.hasOneUse() ? *value.getUsers().begin() : nullptr;
  }
  return walk;
}

//===----------------------------------------------------------------------===//
// The convolution's gradients
//===----------------------------------------------------------------------===//

/// The value a fused operand is a reshape of (itself when it is none).
static Value stripReshapes(Value value) {
  while (isa_and_present<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                         tensor::CastOp>(value.getDefiningOp()))
    value = value.getDefiningOp()->getOperand(0);
  return value;
}

/// How `operand` reads `base` (one index of `base` per dimension, over
/// `operand`'s dimensions), through the reshapes between them.
static FailureOr<SmallVector<LinearIndex>> accessOf(Value operand,
                                                    Value base) {
  std::string reason;
  FailureOr<Contraction> access = evaluateContraction(operand, base, reason);
  if (failed(access) || access->factors.size() != 1 ||
      access->getNumVariables() != access->numOutputs ||
      !access->conditions.empty())
    return failure();
  return access->factors.front().indices;
}

/// The indices of the chain's end (where dZ and dY live) as functions of
/// the convolution output's dimensions: the chain's reshapes and
/// transposes, composed. Fails for a reshape that splits a dimension.
static FailureOr<SmallVector<LinearIndex>>
chainEndIndices(const ConvBNMatch &match) {
  auto convType = cast<RankedTensorType>(match.conv->getResult(0).getType());
  unsigned rank = convType.getRank();
  SmallVector<LinearIndex> indices;
  for (unsigned d = 0; d < rank; ++d)
    indices.push_back(LinearIndex::dim(rank, d));
  for (Operation *op : match.chain) {
    if (isa<linalg::GenericOp, tensor::CastOp>(op))
      continue;
    auto sourceType = cast<RankedTensorType>(op->getOperand(0).getType());
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<LinearIndex> next;
    if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
      for (int64_t p : transpose.getPermutation())
        next.push_back(indices[p]);
    } else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
      for (const ReassociationIndices &group :
           collapse.getReassociationIndices()) {
        LinearIndex index = LinearIndex::constantIndex(rank, 0);
        for (int64_t d : group)
          index = index.scaled(sourceType.getDimSize(d)) + indices[d];
        next.push_back(index);
      }
    } else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      next.resize(resultType.getRank());
      for (auto [j, group] :
           llvm::enumerate(expand.getReassociationIndices())) {
        unsigned nonUnit = 0;
        for (int64_t d : group) {
          if (resultType.getDimSize(d) == 1) {
            next[d] = LinearIndex::constantIndex(rank, 0);
          } else {
            next[d] = indices[j];
            ++nonUnit;
          }
        }
        if (nonUnit > 1)
          return failure();
      }
    } else {
      return failure();
    }
    indices = std::move(next);
  }
  return indices;
}

/// `indices` (over some variables) with each variable v replaced by
/// `values[v]`.
static SmallVector<LinearIndex> substituteAll(ArrayRef<LinearIndex> indices,
                                              ArrayRef<LinearIndex> values,
                                              unsigned numVariables) {
  SmallVector<LinearIndex> result;
  for (const LinearIndex &index : indices) {
    LinearIndex r = LinearIndex::constantIndex(numVariables, index.constant);
    for (auto [v, c] : llvm::enumerate(index.coefficients))
      if (c != 0)
        r = r + values[v].scaled(c);
    result.push_back(r.scaled(1, index.denominator));
  }
  return result;
}

namespace {
/// The operands of the convolution and where the frontend's tensors are.
struct ConvOperands {
  ConvDims dims;
  SmallVector<int64_t> strides, dilations, padding;
  RankedTensorType inputType, filterType, outputType; // the layout's
  Value inputBase, filterBase, gradConvOutput;
  SmallVector<LinearIndex> inputAccess, filterAccess, gradAccess;
  SmallVector<unsigned> spatialInput, spatialFilter, spatialOutput;
  SmallVector<char> spatialLetters;
};
} // namespace

/// A read of `base` at the layout indices `layoutIndices` (over
/// `numVariables`), through `access` (the layout's dims -> base's).
static Read readThrough(Value base, ArrayRef<LinearIndex> access,
                        ArrayRef<LinearIndex> layoutIndices,
                        unsigned numVariables) {
  return Read{base, substituteAll(access, layoutIndices, numVariables)};
}

/// dW[filter dims] = Σ_{n, o} X[n, c, o·s + k·d - lo] · dY[n, f, o].
static Contraction filterGradientDefinition(const ConvOperands &ops) {
  const ConvDims &dims = ops.dims;
  unsigned numFilter = dims.filter.size(), numSpatial = ops.spatialLetters.size();
  unsigned batch = numFilter;
  unsigned n = numFilter + 1 + numSpatial;
  Contraction result;
  result.ranges.assign(ops.filterType.getShape().begin(),
                       ops.filterType.getShape().end());
  result.ranges.push_back(ops.outputType.getDimSize(dims.output.find('n')));
  for (unsigned j = 0; j < numSpatial; ++j)
    result.ranges.push_back(ops.outputType.getDimSize(ops.spatialOutput[j]));
  result.numOutputs = numFilter;
  auto filterVar = [&](char letter) {
    return LinearIndex::dim(n, dims.filter.find(letter));
  };
  SmallVector<LinearIndex> x, g;
  for (char letter : dims.input) {
    if (letter == 'n') {
      x.push_back(LinearIndex::dim(n, batch));
    } else if (ConvDims::isSpatial(letter)) {
      unsigned j = llvm::find(ops.spatialLetters, letter) -
                   ops.spatialLetters.begin();
      x.push_back(LinearIndex::dim(n, numFilter + 1 + j, ops.strides[j]) +
                  filterVar(letter).scaled(ops.dilations[j]) -
                  LinearIndex::constantIndex(n, ops.padding[j]));
    } else {
      x.push_back(filterVar(letter));
    }
  }
  for (char letter : dims.output) {
    if (letter == 'n') {
      g.push_back(LinearIndex::dim(n, batch));
    } else if (ConvDims::isSpatial(letter)) {
      unsigned j = llvm::find(ops.spatialLetters, letter) -
                   ops.spatialLetters.begin();
      g.push_back(LinearIndex::dim(n, numFilter + 1 + j));
    } else {
      g.push_back(filterVar(letter));
    }
  }
  result.factors.push_back(readThrough(ops.inputBase, ops.inputAccess, x, n));
  result.factors.push_back(
      readThrough(ops.gradConvOutput, ops.gradAccess, g, n));
  return result;
}

/// dX[n, c, i] = Σ_{f, k} dY[n, f, (i + lo - k·d) / s] · W[f, c, k].
static Contraction dataGradientDefinition(const ConvOperands &ops) {
  const ConvDims &dims = ops.dims;
  unsigned numInput = dims.input.size(), numSpatial = ops.spatialLetters.size();
  SmallVector<char> reduced;
  for (char letter : dims.filter)
    if (!ConvDims::isSpatial(letter) &&
        dims.input.find(letter) == std::string::npos)
      reduced.push_back(letter);
  unsigned kernelBase = numInput + reduced.size();
  unsigned n = kernelBase + numSpatial;
  Contraction result;
  result.ranges.assign(ops.inputType.getShape().begin(),
                       ops.inputType.getShape().end());
  for (char letter : reduced)
    result.ranges.push_back(
        ops.filterType.getDimSize(dims.filter.find(letter)));
  for (unsigned j = 0; j < numSpatial; ++j)
    result.ranges.push_back(ops.filterType.getDimSize(ops.spatialFilter[j]));
  result.numOutputs = numInput;
  auto var = [&](char letter) {
    size_t pos = dims.input.find(letter);
    if (pos != std::string::npos)
      return LinearIndex::dim(n, pos);
    return LinearIndex::dim(n, numInput + (llvm::find(reduced, letter) -
                                           reduced.begin()));
  };
  SmallVector<LinearIndex> g, w;
  for (char letter : dims.output) {
    if (ConvDims::isSpatial(letter)) {
      unsigned j = llvm::find(ops.spatialLetters, letter) -
                   ops.spatialLetters.begin();
      g.push_back((LinearIndex::dim(n, ops.spatialInput[j]) +
                   LinearIndex::constantIndex(n, ops.padding[j]) -
                   LinearIndex::dim(n, kernelBase + j, ops.dilations[j]))
                      .scaled(1, ops.strides[j]));
    } else {
      g.push_back(var(letter));
    }
  }
  for (char letter : dims.filter) {
    if (ConvDims::isSpatial(letter)) {
      unsigned j = llvm::find(ops.spatialLetters, letter) -
                   ops.spatialLetters.begin();
      w.push_back(LinearIndex::dim(n, kernelBase + j));
    } else {
      w.push_back(var(letter));
    }
  }
  result.factors.push_back(
      readThrough(ops.gradConvOutput, ops.gradAccess, g, n));
  result.factors.push_back(
      readThrough(ops.filterBase, ops.filterAccess, w, n));
  return result;
}

/// The fused op's view of a frontend value that it reads through a
/// tensor.expand_shape (a grouped convolution's filter).
struct Expansion {
  SmallVector<ReassociationIndices> groups;
  ArrayRef<int64_t> shape;
};

/// The first value reachable from `from` (through at most a few ops) of
/// `type` that computes `definition` from `leaves`, with the layout's view
/// of it read through `access` (layout dims -> the value's dims), or, with
/// an `expansion`, the value expanded as the fused op's operand is (the
/// layout dims are then its dims).
static Value findContraction(Value from, RankedTensorType type,
                             ArrayRef<Value> leaves,
                             const Contraction &definition,
                             ArrayRef<LinearIndex> access,
                             std::string &reason,
                             const std::optional<Expansion> &expansion = {}) {
  SmallVector<std::pair<Value, unsigned>> worklist = {{from, 0}};
  DenseSet<Value> seen;
  // No candidate of the type at all: the graph does not compute this
  // gradient (an input that needs none), which is not worth a remark.
  reason.clear();
  while (!worklist.empty()) {
    auto [value, depth] = worklist.pop_back_val();
    if (!seen.insert(value).second || depth > 8)
      continue;
    for (Operation *user : value.getUsers()) {
      if (user->getNumResults() != 1 ||
          !isa<linalg::LinalgOp, tensor::PadOp, tensor::InsertSliceOp,
               tensor::ExtractSliceOp, tensor::ExpandShapeOp,
               tensor::CollapseShapeOp, tensor::CastOp>(user))
        continue;
      Value result = user->getResult(0);
      worklist.push_back({result, depth + 1});
      if (result.getType() != type)
        continue;
      std::string why;
      FailureOr<Contraction> candidate =
          expansion ? evaluateExpandedContraction(result, expansion->groups,
                                                  expansion->shape, leaves, why)
                    : evaluateContraction(result, leaves, why);
      if (failed(candidate)) {
        reason = "'" + user->getName().getStringRef().str() +
                 "' is not a contraction of its operands: " + why;
        continue;
      }
      Contraction layout =
          readContraction(*candidate, ArrayRef(definition.ranges)
                                          .take_front(definition.numOutputs),
                          definition.numOutputs, access);
      if (succeeded(checkEquivalent(layout, definition, why)))
        return result;
      reason = "the contraction computed by '" +
               user->getName().getStringRef().str() +
               "' is not the gradient: " + why;
    }
  }
  return Value();
}

/// 1 / `poly` for a monomial.
static Polynomial inverse(const Polynomial &poly) {
  return *Polynomial::constant(1.0).divide(poly);
}

/// The convolution's filter and input gradients, from dY (when the graph
/// computes them).
static void matchConvGradients(const ConvBNMatch &match,
                               BackwardMatch &backward) {
  auto linalgOp = cast<linalg::LinalgOp>(match.conv);
  ConvOperands ops{getConvDims(match.layout), getConvStrides(match.conv),
                   getConvDilations(match.conv), match.padding};
  Value input = match.input, filter = linalgOp.getDpsInputOperand(1)->get();
  ops.inputType = getFusedInputType(match);
  ops.filterType = cast<RankedTensorType>(filter.getType());
  ops.outputType = cast<RankedTensorType>(match.conv->getResult(0).getType());
  for (unsigned pos : ConvDims::getSpatialDims(ops.dims.input)) {
    char letter = ops.dims.input[pos];
    ops.spatialLetters.push_back(letter);
    ops.spatialInput.push_back(pos);
    ops.spatialFilter.push_back(ops.dims.filter.find(letter));
    ops.spatialOutput.push_back(ops.dims.output.find(letter));
  }
  auto fail = [&](const char *why) {
    backward.unmatchedFilter = backward.unmatchedInput = why;
  };
  if (!ops.inputType.hasStaticShape() || !ops.outputType.hasStaticShape()) {
    fail("the convolution has dynamic shapes");
    return;
  }
  ops.filterBase = stripReshapes(filter);
  ops.gradConvOutput = backward.gradConvOutput;
  FailureOr<SmallVector<LinearIndex>> inputAccess = failure();
  if (tensor::ExpandShapeOp regroup = match.inputRegroup) {
    // The fused op reads `input` through a reshape it creates.
    ops.inputBase = input;
    FailureOr<Contraction> regrouped = expandOutputs(
        Contraction::leaf(input,
                          cast<RankedTensorType>(input.getType()).getShape()),
        regroup.getReassociationIndices(), ops.inputType.getShape());
    if (succeeded(regrouped))
      inputAccess = regrouped->factors.front().indices;
  } else {
    ops.inputBase = stripReshapes(input);
    inputAccess = accessOf(input, ops.inputBase);
  }
  FailureOr<SmallVector<LinearIndex>> filterAccess =
      accessOf(filter, ops.filterBase);
  // An input read through a reshape whose inverse is no affine index (a
  // collapse of (group, channel), as a grouped block before this one
  // leaves): its gradients are sought of the operand itself, as the
  // frontend reads it.
  if (failed(inputAccess) && !match.inputRegroup) {
    ops.inputBase = input;
    inputAccess = accessOf(input, input);
  }
  FailureOr<SmallVector<LinearIndex>> gradAccess = chainEndIndices(match);
  if (failed(inputAccess) || failed(filterAccess) || failed(gradAccess)) {
    fail("the convolution's operands are reshaped in a way the analysis "
         "cannot follow");
    return;
  }
  ops.inputAccess = *inputAccess;
  ops.filterAccess = *filterAccess;
  ops.gradAccess = *gradAccess;

  // A filter or an input the fused op reads split into (group, channel) (a
  // grouped convolution): its gradient is found in the same split, which
  // undoes the frontend's merge of the two (a collapse_shape whose index
  // affine maps cannot split); the layout's dims are then the split's.
  auto inSplit = [](tensor::ExpandShapeOp split, RankedTensorType type,
                    std::optional<Expansion> &expansion,
                    SmallVector<LinearIndex> &access) {
    expansion = Expansion{split.getReassociationIndices(), type.getShape()};
    unsigned rank = type.getRank();
    access.clear();
    for (unsigned d = 0; d < rank; ++d)
      access.push_back(LinearIndex::dim(rank, d));
  };
  std::optional<Expansion> filterExpansion, inputExpansion;
  SmallVector<LinearIndex> filterAccessed = ops.filterAccess;
  SmallVector<LinearIndex> inputAccessed = ops.inputAccess;
  auto filterSplit = filter.getDefiningOp<tensor::ExpandShapeOp>();
  if (filterSplit && filterSplit.getSrc() == ops.filterBase)
    inSplit(filterSplit, ops.filterType, filterExpansion, filterAccessed);
  if (tensor::ExpandShapeOp inputSplit = match.inputRegroup)
    inSplit(inputSplit, ops.inputType, inputExpansion, inputAccessed);

  backward.gradFilter = findContraction(
      backward.gradConvOutput,
      cast<RankedTensorType>(ops.filterBase.getType()),
      {ops.inputBase, backward.gradConvOutput}, filterGradientDefinition(ops),
      filterAccessed, backward.unmatchedFilter, filterExpansion);
  backward.gradInput = findContraction(
      backward.gradConvOutput,
      cast<RankedTensorType>(ops.inputBase.getType()),
      {backward.gradConvOutput, ops.filterBase}, dataGradientDefinition(ops),
      inputAccessed, backward.unmatchedInput, inputExpansion);
}

/// Finds, from the joint graph's uses of the chain's values, γ's gradient
/// and the dZ it is computed from: every such use must end in it, for the
/// same dZ.
static LogicalResult matchScaleGradient(const ConvBNMatch &match,
                                        ChannelGradientAnalysis &gradients,
                                        BackwardMatch &backward,
                                        std::optional<unsigned> &gradOutputAtom,
                                        std::string &reason) {
  AtomTable &atoms = match.algebra->atoms;
  const BatchNormParams &params = match.params;
  Polynomial y = Polynomial::atom(match.convOutputAtom);
  Polynomial invStd = inverse(Polynomial::atom(params.rootAtom));
  Polynomial mean = params.mean ? Polynomial::atom(atoms.getVector(params.mean))
                                : Polynomial();
  // A bias added after the convolution (in its `outs` it is part of Y).
  Polynomial chainBias = !match.initBias && params.bias
                             ? Polynomial::atom(atoms.getVector(params.bias))
                             : Polynomial();
  auto sumOf = [&](const Polynomial &product) {
    return Polynomial::atom(atoms.getSum(product));
  };
  for (OpOperand *use : match.backwardUses) {
    const ChainValue *chainValue = llvm::find_if(
        match.chainValues,
        [&](const ChainValue &v) { return v.value == use->get(); });
    if (chainValue == match.chainValues.end() || !chainValue->channelDim) {
      reason = "a value of the batch norm is used where its channel is not "
               "one dimension";
      return failure();
    }
    Walk walk = walkFrom(gradients, use->getOwner(), use->get(),
                         chainValue->expr, *chainValue->channelDim);
    // The last step that is γ's gradient for some dZ.
    Value found;
    for (auto &[value, expr] : llvm::reverse(walk.steps)) {
      for (const Monomial &term : expr.getTerms()) {
        for (auto [id, exponent] : term.factors) {
          const AtomTable::Atom &atom = atoms[id];
          if (atom.kind != AtomTable::Atom::Kind::Sum ||
              atom.argument.getTerms().size() != 1)
            continue;
          const Monomial &product = atom.argument.getTerms().front();
          if (product.factors.size() != 2)
            continue;
          for (auto [factor, power] : product.factors) {
            if (factor == match.convOutputAtom || power != 1)
              continue;
            Polynomial dz = Polynomial::atom(factor);
            Polynomial expected = invStd * sumOf(dz * y) +
                                  invStd * (chainBias - mean) * sumOf(dz);
            if (expr == expected && (!gradOutputAtom ||
                                     *gradOutputAtom == factor)) {
              gradOutputAtom = factor;
              found = value;
            }
          }
        }
        if (found)
          break;
      }
      if (found)
        break;
    }
    if (!found) {
      reason = "'" + use->getOwner()->getName().getStringRef().str() +
               "' reads the convolution output but does not compute the "
               "gradient of the batch norm's scale";
      return failure();
    }
    if (backward.gradScale && backward.gradScale != found) {
      reason = "the convolution output feeds two computations of the scale's "
               "gradient";
      return failure();
    }
    backward.gradScale = found;
  }
  if (!gradOutputAtom) {
    reason = "no gradient of the batch norm's scale reads the convolution "
             "output";
    return failure();
  }
  if (!params.scale) {
    // No γ: what was matched is (Y - μ̂)·r summed, not a parameter's
    // gradient (a BN without affine parameters has none).
    reason = "the batch norm has no scale, yet its gradient is computed";
    return failure();
  }
  return success();
}

/// dZ, found from dY = dZ·s: the activation that a step reachable from the
/// batch norm's parameters multiplies by the block's scale `s`, the first
/// step of the backward when γ has no gradient. The search starts at the
/// parameters that are not constants (in a joint graph they are the
/// function's arguments) and visits a bounded number of ops, so that a
/// parameter shared by many blocks keeps it linear.
static std::optional<unsigned>
findGradOutputFromSlope(const ConvBNMatch &match,
                        ChannelGradientAnalysis &gradients) {
  constexpr unsigned kMaxVisited = 256;
  AtomTable &atoms = match.algebra->atoms;
  Operation *last = match.chain.back();
  Type activationType = last->getResult(0).getType();
  unsigned channelDim = *match.chainValues.back().channelDim;
  DenseSet<Value> forward = {match.conv->getResult(0), last->getResult(0)};
  for (const ChainValue &v : match.chainValues)
    forward.insert(v.value);

  SmallVector<Value> worklist;
  for (Value seed : {match.params.scale, match.params.variance})
    if (seed && !seed.getDefiningOp<arith::ConstantOp>())
      worklist.push_back(seed);
  DenseSet<Operation *> visited;
  while (!worklist.empty() && visited.size() < kMaxVisited) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (user->getNumResults() != 1 || !visited.insert(user).second ||
          llvm::is_contained(match.chain, user))
        continue;
      Value result = user->getResult(0);
      // Per-channel vectors lead on to the step that reads dZ.
      if (getVectorLength(result.getType())) {
        worklist.push_back(result);
        continue;
      }
      auto generic = dyn_cast<linalg::GenericOp>(user);
      if (!generic || result.getType() != activationType)
        continue;
      for (Value operand : generic.getDpsInputs()) {
        if (operand.getType() != activationType || forward.contains(operand))
          continue;
        unsigned dz = atoms.getActivation(operand);
        Polynomial expected = Polynomial::atom(dz) * match.slope;
        Walk walk = walkFrom(gradients, generic, operand,
                             Polynomial::atom(dz), channelDim);
        for (auto &[step, expr] : walk.steps)
          if (expr == expected)
            return dz;
      }
    }
  }
  return std::nullopt;
}

FailureOr<BackwardMatch> mlir::convbn::matchBackward(const ConvBNMatch &match,
                                                     std::string &reason) {
  AtomTable &atoms = match.algebra->atoms;
  ChannelGradientAnalysis gradients(atoms, match.algebra->analysis);
  const BatchNormParams &params = match.params;
  auto sumOf = [&](const Polynomial &product) {
    return Polynomial::atom(atoms.getSum(product));
  };

  BackwardMatch backward;
  std::optional<unsigned> gradOutputAtom;
  if (!match.backwardUses.empty()) {
    if (failed(matchScaleGradient(match, gradients, backward, gradOutputAtom,
                                  reason)))
      return failure();
  } else {
    // No backward reads Y: γ gets no gradient (frozen, or a BN whose
    // parameters are buffers), but the convolution's gradients may still
    // be computed from dY = dZ·s. Without them the graph is an inference
    // graph, or a backward that needs nothing the fusion replaces.
    gradOutputAtom = findGradOutputFromSlope(match, gradients);
    if (!gradOutputAtom)
      return backward;
  }
  Value dz = atoms[*gradOutputAtom].value;
  backward.gradOutput = dz;
  Polynomial dzExpr = Polynomial::atom(*gradOutputAtom);

  // β's gradient and dY = dZ·s, among dZ's users; dY's own sum is the
  // convolution bias's gradient.
  std::optional<unsigned> channelOfDz;
  for (const ChainValue &v : match.chainValues)
    if (v.value.getType() == dz.getType())
      channelOfDz = v.channelDim;
  if (!channelOfDz) {
    // dZ has the shape of the chain's end, whose channel is the last one
    // the walk tracked.
    channelOfDz = match.chainValues.back().channelDim;
  }
  for (Operation *user : dz.getUsers()) {
    Walk walk = walkFrom(gradients, user, dz, dzExpr, *channelOfDz);
    for (auto &[value, expr] : walk.steps) {
      if (!backward.gradOffset && params.offset && expr == sumOf(dzExpr)) {
        backward.gradOffset = value;
        break;
      }
      if (!backward.gradConvOutput && expr == dzExpr * match.slope) {
        backward.gradConvOutput = value;
        break;
      }
    }
  }
  if (backward.gradConvOutput && (match.initBias || params.bias)) {
    Polynomial expected = match.slope * sumOf(dzExpr);
    for (Operation *user : backward.gradConvOutput.getUsers()) {
      Walk walk = walkFrom(gradients, user, backward.gradConvOutput,
                           dzExpr * match.slope, *channelOfDz);
      for (auto &[value, expr] : walk.steps)
        if (expr == expected) {
          backward.gradBias = value;
          break;
        }
    }
  }
  if (backward.gradConvOutput)
    matchConvGradients(match, backward);
  if (match.backwardUses.empty() && !backward.gradFilter &&
      !backward.gradInput) {
    // dY without the convolution's gradients: nothing to fuse (the graph's
    // backward reads dZ and s only, which the forward fusion keeps).
    return BackwardMatch();
  }
  return backward;
}

std::string mlir::convbn::describeBackward(const BackwardMatch &backward) {
  SmallVector<std::string> parts;
  if (backward.gradInput)
    parts.push_back("input");
  if (backward.gradFilter)
    parts.push_back("filter");
  if (backward.gradBias)
    parts.push_back("bias");
  if (backward.gradScale)
    parts.push_back("scale");
  if (backward.gradOffset)
    parts.push_back("offset");
  std::string text;
  for (auto [i, part] : llvm::enumerate(parts)) {
    if (i)
      text += i + 1 == parts.size() ? " and " : ", ";
    text += part;
  }
  return text;
}
