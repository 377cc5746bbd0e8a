//===- Passes.h - convbn transformation passes ------------------*- C++ -*-===//

#ifndef CONVBN_TRANSFORMS_PASSES_H
#define CONVBN_TRANSFORMS_PASSES_H

#include "ConvBN/IR/ConvBNDialect.h"
#include "ConvBN/IR/ConvBNOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::convbn {

/// The mode `--fuse-convbn` gives the ops it creates.
enum class FusionMode { Auto, Tune, Eval, Deploy };

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "ConvBN/Transforms/Passes.h.inc"

} // namespace mlir::convbn

#endif // CONVBN_TRANSFORMS_PASSES_H
