//===- TileForGPU.cpp - tile linalg ops to GPU blocks and threads ---------===//

#include "ConvBN/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUTILE
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// Tile sizes for the two levels, per loop of the root op.
struct GPUTiles {
  SmallVector<int64_t> block;
  SmallVector<int64_t> thread;
};

/// Sizes per output dimension (see the pass description): the innermost
/// dimension gives 4 outputs (2 where 4 does not divide it but 2 does, 1
/// where neither does or where more would leave fewer than `minThreads`
/// threads) to each `threadIdx.x`, the next two one output to each
/// `threadIdx.y/z`, and blocks grow along y then z until they have
/// `minThreads` threads; outer dimensions are tiled by 1 at block level.
static GPUTiles chooseOutputTiles(ArrayRef<int64_t> shape, int64_t minThreads,
                                  int64_t perThreadZ) {
  int64_t rank = shape.size();
  // Dynamic sizes (batch) count as large.
  auto size = [&](int64_t dim) {
    return ShapedType::isDynamic(shape[dim]) ? int64_t(1) << 20 : shape[dim];
  };
  GPUTiles tiles{SmallVector<int64_t>(rank, 1), SmallVector<int64_t>(rank, 0)};
  if (rank == 0)
    return tiles;
  int64_t x = rank - 1, y = rank - 2, z = rank - 3;
  // Outputs per thread along z where that divides it (NCHW: channels).
  int64_t requestedZ = perThreadZ;
  if (z < 0 || ShapedType::isDynamic(shape[z]) || requestedZ < 1 ||
      shape[z] % requestedZ != 0)
    requestedZ = 1;
  constexpr int64_t kMaxThreadsX = 64;
  // Four (or two) outputs per thread along x where that still fills a
  // block; one otherwise (small tensors: weights, per-channel vectors).
  int64_t perThreadX = 1, blockX = 0, blockY = 1, blockZ = 1;
  // Only a number that divides the dimension: a partial thread tile would
  // need a dynamically sized private temporary.
  int64_t widest = 1;
  if (!ShapedType::isDynamic(shape[x]))
    widest = size(x) % 4 == 0 ? 4 : size(x) % 2 == 0 ? 2 : 1;
  // Several outputs per thread where the block still gets enough threads;
  // one otherwise.
  for (auto [candidateX, candidateZ] :
       {std::pair(widest, requestedZ), std::pair(int64_t(1), int64_t(1))}) {
    perThreadX = candidateX;
    perThreadZ = candidateZ;
    blockX = rank == 1 || size(x) > kMaxThreadsX * perThreadX
                 ? kMaxThreadsX * perThreadX
                 : 0 /* the whole dimension */;
    int64_t threadsX =
        llvm::divideCeil(blockX ? std::min(blockX, size(x)) : size(x),
                         perThreadX);
    blockY = 1;
    blockZ = 1;
    while (threadsX * blockY * blockZ < minThreads) {
      if (y >= 0 && blockY < size(y))
        blockY = std::min(blockY * 2, size(y));
      else if (z >= 0 && blockZ < size(z) / perThreadZ)
        blockZ = std::min(blockZ * 2, size(z) / perThreadZ);
      else
        break;
    }
    if (threadsX * blockY * blockZ >= minThreads)
      break;
  }
  tiles.block[x] = blockX;
  tiles.thread[x] = perThreadX;
  if (y >= 0) {
    tiles.block[y] = blockY;
    tiles.thread[y] = 1;
  }
  if (z >= 0) {
    tiles.block[z] = blockZ * perThreadZ;
    tiles.thread[z] = perThreadZ;
  }
  return tiles;
}

/// Maps per-output-dimension tiles onto the loops of `op` (reduction loops
/// and loops not in the output stay untiled).
static GPUTiles toLoopTiles(linalg::LinalgOp op, const GPUTiles &outputTiles) {
  unsigned numLoops = op.getNumLoops();
  GPUTiles tiles{SmallVector<int64_t>(numLoops, 0),
                 SmallVector<int64_t>(numLoops, 0)};
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  for (auto [pos, expr] : llvm::enumerate(outputMap.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || op.getIteratorTypesArray()[dim.getPosition()] !=
                    utils::IteratorType::parallel)
      continue;
    tiles.block[dim.getPosition()] = outputTiles.block[pos];
    tiles.thread[dim.getPosition()] = outputTiles.thread[pos];
  }
  return tiles;
}

