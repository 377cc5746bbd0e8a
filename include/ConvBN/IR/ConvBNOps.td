//===- ConvBNOps.td - convbn operations --------------------*- tablegen -*-===//

#ifndef CONVBN_IR_CONVBNOPS_TD
#define CONVBN_IR_CONVBNOPS_TD

include "ConvBN/IR/ConvBNDialect.td"
include "ConvBN/IR/ConvBNEnums.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class ConvBN_Op<string mnemonic, list<Trait> traits = []>
    : Op<ConvBN_Dialect, mnemonic, traits>;

// The element types of a ConvBN block: the float types PyTorch, TOSA and
// StableHLO train and deploy convolutions and batch norms in. Every pipeline
// (the CPU, and every NVIDIA target the GPU pipeline accepts) compiles them;
// narrower formats (f8, f6, f4, tf32) have no meaningful batch-norm fold and
// wider ones (f80, f128) no GPU arithmetic, so they are rejected here, once,
// rather than by whichever pass first cannot handle them.
def ConvBN_Float : AnyTypeOf<[F16, BF16, F32, F64]>;
def ConvBN_FloatTensor : RankedTensorOf<[ConvBN_Float]>;
def ConvBN_ChannelVector : 1DTensorOf<[ConvBN_Float]>;

// Checks operandSegmentSizes (which the generic form and C++ builders set
// freely) before anything reads the operands through it: the generated
// verifier and accessors take `mean`, `variance` and the type constraints'
// operands unconditionally, and read out of bounds when a required operand
// has no segment. Structural, so it runs ahead of the generated verifier.
def ConvBN_WellFormedOperandSegments
    : NativeOpTrait<"WellFormedOperandSegments">, StructuralOpTrait {
  let cppNamespace = "::mlir::convbn";
}

// Runs before result-type inference is checked, so that an op whose results
// do not fit its mode is told so in those words rather than as a type clash.
def ConvBN_ResultsMatchMode : NativeOpTrait<"ResultsMatchMode"> {
  let cppNamespace = "::mlir::convbn";
}

//===----------------------------------------------------------------------===//
// conv_bn
//===----------------------------------------------------------------------===//

