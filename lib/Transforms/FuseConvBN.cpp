//===- FuseConvBN.cpp - fuse linalg convolutions and batch norm -----------===//
//
// For every linalg named convolution: walk the single-use chain of
// elementwise ops after it, compose their per-channel affine forms
// (ChannelAffineAnalysis), and, for the longest prefix whose composition
// reads as a batch norm, replace the convolution and that prefix with one
// convbn.conv_bn.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "ConvBNMatch.h"
#include "TrainingBlocks.h"

#include "ConvBN/Analysis/ChannelAffine.h"
#include "ConvBN/Analysis/ChannelGradient.h"
#include "ConvBN/IR/ConvBNOps.h"
#include "ConvBN/IR/LinalgConv.h"
#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"

#include <map>

namespace mlir::convbn {
#define GEN_PASS_DEF_FUSECONVBN
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// Reads `a = γ / sqrt(σ̂² + ε)` and `t = (b - μ̂) * a + β` off the composed
/// form of a chain.
static FailureOr<BatchNormParams> recognizeBatchNorm(const AffineForm &form,
                                                     const AtomTable &atoms,
                                                     std::string &reason) {
  auto fail = [&](const char *why) -> FailureOr<BatchNormParams> {
    reason = why;
    return failure();
  };
  if (form.slope.getTerms().size() != 1)
    return fail("the per-channel scale is not a product of per-channel "
                "factors");
  const Monomial &slope = form.slope.getTerms().front();
  if (slope.coefficient != 1.0)
    return fail("the per-channel scale has a constant factor");

  BatchNormParams params;
  std::optional<unsigned> root;
  for (auto [id, exponent] : slope.factors) {
    const AtomTable::Atom &atom = atoms[id];
    if (atom.isSqrt() && exponent == -1 && !root) {
      root = id;
    } else if (atom.isVector() && exponent == 1 && !params.scale) {
      params.scale = atom.value;
    } else {
      return fail("the per-channel scale is not scale / sqrt(variance + "
                  "epsilon)");
    }
  }
  if (!root)
    return fail("no normalisation by sqrt(variance + epsilon)");
  params.rootAtom = *root;

  // The radicand: variance + epsilon.
  for (const Monomial &term : atoms[*root].argument.getTerms()) {
    if (term.isConstant()) {
      params.epsilon = term.coefficient;
    } else if (term.coefficient == 1.0 && term.factors.size() == 1 &&
               term.factors.front().second == 1 &&
               atoms[term.factors.front().first].isVector() &&
               !params.variance) {
      params.variance = atoms[term.factors.front().first].value;
    } else {
      return fail("the normaliser is not sqrt(variance + epsilon)");
    }
  }
  if (!params.variance)
    return fail("the normaliser has no variance");
  // 0 is the epsilon of pretrained detectors' frozen batch norms.
  if (!(params.epsilon >= 0.0))
    return fail("epsilon is negative");

  // The shift: terms `-μ̂ * a`, `b * a` and `β`.
  for (const Monomial &term : form.intercept.getTerms()) {
    // term == coefficient * L * slope for a vector L?
    std::optional<unsigned> extra;
    bool matchesSlope = term.factors.size() == slope.factors.size() + 1;
    for (unsigned i = 0, j = 0; matchesSlope && i < term.factors.size(); ++i) {
      if (j < slope.factors.size() && term.factors[i] == slope.factors[j]) {
        ++j;
        continue;
      }
      if (extra || term.factors[i].second != 1 ||
          !atoms[term.factors[i].first].isVector())
        matchesSlope = false;
      extra = term.factors[i].first;
    }
    if (matchesSlope && extra) {
      Value vector = atoms[*extra].value;
      if (term.coefficient == -1.0 && !params.mean) {
        params.mean = vector;
        continue;
      }
      if (term.coefficient == 1.0 && !params.bias) {
        params.bias = vector;
        continue;
      }
    }
    if (term.coefficient == 1.0 && term.factors.size() == 1 &&
        term.factors.front().second == 1 &&
        atoms[term.factors.front().first].isVector() && !params.offset) {
      params.offset = atoms[term.factors.front().first].value;
      continue;
    }
    return fail("the per-channel shift is not (bias - mean) * scale + offset");
  }
  return params;
}

/// Whether `op`'s body computes a square root or its reciprocal.
static bool computesSquareRoot(Operation *op) {
  return op
      ->walk([](Operation *nested) {
        return isa<math::SqrtOp, math::RsqrtOp>(nested) ? WalkResult::interrupt()
                                                         : WalkResult::advance();
      })
      .wasInterrupted();
}

/// Whether `op` normalises by a square root: it computes one, or reads a
/// per-channel vector computed from one (torch-mlir and TOSA compute
/// rsqrt(var + eps) on the vector, a few reshapes and generics earlier).
/// `chainValue`, the activation flowing through the chain, is not followed:
/// its producers are the convolution and whatever came before it.
static bool normalisesBySquareRoot(Operation *op, Value chainValue) {
  if (computesSquareRoot(op))
    return true;
  SmallVector<std::pair<Value, unsigned>> worklist;
  for (Value operand : op->getOperands())
    if (operand != chainValue)
      worklist.push_back({operand, 0});
  while (!worklist.empty()) {
    auto [value, depth] = worklist.pop_back_val();
    Operation *def = value.getDefiningOp();
    if (!def || depth > 6 || !getVectorLength(value.getType()))
      continue;
    if (!isa<linalg::GenericOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             tensor::CastOp, linalg::BroadcastOp>(def))
      continue;
    if (computesSquareRoot(def))
      return true;
    for (Value operand : def->getOperands())
      worklist.push_back({operand, depth + 1});
  }
  return false;
}

/// Whether a batch norm starts among the elementwise ops that consume
/// `value` (followed through single elementwise generics, reshapes and
/// casts, a few steps deep).
static bool leadsToNormalisation(Value value, unsigned depth = 0) {
  if (depth > 8)
    return false;
  for (Operation *user : value.getUsers()) {
    // Reshapes, and the concatenation of TOSA's per-group convolutions.
    if (isa<tensor::CastOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp,
            linalg::TransposeOp, tensor::InsertSliceOp, tensor::ConcatOp>(user)) {
      if (leadsToNormalisation(user->getResult(0), depth + 1))
        return true;
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || generic.getNumReductionLoops() != 0 ||
        generic->getNumResults() != 1)
      continue;
    if (normalisesBySquareRoot(generic, value) ||
        leadsToNormalisation(generic->getResult(0), depth + 1))
      return true;
  }
  return false;
}

/// Whether `user` starts computing batch statistics of `value`: a reduction
/// over its batch dimension that keeps its channel dimension (the mean or
/// variance of a training-mode batch norm, reduced at once or, as TOSA
/// does, one axis at a time). Pooling windows and global average pools keep
/// the batch.
static bool computesBatchStatistics(Operation *user, Value value,
                                    unsigned channelDim, unsigned batchDim) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
  if (!linalgOp || linalgOp.getNumReductionLoops() == 0)
    return false;
  SmallVector<utils::IteratorType> iterators =
      linalgOp.getIteratorTypesArray();
  for (OpOperand *input : linalgOp.getDpsInputOperands()) {
    if (input->get() != value)
      continue;
    AffineMap map = linalgOp.getMatchingIndexingMap(input);
    if (!map.isProjectedPermutation() ||
        std::max(channelDim, batchDim) >= map.getNumResults())
      continue;
    if (iterators[map.getDimPosition(channelDim)] ==
            utils::IteratorType::parallel &&
        iterators[map.getDimPosition(batchDim)] ==
            utils::IteratorType::reduction)
      return true;
  }
  return false;
}

