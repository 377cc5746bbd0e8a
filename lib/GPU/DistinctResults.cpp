//===- DistinctResults.cpp - one returned tensor per position -------------===//
//
// buffer-results-to-out-params gives each result an output parameter and
// crashes when one buffer is returned twice; a copy per extra position
// keeps the buffers distinct. On tensors it runs just before bufferization
// (a pure copy would be merged again by CSE); on buffers just after it,
// since bufferization may give two returned tensors one buffer (a
// returned tensor.empty that an op also writes into in place: its contents
// are undefined, so sharing is legal).
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

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
        if (returned.insert(value).second)
          continue;
        if (auto memref = dyn_cast<MemRefType>(value.getType())) {
          // After bufferization: a new buffer and a copy.
          if (!memref.getLayout().isIdentity())
            continue;
          SmallVector<Value> dynamicSizes;
          for (int64_t dim = 0; dim < memref.getRank(); ++dim)
            if (memref.isDynamicDim(dim))
              dynamicSizes.push_back(
                  memref::DimOp::create(b, ret.getLoc(), value, dim));
          Value copy =
              memref::AllocOp::create(b, ret.getLoc(), memref, dynamicSizes);
          memref::CopyOp::create(b, ret.getLoc(), value, copy);
          operand.set(copy);
          continue;
        }
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type)
          continue;
        // An allocation with a copy (not a pure op CSE could merge with
        // the next one): a device-to-device copy once bufferized. A copy
        // takes its sizes from the copied tensor.
        operand.set(bufferization::AllocTensorOp::create(
            b, ret.getLoc(), type, /*dynamicSizes=*/ValueRange(),
            /*copy=*/value, /*size_hint=*/Value(),
            /*memory_space=*/Attribute()));
      }
    });
  }
};
} // namespace
