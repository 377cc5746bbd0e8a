//===- ConvBNToLinalg.h - convbn to linalg ----------------------*- C++ -*-===//

#ifndef CONVBN_CONVERSION_CONVBNTOLINALG_H
#define CONVBN_CONVERSION_CONVBNTOLINALG_H

namespace mlir {
class RewritePatternSet;

namespace convbn {

/// Patterns that rewrite `convbn.conv_bn` and `convbn.fold_weights` into
/// linalg, tensor, arith and math ops on tensors.
void populateConvBNToLinalgPatterns(RewritePatternSet &patterns);

} // namespace convbn
} // namespace mlir

#endif // CONVBN_CONVERSION_CONVBNTOLINALG_H
