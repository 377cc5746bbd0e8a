//===- StripBufferCompute.cpp - allocations without the arithmetic --------===//
//
// For measuring memory: a bufferized program without its linalg ops
// allocates and frees in the same order, in a fraction of the time.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_STRIPBUFFERCOMPUTE
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;

namespace {
struct StripBufferComputePass
    : convbn::impl::StripBufferComputeBase<StripBufferComputePass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      op->erase();
  }
};
} // namespace