/// "the result of the 2 per-channel ops after the convolution", for remarks:
/// what the chain `chain` computed (reshapes and transposes are a layout
/// change, not a per-channel op).
static std::string describeChainResult(ArrayRef<Operation *> chain) {
  size_t arithmetic = llvm::count_if(
      chain, [](Operation *op) { return isa<linalg::GenericOp>(op); });
  if (arithmetic == 0)
    return chain.empty() ? "the convolution result"
                         : "the convolution result (after a layout change)";
  return "the result of the " +
         (arithmetic == 1 ? std::string("per-channel op")
                          : std::to_string(arithmetic) + " per-channel ops") +
         " after the convolution";
}

/// "'func.return' and 'linalg.pooling_nchw_max'": the users of a value, for
/// remarks (at most three named).
static std::string describeUsers(ArrayRef<Operation *> users) {
  // By name, sorted (the order of a use list is not meaningful), with the
  // number of users of each name.
  std::map<std::string, unsigned> counts;
  for (Operation *user : users)
    ++counts[user->getName().getStringRef().str()];
  std::string text;
  size_t i = 0;
  for (auto &[name, count] : counts) {
    if (i)
      text += i + 1 == counts.size() ? " and " : ", ";
    text += "'" + name + "'";
    if (count > 1)
      text += " x" + std::to_string(count);
    ++i;
  }
  return text;
}

/// Whether `user` of the chain value `value` (with expression `expr` in the
/// convolution output) starts a batch norm's backward: through elementwise
/// steps it reaches a per-channel reduction of the convolution output times
/// another activation (γ's gradient, Σ dZ·(Y - μ̂)). A training-mode batch
/// norm's statistics reduce the convolution output alone and are not one.
static bool isBackwardUser(ChannelGradientAnalysis &gradients, Operation *user,
                           Value value, Polynomial expr, unsigned channelDim,
                           unsigned convOutputAtom) {
  std::string reason;
  for (unsigned depth = 0; depth < 8; ++depth) {
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic)
      return false;
    FailureOr<Polynomial> step = gradients.analyzeStep(
        generic, value, expr, channelDim, DenseMap<Value, Polynomial>(), reason);
    if (failed(step))
      return false;
    if (generic.getNumReductionLoops() != 0)
      return gradients.involvesOtherActivation(*step, convOutputAtom);
    value = generic->getResult(0);
    expr = *step;
    if (!value.hasOneUse())
      return false;
    user = *value.getUsers().begin();
  }
  return false;
}

class ConvBNMatcher {
public:
  /// Matches `conv` and the batch norm after it, or returns why not. Splat
  /// constants read per channel are first read as scalars, then, if that
  /// finds no batch norm, as per-channel vectors.
  FailureOr<ConvBNMatch> match(Operation *conv, std::string &reason) {
    FailureOr<ConvBNMatch> result = match(conv, reason, false);
    if (succeeded(result))
      return result;
    // The first reading's reason is the one reported.
    std::string unused;
    return match(conv, unused, true);
  }

private:
  FailureOr<ConvBNMatch> match(Operation *conv, std::string &reason,
                               bool keepSplatVectors);
  FailureOr<Value> matchInitBias(Value init, ArrayRef<unsigned> channelDims,
                                 std::string &reason);
  void absorbPadding(ConvBNMatch &match);
  bool fitPaddingToOutput(ConvBNMatch &match, std::string &reason);
  bool checkParams(const ConvBNMatch &match, int64_t channels,
                   Type convElementType, std::string &reason);
};

FailureOr<Value> ConvBNMatcher::matchInitBias(Value init,
                                              ArrayRef<unsigned> channelDims,
                                              std::string &reason) {
  FailureOr<Value> bias = matchConvInit(init, channelDims);
  if (failed(bias))
    reason = "the convolution accumulates into a tensor that is not zero or "
             "a per-channel bias";
  return bias;
}

/// Moves a zero tensor.pad of the input's spatial dimensions into `padding`,
/// also from under a static tensor.expand_shape that splits only other
/// dimensions (a grouped convolution's channel), which the fused op's input
/// then applies to the unpadded value.
void ConvBNMatcher::absorbPadding(ConvBNMatch &match) {
  ConvDims dims = getConvDims(match.layout);
  SmallVector<unsigned> spatial = ConvDims::getSpatialDims(dims.input);
  match.padding.assign(2 * spatial.size(), 0);
  auto regroup = match.input.getDefiningOp<tensor::ExpandShapeOp>();
  Value padded = regroup ? regroup.getSrc() : match.input;
  auto pad = padded.getDefiningOp<tensor::PadOp>();
  if (!pad || !pad.getLow().empty() || !pad.getHigh().empty())
    return;
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue || !matchPattern(padValue, m_AnyZeroFloat()))
    return;
  // The pad's dimension of each of the convolution input's, and whether it
  // is that dimension alone.
  SmallVector<unsigned> padDim;
  SmallVector<bool> alone;
  if (regroup) {
    if (!regroup.getResultType().hasStaticShape() ||
        !pad.getSourceType().hasStaticShape())
      return;
    padDim.resize(regroup.getResultType().getRank());
    alone.resize(padDim.size());
    for (auto [j, group] : llvm::enumerate(regroup.getReassociationIndices()))
      for (int64_t pos : group) {
        padDim[pos] = j;
        alone[pos] = group.size() == 1;
      }
  } else {
    padDim = llvm::to_vector(llvm::seq<unsigned>(0, dims.input.size()));
    alone.assign(dims.input.size(), true);
  }
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  for (auto [pos, dim] : llvm::enumerate(dims.input)) {
    bool isPadded = low[padDim[pos]] != 0 || high[padDim[pos]] != 0;
    if (isPadded && (!ConvDims::isSpatial(dim) || !alone[pos]))
      return;
  }
  for (auto [i, pos] : llvm::enumerate(spatial)) {
    match.padding[i] = low[padDim[pos]];
    match.padding[i + spatial.size()] = high[padDim[pos]];
  }
  match.input = pad.getSource();
  match.inputRegroup = regroup;
}

