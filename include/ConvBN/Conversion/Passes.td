//===- Passes.td - convbn conversion passes ----------------*- tablegen -*-===//

#ifndef CONVBN_CONVERSION_PASSES_TD
#define CONVBN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertConvBNToLinalg : Pass<"convert-convbn-to-linalg"> {
  let summary = "Lower convbn ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every `convbn` op into upstream dialects on tensors, following
    the op's mode:

    - `eval`: the linalg convolution (with `tensor.pad` for padding), then
      one `linalg.generic` that adds the bias and normalises the
      convolution's output per channel.
    - `tune`: `convbn.fold_weights` lowered to `linalg.generic`s over
      weight-sized data, then the convolution with the folded filter, its
      output initialised with the folded bias. No normalisation touches the
      activation.
    - `deploy`: as `tune`, with the fold evaluated at compile time when its
      operands are constants.
    - `train`: the convolution, batch statistics by two reductions over the
      batch and spatial dimensions, the normalisation, and the running
      statistics update.

    A `keep_conv_output` eval op also yields the convolution's accumulator
    (with the bias) rounded to the output type.

    `convbn.conv_bn_backward` becomes the two convolutions of a
    convolution's backward pass as `linalg.generic`s built from the
    layout's dimension letters (so every layout has them): the filter
    gradient, a generic over the filter's dimensions reducing the padded
    input times the output gradient over the batch and output positions,
    and the data gradient, a stride-1 correlation of the output gradient
    spread onto the input's grid (a gather generic) with the flipped
    filter. `tune` runs them on `dZ` and on the filter folded in the
    accumulator type and derives the filter and scale gradients from
    weight-sized data; `eval` runs them on `dZ·s` and reduces
    `dZ·(Y − mean)` over the kept convolution output. Per-channel sums are
    reductions over every other dimension.

    Arithmetic on f16 and bf16 values is carried out in f32. The result is
    the executable reference semantics of the dialect: `--lower-to-cpu`
    runs it.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // CONVBN_CONVERSION_PASSES_TD
