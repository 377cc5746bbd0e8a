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

#include "ConvBN/Analysis/ChannelAffine.h"
#include "ConvBN/IR/ConvBNOps.h"
#include "ConvBN/IR/LinalgConv.h"
#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_FUSECONVBN
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// The batch norm read off a composed affine form, as values: per-channel
/// vectors (of any vector shape) or null where absent.
struct BatchNormParams {
  Value scale, offset, mean, variance, bias;
  double epsilon = 0.0;
};

/// Everything the rewrite needs about one convolution + batch norm.
struct ConvBNMatch {
  Operation *conv = nullptr;
  ConvLayout layout;
  Value input;                  // after looking through an absorbed pad
  SmallVector<int64_t> padding; // lows then highs
  Value initBias;               // per-channel vector the conv accumulates into
  BatchNormParams params;
  SmallVector<Operation *> chain; // the fused prefix, in order
};

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
    if (!atom.vector && exponent == -1 && !root) {
      root = id;
    } else if (atom.vector && exponent == 1 && !params.scale) {
      params.scale = atom.vector;
    } else {
      return fail("the per-channel scale is not scale / sqrt(variance + "
                  "epsilon)");
    }
  }
  if (!root)
    return fail("no normalisation by sqrt(variance + epsilon)");

  // The radicand: variance + epsilon.
  for (const Monomial &term : atoms[*root].radicand.getTerms()) {
    if (term.isConstant()) {
      params.epsilon = term.coefficient;
    } else if (term.coefficient == 1.0 && term.factors.size() == 1 &&
               term.factors.front().second == 1 &&
               atoms[term.factors.front().first].vector && !params.variance) {
      params.variance = atoms[term.factors.front().first].vector;
    } else {
      return fail("the normaliser is not sqrt(variance + epsilon)");
    }
  }
  if (!params.variance)
    return fail("the normaliser has no variance");
  if (!(params.epsilon > 0.0))
    return fail("epsilon is not positive");

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
          !atoms[term.factors[i].first].vector)
        matchesSlope = false;
      extra = term.factors[i].first;
    }
    if (matchesSlope && extra) {
      Value vector = atoms[*extra].vector;
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
        atoms[term.factors.front().first].vector && !params.offset) {
      params.offset = atoms[term.factors.front().first].vector;
      continue;
    }
    return fail("the per-channel shift is not (bias - mean) * scale + offset");
  }
  return params;
}

class ConvBNMatcher {
public:
  /// Matches `conv` and the batch norm after it, or returns why not.
  FailureOr<ConvBNMatch> match(Operation *conv, std::string &reason);

private:
  FailureOr<Value> matchInitBias(Value init, ArrayRef<unsigned> channelDims,
                                 std::string &reason);
  void absorbPadding(ConvBNMatch &match);
  bool checkParams(const ConvBNMatch &match, int64_t channels,
                   Type convElementType, std::string &reason);
};

FailureOr<Value> ConvBNMatcher::matchInitBias(Value init,
                                              ArrayRef<unsigned> channelDims,
                                              std::string &reason) {
  // Zero: no bias.
  if (matchPattern(init, m_AnyZeroFloat()))
    return Value();
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    if (matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
      return Value();

  // A per-channel vector broadcast over every other dimension.
  if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
    SmallVector<int64_t> kept;
    for (int64_t dim = 0, e = broadcast.getInit().getType().getRank(); dim < e;
         ++dim)
      if (!llvm::is_contained(broadcast.getDimensions(), dim))
        kept.push_back(dim);
    if (llvm::equal(kept, channelDims))
      return broadcast.getInput();
  }
  if (auto generic = init.getDefiningOp<linalg::GenericOp>()) {
    if (generic.getNumDpsInputs() == 1 && generic.getNumDpsInits() == 1 &&
        generic.getNumReductionLoops() == 0) {
      AffineMap map = generic.getIndexingMapsArray().front();
      SmallVector<unsigned> reads;
      bool projection = generic.getIndexingMapsArray().back().isIdentity();
      for (AffineExpr expr : map.getResults()) {
        if (auto dim = dyn_cast<AffineDimExpr>(expr))
          reads.push_back(dim.getPosition());
        else
          projection = false;
      }
      auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
      if (projection && llvm::equal(reads, channelDims) &&
          yield.getOperand(0) == generic.getBody()->getArgument(0))
        return generic.getDpsInputOperand(0)->get();
    }
  }
  reason = "the convolution accumulates into a tensor that is not zero or a "
           "per-channel bias";
  return failure();
}