/// A linalg convolution may read only a prefix of its (padded) input: its
/// output size is its own, and any window that fits is accepted. The fused
/// op's output size follows from its input and attributes, so the padding
/// beyond the last window is dropped from `high`; a convolution that leaves
/// unread more of the input itself than that cannot be expressed.
bool ConvBNMatcher::fitPaddingToOutput(ConvBNMatch &match,
                                       std::string &reason) {
  ConvDims dims = getConvDims(match.layout);
  SmallVector<int64_t> strides = getConvStrides(match.conv);
  SmallVector<int64_t> dilations = getConvDilations(match.conv);
  RankedTensorType inputType = getFusedInputType(match);
  auto filterType = cast<RankedTensorType>(
      cast<linalg::LinalgOp>(match.conv).getDpsInputOperand(1)->get().getType());
  auto outputType = cast<RankedTensorType>(match.conv->getResult(0).getType());
  SmallVector<unsigned> spatial = ConvDims::getSpatialDims(dims.input);
  for (auto [i, pos] : llvm::enumerate(spatial)) {
    char letter = dims.input[pos];
    int64_t size = inputType.getDimSize(pos);
    int64_t kernel = filterType.getDimSize(dims.filter.find(letter));
    int64_t output = outputType.getDimSize(dims.output.find(letter));
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(kernel) ||
        ShapedType::isDynamic(output) || strides[i] <= 0 || dilations[i] <= 0)
      continue; // the op's verifier has the last word on these
    int64_t &high = match.padding[i + spatial.size()];
    int64_t stride = strides[i], dilation = dilations[i];
    auto windowsOf = [&](int64_t padded) {
      int64_t extent = padded - dilation * (kernel - 1) - 1;
      return extent < 0 ? 0 : extent / stride + 1;
    };
    // The fused op's output size follows from its input and attributes; a
    // convolution declaring another cannot be replaced by it. linalg accepts
    // fewer windows than fit: the unread end of the padding is dropped
    // below; 0 windows where some fit (zero-sized work is
    // --convbn-fold-zero-sized's) or an unread end of the input itself
    // cannot be expressed.
    auto mismatch = [&](int64_t windows) {
      reason = "the convolution computes " + std::to_string(output) +
               " outputs along dimension " +
               std::to_string(dims.output.find(letter)) + " where its input (" +
               std::to_string(size) + " elements) has " +
               std::to_string(windows) + " windows";
      return false;
    };
    if (output == 0) {
      int64_t windows = windowsOf(size + match.padding[i] + high);
      if (windows != 0)
        return mismatch(windows);
      continue;
    }
    // The longest padded extent that still gives `output` windows.
    int64_t longest = (output - 1) * strides[i] +
                      dilations[i] * (kernel - 1) + 1 + (strides[i] - 1);
    int64_t excess = size + match.padding[i] + high - longest;
    if (excess > 0) {
      int64_t cut = std::min(excess, high);
      high -= cut;
      if (excess > cut) {
        reason =
            "the convolution reads only part of its input along dimension " +
            std::to_string(pos) + " (" + std::to_string(output) +
            " windows of " + std::to_string(size) + " elements)";
        return false;
      }
    }
    int64_t windows = windowsOf(size + match.padding[i] + high);
    if (windows != output)
      return mismatch(windows);
  }
  return true;
}

/// The batch-norm vectors must be channel-sized; the BN parameters must
/// share one float type and the bias must have the convolution's.
bool ConvBNMatcher::checkParams(const ConvBNMatch &match, int64_t channels,
                                Type convElementType, std::string &reason) {
  const BatchNormParams &p = match.params;
  Type paramType = getElementTypeOrSelf(p.variance.getType());
  for (Value v : {p.scale, p.offset, p.mean, p.variance, p.bias}) {
    if (!v)
      continue;
    if (getVectorLength(v.getType()) != channels) {
      reason = "a per-channel operand does not have one element per output "
               "channel";
      return false;
    }
  }
  for (Value v : {p.scale, p.offset, p.mean}) {
    if (v && getElementTypeOrSelf(v.getType()) != paramType) {
      reason = "the batch-norm parameters have different element types";
      return false;
    }
  }
  Value bias = match.initBias ? match.initBias : p.bias;
  if (bias && getElementTypeOrSelf(bias.getType()) != convElementType) {
    reason = "the bias has a different element type than the convolution";
    return false;
  }
  return true;
}

/// Whether `value` is computed from `op`'s results.
static bool dependsOn(Value value, Operation *op) {
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != op->getBlock() || def->isBeforeInBlock(op))
    return false;
  SetVector<Operation *> slice;
  BackwardSliceOptions options;
  options.inclusive = true;
  options.filter = [&](Operation *candidate) {
    return candidate->getBlock() == op->getBlock() &&
           !candidate->isBeforeInBlock(op);
  };
  (void)getBackwardSlice(def, &slice, options);
  return slice.contains(op);
}

/// The element type of a conv operand, looking through a widening
/// elementwise cast (frontends accumulate f16 convolutions in f32 and widen
/// the bias to match).
static Value lookThroughExtF(Value value, Type elementType) {
  if (!value || getElementTypeOrSelf(value.getType()) == elementType)
    return value;
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumReductionLoops() != 0 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return value;
  auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
  auto ext = yield.getOperand(0).getDefiningOp<arith::ExtFOp>();
  if (!ext || ext.getIn() != generic.getBody()->getArgument(0))
    return value;
  return generic.getDpsInputOperand(0)->get();
}

