package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;

/**
 * ONNX MatMulInteger (opset 10): {@code Y = (A − a_zero_point)·(B − b_zero_point)} as INT32, A and B UINT8
 * or INT8 with numpy's matmul shapes; the product is {@link IntegerMatMul}'s.
 */
final class MatMulInteger implements Operator {

    private final IntegerMatMul product = new IntegerMatMul("A", 0, 2, "B", 1, 3);

    @Override
    public void prepare(PrepareContext ctx) {
        product.prepare(ctx);
        ctx.setOutput(0, DType.INT32, product.outputShape());
    }

    @Override
    public void execute(ExecContext ctx) {
        product.multiply(ctx, ctx.output(0).data());
    }
}
