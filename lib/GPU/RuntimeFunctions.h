//===- RuntimeFunctions.h - declaring the functions passes call -*- C++ -*-===//
//
// Passes that make the host code call a C function (the convbn runtime's,
// libc's) declare it as an llvm.func in the module. A module that already
// uses the name for something else gets a clear error at that symbol, where
// LLVM::lookupOrCreateFn would add a second symbol of the same name.
//
//===----------------------------------------------------------------------===//

#ifndef CONVBN_LIB_GPU_RUNTIMEFUNCTIONS_H
#define CONVBN_LIB_GPU_RUNTIMEFUNCTIONS_H

#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::convbn {

/// The declaration of C function `name` of type `result (params)` in
/// `module` (created at its start if missing), or failure, reported at the
/// conflicting symbol with `purpose` ("copies constants to the device").
inline FailureOr<LLVM::LLVMFuncOp>
declareRuntimeFunction(ModuleOp module, StringRef name, ArrayRef<Type> params,
                       Type result, StringRef purpose) {
  auto type = LLVM::LLVMFunctionType::get(result, params);
  if (Operation *existing = SymbolTable::lookupSymbolIn(module, name)) {
    auto declared = dyn_cast<LLVM::LLVMFuncOp>(existing);
    if (!declared || declared.getFunctionType() != type)
      return existing->emitError("'")
             << name << "' is the runtime's function " << type << " that "
             << purpose << "; this symbol cannot be defined otherwise";
    return declared;
  }
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  return LLVM::lookupOrCreateFn(builder, module, name, params, result);
}

} // namespace mlir::convbn

#endif // CONVBN_LIB_GPU_RUNTIMEFUNCTIONS_H