/// Tracks where a dimension of the convolution output went through a reshape
/// or transpose of the chain; nullopt when it was merged with or split into
/// non-unit dimensions.
static std::optional<unsigned> trackDim(Operation *op, unsigned dim) {
  auto sourceType = cast<RankedTensorType>(op->getOperand(0).getType());
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (isa<tensor::CastOp>(op))
    return dim;
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
    auto it = llvm::find(transpose.getPermutation(), dim);
    return it - transpose.getPermutation().begin();
  }
  auto onlyNonUnit = [](RankedTensorType type, ArrayRef<int64_t> group,
                        int64_t keep) {
    return llvm::all_of(group, [&](int64_t d) {
      return d == keep || type.getDimSize(d) == 1;
    });
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
    for (auto [i, group] : llvm::enumerate(collapse.getReassociationIndices()))
      if (llvm::is_contained(group, dim))
        return onlyNonUnit(sourceType, group, dim) ? std::optional<unsigned>(i)
                                                   : std::nullopt;
  }
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
    ReassociationIndices group = expand.getReassociationIndices()[dim];
    SmallVector<int64_t> nonUnit;
    for (int64_t d : group)
      if (resultType.getDimSize(d) != 1)
        nonUnit.push_back(d);
    if (nonUnit.size() == 1 &&
        resultType.getDimSize(nonUnit[0]) == sourceType.getDimSize(dim))
      return nonUnit[0];
    if (nonUnit.empty() && sourceType.getDimSize(dim) == 1)
      return group.front();
  }
  return std::nullopt;
}

