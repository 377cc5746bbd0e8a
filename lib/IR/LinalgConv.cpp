//===- LinalgConv.cpp - linalg named convolutions and layouts -------------===//

#include "ConvBN/Utils/LinalgConv.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::convbn;

/// Applies `fn(ConvLayout, OpTy tag)` for the linalg op class of each layout;
/// the one table both directions of the correspondence are read from.
template <typename Fn>
static void forEachConvOp(Fn &&fn) {
  fn(ConvLayout::NCW_FCW, linalg::Conv1DNcwFcwOp());
  fn(ConvLayout::NWC_WCF, linalg::Conv1DNwcWcfOp());
  fn(ConvLayout::NCW_CW, linalg::DepthwiseConv1DNcwCwOp());
  fn(ConvLayout::NWC_WC, linalg::DepthwiseConv1DNwcWcOp());
  fn(ConvLayout::NWC_WCM, linalg::DepthwiseConv1DNwcWcmOp());
  fn(ConvLayout::NCHW_FCHW, linalg::Conv2DNchwFchwOp());
  fn(ConvLayout::NHWC_HWCF, linalg::Conv2DNhwcHwcfOp());
  fn(ConvLayout::NHWC_FHWC, linalg::Conv2DNhwcFhwcOp());
  fn(ConvLayout::NGCHW_GFCHW, linalg::Conv2DNgchwGfchwOp());
  fn(ConvLayout::NCHW_CHW, linalg::DepthwiseConv2DNchwChwOp());
  fn(ConvLayout::NHWC_HWC, linalg::DepthwiseConv2DNhwcHwcOp());
  fn(ConvLayout::NHWC_HWCM, linalg::DepthwiseConv2DNhwcHwcmOp());
  fn(ConvLayout::NCDHW_FCDHW, linalg::Conv3DNcdhwFcdhwOp());
  fn(ConvLayout::NDHWC_DHWCF, linalg::Conv3DNdhwcDhwcfOp());
  fn(ConvLayout::NCDHW_CDHW, linalg::DepthwiseConv3DNcdhwCdhwOp());
  fn(ConvLayout::NDHWC_DHWC, linalg::DepthwiseConv3DNdhwcDhwcOp());
  fn(ConvLayout::NDHWC_DHWCM, linalg::DepthwiseConv3DNdhwcDhwcmOp());
}

std::optional<ConvLayout> mlir::convbn::getConvLayout(Operation *op) {
  std::optional<ConvLayout> result;
  forEachConvOp([&](ConvLayout layout, auto tag) {
    if (isa<decltype(tag)>(op))
      result = layout;
  });
  return result;
}

static SmallVector<int64_t> getConvAttr(Operation *conv, StringRef name) {
  unsigned numSpatial =
      getConvDims(*getConvLayout(conv)).getNumSpatialDims();
  auto attr = dyn_cast_if_present<DenseIntElementsAttr>(conv->getAttr(name));
  if (!attr)
    return SmallVector<int64_t>(numSpatial, 1);
  return llvm::to_vector(attr.getValues<int64_t>());
}

SmallVector<int64_t> mlir::convbn::getConvStrides(Operation *conv) {
  return getConvAttr(conv, "strides");
}

SmallVector<int64_t> mlir::convbn::getConvDilations(Operation *conv) {
  return getConvAttr(conv, "dilations");
}

Value mlir::convbn::createLinalgConv(OpBuilder &b, Location loc,
                                     ConvLayout layout, Value input,
                                     Value filter, Value init,
                                     ArrayRef<int64_t> strides,
                                     ArrayRef<int64_t> dilations) {
  auto attrType = RankedTensorType::get({static_cast<int64_t>(strides.size())},
                                        b.getI64Type());
  Attribute stridesAttr = DenseIntElementsAttr::get(attrType, strides);
  Attribute dilationsAttr = DenseIntElementsAttr::get(attrType, dilations);
  Type resultType = init.getType();
  Value inputs[] = {input, filter};
  Value result;
  forEachConvOp([&](ConvLayout candidate, auto tag) {
    if (candidate != layout)
      return;
    result = decltype(tag)::create(b, loc, TypeRange(resultType),
                                   ValueRange(inputs), ValueRange(init),
                                   stridesAttr, dilationsAttr)
                 .getResult(0);
  });
  return result;
}
