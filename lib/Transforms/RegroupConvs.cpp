//===- RegroupConvs.cpp - per-group convolutions as one grouped conv ------===//
//
// TOSA has no grouped convolution: frontends slice the input channels and
// the filters per group, convolve each group, and concatenate the results
// along the channels with tensor.insert_slice. This pass rewrites that
// pattern (NHWC, `linalg.conv_2d_nhwc_fhwc` after tosa-to-linalg) into one
// `linalg.conv_2d_nhwgc_gfhwc` between reshapes, which fuse-convbn then
// treats like any grouped convolution.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/Transforms/Passes.h"

#include "ConvBN/IR/LinalgConv.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_REGROUPCONVS
#include "ConvBN/Transforms/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {

/// One group: its convolution and where it reads and writes channels.
struct Group {
  linalg::Conv2DNhwcFhwcOp conv;
  tensor::InsertSliceOp insert;
  int64_t outputOffset;
};

/// Whether `slice` takes channels [offset, offset + size) of `source` along
/// dimension `dim` and everything along the others.
static bool isChannelSlice(OffsetSizeAndStrideOpInterface slice,
                           RankedTensorType full, unsigned dim,
                           int64_t &offset) {
  for (unsigned i = 0, e = full.getRank(); i < e; ++i) {
    std::optional<int64_t> off = getConstantIntValue(slice.getMixedOffsets()[i]);
    std::optional<int64_t> size = getConstantIntValue(slice.getMixedSizes()[i]);
    std::optional<int64_t> stride =
        getConstantIntValue(slice.getMixedStrides()[i]);
    if (!off || !size || stride != 1)
      return false;
    if (i == dim) {
      offset = *off;
      continue;
    }
    if (*off != 0 || *size != full.getDimSize(i))
      return false;
  }
  return true;
}