FailureOr<ConvBNMatch> ConvBNMatcher::match(Operation *conv,
                                            std::string &reason,
                                            bool keepSplatVectors) {
  ConvBNMatch match;
  match.conv = conv;
  match.layout = *getConvLayout(conv);
  auto linalgOp = cast<linalg::LinalgOp>(conv);
  if (!linalgOp.hasPureTensorSemantics()) {
    reason = "the convolution works on buffers, not tensors";
    return failure();
  }
  match.input = linalgOp.getDpsInputOperand(0)->get();
  Value filter = linalgOp.getDpsInputOperand(1)->get();
  Value init = linalgOp.getDpsInitOperand(0)->get();
  // The fused op computes in the convolution's input type; the frontend may
  // accumulate in a wider type (f16 convolutions into f32) as long as the
  // chain comes back to the input type.
  Type elementType = getElementTypeOrSelf(match.input.getType());
  Type accumulatorType = getElementTypeOrSelf(conv->getResult(0).getType());
  if (!isa<FloatType>(elementType) || !isa<FloatType>(accumulatorType) ||
      getElementTypeOrSelf(filter.getType()) != elementType ||
      accumulatorType.getIntOrFloatBitWidth() <
          elementType.getIntOrFloatBitWidth()) {
    reason = "the convolution is not a float convolution accumulating in its "
             "element type or a wider one";
    return failure();
  }

  ConvDims dims = getConvDims(match.layout);
  SmallVector<unsigned> channelDims = dims.getOutputChannelDims();
  FailureOr<Value> initBias = matchInitBias(init, channelDims, reason);
  if (failed(initBias))
    return failure();
  match.initBias = lookThroughExtF(*initBias, elementType);
  absorbPadding(match);
  if (!fitPaddingToOutput(match, reason))
    return failure();
  int64_t channels = getNumOutputChannels(
      match.layout, cast<RankedTensorType>(filter.getType()));

  // Walk the chain, composing the steps; remember the longest prefix that
  // reads as a batch norm and ends in the convolution's element type.
  auto algebra = std::make_shared<MatchAlgebra>(keepSplatVectors);
  AtomTable &atoms = algebra->atoms;
  ChannelAffineAnalysis &analysis = algebra->analysis;
  ChannelGradientAnalysis gradients(atoms, analysis);
  unsigned convOutputAtom = atoms.getActivation(conv->getResult(0));
  AffineForm total{Polynomial::constant(1.0), Polynomial()};
  // Each value of the chain as an expression in the convolution output Y,
  // and the uses of a chain value that a joint graph's backward makes.
  SmallVector<ChainValue> chainValues;
  SmallVector<std::pair<OpOperand *, size_t>> backwardUses;
  auto exprOf = [&](const AffineForm &form) {
    return form.slope * Polynomial::atom(convOutputAtom) + form.intercept;
  };
  std::optional<unsigned> channelDim;
  if (channelDims.size() == 1)
    channelDim = channelDims.front();
  std::optional<unsigned> batchDim = dims.output.find('n');
  Value current = conv->getResult(0);
  // Why the chain stopped, and why its last prefix was not a batch norm.
  std::string chainReason, recognizeReason;
  // Where it stopped: the users of `current` there, and whether the chain
  // (or the op it stopped at) had started normalising by a square root;
  // without one, no batch norm follows and the remark says what does.
  SmallVector<Operation *> stopUsers;
  bool normalising = false;
  std::optional<BatchNormParams> best;
  size_t bestLength = 0, bestShapeUsers = 0;
  SmallVector<Operation *> chain;
  SmallVector<ShapeUser> shapeUsers;
  while (true) {
    chainValues.push_back({current, exprOf(total), channelDim});
    // `tensor.dim`s of the chain (frontends size their `outs` with them)
    // are not uses of the values; remember them to re-derive later.
    // (An op reading the value twice, e.g. as `ins` and `outs`, is one user.)
    SetVector<Operation *> users;
    for (Operation *user : current.getUsers()) {
      if (auto dim = dyn_cast<tensor::DimOp>(user))
        shapeUsers.push_back({dim, batchDim});
      else
        users.insert(user);
    }
    // In a joint forward + backward graph, a value of the batch norm also
    // feeds its backward (γ's gradient reduces dZ·(Y - μ̂)): set such users
    // aside, for the backward matcher to account for.
    if (users.size() > 1 && channelDim) {
      SmallVector<Operation *> forward;
      for (Operation *user : users) {
        if (!isBackwardUser(gradients, user, current, exprOf(total),
                            *channelDim, convOutputAtom)) {
          forward.push_back(user);
          continue;
        }
        for (OpOperand &use : user->getOpOperands())
          if (use.get() == current)
            backwardUses.push_back({&use, chainValues.size() - 1});
      }
      if (forward.size() == 1 && forward.size() != users.size()) {
        users.clear();
        users.insert(forward.front());
      }
    }
    stopUsers.assign(users.begin(), users.end());
    if (users.size() != 1) {
      bool statistics =
          channelDim && batchDim && llvm::any_of(users, [&](Operation *user) {
            return computesBatchStatistics(user, current, *channelDim,
                                           *batchDim);
          });
      if (statistics) {
        normalising = true;
        chainReason = "the batch statistics are computed from the "
                      "convolution output (training-mode batch norm)";
      } else if (llvm::all_of(users, [](Operation *user) {
                   return isa<tensor::InsertSliceOp, tensor::ConcatOp>(user);
                 })) {
        chainReason = describeChainResult(chain) +
                      " is concatenated into other tensors (" +
                      describeUsers(stopUsers) +
                      ") before any batch norm";
      } else if (!users.empty()) {
        chainReason = describeChainResult(chain) + " has " +
                      std::to_string(users.size()) + " users (" +
                      describeUsers(stopUsers) + ")";
      }
      break;
    }
    Operation *user = users.front();
    if (isa<tensor::CastOp, linalg::TransposeOp, tensor::ExpandShapeOp,
            tensor::CollapseShapeOp>(user) &&
        user->getOperand(0) == current) {
      if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(user);
          collapse && !channelDim) {
        // Grouped and channel-multiplier convolutions: the channel
        // dimensions merge, in order, into one.
        for (auto [i, group] :
             llvm::enumerate(collapse.getReassociationIndices()))
          if (llvm::equal(group, channelDims))
            channelDim = i;
        batchDim = batchDim ? trackDim(user, *batchDim) : std::nullopt;
      } else if (channelDim) {
        channelDim = trackDim(user, *channelDim);
        batchDim = batchDim ? trackDim(user, *batchDim) : std::nullopt;
      }
      if (!channelDim) {
        chainReason = "'" + user->getName().getStringRef().str() +
                      "' moves the output channel into other dimensions";
        break;
      }
      chain.push_back(user);
      current = user->getResult(0);
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (isa<tensor::InsertSliceOp, tensor::ConcatOp>(user)) {
      chainReason = describeChainResult(chain) +
                    " is concatenated with other tensors ('" +
                    user->getName().getStringRef().str() +
                    "') before a batch norm (if these are TOSA's per-group "
                    "convolutions, convbn-regroup-convs joins them)";
      break;
    }
    if (!generic) {
      chainReason = "'" + user->getName().getStringRef().str() +
                    "' is not a per-channel elementwise op";
      break;
    }
    normalising |= normalisesBySquareRoot(generic, current);
    if (!channelDim) {
      chainReason = "the channel dimensions of the convolution output are "
                    "not merged before the batch norm";
      break;
    }
    FailureOr<AffineForm> step =
        analysis.analyzeStep(generic, current, *channelDim, chainReason);
    if (failed(step))
      break;
    total = step->compose(total);
    chain.push_back(generic);
    current = generic->getResult(0);

    if (getElementTypeOrSelf(current.getType()) != elementType)
      continue;
    FailureOr<BatchNormParams> params =
        recognizeBatchNorm(total, atoms, recognizeReason);
    if (failed(params))
      continue;
    recognizeReason.clear();
    best = *params;
    match.slope = total.slope;
    bestLength = chain.size();
    bestShapeUsers = shapeUsers.size();
  }

  if (!best) {
    // A batch norm may still start further on (after a ReLU, say).
    normalising = normalising || leadsToNormalisation(current);
    if (normalising) {
      reason = recognizeReason.empty() ? chainReason : recognizeReason;
      return failure();
    }
    // Nothing normalised by a square root: say what follows instead.
    std::string what = describeChainResult(chain);
    if (stopUsers.empty())
      reason = "no batch norm follows: " + what + " is unused";
    else
      reason = "no batch norm follows: " + what + " feeds " +
               describeUsers(stopUsers);
    return failure();
  }
  match.params = *best;
  match.params.bias = lookThroughExtF(match.params.bias, elementType);
  match.chain.assign(chain.begin(), chain.begin() + bestLength);
  // The values the fused op makes disappear: Y and the prefix's but its
  // last (the fused op's output replaces that one).
  match.algebra = algebra;
  match.convOutputAtom = convOutputAtom;
  match.chainValues.assign(chainValues.begin(),
                           chainValues.begin() + bestLength);
  for (auto [use, position] : backwardUses)
    if (position < bestLength)
      match.backwardUses.push_back(use);
  match.shapeUsers.assign(shapeUsers.begin(),
                          shapeUsers.begin() + bestShapeUsers);
  if (match.params.bias && match.initBias) {
    reason = "the convolution has two biases";
    return failure();
  }
  if (!checkParams(match, channels, elementType, reason))
    return failure();
  for (Value v : {match.params.scale, match.params.offset, match.params.mean,
                  match.params.variance, match.params.bias}) {
    if (v && dependsOn(v, conv)) {
      reason = "the batch statistics are computed from the convolution "
               "output (training-mode batch norm)";
      return failure();
    }
  }
  for (ShapeUser user : match.shapeUsers) {
    std::optional<int64_t> index = user.dim.getConstantIndex();
    auto type = cast<RankedTensorType>(user.dim.getSource().getType());
    if (index && (*index < 0 || *index >= type.getRank())) {
      // Valid IR (the result is undefined), but no size to re-derive.
      reason = "a tensor.dim of the batch norm reads dimension " +
               std::to_string(*index) + " of a rank-" +
               std::to_string(type.getRank()) + " tensor";
      return failure();
    }
    if (!index || (*index != user.batchDim && type.isDynamicDim(*index))) {
      reason = "a dynamic size of the batch norm other than the batch size "
               "is used elsewhere";
      return failure();
    }
  }
  return match;
}

/// A per-channel vector of any vector shape as the 1-D tensor the op takes.
static Value toVector(OpBuilder &b, Location loc, Value value) {
  if (!value)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 1)
    return value;
  ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  return tensor::CollapseShapeOp::create(b, loc, value, {all});
}

/// Applies the reshape, transpose or cast `op` of the original chain to
/// `value`, whose element type may differ.
static Value replayShapeOp(OpBuilder &b, Location loc, Operation *op,
                           Value value, Type elementType) {
  if (isa<linalg::GenericOp>(op))
    return value;
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    return tensor::CollapseShapeOp::create(b, loc, value,
                                           collapse.getReassociationIndices());
  auto resultType =
      cast<RankedTensorType>(op->getResult(0).getType()).clone(elementType);
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return tensor::ExpandShapeOp::create(b, loc, resultType, value,
                                         expand.getReassociationIndices(),
                                         expand.getMixedOutputShape());
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
    SmallVector<OpFoldResult> permuted;
    for (int64_t dim : transpose.getPermutation())
      permuted.push_back(sizes[dim]);
    Value init = tensor::EmptyOp::create(b, loc, permuted, elementType);
    return linalg::TransposeOp::create(b, loc, value, init,
                                       transpose.getPermutation())
        ->getResult(0);
  }
  return tensor::CastOp::create(b, loc, resultType, value);
}

