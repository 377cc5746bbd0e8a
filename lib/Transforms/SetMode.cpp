//===- SetMode.cpp - switch the mode of convbn ops ------------------------===//
//
// Switches every convbn.conv_bn, and the convbn.conv_bn_backward of training
// graphs with it. A backward op in eval mode reads the forward op's kept
// convolution output, one in tune mode does not: switching a training block
// rewires that edge (and the forward op's second result) along with the
// modes.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "ConvBN/IR/ConvBNOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_SETMODE
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// Why the forward op `op` cannot be switched to `target`, or an empty string.
static std::string whyImpossible(ConvBNOp op, Mode target) {
  if (op.getMode() == target)
    return "";
  if (op.getMode() == Mode::Train || target == Mode::Train)
    return "'train' mode has its own results (the running statistics), so "
           "an op can switch neither to it nor from it";
  return "";
}

/// Whether `forward` computes the convolution whose gradients `backward`
/// computes: the same input, filter, bias, layout and convolution
/// attributes (its output is then the convolution output an eval backward
/// reads).
static bool isForwardOf(ConvBNOp forward, ConvBNBackwardOp backward) {
  return forward.getInput() == backward.getInput() &&
         forward.getFilter() == backward.getFilter() &&
         forward.getBias() == backward.getBias() &&
         forward.getLayout() == backward.getLayout() &&
         forward.getStrideValues() == backward.getStrideValues() &&
         forward.getDilationValues() == backward.getDilationValues() &&
         forward.getPaddingValues() == backward.getPaddingValues();
}

struct SetModePass : convbn::impl::SetModeBase<SetModePass> {
  using SetModeBase::SetModeBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    DominanceInfo dominance(root);
    SmallVector<ConvBNOp> forwards;
    SmallVector<ConvBNBackwardOp> backwards;
    root->walk([&](Operation *op) {
      if (auto forward = dyn_cast<ConvBNOp>(op))
        forwards.push_back(forward);
      else if (auto backward = dyn_cast<ConvBNBackwardOp>(op))
        backwards.push_back(backward);
    });

    // Check every switch before changing anything.
    bool failedAny = false;
    auto refuse = [&](Operation *op, Mode from, const Twine &why) {
      op->emitError() << "cannot switch from '" << stringifyMode(from)
                      << "' to '" << stringifyMode(mode) << "' mode: " << why;
      failedAny = true;
    };
    // Forward ops whose kept convolution output is read by something other
    // than a backward op: only an eval op can go on giving it.
    llvm::SmallPtrSet<Operation *, 8> readElsewhere;
    for (ConvBNOp forward : forwards) {
      std::string why = whyImpossible(forward, mode);
      if (!why.empty()) {
        refuse(forward, forward.getMode(), why);
        continue;
      }
      Value convOutput = forward.getConvOutput();
      if (!convOutput)
        continue;
      for (Operation *user : convOutput.getUsers()) {
        if (isa<ConvBNBackwardOp>(user))
          continue;
        readElsewhere.insert(forward);
        if (mode != Mode::Eval)
          refuse(forward, forward.getMode(),
                 "its kept convolution output is read by '" +
                     user->getName().getStringRef() +
                     "', and only an 'eval' op gives it");
        break;
      }
    }
    // The forward op each backward switching to eval reads from.
    DenseMap<Operation *, ConvBNOp> forwardOf;
    for (ConvBNBackwardOp backward : backwards) {
      if (backward.getMode() == mode)
        continue;
      if (mode == Mode::Deploy || mode == Mode::Train) {
        refuse(backward, backward.getMode(),
               mode == Mode::Deploy
                   ? "'deploy' parameters are not trained: a deploy block "
                     "has no backward op"
                   : "'train' mode (batch statistics) has no backward op");
        continue;
      }
      if (mode != Mode::Eval)
        continue;
      auto it = llvm::find_if(forwards, [&](ConvBNOp forward) {
        return forward.getMode() != Mode::Train &&
               isForwardOf(forward, backward) &&
               dominance.properlyDominates(forward.getOperation(), backward);
      });
      if (it == forwards.end()) {
        refuse(backward, backward.getMode(),
               "an eval backward reads the convolution output, and no "
               "forward op of this block (same input, filter, bias and "
               "convolution attributes) precedes it");
        continue;
      }
      forwardOf[backward] = *it;
    }
    if (failedAny)
      return signalPassFailure();

    // Forward ops: the new mode, and the convolution output kept exactly
    // when an eval backward will read it.
    IRRewriter rewriter(&getContext());
    llvm::SmallPtrSet<Operation *, 8> keepers(readElsewhere.begin(),
                                              readElsewhere.end());
    for (auto [backward, forward] : forwardOf)
      keepers.insert(forward);
    for (ConvBNBackwardOp backward : backwards)
      if (backward.getMode() == mode && mode == Mode::Eval)
        if (Operation *def = backward.getConvOutput().getDefiningOp())
          keepers.insert(def);
    DenseMap<Operation *, ConvBNOp> replacements;
    for (ConvBNOp forward : forwards) {
      bool keep = keepers.contains(forward);
      if (forward.getMode() == mode && forward.getKeepConvOutput() == keep)
        continue;
      if (!forward.getKeepConvOutput() && !keep) {
        forward.setMode(mode);
        continue;
      }
      // The result count changes: a new op.
      rewriter.setInsertionPoint(forward);
      OperationState state(forward.getLoc(), forward->getName());
      state.addOperands(forward->getOperands());
      ConvBNOp::Properties properties = forward.getProperties();
      properties.mode = ModeAttr::get(&getContext(), mode);
      properties.keep_conv_output = keep ? rewriter.getUnitAttr() : UnitAttr();
      state.useProperties(properties);
      state.addAttributes(
          llvm::to_vector(forward->getDiscardableAttrDictionary().getValue()));
      SmallVector<Type> types;
      if (failed(ConvBNOp::inferReturnTypes(
              &getContext(), forward.getLoc(), state.operands,
              state.attributes.getDictionary(&getContext()),
              state.getRawProperties(), state.regions, types)))
        return signalPassFailure();
      state.addTypes(types);
      auto replacement = cast<ConvBNOp>(rewriter.create(state));
      rewriter.replaceAllUsesWith(forward.getOutput(),
                                  replacement.getOutput());
      replacements[forward] = replacement;
    }

    // Backward ops: the new mode and, in eval, the kept convolution output.
    for (ConvBNBackwardOp backward : backwards) {
      Value convOutput = backward.getConvOutput();
      if (backward.getMode() != mode) {
        convOutput = Value();
        if (mode == Mode::Eval) {
          Operation *forward = forwardOf.lookup(backward);
          convOutput = replacements.lookup(forward).getConvOutput();
        }
      } else if (convOutput) {
        // Already eval: follow the forward op if it was replaced.
        if (ConvBNOp replacement =
                replacements.lookup(convOutput.getDefiningOp()))
          convOutput = replacement.getConvOutput();
      }
      if (backward.getMode() == mode &&
          convOutput == backward.getConvOutput())
        continue;
      rewriter.setInsertionPoint(backward);
      rewriter.modifyOpInPlace(backward, [&] {
        backward.setMode(mode);
        backward.getConvOutputMutable().assign(
            convOutput ? ValueRange(convOutput) : ValueRange());
      });
    }
    for (auto [old, replacement] : replacements)
      rewriter.eraseOp(old);
  }
};

} // namespace
