//===- ConvBNOps.td - convbn dialect for the Python op generator ----------===//
//
// mlir-tblgen -gen-python-op-bindings reads this file; its directory decides
// where _convbn_ops_gen.py goes.
//
//===----------------------------------------------------------------------===//

#ifndef PYTHON_BINDINGS_CONVBN_OPS
#define PYTHON_BINDINGS_CONVBN_OPS

include "ConvBN/IR/ConvBNOps.td"

#endif // PYTHON_BINDINGS_CONVBN_OPS
