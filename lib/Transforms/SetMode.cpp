//===- SetMode.cpp - switch the mode of convbn.conv_bn ops ----------------===//

#include "ConvBN/Transforms/Passes.h"

#include "ConvBN/IR/ConvBNOps.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_SETMODE
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// Why `op` cannot be switched to `target`, or an empty string.
static std::string whyImpossible(ConvBNOp op, Mode target) {
  if (op.getMode() == target)
    return "";
  if (op.getMode() == Mode::Train || target == Mode::Train)
    return "'train' mode has its own results (the running statistics), so "
           "an op can switch neither to it nor from it";
  return "";
}

struct SetModePass : convbn::impl::SetModeBase<SetModePass> {
  using SetModeBase::SetModeBase;

  void runOnOperation() override {
    bool failedAny = false;
    getOperation()->walk([&](ConvBNOp op) {
      std::string why = whyImpossible(op, mode);
      if (!why.empty()) {
        op.emitError() << "cannot switch from '" << stringifyMode(op.getMode())
                       << "' to '" << stringifyMode(mode) << "' mode: " << why;
        failedAny = true;
        return;
      }
      op.setMode(mode);
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
