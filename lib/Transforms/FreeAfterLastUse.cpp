//===- FreeAfterLastUse.cpp - free buffers as soon as they are dead --------===//
//
// Upstream's ownership-based deallocation frees at block ends; this moves
// each free of a block's own allocation up to the buffer's last use.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_FREEAFTERLASTUSE
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;

/// The op of `dealloc`'s block after which its buffer is dead, or null when
/// the buffer escapes or may be aliased in ways this cannot follow.
static Operation *lastUse(memref::AllocOp alloc, memref::DeallocOp dealloc) {
  Block *block = alloc->getBlock();
  Operation *last = alloc;
  SmallVector<Value> worklist = {alloc.getResult()};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    for (Operation *user : value.getUsers()) {
      if (user == dealloc.getOperation())
        continue;
      if (user->hasTrait<OpTrait::IsTerminator>() ||
          isa<memref::DeallocOp>(user))
        return nullptr;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
        if (view.getViewSource() == value)
          llvm::append_range(worklist, user->getResults());
      } else if (isa<memref::CastOp>(user)) {
        worklist.push_back(user->getResult(0));
      } else if (llvm::any_of(user->getResultTypes(),
                              llvm::IsaPred<BaseMemRefType>)) {
        return nullptr;
      }
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor)
        return nullptr;
      if (last->isBeforeInBlock(ancestor))
        last = ancestor;
    }
  }
  return last;
}

namespace {
struct FreeAfterLastUsePass
    : convbn::impl::FreeAfterLastUseBase<FreeAfterLastUsePass> {
  void runOnOperation() override {
    SmallVector<memref::DeallocOp> deallocs;
    getOperation()->walk(
        [&](memref::DeallocOp dealloc) { deallocs.push_back(dealloc); });
    // Every destination first, then the moves: a move invalidates the
    // block's op order, and recomputing it per dealloc would make the pass
    // quadratic in the block's size.
    SmallVector<std::pair<memref::DeallocOp, Operation *>> moves;
    for (memref::DeallocOp dealloc : deallocs) {
      auto alloc = dealloc.getMemref().getDefiningOp<memref::AllocOp>();
      if (!alloc || alloc->getBlock() != dealloc->getBlock() ||
          !alloc->isBeforeInBlock(dealloc))
        continue;
      Operation *last = lastUse(alloc, dealloc);
      if (last && last->isBeforeInBlock(dealloc))
        moves.push_back({dealloc, last});
    }
    // Deallocs that share a destination keep their relative order.
    for (auto [dealloc, last] : llvm::reverse(moves))
      dealloc->moveAfter(last);
  }
};
} // namespace