/// Moves a zero tensor.pad of the input's spatial dimensions into `padding`.
void ConvBNMatcher::absorbPadding(ConvBNMatch &match) {
  ConvDims dims = getConvDims(match.layout);
  SmallVector<unsigned> spatial = ConvDims::getSpatialDims(dims.input);
  match.padding.assign(2 * spatial.size(), 0);
  auto pad = match.input.getDefiningOp<tensor::PadOp>();
  if (!pad || !pad.getLow().empty() || !pad.getHigh().empty())
    return;
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue || !matchPattern(padValue, m_AnyZeroFloat()))
    return;
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  for (auto [pos, dim] : llvm::enumerate(dims.input))
    if (!ConvDims::isSpatial(dim) && (low[pos] != 0 || high[pos] != 0))
      return;
  for (auto [i, pos] : llvm::enumerate(spatial)) {
    match.padding[i] = low[pos];
    match.padding[i + spatial.size()] = high[pos];
  }
  match.input = pad.getSource();
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

FailureOr<ConvBNMatch> ConvBNMatcher::match(Operation *conv,
                                            std::string &reason) {
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
  auto outputType = cast<RankedTensorType>(conv->getResult(0).getType());
  Type elementType = outputType.getElementType();
  if (!isa<FloatType>(elementType) ||
      getElementTypeOrSelf(match.input.getType()) != elementType ||
      getElementTypeOrSelf(filter.getType()) != elementType) {
    reason = "the convolution is not a float convolution of one element type";
    return failure();
  }

  ConvDims dims = getConvDims(match.layout);
  SmallVector<unsigned> channelDims = dims.getOutputChannelDims();
  FailureOr<Value> initBias = matchInitBias(init, channelDims, reason);
  if (failed(initBias))
    return failure();
  match.initBias = *initBias;
  absorbPadding(match);
  int64_t channels = getNumOutputChannels(
      match.layout, cast<RankedTensorType>(filter.getType()));

  // Walk the chain, composing the steps; remember the longest prefix that
  // reads as a batch norm and ends in the convolution's element type.
  AtomTable atoms;
  ChannelAffineAnalysis analysis(atoms);
  AffineForm total{Polynomial::constant(1.0), Polynomial()};
  std::optional<unsigned> channelDim;
  if (channelDims.size() == 1)
    channelDim = channelDims.front();
  Value current = conv->getResult(0);
  std::string chainReason;
  std::optional<BatchNormParams> best;
  size_t bestLength = 0;
  SmallVector<Operation *> chain;
  while (true) {
    if (!current.hasOneUse()) {
      bool statistics = llvm::any_of(current.getUsers(), [](Operation *user) {
        auto linalgUser = dyn_cast<linalg::LinalgOp>(user);
        return linalgUser && linalgUser.getNumReductionLoops() > 0;
      });
      if (current.use_empty())
        chainReason = "the result is unused";
      else if (statistics)
        chainReason = "the batch statistics are computed from the "
                      "convolution output (training-mode batch norm)";
      else
        chainReason = chain.empty() ? "the convolution result has more than "
                                      "one user"
                                    : "an intermediate result of the batch "
                                      "norm has more than one user";
      break;
    }
    Operation *user = *current.getUsers().begin();
    if (auto cast = dyn_cast<tensor::CastOp>(user)) {
      chain.push_back(cast);
      current = cast.getResult();
      continue;
    }
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(user);
        collapse && !channelDim) {
      // Grouped and channel-multiplier convolutions: the channel dimensions
      // must be merged, in order, into one, every other dimension kept.
      for (auto [i, group] :
           llvm::enumerate(collapse.getReassociationIndices())) {
        if (group.size() == 1 && !llvm::is_contained(channelDims, group[0]))
          continue;
        if (llvm::equal(group, channelDims)) {
          channelDim = i;
          continue;
        }
        channelDim.reset();
        break;
      }
      if (!channelDim) {
        chainReason = "the reshape after the convolution does not merge its "
                      "channel dimensions";
        break;
      }
      chain.push_back(collapse);
      current = collapse.getResult();
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic) {
      chainReason = "'" + user->getName().getStringRef().str() +
                    "' is not a per-channel elementwise op";
      break;
    }
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
    std::string recognizeReason;
    FailureOr<BatchNormParams> params =
        recognizeBatchNorm(total, atoms, recognizeReason);
    if (failed(params)) {
      chainReason = recognizeReason;
      continue;
    }
    best = *params;
    bestLength = chain.size();
  }

  if (!best) {
    reason = chainReason;
    return failure();
  }
  match.params = *best;
  match.chain.assign(chain.begin(), chain.begin() + bestLength);
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

