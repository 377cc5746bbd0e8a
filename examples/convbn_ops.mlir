// A ResNet basic block with its two ConvBN blocks as convbn ops:
//   y = relu(convbn(relu(convbn(x, w1)), w2) + x)
// The first block is in `tune` mode (the BN folded into the filter on every
// run), the second in `eval` mode (normalising the convolution's output);
// both compute the same function as PyTorch's Conv2d + BatchNorm2d in eval
// mode. `main` makes deterministic inputs and prints the block's output.
//
//   convbn-opt examples/convbn_ops.mlir --lower-to-cpu | mlir-runner ...
//   convbn-opt examples/convbn_ops.mlir --lower-to-nvvm   # kernels + host code
//
// The helpers are private: lower-to-nvvm inlines them, and the public API of
// a GPU module is what takes device buffers.

!act = tensor<1x4x6x6xf32>
!filter = tensor<4x4x3x3xf32>
!vec = tensor<4xf32>

func.func @resnet_block(%x: !act, %w1: !filter, %g1: !vec, %b1: !vec,
                        %m1: !vec, %v1: !vec, %w2: !filter, %g2: !vec,
                        %b2: !vec, %m2: !vec, %v2: !vec) -> !act {
  %zero = arith.constant 0.0 : f32
  %y1 = convbn.conv_bn tune nchw_fchw %x, %w1 scale(%g1) offset(%b1)
          mean(%m1) variance(%v1) padding = [1, 1, 1, 1] epsilon = 1.0e-05
          : !act, !filter, !vec
  %empty = tensor.empty() : !act
  %relu1 = linalg.generic {
      indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>,
                       affine_map<(n, c, h, w) -> (n, c, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y1 : !act) outs(%empty : !act) {
    ^bb0(%in: f32, %out: f32):
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
  } -> !act
  %y2 = convbn.conv_bn eval nchw_fchw %relu1, %w2 scale(%g2) offset(%b2)
          mean(%m2) variance(%v2) padding = [1, 1, 1, 1] epsilon = 1.0e-05
          : !act, !filter, !vec
  %sum = arith.addf %y2, %x : !act
  %out = linalg.generic {
      indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>,
                       affine_map<(n, c, h, w) -> (n, c, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%sum : !act) outs(%empty : !act) {
    ^bb0(%in: f32, %o: f32):
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
  } -> !act
  return %out : !act
}

// Deterministic data: element i of a tensor is `scale * sin(0.37 * i + phase)
// + shift`, i the row-major linear index.
func.func private @data1d(%phase: f32, %scale: f32, %shift: f32) -> !vec {
  %e = tensor.empty() : !vec
  %t = linalg.generic {
      indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      outs(%e : !vec) {
    ^bb0(%o: f32):
      %i = linalg.index 0 : index
      %v = func.call @wave(%i, %phase, %scale, %shift)
             : (index, f32, f32, f32) -> f32
      linalg.yield %v : f32
  } -> !vec
  return %t : !vec
}

func.func private @data4d(%phase: f32, %shape: tensor<4xindex>) -> tensor<?x?x?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %d0 = tensor.extract %shape[%c0] : tensor<4xindex>
  %d1 = tensor.extract %shape[%c1] : tensor<4xindex>
  %d2 = tensor.extract %shape[%c2] : tensor<4xindex>
  %d3 = tensor.extract %shape[%c3] : tensor<4xindex>
  %e = tensor.empty(%d0, %d1, %d2, %d3) : tensor<?x?x?x?xf32>
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  %t = linalg.generic {
      indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%e : tensor<?x?x?x?xf32>) {
    ^bb0(%o: f32):
      %i0 = linalg.index 0 : index
      %i1 = linalg.index 1 : index
      %i2 = linalg.index 2 : index
      %i3 = linalg.index 3 : index
      %l1 = arith.muli %i0, %d1 : index
      %l2 = arith.addi %l1, %i1 : index
      %l3 = arith.muli %l2, %d2 : index
      %l4 = arith.addi %l3, %i2 : index
      %l5 = arith.muli %l4, %d3 : index
      %l6 = arith.addi %l5, %i3 : index
      %v = func.call @wave(%l6, %phase, %one, %zero)
             : (index, f32, f32, f32) -> f32
      linalg.yield %v : f32
  } -> tensor<?x?x?x?xf32>
  return %t : tensor<?x?x?x?xf32>
}

func.func private @wave(%i: index, %phase: f32, %scale: f32, %shift: f32) -> f32 {
  %k = arith.constant 0.37 : f32
  %ii = arith.index_cast %i : index to i64
  %f = arith.sitofp %ii : i64 to f32
  %a = arith.mulf %f, %k : f32
  %b = arith.addf %a, %phase : f32
  %s = math.sin %b : f32
  %m = arith.mulf %s, %scale : f32
  %r = arith.addf %m, %shift : f32
  return %r : f32
}

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %p0 = arith.constant 0.0 : f32
  %p1 = arith.constant 1.0 : f32
  %p2 = arith.constant 2.0 : f32
  %p3 = arith.constant 3.0 : f32
  %half = arith.constant 0.5 : f32
  %tenth = arith.constant 0.1 : f32
  %one = arith.constant 1.0 : f32
  %actShape = arith.constant dense<[1, 4, 6, 6]> : tensor<4xindex>
  %filterShape = arith.constant dense<[4, 4, 3, 3]> : tensor<4xindex>
  %xd = func.call @data4d(%p0, %actShape) : (f32, tensor<4xindex>) -> tensor<?x?x?x?xf32>
  %w1d = func.call @data4d(%p1, %filterShape) : (f32, tensor<4xindex>) -> tensor<?x?x?x?xf32>
  %w2d = func.call @data4d(%p2, %filterShape) : (f32, tensor<4xindex>) -> tensor<?x?x?x?xf32>
  %x = tensor.cast %xd : tensor<?x?x?x?xf32> to !act
  %w1 = tensor.cast %w1d : tensor<?x?x?x?xf32> to !filter
  %w2 = tensor.cast %w2d : tensor<?x?x?x?xf32> to !filter
  // scale around 1, offset and mean around 0, variance in [0.5, 1.5].
  %g1 = func.call @data1d(%p0, %tenth, %one) : (f32, f32, f32) -> !vec
  %b1 = func.call @data1d(%p1, %tenth, %p0) : (f32, f32, f32) -> !vec
  %m1 = func.call @data1d(%p2, %tenth, %p0) : (f32, f32, f32) -> !vec
  %v1 = func.call @data1d(%p3, %half, %one) : (f32, f32, f32) -> !vec
  %g2 = func.call @data1d(%p3, %tenth, %one) : (f32, f32, f32) -> !vec
  %b2 = func.call @data1d(%p2, %tenth, %p0) : (f32, f32, f32) -> !vec
  %m2 = func.call @data1d(%p1, %tenth, %p0) : (f32, f32, f32) -> !vec
  %v2 = func.call @data1d(%p0, %half, %one) : (f32, f32, f32) -> !vec
  %y = func.call @resnet_block(%x, %w1, %g1, %b1, %m1, %v1, %w2, %g2, %b2, %m2, %v2)
         : (!act, !filter, !vec, !vec, !vec, !vec, !filter, !vec, !vec, !vec, !vec) -> !act
  %buf = bufferization.to_buffer %y : !act to memref<1x4x6x6xf32>
  %u = memref.cast %buf : memref<1x4x6x6xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
