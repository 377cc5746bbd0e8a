//===- StridedCopiesToLinalg.cpp - copies that need no runtime library ----===//
//
// memref.copy between buffers that are not both contiguous lowers to a call
// of MLIR's runner utilities; as linalg.copy it lowers to loops.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_STRIDEDCOPIESTOLINALG
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;

/// What finalize-memref-to-llvm copies with a memcpy (MemRefCopyOpLowering).
static bool isContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && (memref.getLayout().isIdentity() ||
                    memref::isStaticShapeAndContiguousRowMajor(memref));
}

namespace {
struct StridedCopiesToLinalgPass
    : convbn::impl::StridedCopiesToLinalgBase<StridedCopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp copy) {
      Type source = copy.getSource().getType(),
           target = copy.getTarget().getType();
      // linalg.copy takes ranked buffers only; an unranked copy stays.
      if (isa<MemRefType>(source) && isa<MemRefType>(target) &&
          !(isContiguous(source) && isContiguous(target)))
        copies.push_back(copy);
    });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    }
  }
};
} // namespace
