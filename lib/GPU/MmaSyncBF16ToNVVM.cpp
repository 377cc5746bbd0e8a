//===- MmaSyncBF16ToNVVM.cpp - bf16 nvgpu.mma.sync as nvvm.mma.sync -------===//
//
// convert-nvgpu-to-nvvm deduces mma.sync's PTX operand types from the
// operands' element types and knows f16, f32 (TF32), f64 and integers, not
// bf16, though nvvm.mma.sync (and PTX) has m16n8k16 with bf16 operands.
// This pass lowers that one shape ahead of it.
//
//===----------------------------------------------------------------------===//

#include "ConvBN/GPU/Passes.h"

namespace mlir::convbn {
#define GEN_PASS_DEF_GPUMMASYNCBF16TONVVM
#include "ConvBN/GPU/Passes.h.inc"
} // namespace mlir::convbn

using namespace mlir;
using namespace mlir::convbn;

/// Each row of `fragment` (a thread's pairs of 16-bit values) as the i32
/// register that holds it.
static SmallVector<Value> getRegisters(OpBuilder &b, Location loc,
                                       Value fragment) {
  auto type = cast<VectorType>(fragment.getType());
  auto registerType = VectorType::get({1}, b.getI32Type());
  SmallVector<Value> registers;
  for (int64_t row = 0; row < type.getDimSize(0); ++row) {
    Value pair = vector::ExtractOp::create(b, loc, fragment, row);
    Value bits = vector::BitCastOp::create(b, loc, registerType, pair);
    registers.push_back(vector::ExtractOp::create(b, loc, bits, 0));
  }
  return registers;
}

/// Whether `mma` multiplies bf16 in the m16n8k16 shape into f32.
static bool isBF16M16N8K16(nvgpu::MmaSyncOp mma) {
  auto shape = mma.getMmaShapeAsArray();
  return mma.getMatrixA().getType().getElementType().isBF16() &&
         mma.getMatrixC().getType().getElementType().isF32() &&
         shape == std::array<int64_t, 3>{16, 8, 16};
}

namespace {
struct GPUMmaSyncBF16ToNVVMPass
    : convbn::impl::GPUMmaSyncBF16ToNVVMBase<GPUMmaSyncBF16ToNVVMPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<nvgpu::MmaSyncOp> mmas;
    getOperation().walk([&](nvgpu::MmaSyncOp mma) {
      if (isBF16M16N8K16(mma))
        mmas.push_back(mma);
    });
    IRRewriter rewriter(&getContext());
    for (nvgpu::MmaSyncOp mma : mmas) {
      Location loc = mma.getLoc();
      rewriter.setInsertionPoint(mma);
      // A: four registers (16 x 16), B: two (16 x 8), C: four f32 values
      // (16 x 8), row by row as the thread holds them.
      SmallVector<Value> a = getRegisters(rewriter, loc, mma.getMatrixA());
      SmallVector<Value> b = getRegisters(rewriter, loc, mma.getMatrixB());
      VectorType accumulatorType = mma.getMatrixC().getType();
      SmallVector<Value> c;
      for (int64_t row = 0; row < accumulatorType.getDimSize(0); ++row)
        for (int64_t column = 0; column < accumulatorType.getDimSize(1);
             ++column)
          c.push_back(vector::ExtractOp::create(
              rewriter, loc, mma.getMatrixC(), ArrayRef<int64_t>{row, column}));
      Type f32 = rewriter.getF32Type();
      auto resultType = LLVM::LLVMStructType::getLiteral(
          &getContext(), SmallVector<Type>(c.size(), f32));
      auto product = NVVM::MmaOp::create(
          rewriter, loc, resultType, a, b, c, mma.getMmaShapeAsArray(),
          /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
          std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                        NVVM::MMATypes::bf16},
          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                         NVVM::MMALayout::col});
      SmallVector<Value> d;
      for (int64_t i = 0, e = c.size(); i < e; ++i)
        d.push_back(LLVM::ExtractValueOp::create(rewriter, loc, product, i));
      rewriter.replaceOpWithNewOp<vector::FromElementsOp>(mma, accumulatorType,
                                                          d);
    }
  }
};
} // namespace