def ConvBN_ConvBNOp : ConvBN_Op<"conv_bn", [
    Pure, AttrSizedOperandSegments, ConvBN_WellFormedOperandSegments,
    ConvBN_ResultsMatchMode,
    InferTypeOpAdaptor,
    TypesMatchWith<"scale has the type of mean", "mean", "scale", "$_self">,
    TypesMatchWith<"offset has the type of mean", "mean", "offset", "$_self">,
    TypesMatchWith<"variance has the type of mean", "mean", "variance",
                   "$_self">]> {
  let summary = "convolution followed by batch norm over its output channels";
  let description = [{
    A convolution of `input` with `filter` (plus `bias`, when present),
    followed by a batch normalisation over the convolution's output channels,
    executed in the given mode.

    **Convolution.** `layout` names the linalg named convolution this op
    computes, and the operands have exactly that op's shapes: `nchw_fchw` is
    `linalg.conv_2d_nchw_fchw`, `ngchw_gfchw` and `nhwgc_gfhwc` are the
    grouped `linalg.conv_2d_ngchw_gfchw` and `linalg.conv_2d_nhwgc_gfhwc`,
    `nhwc_hwcm` is
    `linalg.depthwise_conv_2d_nhwc_hwcm`, `ncw_fcw` and `ncdhw_fcdhw` are
    the 1-D and 3-D convolutions, and so on. `strides` and `dilations` (one
    entry per spatial dimension, default 1) have linalg's meaning. `padding`
    holds the zero padding of the input's spatial dimensions, all low
    amounts first, then all high amounts (`[top, left, bottom, right]` for
    2-D), default 0. The output spatial size is
    `(in + lo + hi - dilation * (kernel - 1) - 1) / stride + 1`. Batch and
    input spatial sizes may be dynamic; channel and kernel sizes must be
    static.

    **Channels.** The per-channel operands `bias`, `scale` (γ), `offset`
    (β), `mean` (μ̂) and `variance` (σ̂²) have one element per output channel.
    Where the output channel spans two dimensions of the output (group ×
    filter for `ngchw_gfchw` and `nhwgc_gfhwc`, channel × multiplier for
    `*_hwcm`), channels
    are numbered row-major over them, which is what collapsing those two
    dimensions yields. `bias` has the element type of the convolution;
    `scale`, `offset`, `mean` and `variance` share one float type, which may
    be wider (an f16 model whose BN parameters are f32). Absent `bias`,
    `scale`, `offset` stand for 0, 1, 0. Element types are f16, bf16, f32
    and f64, the types every convbn pipeline (CPU and each NVIDIA target)
    compiles.

    **Modes.** With `Y = conv(input, filter) + bias` and
    `s = scale / sqrt(variance + epsilon)`:

    - `eval`: `output = (Y - mean) * s + offset`, normalising the
      convolution's output.
    - `tune`: the same function, computed as
      `conv(input, filter * s) + (bias - mean) * s + offset`: the BN is folded
      into weight-sized data on every execution (see `convbn.fold_weights`),
      so no activation-sized `Y` exists. For f16 and bf16 the convolution
      accumulates in f32 and `s` is applied to that accumulator instead of
      being folded into the narrow filter, where `filter * s` would lose
      accuracy and overflow (|w·s| > 65504 in f16) although the output is
      finite.
    - `deploy`: the same function as `tune`, for parameters that are not
      trained: the fold is computed once per value of the parameters, at
      compile time where they are constants (canonicalization turns the op
      into a plain convolution on the folded constants), at run time like
      `tune` otherwise. A narrow filter is folded at compile time only where
      no folded value overflows.
    - `train`: the BN uses the statistics of the batch, `μ` and biased
      `σ²` of `Y` over the batch and spatial dimensions:
      `output = (Y - μ) * scale / sqrt(σ² + epsilon) + offset`. The op then
      has four more results: the updated running mean
      `(1 - momentum) * mean + momentum * μ`, the updated running variance
      `(1 - momentum) * variance + momentum * σ² * n / (n - 1)` with
      `n = batch × output spatial size` (unbiased, as PyTorch does), and the
      saved batch mean `μ` and inverse standard deviation
      `1 / sqrt(σ² + epsilon)` that a backward pass needs. `momentum` in
      [0, 1] is required in `train` mode and rejected in the others.

    **Training graphs.** The gradients of a block are one
    `convbn.conv_bn_backward` of the same mode. What it needs from the
    forward pass is explicit: in `eval` mode the convolution output `Y`
    (`γ`'s gradient is `Σ dZ·(Y − mean)/sqrt(variance + epsilon)`), which the
    forward op yields as a second result with `keep_conv_output`; in `tune`
    mode nothing activation-sized (its backward reads the input, the filter
    and the BN parameters), so `keep_conv_output` is rejected there. Only
    `eval` accepts it.

    The normalisation is evaluated in f32 when the element types are
    narrower (f16, bf16), as PyTorch does, and rounded once at the end.
    `epsilon` must be 0 (the frozen batch norms of pretrained detectors use
    it) or a positive, finite, normal number in that type (f32, or f64 for
    f64 operands): one that rounds to 0, to a denormal or to infinity there
    would silently change every channel.

    **Non-finite scales.** Where `s` is not finite for a channel (an
    infinite `scale`, `variance + epsilon <= 0`, NaN parameters), no output
    of that channel is finite in any mode: `eval` and `train` give ±inf or
    NaN element by element, as the unfused arithmetic does, and `tune` and
    `deploy` give NaN for the whole channel (a folded filter `w * inf` would
    otherwise mix infinities and NaNs depending on the weights).

    Example:

    ```mlir
    %y = convbn.conv_bn tune nchw_fchw %x, %w bias(%b : tensor<16xf32>)
           scale(%gamma) offset(%beta) mean(%mu) variance(%var)
           strides = [2, 2] padding = [1, 1, 1, 1] epsilon = 1.0e-05
           : tensor<?x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>
    ```
  }];

  let arguments = (ins
    ConvBN_ModeAttr:$mode,
    ConvBN_ConvLayoutAttr:$layout,
    ConvBN_FloatTensor:$input,
    ConvBN_FloatTensor:$filter,
    Optional<ConvBN_ChannelVector>:$bias,
    Optional<ConvBN_ChannelVector>:$scale,
    Optional<ConvBN_ChannelVector>:$offset,
    ConvBN_ChannelVector:$mean,
    ConvBN_ChannelVector:$variance,
    OptionalAttr<DenseI64ArrayAttr>:$strides,
    OptionalAttr<DenseI64ArrayAttr>:$dilations,
    OptionalAttr<DenseI64ArrayAttr>:$padding,
    F64Attr:$epsilon,
    OptionalAttr<F64Attr>:$momentum,
    UnitAttr:$keep_conv_output
  );
  // `auxiliary` holds what the mode yields besides the output: the four
  // statistics in `train` mode, the convolution output in `eval` mode with
  // `keep_conv_output`, nothing otherwise.
  let results = (outs
    ConvBN_FloatTensor:$output,
    Variadic<ConvBN_FloatTensor>:$auxiliary
  );

  let assemblyFormat = [{
    custom<EnumKeyword>($mode) custom<EnumKeyword>($layout) $input `,` $filter
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`scale` `(` $scale^ `)`)?
    (`offset` `(` $offset^ `)`)?
    `mean` `(` $mean `)` `variance` `(` $variance `)`
    (`strides` `=` $strides^)? (`dilations` `=` $dilations^)?
    (`padding` `=` $padding^)? `epsilon` `=` $epsilon
    (`momentum` `=` $momentum^)? (`keep_conv_output` $keep_conv_output^)?
    attr-dict `:` type($input) `,` type($filter) `,` type($mean)
  }];

  let hasCanonicalizer = 1;

  let extraClassDeclaration = [{
    /// Number of results in `train` mode: the output, the updated running
    /// mean and variance, the saved batch mean and inverse standard deviation.
    static constexpr unsigned kNumTrainResults = 5;

    /// Strides, dilations and padding with their defaults filled in.
    SmallVector<int64_t> getStrideValues();
    SmallVector<int64_t> getDilationValues();
    SmallVector<int64_t> getPaddingValues();

    /// `train` mode results (null values in the other modes).
    Value getNewRunningMean();
    Value getNewRunningVariance();
    Value getSavedMean();
    Value getSavedInvStd();
    /// The convolution output kept for an `eval` backward (null without
    /// `keep_conv_output`).
    Value getConvOutput();
  }];
}

