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

/// The elements of a float constant (a dense elements attribute or a
/// dense_resource blob with data), read one at a time as doubles: exactly
/// for every element type the dialect allows. Nothing is copied, so a splat
/// of 2^31 elements costs nothing until someone iterates over it.
class FloatConstant {
public:
  /// Nullopt for anything else: integers, elided blobs, blobs whose size
  /// does not match their type.
  static std::optional<FloatConstant> get(Attribute attr);

  int64_t size() const { return numElements; }
  /// Whether every element is known to be the same (a dense splat).
  bool isSplat() const { return splat; }
  double operator[](int64_t index) const;

private:
  FloatConstant() = default;
  DenseFPElementsAttr elements;  // when not a blob
  ArrayRef<char> blob;           // little-endian elements of `semantics`
  const llvm::fltSemantics *semantics = nullptr;
  int64_t numElements = 0;
  bool splat = false;
};

/// The most elements a compile-time fold materialises (filter or channel
/// vector). Larger constants are folded only as splats, and otherwise left
/// to run time: folding must not take gigabytes of compile-time memory.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 24;

/// The constant operands of a weight fold (null attributes for absent
/// optional operands).
struct FoldWeightsConstants {
  Attribute filter, bias, scale, offset, mean, variance;
  bool hasBias = false, hasScale = false, hasOffset = false;
};

/// Folds a batch norm into constant filter and bias: the compile-time
/// counterpart of `convbn.fold_weights`, in double precision and rounded once
/// into `filterType`'s element type. Fails when an operand is not a float
/// constant, when a result would exceed kMaxFoldedElements without being a
/// splat, or, with `refuseOverflow`, when rounding turns a finite folded
/// value into an infinity (what folding an f16 filter would do to
/// |w·s| > 65504).
FailureOr<std::pair<DenseElementsAttr, DenseElementsAttr>>
foldConstantWeights(ConvLayout layout, RankedTensorType filterType,
                    const FoldWeightsConstants &constants, double epsilon,
                    bool refuseOverflow);

/// The float type in which batch-norm arithmetic on these element types is
/// done: the widest of f32 and the two (f32 for f16/bf16/f32, f64 if either
/// is f64).
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
