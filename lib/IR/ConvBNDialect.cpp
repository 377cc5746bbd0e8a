//===- ConvBNDialect.cpp - convbn dialect ---------------------------------===//

#include "ConvBN/IR/ConvBNDialect.h"
#include "ConvBN/IR/ConvBNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::convbn;

#include "ConvBN/IR/ConvBNOpsDialect.cpp.inc"
#include "ConvBN/IR/ConvBNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ConvBN/IR/ConvBNAttrs.cpp.inc"

void ConvBNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ConvBN/IR/ConvBNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "ConvBN/IR/ConvBNOps.cpp.inc"
      >();
}

Operation *ConvBNDialect::materializeConstant(OpBuilder &builder,
                                              Attribute value, Type type,
                                              Location loc) {
  if (auto typed = dyn_cast<TypedAttr>(value);
      typed && arith::ConstantOp::isBuildableWith(typed, type))
    return arith::ConstantOp::create(builder, loc, type, typed);
  return nullptr;
}
