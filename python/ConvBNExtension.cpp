//===- ConvBNExtension.cpp - the convbn_mlir._convbn extension ------------===//
//
// Written against MLIR's C API and its nanobind casters only (as CIRCT's
// extension is), not the C++ classes of the core bindings, whose ABI a
// second MLIR package in the process need not share.
//
//===----------------------------------------------------------------------===//

#include "ConvBN-c/Dialects.h"
#include "mlir-c/Dialect/Func.h"
#include "mlir-c/IR.h"
#include "mlir/Bindings/Python/Nanobind.h"
#include "mlir/Bindings/Python/NanobindAdaptors.h"

namespace nb = nanobind;

NB_MODULE(_convbn, m) {
  m.doc() = "The convbn dialect, its passes and its pipelines";

  // Textual pipelines name convbn's passes: register them, once, at import.
  mlirConvBNRegisterPasses();

  // Called for every new Context by _site_initialize_0.
  m.def(
      "register_dialects",
      [](MlirDialectRegistry registry) {
        mlirDialectHandleInsertDialect(mlirGetDialectHandle__convbn__(),
                                       registry);
        mlirDialectHandleInsertDialect(mlirGetDialectHandle__func__(),
                                       registry);
      },
      nb::arg("registry"),
      "Adds the convbn dialect (and func, which its IR lives in) to a "
      "DialectRegistry.");

  m.def(
      "register_dialect",
      [](MlirContext context, bool load) {
        MlirDialectHandle handle = mlirGetDialectHandle__convbn__();
        mlirDialectHandleRegisterDialect(handle, context);
        if (load)
          mlirDialectHandleLoadDialect(handle, context);
      },
      nb::arg("context").none() = nb::none(), nb::arg("load") = true,
      "Registers (and by default loads) the convbn dialect in a context "
      "(default: the current one). Every convbn_mlir Context has it "
      "already.");
}
