package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;

/**
 * ONNX ConvInteger (opset 10): the convolution of {@code x − x_zero_point} with {@code w − w_zero_point}
 * as INT32, x and w UINT8 or INT8; the arithmetic is {@link IntegerConvolution}'s.
 */
final class ConvInteger implements Operator {

    private final IntegerConvolution convolution = new IntegerConvolution("x", 0, 2, "w", 1, 3);

    @Override
    public void prepare(PrepareContext ctx) {
        convolution.prepare(ctx);
        convolution.planGemm(ctx, 0);
        ctx.setOutput(0, DType.INT32, convolution.outputShape());
    }

    @Override
    public void execute(ExecContext ctx) {
        convolution.convolve(ctx, ctx.output(0).data());
    }
}