//===----------------------------------------------------------------------===//
// conv_bn_backward
//===----------------------------------------------------------------------===//

def ConvBN_ConvBNBackwardOp : ConvBN_Op<"conv_bn_backward", [
    Pure, AttrSizedOperandSegments, ConvBN_WellFormedOperandSegments,
    InferTypeOpAdaptor,
    TypesMatchWith<"scale has the type of mean", "mean", "scale", "$_self">,
    TypesMatchWith<"variance has the type of mean", "mean", "variance",
                   "$_self">,
    OptionalTypesMatchWith<"conv_output has the type of grad_output",
                           "grad_output", "conv_output", "$_self">]> {
  let summary = "gradients of a ConvBN block";
  let description = [{
    The backward pass of the `convbn.conv_bn` block with the same mode,
    layout, convolution attributes and batch-norm parameters: given
    `grad_output` (`dZ`, the gradient with respect to the block's output),
    the gradients listed in `gradients` with respect to the convolution's
    `input`, `filter` and `bias` and the batch norm's `scale` (γ) and
    `offset` (β), as results in that order. The running statistics get no
    gradient (they are buffers). With
    `s = scale / sqrt(variance + epsilon)` (scale 1 when absent) and sums
    running over every index but the output channel:

    - `tune` (the paper's formulas; reads nothing activation-sized from the
      forward pass): `dW' = conv_filter_grad(input, dZ)`,
      `filter: s·dW'`, `input: conv_data_grad(dZ, filter·s)`,
      `bias: s·Σ dZ`,
      `scale: (Σ dW'·filter + Σ dZ·(bias − mean)) / sqrt(variance + epsilon)`,
      `offset: Σ dZ`.
    - `eval` (PyTorch's, from the kept convolution output `Y`, operand
      `conv_output`): `dY = dZ·s`, `filter: conv_filter_grad(input, dY)`,
      `input: conv_data_grad(dY, filter)`, `bias: Σ dY`,
      `scale: Σ dZ·(Y − mean) / sqrt(variance + epsilon)`, `offset: Σ dZ`.

    Both compute the same gradients up to rounding. What each mode needs is
    checked: `eval` requires `conv_output` (the forward op's second result
    with `keep_conv_output`), `tune` rejects it (keeping the activation is
    what tune avoids). `deploy` parameters are not trained and `train` uses
    batch statistics: neither has a backward op. The `bias` and `scale`
    gradients need the `bias` and `scale` operands. As in the forward op,
    narrow types (f16, bf16) accumulate in f32, and where `s` is not finite
    `tune`'s gradients of that channel are NaN.

    Example:

    ```mlir
    %dx, %dw, %dg, %db = convbn.conv_bn_backward tune nchw_fchw %x, %w
        grad(%dz) scale(%gamma) mean(%mu) variance(%var)
        padding = [1, 1, 1, 1] epsilon = 1.0e-05
        gradients(input, filter, scale, offset)
        : tensor<8x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<8x16x32x32xf32>,
          tensor<16xf32>
    ```
  }];

  let arguments = (ins
    ConvBN_ModeAttr:$mode,
    ConvBN_ConvLayoutAttr:$layout,
    ConvBN_FloatTensor:$input,
    ConvBN_FloatTensor:$filter,
    ConvBN_FloatTensor:$grad_output,
    Optional<ConvBN_ChannelVector>:$bias,
    Optional<ConvBN_ChannelVector>:$scale,
    ConvBN_ChannelVector:$mean,
    ConvBN_ChannelVector:$variance,
    Optional<ConvBN_FloatTensor>:$conv_output,
    OptionalAttr<DenseI64ArrayAttr>:$strides,
    OptionalAttr<DenseI64ArrayAttr>:$dilations,
    OptionalAttr<DenseI64ArrayAttr>:$padding,
    F64Attr:$epsilon,
    ConvBN_GradientsAttr:$gradients
  );
  let results = (outs
    Variadic<ConvBN_FloatTensor>:$gradient_results
  );

  let assemblyFormat = [{
    custom<EnumKeyword>($mode) custom<EnumKeyword>($layout) $input `,` $filter
    `grad` `(` $grad_output `)`
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`scale` `(` $scale^ `)`)?
    `mean` `(` $mean `)` `variance` `(` $variance `)`
    (`conv_output` `(` $conv_output^ `)`)?
    (`strides` `=` $strides^)? (`dilations` `=` $dilations^)?
    (`padding` `=` $padding^)? `epsilon` `=` $epsilon
    `gradients` `(` custom<GradientList>($gradients) `)`
    attr-dict `:` type($input) `,` type($filter) `,` type($grad_output) `,`
    type($mean)
  }];

  let extraClassDeclaration = [{
    /// Strides, dilations and padding with their defaults filled in.
    SmallVector<int64_t> getStrideValues();
    SmallVector<int64_t> getDilationValues();
    SmallVector<int64_t> getPaddingValues();

    /// The gradient results (null where `gradients` does not list them).
    Value getGradient(Gradients which);
    Value getGradInput() { return getGradient(Gradients::Input); }
    Value getGradFilter() { return getGradient(Gradients::Filter); }
    Value getGradBias() { return getGradient(Gradients::Bias); }
    Value getGradScale() { return getGradient(Gradients::Scale); }
    Value getGradOffset() { return getGradient(Gradients::Offset); }
  }];
}

