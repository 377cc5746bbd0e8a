//===- RecomputeAtLaterUses.cpp - recompute instead of keeping alive -------===//
//
// CSE merges a forward pad with the identical one its backward makes, and
// bufferization then keeps the padded copy alive across the whole step.
// This clones such cheap ops back to their later users, where doing so
// extends no other lifetime.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_RECOMPUTEATLATERUSES
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;

/// The op that initialises the result of `op` and is cloned with it (a
/// generic's tensor.empty), or null for none; failure when `op` is not one
/// this pass recomputes.
static FailureOr<Operation *> getRecomputableInit(Operation *op) {
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    return static_cast<Operation *>(nullptr);
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic->getNumResults() != 1 ||
      generic.getNumDpsInits() != 1 || !generic.hasPureTensorSemantics() ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return failure();
  auto empty =
      generic.getDpsInitOperand(0)->get().getDefiningOp<tensor::EmptyOp>();
  if (!empty || generic.getRegionOutputArgs()[0].getNumUses() != 0)
    return failure();
  bool pureBody = llvm::all_of(generic.getBody()->without_terminator(),
                               [](Operation &nested) {
                                 return isMemoryEffectFree(&nested);
                               });
  if (!pureBody)
    return failure();
  return empty.getOperation();
}

namespace {
/// The recomputation in one block. Positions are the block's op order taken
/// once (2 per op, so that a copy, inserted just before a user, sits between
/// two of them): the clones do not invalidate it and the pass stays linear.
class BlockRecomputer {
public:
  explicit BlockRecomputer(Block &block) : block(block) {
    int64_t index = 0, tensors = 0;
    for (Operation &op : block) {
      position[&op] = 2 * index++;
      tensorsBefore.push_back(tensors);
      if (llvm::any_of(op.getResultTypes(), llvm::IsaPred<TensorType>))
        ++tensors;
    }
    tensorsBefore.push_back(tensors);
  }

  void run() {
    SmallVector<Operation *> candidates;
    for (Operation &op : block)
      if (succeeded(getRecomputableInit(&op)))
        candidates.push_back(&op);
    // Consumers first: a consumer's copies become users of its producer,
    // which then gets copies next to them.
    for (Operation *op : llvm::reverse(candidates))
      recompute(op);
  }

private:
  /// The position in the block of the op that `user` is or is nested in.
  std::optional<int64_t> positionOf(Operation *user) {
    Operation *ancestor = block.findAncestorOpInBlock(*user);
    if (!ancestor)
      return std::nullopt;
    return position.lookup(ancestor);
  }

  /// The last position at which something other than `op` reads `value`
  /// (INT64_MAX: alive throughout, or read where this cannot order it).
  /// Arguments (of this or an enclosing block), values of enclosing regions
  /// and constants are not this block's to free. The two latest readers
  /// are computed once per value: positions only grow as copies are added,
  /// and a copy is placed before a reader already counted, so a stale
  /// answer is at most too early, which only refuses a copy.
  int64_t lastReadExcept(Value value, Operation *op) {
    Operation *def = value.getDefiningOp();
    if (!def || def->getBlock() != &block || matchPattern(value, m_Constant()))
      return INT64_MAX;
    auto [it, inserted] = lastReaders.try_emplace(value);
    LastReaders &last = it->second;
    if (inserted) {
      for (Operation *user : value.getUsers()) {
        std::optional<int64_t> pos = positionOf(user);
        int64_t at = pos ? *pos : INT64_MAX;
        Operation *ancestor = pos ? block.findAncestorOpInBlock(*user) : user;
        if (at > last.latest) {
          last.second = last.latest;
          last.latest = at;
          last.latestReader = ancestor;
        } else if (ancestor != last.latestReader) {
          last.second = std::max(last.second, at);
        }
      }
    }
    return last.latestReader == op ? last.second : last.latest;
  }

  /// Whether an op that makes a tensor runs strictly between the ops at
  /// positions `from` and `to` (in original-op units).
  bool tensorMadeBetween(int64_t from, int64_t to) {
    int64_t first = from / 2 + 1, last = (to + 1) / 2;
    return first < last && tensorsBefore[last] - tensorsBefore[first] > 0;
  }

  void recompute(Operation *op) {
    Operation *init = *getRecomputableInit(op);
    Value result = op->getResult(0);
    // The block's ops that read the result, in order.
    SmallVector<std::pair<int64_t, Operation *>> users;
    for (Operation *user : result.getUsers()) {
      std::optional<int64_t> pos = positionOf(user);
      if (!pos)
        return;
      users.push_back({*pos, block.findAncestorOpInBlock(*user)});
    }
    llvm::sort(users, [](auto &a, auto &b) { return a.first < b.first; });
    users.erase(llvm::unique(users), users.end());
    if (users.size() < 2)
      return;

    SmallVector<Value> tensorOperands;
    for (Value operand : op->getOperands())
      if (isa<TensorType>(operand.getType()) &&
          (!init || operand != init->getResult(0)))
        tensorOperands.push_back(operand);

    Value current = result;
    int64_t previous = users.front().first;
    for (auto [usePos, useOp] : llvm::drop_begin(users)) {
      // Named copies: C++17 lambdas cannot capture structured bindings.
      int64_t pos = usePos;
      Operation *user = useOp;
      bool alive = llvm::all_of(tensorOperands, [&](Value operand) {
        return lastReadExcept(operand, op) >= pos;
      });
      if (alive && tensorMadeBetween(previous, pos)) {
        OpBuilder builder(user);
        IRMapping mapping;
        if (init)
          position[builder.clone(*init, mapping)] = pos - 1;
        Operation *copy = builder.clone(*op, mapping);
        position[copy] = pos - 1;
        current = copy->getResult(0);
      }
      if (current != result)
        result.replaceUsesWithIf(current, [&](OpOperand &use) {
          return block.findAncestorOpInBlock(*use.getOwner()) == user;
        });
      previous = pos;
    }
  }

  struct LastReaders {
    int64_t latest = -1, second = -1;
    Operation *latestReader = nullptr;
  };

  Block &block;
  DenseMap<Operation *, int64_t> position;
  DenseMap<Value, LastReaders> lastReaders;
  /// tensorsBefore[i]: how many of the block's first i ops make a tensor.
  SmallVector<int64_t> tensorsBefore;
};

struct RecomputeAtLaterUsesPass
    : convbn::impl::RecomputeAtLaterUsesBase<RecomputeAtLaterUsesPass> {
  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation()->walk([&](Block *block) { blocks.push_back(block); });
    for (Block *block : blocks)
      BlockRecomputer(*block).run();
  }
};
} // namespace
