package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Set;

/**
 * ONNX QLinearConv (opset 10): the exact int32 convolution of {@link IntegerConvolution}, plus the INT32
 * bias B ({@code [M]}, quantized with scale {@code x_scale·w_scale} and zero point 0), requantized to y's
 * type (that of {@code y_zero_point}, UINT8 or INT8) by {@link QuantizedElements#requantize} with the
 * multiplier {@code x_scale·w_scale / y_scale}. w's scale is per tensor or per output channel; x's and
 * y's are per tensor.
 */
final class QLinearConv implements Operator {

    private final IntegerConvolution convolution = new IntegerConvolution("x", 0, 2, "w", 3, 5);
    private final Parallel.RangeTask task = this::requantizePlanes;

    private DType xScaleType;
    private DType wScaleType;
    private DType yScaleType;
    private DType yType;
    /** Output planes (image, output channel) and the elements of each. */
    private int planes;
    private long planeSize;
    private float[] wScales;
    // This run's values, for the chunks of the parallel loop (fields, so that it allocates nothing).
    private float xScale;
    private float yScale;
    private int yZero;
    private MemorySegment accumulators;
    private MemorySegment bias;
    private MemorySegment y;

    @Override
    public void prepare(PrepareContext ctx) {
        convolution.prepare(ctx);
        int filters = convolution.filters();
        xScaleType = QuantizedElements.require(ctx, 1, "x_scale (input 1)", QuantizedElements.SCALES);
        wScaleType = QuantizedElements.require(ctx, 4, "w_scale (input 4)", QuantizedElements.SCALES);
        yScaleType = QuantizedElements.require(ctx, 6, "y_scale (input 6)", QuantizedElements.SCALES);
        QuantizedElements.requireOneValue(ctx, 1, "x_scale (input 1)");
        QuantizedElements.requireOneValue(ctx, 6, "y_scale (input 6)");
        long[] wScaleShape = ctx.inputShape(4);
        boolean perChannel = Tensor.elementCount(wScaleShape) != 1;
        if (perChannel && !Arrays.equals(wScaleShape, new long[] {filters})) {
            throw new IllegalArgumentException("w_scale (input 4) must be one value (per tensor) or [" + filters
                    + "] (per output channel), was " + ShapeOperands.show(wScaleShape));
        }
        wScales = new float[perChannel ? filters : 1];
        if (!ctx.hasInput(7)) {
            throw new IllegalArgumentException("y_zero_point (input 7) is required: it gives y's type (UINT8 or INT8)");
        }
        yType = QuantizedElements.require(ctx, 7, "y_zero_point (input 7)", QuantizedElements.EIGHT_BIT);
        QuantizedElements.requireOneValue(ctx, 7, "y_zero_point (input 7)");
        if (ctx.hasInput(8)) {
            ElementTypes.require("B (input 8)", ctx.inputType(8), Set.of(DType.INT32));
            if (!Arrays.equals(ctx.inputShape(8), new long[] {filters})) {
                throw new IllegalArgumentException("B (input 8) must be [" + filters + "] (one per output channel), was "
                        + ShapeOperands.show(ctx.inputShape(8)));
            }
        }
        long[] shape = convolution.outputShape();
        planes = (int) (shape[0] * filters);
        planeSize = ShapeOperands.product(shape, 2, shape.length);
        long accumulatorBytes = Math.multiplyExact(Tensor.elementCount(shape), (long) Integer.BYTES);
        ctx.reserveScratch(accumulatorBytes);
        convolution.planGemm(ctx, accumulatorBytes);
        ctx.setOutput(0, yType, shape);
    }

    @Override
    public void execute(ExecContext ctx) {
        accumulators = ctx.scratch();
        convolution.convolve(ctx, accumulators);
        xScale = QuantizedElements.scale(xScaleType, ctx.input(1).data(), 0);
        QuantizedElements.readScales(ctx.input(4), wScaleType, wScales);
        yScale = QuantizedElements.scale(yScaleType, ctx.input(6).data(), 0);
        yZero = (int) QuantizedElements.get(yType, ctx.input(7).data(), 0);
        Tensor b = ctx.input(8);
        bias = b == null ? null : b.data();
        y = ctx.output(0).data();
        ctx.parallel().forRange(planes, 1, task);
    }

    /** Output planes {@code [start, end)}, one per (image, output channel). */
    private void requantizePlanes(int start, int end) {
        int filters = convolution.filters();
        int lowest = QuantizedElements.lowest(yType);
        int highest = QuantizedElements.highest(yType);
        for (int plane = start; plane < end; plane++) {
            int oc = plane % filters;
            float multiplier = xScale * wScales[wScales.length == 1 ? 0 : oc] / yScale;
            int b = bias == null ? 0 : bias.getAtIndex(Tensor.I32, oc);
            for (long i = plane * planeSize, last = i + planeSize; i < last; i++) {
                int acc = accumulators.getAtIndex(Tensor.I32, i) + b;
                y.set(ValueLayout.JAVA_BYTE, i, (byte) QuantizedElements.requantize(acc, multiplier, yZero, lowest, highest));
            }
        }
    }
}
