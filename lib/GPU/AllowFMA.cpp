//===- AllowFMA.cpp - contractible floating-point math in kernels ---------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUALLOWFMA
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {
struct GPUAllowFMAPass : convbn::impl::GPUAllowFMABase<GPUAllowFMAPass> {
  void runOnOperation() override {
    getOperation().walk([](gpu::LaunchOp launch) {
      launch.walk([](arith::ArithFastMathInterface op) {
        // Only what can contract: other ops would carry the flag into LLVM
        // ops that have none (an extf's fpext keeps it as a foreign
        // attribute).
        if (!isa<arith::MulFOp, arith::AddFOp, arith::SubFOp>(op))
          return;
        arith::FastMathFlagsAttr flags = op.getFastMathFlagsAttr();
        arith::FastMathFlags contracted =
            (flags ? flags.getValue() : arith::FastMathFlags::none) |
            arith::FastMathFlags::contract;
        op->setAttr(op.getFastMathAttrName(),
                    arith::FastMathFlagsAttr::get(op->getContext(),
                                                  contracted));
      });
    });
  }
};
} // namespace