struct RegroupSlicedConvs : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp last,
                                PatternRewriter &rewriter) const override {
    // The last insert of a chain of inserts into one empty tensor.
    if (llvm::any_of(last->getUsers(), [&](Operation *user) {
          auto insert = dyn_cast<tensor::InsertSliceOp>(user);
          return insert && insert.getDest() == last.getResult();
        }))
      return rewriter.notifyMatchFailure(last, "not the last insert");
    RankedTensorType outputType = last.getResultType();
    if (outputType.getRank() != 4 || !outputType.hasStaticShape())
      return rewriter.notifyMatchFailure(last, "not a static NHWC tensor");
    constexpr unsigned kChannel = 3;

    SmallVector<Group> groups;
    Value dest = last.getResult();
    while (auto insert = dest.getDefiningOp<tensor::InsertSliceOp>()) {
      auto conv = insert.getSource().getDefiningOp<linalg::Conv2DNhwcFhwcOp>();
      int64_t offset;
      if (!conv || !conv->getResult(0).hasOneUse() ||
          !isChannelSlice(insert, outputType, kChannel, offset))
        return rewriter.notifyMatchFailure(insert, "not a conv per group");
      groups.push_back({conv, insert, offset});
      dest = insert.getDest();
    }
    if (groups.size() < 2 || !dest.getDefiningOp<tensor::EmptyOp>())
      return rewriter.notifyMatchFailure(last, "not a concatenation of convs");
    llvm::sort(groups, [](const Group &a, const Group &b) {
      return a.outputOffset < b.outputOffset;
    });

    // Every group: the same shapes, attributes and sources, sliced in order.
    int64_t numGroups = groups.size();
    linalg::Conv2DNhwcFhwcOp first = groups.front().conv;
    auto firstOut = cast<RankedTensorType>(first->getResult(0).getType());
    int64_t groupOut = firstOut.getDimSize(kChannel);
    if (groupOut * numGroups != outputType.getDimSize(kChannel))
      return rewriter.notifyMatchFailure(last, "groups do not cover channels");
    Value input, filter, padValue, bias;
    bool unbiasedGroup = false;
    SmallVector<OpFoldResult> low, high;
    for (auto [g, group] : llvm::enumerate(groups)) {
      linalg::Conv2DNhwcFhwcOp conv = group.conv;
      if (group.outputOffset != static_cast<int64_t>(g) * groupOut ||
          conv->getResult(0).getType() != firstOut ||
          conv.getStrides() != first.getStrides() ||
          conv.getDilations() != first.getDilations())
        return rewriter.notifyMatchFailure(conv, "groups differ");
      // The input: a channel slice of one tensor, possibly padded.
      Value groupInput = conv.getDpsInputOperand(0)->get();
      tensor::PadOp pad = groupInput.getDefiningOp<tensor::PadOp>();
      if (pad) {
        if (g == 0) {
          low = pad.getMixedLowPad();
          high = pad.getMixedHighPad();
          padValue = pad.getConstantPaddingValue();
        } else if (pad.getMixedLowPad() != low ||
                   pad.getMixedHighPad() != high ||
                   pad.getConstantPaddingValue() != padValue) {
          return rewriter.notifyMatchFailure(conv, "groups padded apart");
        }
        if (!padValue || getConstantIntValue(low[kChannel]) != 0 ||
            getConstantIntValue(high[kChannel]) != 0)
          return rewriter.notifyMatchFailure(conv, "unsupported pad");
        groupInput = pad.getSource();
      } else if (!low.empty()) {
        return rewriter.notifyMatchFailure(conv, "groups padded apart");
      }
      auto inputSlice = groupInput.getDefiningOp<tensor::ExtractSliceOp>();
      auto filterSlice = conv.getDpsInputOperand(1)
                             ->get()
                             .getDefiningOp<tensor::ExtractSliceOp>();
      int64_t inOffset, filterOffset;
      if (!inputSlice || !filterSlice ||
          !isChannelSlice(inputSlice, inputSlice.getSourceType(), kChannel,
                          inOffset) ||
          !isChannelSlice(filterSlice, filterSlice.getSourceType(), 0,
                          filterOffset))
        return rewriter.notifyMatchFailure(conv, "operands are not slices");
      int64_t groupIn = inputSlice.getResultType().getDimSize(kChannel);
      if (g == 0) {
        input = inputSlice.getSource();
        filter = filterSlice.getSource();
      }
      if (inputSlice.getSource() != input || filterSlice.getSource() != filter ||
          inOffset != static_cast<int64_t>(g) * groupIn ||
          filterOffset != static_cast<int64_t>(g) * groupOut ||
          groupIn * numGroups !=
              cast<RankedTensorType>(input.getType()).getDimSize(kChannel))
        return rewriter.notifyMatchFailure(conv, "slices out of order");
      // The output starts from zero, or from the group's slice of one bias
      // vector.
      FailureOr<Value> groupBias =
          matchConvInit(conv.getDpsInitOperand(0)->get(), {kChannel});
      if (failed(groupBias))
        return rewriter.notifyMatchFailure(conv, "init is not a bias");
      // TOSA gives every convolution a bias; an absent one is zero.
      if (!*groupBias || matchPattern(*groupBias, m_AnyZeroFloat())) {
        if (bias)
          return rewriter.notifyMatchFailure(conv, "groups biased apart");
        unbiasedGroup = true;
        continue;
      }
      if (unbiasedGroup)
        return rewriter.notifyMatchFailure(conv, "groups biased apart");
      auto biasSlice = groupBias->getDefiningOp<tensor::ExtractSliceOp>();
      int64_t biasOffset;
      if (!biasSlice || biasSlice.getSourceType().getRank() != 1 ||
          !isChannelSlice(biasSlice, biasSlice.getSourceType(), 0,
                          biasOffset) ||
          biasOffset != static_cast<int64_t>(g) * groupOut ||
          (bias && biasSlice.getSource() != bias))
        return rewriter.notifyMatchFailure(conv, "bias slices out of order");
      bias = biasSlice.getSource();
    }

    // The reshapes below are static (a dynamic size would need its
    // output_shape computed).
    for (Value value : {input, filter, bias})
      if (value && !cast<RankedTensorType>(value.getType()).hasStaticShape())
        return rewriter.notifyMatchFailure(last, "a dynamically shaped operand");

    Location loc = last.getLoc();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type elementType = outputType.getElementType();
    if (!low.empty()) {
      auto paddedType = tensor::PadOp::inferResultType(
          inputType, *getConstantIntValues(low), *getConstantIntValues(high));
      input = tensor::PadOp::create(rewriter, loc, paddedType, input, low,
                                    high, padValue);
      inputType = cast<RankedTensorType>(input.getType());
    }
    int64_t groupIn = inputType.getDimSize(kChannel) / numGroups;
    // [N, H, W, C] -> [N, H, W, G, C/G]; [F, KH, KW, C/G] -> [G, F/G, ...].
    SmallVector<int64_t> groupedInput(inputType.getShape());
    groupedInput.back() = numGroups;
    groupedInput.push_back(groupIn);
    Value expandedInput = tensor::ExpandShapeOp::create(
        rewriter, loc, inputType.clone(groupedInput), input,
        {{0}, {1}, {2}, {3, 4}});
    auto filterType = cast<RankedTensorType>(filter.getType());
    SmallVector<int64_t> groupedFilter = {numGroups, groupOut};
    llvm::append_range(groupedFilter, filterType.getShape().drop_front());
    Value expandedFilter = tensor::ExpandShapeOp::create(
        rewriter, loc, filterType.clone(groupedFilter), filter,
        {{0, 1}, {2}, {3}, {4}});
    SmallVector<int64_t> groupedOutput(outputType.getShape());
    groupedOutput.back() = numGroups;
    groupedOutput.push_back(groupOut);
    auto groupedOutputType = RankedTensorType::get(groupedOutput, elementType);
    Value init;
    if (bias) {
      init = broadcastChannels(rewriter, loc, ConvLayout::NHWGC_GFHWC, bias,
                               groupedOutputType, ValueRange());
    } else {
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getZeroAttr(elementType));
      Value empty = tensor::EmptyOp::create(rewriter, loc, groupedOutputType,
                                            ValueRange());
      init = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
    }
    Value conv = createLinalgConv(
        rewriter, loc, ConvLayout::NHWGC_GFHWC, expandedInput, expandedFilter,
        init, llvm::to_vector(first.getStrides().getValues<int64_t>()),
        llvm::to_vector(first.getDilations().getValues<int64_t>()));
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        last, outputType, conv,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    return success();
  }

};

struct RegroupConvsPass : convbn::impl::RegroupConvsBase<RegroupConvsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RegroupSlicedConvs>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
