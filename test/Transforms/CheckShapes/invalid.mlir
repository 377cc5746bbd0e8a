// RUN: convbn-opt %s --split-input-file --verify-diagnostics --convbn-check-shapes
// Shapes that upstream verifiers accept but that cannot all hold at run time
// (found by utils/fuzz_convbn.py: each made a later upstream pass emit IR
// that does not verify, far from the cause).

func.func @expand_static_output_shape(%x: tensor<8xf16>) -> tensor<8x1x1xf16> {
  // expected-error @below {{'tensor.expand_shape' op has static output size 2147483648 for dimension 1 of a result of type 'tensor<8x1x1xf16>'}}
  %e = tensor.expand_shape %x [[0, 1, 2]] output_shape [8, 2147483648, 1] : tensor<8xf16> into tensor<8x1x1xf16>
  return %e : tensor<8x1x1xf16>
}

// -----

func.func @cast_through_cast(%x: tensor<2xf32>) -> tensor<66xf32> {
  %d = tensor.cast %x : tensor<2xf32> to tensor<?xf32>
  // expected-error @below {{'tensor.cast' op casts dimension 0 of static size 2 (before an earlier cast made it dynamic) to size 66}}
  %s = tensor.cast %d : tensor<?xf32> to tensor<66xf32>
  return %s : tensor<66xf32>
}

// -----

func.func @window_overflows(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %n: index) -> tensor<1x4x?x?xf32> {
  %e = tensor.empty(%n, %n) : tensor<1x4x?x?xf32>
  // expected-error @below {{'linalg.conv_2d_nchw_fchw' op has a window of dilation 4611686018427387904 and size 3 whose extent overflows 64 bits}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<4611686018427387904> : vector<2xi64>} ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%e : tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  return %conv : tensor<1x4x?x?xf32>
}

// -----

func.func @window_larger_than_input(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %n: index) -> tensor<1x4x?x?xf32> {
  %e = tensor.empty(%n, %n) : tensor<1x4x?x?xf32>
  // expected-error @below {{'linalg.conv_2d_nchw_fchw' op has a window of extent 9 along dimension 2, larger than its input (8): no output position fits}}
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<4> : vector<2xi64>} ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%e : tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  return %conv : tensor<1x4x?x?xf32>
}

// -----

func.func @slice_size(%x: tensor<1x4x2147483647x16xf32>) -> tensor<1x2x2147483647x16xf32> {
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 2, 16, 16]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error @below {{'tosa.slice' op has size 16 in dimension 2 but its result has 2147483647}}
  %s = tosa.slice %x, %start, %size : (tensor<1x4x2147483647x16xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2147483647x16xf32>
  return %s : tensor<1x2x2147483647x16xf32>
}

// -----