/// `#gpu.block` or `#gpu.thread` mappings for the tiled loops, innermost
/// first to x, y, z; further loops get linear ids (run sequentially).
static SmallVector<Attribute> getMapping(MLIRContext *ctx,
                                         ArrayRef<int64_t> tiles,
                                         bool threads) {
  static constexpr gpu::MappingId ids[] = {
      gpu::MappingId::DimX,       gpu::MappingId::DimY,
      gpu::MappingId::DimZ,       gpu::MappingId::LinearDim3,
      gpu::MappingId::LinearDim4, gpu::MappingId::LinearDim5,
      gpu::MappingId::LinearDim6, gpu::MappingId::LinearDim7};
  int64_t numTiled = llvm::count_if(tiles, [](int64_t t) { return t != 0; });
  SmallVector<Attribute> mapping(numTiled);
  for (int64_t i = 0; i < numTiled; ++i) {
    gpu::MappingId id = ids[std::min<int64_t>(numTiled - 1 - i, 7)];
    mapping[i] = threads ? Attribute(gpu::GPUThreadMappingAttr::get(ctx, id))
                         : Attribute(gpu::GPUBlockMappingAttr::get(ctx, id));
  }
  return mapping;
}

/// Tiles `root` to an scf.forall with `tiles`, fusing its single-use linalg
/// producers, and replaces it. Returns the tiled root inside the loop.
static FailureOr<TilingInterface> tileAndFuse(RewriterBase &rewriter,
                                              TilingInterface root,
                                              ArrayRef<int64_t> tiles,
                                              ArrayRef<Attribute> mapping) {
  scf::SCFTilingOptions tilingOptions;
  tilingOptions.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
      .setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), tiles))
      .setMapping(mapping);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tilingOptions);
  // Fused into each tile: what initialises the root's output (a fill or a
  // bias broadcast) and a convolution whose output the root reads (the
  // epilogue's producer), when only this root uses them. Everything else (a
  // pad, the weight fold) stays its own kernel rather than being recomputed
  // by every thread.
  Operation *rootOp = root;
  options.setFusionControlFn(
      [rootOp](tensor::ExtractSliceOp slice, OpResult producer, bool)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        auto producerOp = dyn_cast<linalg::LinalgOp>(producer.getOwner());
        if (!producerOp)
          return std::nullopt;
        bool initialisesOutput = llvm::any_of(
            slice->getUses(), [](OpOperand &use) {
              auto user = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
              return user && user.isDpsInit(&use);
            });
        bool isConvolution = producerOp.getNumReductionLoops() > 0 &&
                             linalg::isaConvolutionOpInterface(producerOp);
        // Initialisations are cheap to recompute, whoever else uses them.
        if (initialisesOutput)
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        if (!isConvolution)
          return std::nullopt;
        Operation *loop = slice->getParentOfType<scf::ForallOp>();
        for (Operation *user : producer.getUsers())
          if (user != rootOp && !isa<tensor::DimOp>(user) &&
              !(loop && loop->isAncestor(user)))
            return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(rewriter, root, options);
  if (failed(result))
    return failure();
  for (OpResult value : root->getResults())
    rewriter.replaceAllUsesWith(value, result->replacements.lookup(value));
  SmallVector<Operation *> dead(result->fusedProducers.begin(),
                                result->fusedProducers.end());
  rewriter.eraseOp(root);
  // Sizes of a fused producer's result are its init's: read them there, so
  // that the producer dies.
  for (Operation *producer : dead) {
    auto dps = dyn_cast<DestinationStyleOpInterface>(producer);
    if (!dps)
      continue;
    for (OpResult value : producer->getResults())
      for (OpOperand &use : llvm::make_early_inc_range(value.getUses()))
        if (isa<tensor::DimOp>(use.getOwner()))
          rewriter.modifyOpInPlace(use.getOwner(), [&] {
            use.set(dps.getDpsInitOperand(value.getResultNumber())->get());
          });
  }
  for (Operation *op : llvm::reverse(dead))
    if (op->use_empty())
      rewriter.eraseOp(op);
  return cast<TilingInterface>(result->tiledAndFusedOps.front());
}

