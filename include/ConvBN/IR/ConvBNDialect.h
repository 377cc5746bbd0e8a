//===- ConvBNDialect.h - convbn dialect -------------------------*- C++ -*-===//

#ifndef CONVBN_IR_CONVBNDIALECT_H
#define CONVBN_IR_CONVBNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ConvBN/IR/ConvBNOpsDialect.h.inc"

#endif // CONVBN_IR_CONVBNDIALECT_H
