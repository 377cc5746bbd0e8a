//===- ConvBNEnums.td - convbn enums and attributes --------*- tablegen -*-===//

#ifndef CONVBN_IR_CONVBNENUMS_TD
#define CONVBN_IR_CONVBNENUMS_TD

include "ConvBN/IR/ConvBNDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Mode
//===----------------------------------------------------------------------===//

def ConvBN_ModeEnum : I32EnumAttr<"Mode", "execution mode of a ConvBN block", [
    I32EnumAttrCase<"Train", 0, "train">,
    I32EnumAttrCase<"Eval", 1, "eval">,
    I32EnumAttrCase<"Tune", 2, "tune">,
    I32EnumAttrCase<"Deploy", 3, "deploy">
  ]> {
  let cppNamespace = "::mlir::convbn";
  let genSpecializedAttr = 0;
}

def ConvBN_ModeAttr : EnumAttr<ConvBN_Dialect, ConvBN_ModeEnum, "mode"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Convolution layout
//===----------------------------------------------------------------------===//

// Every case names a linalg named convolution: `nchw_fchw` is
// `linalg.conv_2d_nchw_fchw`, `nhwc_hwcm` is
// `linalg.depthwise_conv_2d_nhwc_hwcm`, and so on. Operand shapes are exactly
// those of the linalg op, so a layout survives every rewrite unchanged.
def ConvBN_ConvLayoutEnum : I32EnumAttr<"ConvLayout",
    "operand layout of the convolution (one case per linalg named conv)", [
    // 1-D.
    I32EnumAttrCase<"NCW_FCW", 0, "ncw_fcw">,
    I32EnumAttrCase<"NWC_WCF", 1, "nwc_wcf">,
    I32EnumAttrCase<"NCW_CW", 2, "ncw_cw">,
    I32EnumAttrCase<"NWC_WC", 3, "nwc_wc">,
    I32EnumAttrCase<"NWC_WCM", 4, "nwc_wcm">,
    // 2-D.
    I32EnumAttrCase<"NCHW_FCHW", 10, "nchw_fchw">,
    I32EnumAttrCase<"NHWC_HWCF", 11, "nhwc_hwcf">,
    I32EnumAttrCase<"NHWC_FHWC", 12, "nhwc_fhwc">,
    I32EnumAttrCase<"NGCHW_GFCHW", 13, "ngchw_gfchw">,
    I32EnumAttrCase<"NHWGC_GFHWC", 17, "nhwgc_gfhwc">,
    I32EnumAttrCase<"NCHW_CHW", 14, "nchw_chw">,
    I32EnumAttrCase<"NHWC_HWC", 15, "nhwc_hwc">,
    I32EnumAttrCase<"NHWC_HWCM", 16, "nhwc_hwcm">,
    // 3-D.
    I32EnumAttrCase<"NCDHW_FCDHW", 20, "ncdhw_fcdhw">,
    I32EnumAttrCase<"NDHWC_DHWCF", 21, "ndhwc_dhwcf">,
    I32EnumAttrCase<"NCDHW_CDHW", 22, "ncdhw_cdhw">,
    I32EnumAttrCase<"NDHWC_DHWC", 23, "ndhwc_dhwc">,
    I32EnumAttrCase<"NDHWC_DHWCM", 24, "ndhwc_dhwcm">
  ]> {
  let cppNamespace = "::mlir::convbn";
  let genSpecializedAttr = 0;
}

def ConvBN_ConvLayoutAttr
    : EnumAttr<ConvBN_Dialect, ConvBN_ConvLayoutEnum, "layout"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

def ConvBN_GradientsEnum : I32BitEnumAttr<"Gradients",
    "the gradients a ConvBN backward computes", [
    I32BitEnumAttrCaseNone<"None", "none">,
    I32BitEnumAttrCaseBit<"Input", 0, "input">,
    I32BitEnumAttrCaseBit<"Filter", 1, "filter">,
    I32BitEnumAttrCaseBit<"Bias", 2, "bias">,
    I32BitEnumAttrCaseBit<"Scale", 3, "scale">,
    I32BitEnumAttrCaseBit<"Offset", 4, "offset">
  ]> {
  let cppNamespace = "::mlir::convbn";
  let genSpecializedAttr = 0;
  let separator = ", ";
  let printBitEnumPrimaryGroups = 0;
}

def ConvBN_GradientsAttr
    : EnumAttr<ConvBN_Dialect, ConvBN_GradientsEnum, "gradients"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // CONVBN_IR_CONVBNENUMS_TD