/// `value` (shaped like the chain's end) in the convolution output's shape:
/// the chain's reshapes and transposes undone, in reverse.
static Value toConvOutputShape(OpBuilder &b, Location loc,
                               const ConvBNMatch &match, Value value) {
  for (Operation *op : llvm::reverse(match.chain)) {
    if (isa<linalg::GenericOp>(op))
      continue;
    auto sourceType = cast<RankedTensorType>(op->getOperand(0).getType())
                          .clone(getElementTypeOrSelf(value.getType()));
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
      value = tensor::ExpandShapeOp::create(
          b, loc, sourceType, value, collapse.getReassociationIndices());
    } else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      value = tensor::CollapseShapeOp::create(
          b, loc, value, expand.getReassociationIndices());
    } else if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
      SmallVector<int64_t> inverse(transpose.getPermutation().size());
      for (auto [i, p] : llvm::enumerate(transpose.getPermutation()))
        inverse[p] = i;
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
      SmallVector<OpFoldResult> permuted;
      for (int64_t dim : inverse)
        permuted.push_back(sizes[dim]);
      Value init = tensor::EmptyOp::create(b, loc, permuted,
                                           getElementTypeOrSelf(value));
      value = linalg::TransposeOp::create(b, loc, value, init, inverse)
                  ->getResult(0);
    } else {
      value = tensor::CastOp::create(b, loc, sourceType, value);
    }
  }
  return value;
}

/// `value` reshaped to `type`, which has the same elements (a per-channel
/// vector as [C] or [1, C, 1, 1], a grouped filter as [G, F, ...] or
/// [G * F, ...]).
static Value reshapeLike(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  auto from = cast<RankedTensorType>(value.getType());
  auto to = cast<RankedTensorType>(type);
  if (from.getShape() == to.getShape())
    return tensor::CastOp::create(b, loc, type, value);
  std::optional<SmallVector<ReassociationIndices>> groups =
      getReassociationIndicesForReshape(from, to);
  if (from.getRank() > to.getRank())
    return tensor::CollapseShapeOp::create(b, loc, to, value, *groups);
  return tensor::ExpandShapeOp::create(b, loc, to, value, *groups);
}

/// A compile-time constant, possibly reshaped (torch-mlir reshapes the
/// filters of grouped and depthwise convolutions; canonicalization folds
/// those reshapes).
static bool isConstant(Value value) {
  if (!value)
    return true;
  while (isa_and_present<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                          tensor::CastOp>(value.getDefiningOp()))
    value = value.getDefiningOp()->getOperand(0);
  return matchPattern(value, m_Constant());
}

/// Whether the only side effects of `root` (and of the ops nested in it) are
/// `cf.assert`s. Frontends guard the batch norm's reciprocal with one (an
/// older torch-mlir put `cf.assert %x != 0` in the reciprocal's
/// linalg.generic), which keeps the absorbed normaliser alive after fusion
/// although nothing reads its result. The fused op defines the result of a
/// zero normaliser itself (NaN or infinities, as PyTorch, which does not
/// trap), so the guard goes with the chain it guarded.
static bool hasOnlyAssertionEffects(Operation *root) {
  return !root
              ->walk([](Operation *op) {
                if (isa<cf::AssertOp>(op) ||
                    op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
                  return WalkResult::advance();
                if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
                    linalgOp && linalgOp.hasPureTensorSemantics())
                  return WalkResult::advance();
                auto effects = dyn_cast<MemoryEffectOpInterface>(op);
                if (effects && effects.hasNoEffect())
                  return WalkResult::advance();
                return WalkResult::interrupt();
              })
              .wasInterrupted();
}

/// Erases `roots` and then every op only they used, as long as nothing else
/// uses them.
static void eraseDeadOps(RewriterBase &rewriter, ArrayRef<Operation *> roots) {
  SetVector<Operation *> worklist(roots.begin(), roots.end());
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!op->use_empty() || !(isMemoryEffectFree(op) ||
                              hasOnlyAssertionEffects(op)))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.insert(def);
    rewriter.eraseOp(op);
  }
}

/// Creates the `convbn.conv_bn` that `state` describes if the op's own
/// verifier accepts it, and otherwise creates nothing and returns the
/// verifier's message. Matching proves that the chain computes a batch norm,
/// not that the op can express it: linalg accepts negative dilations, a
/// dynamic input-channel dimension or an infinite epsilon constant, which
/// the op rejects. Asking its verifier instead of repeating its rules here
/// keeps the two from drifting apart.
template <typename OpTy>
static FailureOr<OpTy> createIfValid(OpBuilder &b, OperationState &state,
                                     std::string &reason) {
  MLIRContext *ctx = b.getContext();
  std::string message;
  ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &diag) {
    if (message.empty())
      message = diag.str();
    return success();
  });
  SmallVector<Type> resultTypes;
  if (failed(OpTy::inferReturnTypes(
          ctx, state.location, state.operands,
          state.attributes.getDictionary(ctx), state.getRawProperties(),
          state.regions, resultTypes))) {
    reason = "the fused op would be invalid: " + message;
    return failure();
  }
  state.addTypes(resultTypes);
  Operation *op = Operation::create(state);
  if (failed(verify(op))) {
    op->destroy();
    reason = "the fused op would be invalid: " + message;
    return failure();
  }
  b.insert(op);
  return cast<OpTy>(op);
}

struct FuseConvBNPass : convbn::impl::FuseConvBNBase<FuseConvBNPass> {
  using FuseConvBNBase::FuseConvBNBase;

