//===- DistinctResults.cpp - one returned tensor per position -------------===//
//
// buffer-results-to-out-params gives each result an output parameter and
// crashes when one buffer is returned twice; a copy per extra position
// keeps the buffers distinct. It runs just before bufferization: a pure
// copy would be merged again by CSE.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUDISTINCTRESULTS
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;

namespace {
struct GPUDistinctResultsPass
    : convbn::impl::GPUDistinctResultsBase<GPUDistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      DenseSet<Value> returned;
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type || returned.insert(value).second)
          continue;
        // An allocation with a copy (not a pure op CSE could merge with
        // the next one): a device-to-device copy once bufferized.
        SmallVector<Value> dynamicSizes;
        for (int64_t dim = 0; dim < type.getRank(); ++dim)
          if (type.isDynamicDim(dim))
            dynamicSizes.push_back(
                tensor::DimOp::create(b, ret.getLoc(), value, dim));
        operand.set(bufferization::AllocTensorOp::create(
            b, ret.getLoc(), type, dynamicSizes, /*copy=*/value,
            /*size_hint=*/Value(), /*memory_space=*/Attribute()));
      }
    });
  }
};
} // namespace