struct GPUTilePass : convbn::impl::GPUTileBase<GPUTilePass> {
  using GPUTileBase::GPUTileBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    GPUTileBase::getDependentDialects(registry);
    // Linalg's and tensor's ops are tiled through TilingInterface models
    // that live outside the dialects: a context has them only if someone
    // registered them. convbn-opt registers every extension; a compiler
    // embedding convbn through the C API or Python may not.
    linalg::registerTilingInterfaceExternalModels(registry);
    tensor::registerTilingInterfaceExternalModels(registry);
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    // A loop of static size 0 (a conv with no input channels, a depthwise
    // multiplier of 0, an empty batch) means the body never runs: the
    // results are the inits. There is nothing to tile (upstream's tiling
    // crashes on such loops, as a root or as a fused producer) and no kernel
    // to launch.
    SmallVector<linalg::LinalgOp> empty;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          llvm::is_contained(op.getStaticLoopRanges(), 0))
        empty.push_back(op);
    });
    for (linalg::LinalgOp op : empty)
      rewriter.replaceOp(op, op.getDpsInits());

    while (true) {
      // The last linalg op on tensors not yet in a GPU loop nest: the root
      // of a producer chain.
      linalg::LinalgOp root;
      func.walk([&](linalg::LinalgOp op) {
        if (op.hasPureTensorSemantics() &&
            !op->getParentOfType<scf::ForallOp>())
          root = op;
      });
      if (!root)
        break;
      if (failed(tileRoot(rewriter, root)))
        return signalPassFailure();
    }
  }

  /// An op with nothing to tile (a reduction to a scalar) runs in a kernel
  /// of one block of one thread: slow, but on the device like the rest.
  LogicalResult runOnOneThread(IRRewriter &rewriter, linalg::LinalgOp root) {
    if (root->getNumResults() != 1)
      return root->emitError("could not run this op on one GPU thread: it "
                             "has ")
             << root->getNumResults() << " results";
    MLIRContext *ctx = rewriter.getContext();
    Location loc = root.getLoc();
    auto type = cast<RankedTensorType>(root->getResult(0).getType());
    rewriter.setInsertionPoint(root);
    SmallVector<OpFoldResult> one = {rewriter.getIndexAttr(1)};
    auto wrap = [&](Value init, Attribute mapping,
                    function_ref<Value(OpBuilder &, Value)> body) {
      auto forall = scf::ForallOp::create(
          rewriter, loc, one, ValueRange(init),
          rewriter.getArrayAttr({mapping}),
          [&](OpBuilder &b, Location, ValueRange args) {
            Value result = body(b, args.back());
            auto inParallel = scf::InParallelOp::create(b, loc);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(inParallel.getBody());
            SmallVector<OpFoldResult> zeros(type.getRank(),
                                            b.getIndexAttr(0));
            SmallVector<OpFoldResult> ones(type.getRank(), b.getIndexAttr(1));
            tensor::ParallelInsertSliceOp::create(
                b, loc, result, args.back(), zeros,
                tensor::getMixedSizes(b, loc, result), ones);
          });
      return forall.getResult(0);
    };
    Value init = root.getDpsInitOperand(0)->get();
    Value result = wrap(
        init, gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimX),
        [&](OpBuilder &b, Value blockOut) {
          return wrap(blockOut,
                      gpu::GPUThreadMappingAttr::get(ctx, gpu::MappingId::DimX),
                      [&](OpBuilder &nested, Value threadOut) {
                        IRMapping mapping;
                        mapping.map(init, threadOut);
                        return nested.clone(*root, mapping)->getResult(0);
                      });
        });
    rewriter.replaceOp(root, result);
    return success();
  }

  LogicalResult tileRoot(IRRewriter &rewriter, linalg::LinalgOp root) {
    // Tiles are slices of the outputs: an op without tensor outputs (kept
    // only for a side effect in its body, such as a cf.assert) has nothing
    // to tile by.
    if (root.getNumDpsInits() == 0 ||
        !llvm::all_of(root.getDpsInits(), [](Value init) {
          return isa<RankedTensorType>(init.getType());
        }))
      return root->emitError("lower-to-nvvm cannot run this op on the GPU: "
                             "it has no tensor outputs to tile (an op kept "
                             "for a side effect in its body)");
    auto outputType =
        cast<RankedTensorType>(root.getDpsInitOperand(0)->get().getType());
    GPUTiles outputTiles =
        chooseOutputTiles(outputType.getShape(), minThreads, threadTileZ);
    if (!blockTiles.empty() &&
        blockTiles.size() == static_cast<size_t>(outputType.getRank()))
      outputTiles.block.assign(blockTiles.begin(), blockTiles.end());
    if (!threadTiles.empty() &&
        threadTiles.size() == static_cast<size_t>(outputType.getRank()))
      outputTiles.thread.assign(threadTiles.begin(), threadTiles.end());
    GPUTiles tiles = toLoopTiles(root, outputTiles);
    if (llvm::all_of(tiles.block, [](int64_t t) { return t == 0; }) ||
        llvm::all_of(tiles.thread, [](int64_t t) { return t == 0; }))
      return runOnOneThread(rewriter, root);

    rewriter.setInsertionPoint(root);
    MLIRContext *ctx = rewriter.getContext();
    // Every linalg op has the model (getDependentDialects).
    FailureOr<TilingInterface> blockTile =
        tileAndFuse(rewriter, cast<TilingInterface>(root.getOperation()),
                    tiles.block, getMapping(ctx, tiles.block, false));
    if (failed(blockTile))
      return root->emitError("could not tile this op for the GPU");
    rewriter.setInsertionPoint(*blockTile);
    FailureOr<TilingInterface> threadTile =
        tileAndFuse(rewriter, *blockTile, tiles.thread,
                    getMapping(ctx, tiles.thread, true));
    if (failed(threadTile))
      return blockTile->getOperation()->emitError(
          "could not tile this op for the GPU threads of a block");
    return success();
  }
};

} // namespace