  void runOnOperation() override {
    SmallVector<Operation *> convs;
    getOperation()->walk([&](Operation *op) {
      if (getConvLayout(op))
        convs.push_back(op);
    });
    // A training block's rewrite erases the frontend's gradient
    // convolutions, which are convolutions of the list: skip those.
    struct ErasedOps : RewriterBase::Listener {
      void notifyOperationErased(Operation *op) override { erased.insert(op); }
      DenseSet<Operation *> erased;
    } erasedOps;
    IRRewriter rewriter(&getContext(), &erasedOps);
    ConvBNMatcher matcher;
    for (Operation *conv : convs) {
      if (erasedOps.erased.contains(conv))
        continue;
      // Remarks go to the location only: Operation::emitRemark would attach
      // the op printed with its function's SSA numbering, which costs time
      // linear in the function and made remarks quadratic in the program.
      Location loc = conv->getLoc();
      std::string reason;
      FailureOr<ConvBNMatch> match = matcher.match(conv, reason);
      if (failed(match)) {
        if (remarks)
          emitRemark(loc) << "not fused: " << reason;
        continue;
      }
      // A joint forward + backward graph: the block's backward must be
      // matched too, or the fused op would leave its reader of Y behind.
      // Without a reader of Y, the backward (if any) is found from dY =
      // dZ·s, when the graph computes the convolution's gradients.
      std::optional<BackwardMatch> backward;
      FailureOr<BackwardMatch> matched = matchBackward(*match, reason);
      if (failed(matched)) {
        if (remarks)
          emitRemark(loc) << "not fused: the convolution output is also "
                             "read outside the batch norm: "
                          << reason;
        continue;
      }
      if (matched->gradOutput)
        backward = std::move(*matched);
      FailureOr<Mode> fusedMode = chooseMode(*match, backward.has_value(),
                                             reason);
      if (failed(fusedMode)) {
        if (remarks)
          emitRemark(loc) << "not fused: " << reason;
        continue;
      }
      StringRef convName = conv->getName().getStringRef();
      size_t chainLength = match->chain.size();
      if (failed(rewrite(rewriter, *match, *fusedMode, backward, reason))) {
        if (remarks)
          emitRemark(loc) << "not fused: " << reason;
        continue;
      }
      if (!remarks)
        continue;
      InFlightDiagnostic remark = emitRemark(loc);
      remark << "fused " << convName << " and " << chainLength
             << " batch-norm ops into convbn.conv_bn "
             << stringifyMode(*fusedMode);
      if (backward) {
        remark << ", and its backward into convbn.conv_bn_backward "
               << stringifyMode(*fusedMode) << " (gradients of "
               << describeBackward(*backward) << ")";
        if (!backward->unmatchedFilter.empty() && !backward->gradFilter &&
            backward->gradConvOutput)
          remark << "; the filter gradient stays as it was: "
                 << backward->unmatchedFilter;
        if (!backward->unmatchedInput.empty() && !backward->gradInput &&
            backward->gradConvOutput)
          remark << "; the input gradient stays as it was: "
                 << backward->unmatchedInput;
      }
    }
  }

  /// The mode of the fused ops. A training block (one whose backward is in
  /// the graph) is tune unless eval is asked for: its parameters are
  /// trained, so deploy is impossible.
  FailureOr<Mode> chooseMode(const ConvBNMatch &match, bool training,
                             std::string &reason) {
    if (training) {
      if (mode == FusionMode::Eval)
        return Mode::Eval;
      if (mode == FusionMode::Deploy) {
        reason = "mode=deploy, but the graph computes the block's gradients "
                 "(deploy parameters are not trained)";
        return failure();
      }
      return Mode::Tune;
    }
    switch (mode) {
    case FusionMode::Auto: {
      const BatchNormParams &p = match.params;
      bool constant =
          isConstant(cast<linalg::LinalgOp>(match.conv)
                         .getDpsInputOperand(1)
                         ->get()) &&
          isConstant(match.initBias) && isConstant(p.bias) &&
          isConstant(p.scale) && isConstant(p.offset) && isConstant(p.mean) &&
          isConstant(p.variance);
      return constant ? Mode::Deploy : Mode::Tune;
    }
    case FusionMode::Tune:
      return Mode::Tune;
    case FusionMode::Eval:
      return Mode::Eval;
    case FusionMode::Deploy:
      return Mode::Deploy;
    }
    llvm_unreachable("unknown fusion mode");
  }

