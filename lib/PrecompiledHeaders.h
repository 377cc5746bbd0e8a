//===- PrecompiledHeaders.h - MLIR headers parsed once per build -*- C++ -*-===//
//
// The upstream headers that most of convbn's translation units include
// (directly or through the pass headers, whose dependent dialects must be
// complete types), compiled once into a precompiled header that every
// library and tool reuses (CONVBN_PRECOMPILED_HEADERS in CMakeLists.txt):
// a 40-line pass otherwise parses ~400,000 preprocessed lines, and parsing
// them was most of the build's time. Only upstream headers belong here, so
// that the header never needs rebuilding while convbn is edited. Every
// source file still includes what it uses: a build without precompiled
// headers must compile.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
