//===- LinalgConv.h - linalg named convolutions and layouts -----*- C++ -*-===//
//
// The correspondence between convbn's `ConvLayout` and linalg's named
// convolution ops, shared by the passes that create and recognise them.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_UTILS_LINALGCONV_H
#define CONVBN_UTILS_LINALGCONV_H

#include "ConvBN/IR/ConvBNOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::convbn {

/// The layout of a linalg named convolution, or nullopt for other ops
/// (including quantized convolutions, which have no batch-norm semantics).
std::optional<ConvLayout> getConvLayout(Operation *op);

/// The strides or dilations of a linalg named convolution (1 when absent).
SmallVector<int64_t> getConvStrides(Operation *conv);
SmallVector<int64_t> getConvDilations(Operation *conv);

/// Creates the linalg named convolution for `layout`, accumulating into
/// `init`.
Value createLinalgConv(OpBuilder &b, Location loc, ConvLayout layout,
                       Value input, Value filter, Value init,
                       ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations);

} // namespace mlir::convbn

#endif // CONVBN_UTILS_LINALGCONV_H