static bool isConstant(Value value) {
  return !value || matchPattern(value, m_Constant());
}

struct FuseConvBNPass : convbn::impl::FuseConvBNBase<FuseConvBNPass> {
  using FuseConvBNBase::FuseConvBNBase;

  void runOnOperation() override {
    SmallVector<Operation *> convs;
    getOperation()->walk([&](Operation *op) {
      if (getConvLayout(op))
        convs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    ConvBNMatcher matcher;
    for (Operation *conv : convs) {
      std::string reason;
      FailureOr<ConvBNMatch> match = matcher.match(conv, reason);
      if (failed(match)) {
        if (remarks)
          conv->emitRemark() << "not fused: " << reason;
        continue;
      }
      FailureOr<Mode> fusedMode = chooseMode(*match, reason);
      if (failed(fusedMode)) {
        if (remarks)
          conv->emitRemark() << "not fused: " << reason;
        continue;
      }
      if (remarks)
        conv->emitRemark() << "fused " << conv->getName() << " and "
                           << match->chain.size()
                           << " batch-norm ops into convbn.conv_bn "
                           << stringifyMode(*fusedMode);
      rewrite(rewriter, *match, *fusedMode);
    }
  }

  FailureOr<Mode> chooseMode(const ConvBNMatch &match, std::string &reason) {
    const BatchNormParams &p = match.params;
    auto *linalgOp = match.conv;
    bool constant =
        isConstant(cast<linalg::LinalgOp>(linalgOp).getDpsInputOperand(1)->get()) &&
        isConstant(match.initBias) && isConstant(p.bias) &&
        isConstant(p.scale) && isConstant(p.offset) && isConstant(p.mean) &&
        isConstant(p.variance);
    switch (mode) {
    case FusionMode::Auto:
      return constant ? Mode::Deploy : Mode::Tune;
    case FusionMode::Tune:
      return Mode::Tune;
    case FusionMode::Eval:
      return Mode::Eval;
    case FusionMode::Deploy:
      if (!constant) {
        reason = "mode=deploy needs constant filter, bias and batch-norm "
                 "parameters";
        return failure();
      }
      return Mode::Deploy;
    }
    llvm_unreachable("unknown fusion mode");
  }

  void rewrite(IRRewriter &rewriter, const ConvBNMatch &match, Mode fusedMode) {
    Operation *last = match.chain.back();
    rewriter.setInsertionPoint(last);
    Location loc = rewriter.getFusedLoc({match.conv->getLoc(), last->getLoc()});
    auto linalgOp = cast<linalg::LinalgOp>(match.conv);
    const BatchNormParams &p = match.params;
    Value bias = match.initBias ? match.initBias : p.bias;

    MLIRContext *ctx = &getContext();
    SmallVector<int64_t> strides = getConvStrides(match.conv);
    SmallVector<int64_t> dilations = getConvDilations(match.conv);
    auto nonDefault = [&](ArrayRef<int64_t> values,
                          int64_t fill) -> DenseI64ArrayAttr {
      if (llvm::all_of(values, [&](int64_t v) { return v == fill; }))
        return {};
      return DenseI64ArrayAttr::get(ctx, values);
    };
    auto fused = ConvBNOp::create(
        rewriter, loc, ModeAttr::get(ctx, fusedMode),
        ConvLayoutAttr::get(ctx, match.layout), match.input,
        linalgOp.getDpsInputOperand(1)->get(), toVector(rewriter, loc, bias),
        toVector(rewriter, loc, p.scale), toVector(rewriter, loc, p.offset),
        toVector(rewriter, loc, p.mean), toVector(rewriter, loc, p.variance),
        nonDefault(strides, 1), nonDefault(dilations, 1),
        nonDefault(match.padding, 0), rewriter.getF64FloatAttr(p.epsilon),
        /*momentum=*/FloatAttr());

    // Replay the chain's reshapes and casts on the fused result.
    Value result = fused.getOutput();
    for (Operation *op : match.chain) {
      if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
        result = tensor::CollapseShapeOp::create(
            rewriter, loc, result, collapse.getReassociationIndices());
      else if (auto cast = dyn_cast<tensor::CastOp>(op))
        result = tensor::CastOp::create(rewriter, loc, cast.getType(), result);
    }
    if (result.getType() != last->getResult(0).getType())
      result = tensor::CastOp::create(rewriter, loc,
                                      last->getResult(0).getType(), result);
    rewriter.replaceAllUsesWith(last->getResult(0), result);

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
      if (!isOpTriviallyDead(op))
        continue;
      for (Value operand : op->getOperands())
        if (Operation *def = operand.getDefiningOp())
          producers.insert(def);
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
