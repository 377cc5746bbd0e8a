//===- ConvBNOps.h - convbn operations --------------------------*- C++ -*-===//

#ifndef CONVBN_IR_CONVBNOPS_H
#define CONVBN_IR_CONVBNOPS_H

#include "ConvBN/IR/ConvBNDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ConvBN/IR/ConvBNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ConvBN/IR/ConvBNAttrs.h.inc"

namespace mlir::convbn {

//===----------------------------------------------------------------------===//
// Convolution layouts
//===----------------------------------------------------------------------===//

/// The role of every dimension of a convolution's operands, read off the
/// layout's name: letters `n` (batch), `g` (group), `c` (input channel; also
/// the output channel of a depthwise conv), `f` (output channel), `m`
/// (depthwise channel multiplier) and `d`, `h`, `w` (spatial). For example
/// `nhwc_hwcm` has input "nhwc", filter "hwcm" and output "nhwcm".
struct ConvDims {
  std::string input;
  std::string filter;
  std::string output;

  static bool isSpatial(char dim) { return dim == 'd' || dim == 'h' || dim == 'w'; }

  unsigned getNumSpatialDims() const;
  /// Positions of the output-channel dimensions in the output, outermost
  /// first (two for grouped and channel-multiplier layouts, else one).
  SmallVector<unsigned> getOutputChannelDims() const;
  /// Positions of the same dimensions in the filter.
  SmallVector<unsigned> getFilterChannelDims() const;
  /// Positions of the spatial dimensions in `dims` (one of the three strings).
  static SmallVector<unsigned> getSpatialDims(StringRef dims);
};

ConvDims getConvDims(ConvLayout layout);

/// Infers the type of the convolution's output, or emits an error at `loc`
/// (when given) and fails. `strides`, `dilations` and `padding` must already
/// have their defaults filled in.
FailureOr<RankedTensorType>
inferConvOutputType(std::optional<Location> loc, ConvLayout layout,
                    RankedTensorType inputType, RankedTensorType filterType,
                    ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                    ArrayRef<int64_t> padding);

/// The number of output channels of a convolution with this filter (the
/// product of its output-channel dimensions), or ShapedType::kDynamic when
/// one of them is dynamic or the product does not fit in int64.
int64_t getNumOutputChannels(ConvLayout layout, RankedTensorType filterType);

/// The values of a float constant: a dense elements attribute or a
/// dense_resource blob with data (nullopt otherwise, e.g. for elided blobs).
std::optional<SmallVector<double>> getFloatConstantValues(Attribute attr);

/// The float type in which batch-norm arithmetic on these element types is
/// done: the widest of f32 and the two (f32 for f16/bf16, f64 if either is
/// f64, f80/f128 likewise).
FloatType getComputeType(Type convElementType, Type paramElementType);

//===----------------------------------------------------------------------===//
// Traits
//===----------------------------------------------------------------------===//

namespace detail {
LogicalResult verifyResultsMatchMode(Operation *op);
LogicalResult verifyWellFormedOperandSegments(Operation *op);
} // namespace detail

/// Checks that operandSegmentSizes gives every required operand exactly one
/// value and every optional operand at most one, and that the batch-norm
/// parameters share one type, before the generated verifier reads operands
/// through the segments (it does so unchecked).
template <typename ConcreteType>
class WellFormedOperandSegments
    : public OpTrait::TraitBase<ConcreteType, WellFormedOperandSegments> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return detail::verifyWellFormedOperandSegments(op);
  }
};

/// Checks that an op's results are those its mode yields, before the generic
/// result-type inference check can report the mismatch as a type clash.
template <typename ConcreteType>
class ResultsMatchMode
    : public OpTrait::TraitBase<ConcreteType, ResultsMatchMode> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return detail::verifyResultsMatchMode(op);
  }
};

} // namespace mlir::convbn

#define GET_OP_CLASSES
#include "ConvBN/IR/ConvBNOps.h.inc"

#endif // CONVBN_IR_CONVBNOPS_H
