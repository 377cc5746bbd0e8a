//===- ConvBNDialect.td - convbn dialect definition --------*- tablegen -*-===//
//
// The convbn dialect: convolution + batch normalisation blocks as single,
// mode-tagged operations.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_IR_CONVBNDIALECT_TD
#define CONVBN_IR_CONVBNDIALECT_TD

include "mlir/IR/OpBase.td"

def ConvBN_Dialect : Dialect {
  let name = "convbn";
  let cppNamespace = "::mlir::convbn";
  let summary = "Convolution followed by batch normalisation, as one op";
  let description = [{
    The `convbn` dialect models a convolution whose output is normalised by a
    batch norm over its output channels (a *ConvBN block*) as one operation
    tagged with one of the four modes of "Efficient ConvBN Blocks for Transfer
    Learning and Beyond" (You et al., ICLR 2024):

    | mode     | computes                                          | saved for backward |
    |----------|---------------------------------------------------|--------------------|
    | `train`  | conv, then BN with the *batch* statistics          | X, Y, batch stats  |
    | `eval`   | conv, then BN with the running statistics          | X and Y            |
    | `tune`   | fold BN into the filter on the fly, then one conv  | X and ω′           |
    | `deploy` | conv with a filter folded once at compile time     | X                  |

    `eval`, `tune` and `deploy` compute the same function; they differ in
    where the normalisation happens, which is what decides memory traffic in
    the forward pass and what a backward pass has to keep.

    Notation used throughout: X input, ω filter, b conv bias (0 when absent),
    γ / β the BN scale / offset (1 / 0 when absent), μ̂ / σ̂² the running mean /
    variance, ε > 0, and per output channel `c`:
    `s[c] = γ[c] / sqrt(σ̂²[c] + ε)`.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  // Canonicalizing a `deploy` op with constant parameters produces linalg.
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // CONVBN_IR_CONVBNDIALECT_TD