//===----------------------------------------------------------------------===//
// fold_weights
//===----------------------------------------------------------------------===//

def ConvBN_FoldWeightsOp : ConvBN_Op<"fold_weights", [
    Pure, AttrSizedOperandSegments, ConvBN_WellFormedOperandSegments,
    InferTypeOpAdaptor,
    TypesMatchWith<"scale has the type of mean", "mean", "scale", "$_self">,
    TypesMatchWith<"offset has the type of mean", "mean", "offset", "$_self">,
    TypesMatchWith<"variance has the type of mean", "mean", "variance",
                   "$_self">]> {
  let summary = "fold a batch norm into a convolution's filter and bias";
  let description = [{
    Computes the filter and bias of a convolution that includes the batch
    norm following it. With `s = scale / sqrt(variance + epsilon)`:

    ```
    folded_filter = filter * s      (s broadcast along the filter's
                                     output-channel dimensions)
    folded_bias   = (bias - mean) * s + offset
    ```

    `layout` says which dimensions of `filter` are output channels (the same
    layouts as `convbn.conv_bn`). Absent `bias`, `scale` and `offset` stand
    for 0, 1 and 0. `folded_filter` has the filter's type; `folded_bias` is a
    vector of the filter's element type with one element per output channel.
    The arithmetic is done in f32 at least (f16 and bf16 operands are
    widened first) and rounded once. A channel whose `s` is not finite is NaN
    in both results. The constant folder folds splats of any size as splats
    and other constants up to 2^24 elements.

    This is the on-the-fly fold of `tune` mode. When every operand is a
    constant the op folds to constants, which is all `deploy` mode needs.

    Example:

    ```mlir
    %w2, %b2 = convbn.fold_weights nchw_fchw %w scale(%g) offset(%beta)
                 mean(%mu) variance(%var) epsilon = 1.0e-05
                 : tensor<16x3x3x3xf16>, tensor<16xf32>
    ```
  }];

  let arguments = (ins
    ConvBN_ConvLayoutAttr:$layout,
    ConvBN_FloatTensor:$filter,
    Optional<ConvBN_ChannelVector>:$bias,
    Optional<ConvBN_ChannelVector>:$scale,
    Optional<ConvBN_ChannelVector>:$offset,
    ConvBN_ChannelVector:$mean,
    ConvBN_ChannelVector:$variance,
    F64Attr:$epsilon
  );
  let results = (outs
    ConvBN_FloatTensor:$folded_filter,
    ConvBN_ChannelVector:$folded_bias
  );

  let assemblyFormat = [{
    custom<EnumKeyword>($layout) $filter
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`scale` `(` $scale^ `)`)?
    (`offset` `(` $offset^ `)`)?
    `mean` `(` $mean `)` `variance` `(` $variance `)` `epsilon` `=` $epsilon
    attr-dict `:` type($filter) `,` type($mean)
  }];

  let hasFolder = 1;
}

#endif // CONVBN_IR_CONVBNOPS_TD
