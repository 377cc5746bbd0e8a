//===- CheckArgumentAlignment.cpp - run-time check of buffer alignment ----===//

#include "ConvBN/GPU/Passes.h"
#include "RuntimeFunctions.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUCHECKARGUMENTALIGNMENT
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

namespace {
struct GPUCheckArgumentAlignmentPass
    : convbn::impl::GPUCheckArgumentAlignmentBase<
          GPUCheckArgumentAlignmentPass> {
  using GPUCheckArgumentAlignmentBase::GPUCheckArgumentAlignmentBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
      module.emitError("alignment must be a positive power of two, not ")
          << static_cast<int64_t>(alignment);
      return signalPassFailure();
    }
    if (alignment == 1)
      return;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isDeclaration() || !func.isPublic())
        continue;
      if (failed(checkArguments(func)))
        return signalPassFailure();
    }
  }

  LogicalResult checkArguments(func::FuncOp func) {
    MLIRContext *ctx = &getContext();
    OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
    Type i32 = b.getI32Type(), i64 = b.getI64Type();
    Type pointer = LLVM::LLVMPointerType::get(ctx);
    Value mask, zero;
    for (BlockArgument argument : func.getArguments()) {
      if (!isa<MemRefType>(argument.getType()))
        continue;
      Location loc = argument.getLoc();
      if (!mask) {
        mask = arith::ConstantIndexOp::create(b, loc, alignment - 1);
        zero = arith::ConstantIndexOp::create(b, loc, 0);
      }
      Value address =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, argument);
      Value misalignment = arith::AndIOp::create(b, loc, address, mask);
      Value misaligned = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ne, misalignment, zero);
      auto ifOp = scf::IfOp::create(b, loc, misaligned, /*withElse=*/false);
      OpBuilder report = ifOp.getThenBodyBuilder();
      std::string message =
          llvm::formatv("convbn: argument {0} of @{1} is not {2}-byte "
                        "aligned\n",
                        argument.getArgNumber(), func.getSymName(),
                        static_cast<int64_t>(alignment))
              .str();
      std::string name = llvm::formatv("__convbn_misaligned_{0}_{1}",
                                       func.getSymName(),
                                       argument.getArgNumber())
                             .str();
      Value text = LLVM::createGlobalString(loc, report, name, message,
                                            LLVM::Linkage::Internal);
      FailureOr<LLVM::LLVMFuncOp> write = declareRuntimeFunction(
          getOperation(), "write", {i32, pointer, i64}, i64,
          "reports a misaligned argument");
      if (failed(write))
        return failure();
      FailureOr<LLVM::LLVMFuncOp> abort = declareRuntimeFunction(
          getOperation(), "abort", {}, LLVM::LLVMVoidType::get(ctx),
          "stops at a misaligned argument");
      if (failed(abort))
        return failure();
      Value stderrFd = LLVM::ConstantOp::create(report, loc, i32, 2);
      Value length = LLVM::ConstantOp::create(report, loc, i64,
                                              int64_t(message.size()));
      LLVM::CallOp::create(report, loc, *write,
                           ValueRange{stderrFd, text, length});
      LLVM::CallOp::create(report, loc, *abort, ValueRange());
    }
    return success();
  }
};
} // namespace