  /// Replaces the convolution and the chain with the fused op, or, if the op
  /// would not verify, leaves the IR as it was and says why.
  LogicalResult rewrite(IRRewriter &rewriter, const ConvBNMatch &match,
                        Mode fusedMode,
                        const std::optional<BackwardMatch> &backward,
                        std::string &reason) {
    Operation *last = match.chain.back();
    rewriter.setInsertionPoint(last);
    Location loc = rewriter.getFusedLoc({match.conv->getLoc(), last->getLoc()});
    auto linalgOp = cast<linalg::LinalgOp>(match.conv);
    const BatchNormParams &p = match.params;
    Value bias = match.initBias ? match.initBias : p.bias;

    // The operands, as 1-D vectors; undone if the op turns out invalid.
    MLIRContext *ctx = &getContext();
    SmallVector<Operation *> operandOps;
    auto vector = [&](Value value) {
      Value result = toVector(rewriter, loc, value);
      if (result != value)
        operandOps.push_back(result.getDefiningOp());
      return result;
    };
    // No mean term (the frontend folded a zero mean away, or a bias cancels
    // it): the mean is zero.
    Value variance = vector(p.variance);
    Value mean = vector(p.mean);
    if (!mean) {
      auto type = cast<RankedTensorType>(variance.getType());
      mean = arith::ConstantOp::create(rewriter, loc, type,
                                       rewriter.getZeroAttr(type));
      operandOps.push_back(mean.getDefiningOp());
    }
    Value input = match.input;
    if (tensor::ExpandShapeOp regroup = match.inputRegroup) {
      input = tensor::ExpandShapeOp::create(
          rewriter, loc, getFusedInputType(match), input,
          regroup.getReassociationIndices());
      operandOps.push_back(input.getDefiningOp());
    }
    SmallVector<int64_t> strides = getConvStrides(match.conv);
    SmallVector<int64_t> dilations = getConvDilations(match.conv);
    auto nonDefault = [&](ArrayRef<int64_t> values,
                          int64_t fill) -> DenseI64ArrayAttr {
      if (llvm::all_of(values, [&](int64_t v) { return v == fill; }))
        return {};
      return DenseI64ArrayAttr::get(ctx, values);
    };
    Value filter = linalgOp.getDpsInputOperand(1)->get();
    Value biasVector = vector(bias), scale = vector(p.scale);
    // The generated builders take the result types, or infer them and
    // abort when the op would be invalid; createIfValid infers them and
    // reports instead. So build with a placeholder result type and drop it.
    OperationState state(loc, ConvBNOp::getOperationName());
    ConvBNOp::build(rewriter, state, /*output=*/input.getType(),
                    /*auxiliary=*/TypeRange(), ModeAttr::get(ctx, fusedMode),
                    ConvLayoutAttr::get(ctx, match.layout), input,
                    filter, biasVector, scale, vector(p.offset), mean,
                    variance, nonDefault(strides, 1), nonDefault(dilations, 1),
                    nonDefault(match.padding, 0),
                    rewriter.getF64FloatAttr(p.epsilon),
                    /*momentum=*/FloatAttr());
    state.types.clear();
    // An eval training block keeps the convolution output for its backward.
    if (backward && fusedMode == Mode::Eval)
      state.getOrAddProperties<ConvBNOp::Properties>().keep_conv_output =
          rewriter.getUnitAttr();
    FailureOr<ConvBNOp> created =
        createIfValid<ConvBNOp>(rewriter, state, reason);
    if (failed(created)) {
      for (Operation *op : llvm::reverse(operandOps))
        rewriter.eraseOp(op);
      return failure();
    }
    ConvBNOp fused = *created;
    // linalg does not relate a convolution's batch size to its input's: a
    // result type the operands contradict cannot be the fused op's.
    if (failed(verifyCompatibleShape(
            fused.getOutput().getType(),
            match.conv->getResult(0).getType()))) {
      llvm::raw_string_ostream os(reason);
      os << "the convolution's result type "
         << match.conv->getResult(0).getType()
         << " contradicts its operands (the fused op's would be "
         << fused.getOutput().getType() << ")";
      rewriter.eraseOp(fused);
      for (Operation *op : llvm::reverse(operandOps))
        rewriter.eraseOp(op);
      return failure();
    }
    if (backward) {
      OperationState backwardState(loc,
                                   ConvBNBackwardOp::getOperationName());
      Gradients gradients = Gradients::None;
      auto add = [&](Value matched, Gradients which) {
        if (matched)
          gradients = gradients | which;
      };
      add(backward->gradInput, Gradients::Input);
      add(backward->gradFilter, Gradients::Filter);
      add(backward->gradBias, Gradients::Bias);
      add(backward->gradScale, Gradients::Scale);
      add(backward->gradOffset, Gradients::Offset);
      // After dZ, which the loss computes from the forward op's output.
      rewriter.setInsertionPointAfterValue(backward->gradOutput);
      Value gradOutput = toConvOutputShape(rewriter, loc, match,
                                           backward->gradOutput);
      ConvBNBackwardOp::build(
          rewriter, backwardState, TypeRange(), ModeAttr::get(ctx, fusedMode),
          ConvLayoutAttr::get(ctx, match.layout), input, filter,
          gradOutput, biasVector, scale, mean, variance,
          fused.getConvOutput(), nonDefault(strides, 1),
          nonDefault(dilations, 1), nonDefault(match.padding, 0),
          rewriter.getF64FloatAttr(p.epsilon),
          GradientsAttr::get(ctx, gradients));
      FailureOr<ConvBNBackwardOp> created =
          createIfValid<ConvBNBackwardOp>(rewriter, backwardState, reason);
      if (failed(created)) {
        rewriter.eraseOp(fused);
        if (Operation *def = gradOutput.getDefiningOp();
            def && gradOutput != backward->gradOutput)
          rewriter.eraseOp(def);
        for (Operation *op : llvm::reverse(operandOps))
          if (op->use_empty())
            rewriter.eraseOp(op);
        return failure();
      }
      // The frontend's gradients become the op's results; what computed
      // them dies (γ's gradient read Y: it goes before the convolution).
      SmallVector<Operation *> replaced;
      auto replace = [&](Value old, Value result) {
        if (!old)
          return;
        if (Operation *def = old.getDefiningOp())
          replaced.push_back(def);
        rewriter.setInsertionPointAfterValue(result);
        rewriter.replaceAllUsesWith(
            old, reshapeLike(rewriter, loc, result, old.getType()));
      };
      replace(backward->gradInput, created->getGradInput());
      replace(backward->gradFilter, created->getGradFilter());
      replace(backward->gradBias, created->getGradBias());
      replace(backward->gradScale, created->getGradScale());
      replace(backward->gradOffset, created->getGradOffset());
      eraseDeadOps(rewriter, replaced);
      rewriter.setInsertionPoint(last);
    }

    // Replay the chain's reshapes, transposes and casts on the fused result
    // (in its element type: the original ones may have worked on a wider
    // accumulator).
    Value result = fused.getOutput();
    Type elementType = fused.getOutput().getType().getElementType();
    for (Operation *op : match.chain)
      result = replayShapeOp(rewriter, loc, op, result, elementType);
    Type lastType = last->getResult(0).getType();
    if (result.getType() != lastType)
      result = tensor::CastOp::create(rewriter, loc, lastType, result);
    rewriter.replaceAllUsesWith(last->getResult(0), result);

    // Sizes of the chain's values read elsewhere: the batch size is the
    // input's, every other one (checked by the matcher) is static.
    ConvDims dims = getConvDims(match.layout);
    for (ShapeUser user : match.shapeUsers) {
      rewriter.setInsertionPoint(user.dim);
      int64_t index = *user.dim.getConstantIndex();
      Value size;
      if (user.batchDim && index == *user.batchDim)
        size = tensor::DimOp::create(rewriter, user.dim.getLoc(), input,
                                     dims.input.find('n'));
      else
        size = arith::ConstantIndexOp::create(
            rewriter, user.dim.getLoc(),
            cast<RankedTensorType>(user.dim.getSource().getType())
                .getDimSize(index));
      rewriter.replaceOp(user.dim, size);
    }

    // Erase the chain and the convolution, then what only they used.
    SmallVector<Operation *> dead(match.chain.rbegin(), match.chain.rend());
    dead.push_back(match.conv);
    SetVector<Operation *> producers;
    for (Operation *op : dead)
      for (Value operand : op->getOperands())
        if (Operation *def = operand.getDefiningOp())
          producers.insert(def);
    for (Operation *op : dead) {
      producers.remove(op);
      rewriter.eraseOp(op);
    }
    while (!producers.empty()) {
      Operation *op = producers.pop_back_val();
      if (!op->use_empty() ||
          !(isOpTriviallyDead(op) || hasOnlyAssertionEffects(op)))
        continue;
      for (Value operand : op->getOperands())
        if (Operation *def = operand.getDefiningOp())
          producers.insert(def);
      rewriter.eraseOp(op);
    }
    return success();
  }
};

} // namespace