func.func @slice_outside(%x: tensor<1x4x8x8xf32>) -> tensor<1x2x8x8xf32> {
  %start = tosa.const_shape {values = dense<[0, 3, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 2, 8, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error @below {{'tosa.slice' op reads [3, 3 + 2) of dimension 1 of size 4}}
  %s = tosa.slice %x, %start, %size : (tensor<1x4x8x8xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x8x8xf32>
  return %s : tensor<1x2x8x8xf32>
}

// -----

func.func @slice_rest_static(%x: tensor<1x4x8x8xf32>) -> tensor<1x2x8x8xf32> {
  %start = tosa.const_shape {values = dense<[0, 2, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 2, -1, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error @below {{'tosa.slice' op has size -1 (the rest of the dimension) in dimension 2, which upstream tosa-to-tensor lowers to a dynamic size that contradicts the static result type: write the size}}
  %s = tosa.slice %x, %start, %size : (tensor<1x4x8x8xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x8x8xf32>
  return %s : tensor<1x2x8x8xf32>
}

// -----

// The layout says NHWC, the input is NCHW: the channel loop gets 18 from the
// input and 3 from the filter (linalg's verifier does not compare them when
// the output is dynamic; GPU tiling then slices the filter past its end).
func.func @channels_differ(%x: tensor<?x3x18x18xf32>, %w: tensor<8x3x3x3xf32>, %n: index) -> tensor<?x8x16x16xf32> {
  %e = tensor.empty(%n) : tensor<?x8x16x16xf32>
  // expected-error @below {{'linalg.conv_2d_nhwc_fhwc' op operand #1 has size 3 in dimension 3 where operand #0 has 18 for the same loop}}
  %c = linalg.conv_2d_nhwc_fhwc ins(%x, %w : tensor<?x3x18x18xf32>, tensor<8x3x3x3xf32>) outs(%e : tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  return %c : tensor<?x8x16x16xf32>
}

// -----

func.func @windows_past_input(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %n: index) -> tensor<?x4x4x4xf32> {
  %e = tensor.empty(%n) : tensor<?x4x4x4xf32>
  // expected-error @below {{'linalg.conv_2d_nchw_fchw' op has 4 windows of extent 3 and stride 2 along dimension 2, which run past its input (8)}}
  %c = linalg.conv_2d_nchw_fchw {strides = dense<2> : vector<2xi64>} ins(%x, %w : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%e : tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  return %c : tensor<?x4x4x4xf32>
}

// -----

func.func @pad_int64_min(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x9x9xf32> {
  %zero = arith.constant 0.0 : f32
  // expected-error @below {{'tensor.pad' op has 1 high paddings marked dynamic (-9223372036854775808) but 0 dynamic operands: a static value of INT64_MIN is not allowed}}
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 0, -9223372036854775808] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x9x9xf32>
  return %p : tensor<1x4x9x9xf32>
}

// -----

// 2^62 x 27 elements: the element count wraps, a splat constant of the type
// printed as `dense<>` once lowered to an llvm.mlir.global, which does not
// re-parse.
func.func @huge_constant() -> tensor<1xf32> {
  // expected-error @below {{'arith.constant' op uses type 'tensor<4611686018427387904x3x3x3xf32>', whose size in bytes does not fit in 64 bits}}
  %c = arith.constant dense<0.25> : tensor<4611686018427387904x3x3x3xf32>
  %e = tensor.extract_slice %c[0, 0, 0, 0] [1, 1, 1, 1] [1, 1, 1, 1] : tensor<4611686018427387904x3x3x3xf32> to tensor<1xf32>
  return %e : tensor<1xf32>
}

// -----

// 2^61 f32s: the element count fits, the bytes do not.
// expected-error @below {{'func.func' op uses type 'memref<2305843009213693952xf32>', whose size in bytes does not fit in 64 bits}}
func.func @huge_argument(%m: memref<2305843009213693952xf32>) {
  return
}

// -----

// Dynamic dimensions are sized at run time; nothing to check here.
func.func @huge_but_dynamic(%m: memref<?x2305843009213693951xi8>) {
  return
}

// -----

// A constant dimension index outside the rank is undefined behaviour that
// the verifier accepts; upstream canonicalization inside lower-to-nvvm
// segfaulted on it (seed-7 campaign, case 13620).
func.func @dim_out_of_range(%x: tensor<?x3x16x16xf32>) -> index {
  %c = arith.constant -1 : index
  // expected-error @+1 {{dimension -1 is out of range for a rank-4 value}}
  %d = tensor.dim %x, %c : tensor<?x3x16x16xf32>
  return %d : index
}

// -----

func.func @memref_dim_out_of_range(%x: memref<?x4xf32>) -> index {
  %c = arith.constant 2 : index
  // expected-error @+1 {{dimension 2 is out of range for a rank-2 value}}
  %d = memref.dim %x, %c : memref<?x4xf32>
  return %d : index
}

// -----

// A pooling whose input is empty along a window dimension while its output
// is not (fuzz case 17307: convbn-gpu-tile sliced past the end). linalg's
// verifier checks convolution windows, not this.
func.func @pooling_over_empty_input(%x: tensor<1x4x6x0xf32>) -> tensor<1x4x3x3xf32> {
  %k = tensor.empty() : tensor<2x2xf32>
  %init = tensor.empty() : tensor<1x4x3x3xf32>
  // expected-error @+1 {{accesses operand #0 at 5 in dimension 3, outside its size 0}}
  %pool = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%x, %k : tensor<1x4x6x0xf32>, tensor<2x2xf32>) outs(%init : tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %pool : tensor<1x4x3x3xf32>
}
