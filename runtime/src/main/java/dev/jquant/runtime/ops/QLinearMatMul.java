package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ONNX QLinearMatMul (opsets 10, 21): the exact int32 product {@code (a − a_zero_point)·(b − b_zero_point)}
 * of {@link IntegerMatMul}, requantized to y's type (the type of {@code y_zero_point}, UINT8 or INT8) by
 * {@link QuantizedElements#requantize} with the multiplier {@code a_scale·b_scale / y_scale}. a's scale
 * and zero point are per tensor or per row, b's per tensor or per column (see {@link MatMulParameterLayout});
 * y's are per tensor.
 */
final class QLinearMatMul implements Operator {

    private final IntegerMatMul product = new IntegerMatMul("a", 0, 2, "b", 3, 5);
    private final Parallel.RangeTask task = this::requantizeRows;

    private DType aScaleType;
    private DType bScaleType;
    private DType yScaleType;
    private DType yType;
    private MatMulParameterLayout aScaleLayout;
    private MatMulParameterLayout bScaleLayout;
    private float[] aScales;
    private float[] bScales;
    // This run's values, for the chunks of the parallel loop (fields, so that it allocates nothing).
    private float yScale;
    private int yZero;
    private MemorySegment accumulators;
    private MemorySegment y;

    @Override
    public void prepare(PrepareContext ctx) {
        product.prepare(ctx);
        aScaleType = QuantizedElements.require(ctx, 1, "a_scale (input 1)", QuantizedElements.SCALES);
        bScaleType = QuantizedElements.require(ctx, 4, "b_scale (input 4)", QuantizedElements.SCALES);
        yScaleType = QuantizedElements.require(ctx, 6, "y_scale (input 6)", QuantizedElements.SCALES);
        aScaleLayout = scaleLayout(ctx, 0, 1, 2, true);
        bScaleLayout = scaleLayout(ctx, 3, 4, 5, false);
        aScales = new float[aScaleLayout.count()];
        bScales = new float[bScaleLayout.count()];
        QuantizedElements.requireOneValue(ctx, 6, "y_scale (input 6)");
        if (!ctx.hasInput(7)) {
            throw new IllegalArgumentException("y_zero_point (input 7) is required: it gives y's type (UINT8 or INT8)");
        }
        yType = QuantizedElements.require(ctx, 7, "y_zero_point (input 7)", QuantizedElements.EIGHT_BIT);
        QuantizedElements.requireOneValue(ctx, 7, "y_zero_point (input 7)");
        long[] shape = product.outputShape();
        ctx.reserveScratch(Math.multiplyExact(Tensor.elementCount(shape), (long) Integer.BYTES));
        ctx.setOutput(0, yType, shape);
    }

    private static MatMulParameterLayout scaleLayout(PrepareContext ctx, int operand, int scale, int zero, boolean rowsOfA) {
        String name = (rowsOfA ? "a" : "b");
        String scaleName = name + "_scale (input " + scale + ")";
        MatMulParameterLayout layout = MatMulParameterLayout.of(ctx.inputShape(operand), ctx.inputShape(scale), rowsOfA,
                name + " (input " + operand + ")", scaleName);
        if (ctx.hasInput(zero)) {
            QuantizationAxis.requireZeroPointShape(ctx.inputShape(scale), ctx.inputShape(zero), scaleName,
                    name + "_zero_point (input " + zero + ")");
        }
        return layout;
    }

    @Override
    public void execute(ExecContext ctx) {
        accumulators = ctx.scratch();
        product.multiply(ctx, accumulators);
        QuantizedElements.readScales(ctx.input(1), aScaleType, aScales);
        QuantizedElements.readScales(ctx.input(4), bScaleType, bScales);
        yScale = QuantizedElements.scale(yScaleType, ctx.input(6).data(), 0);
        yZero = (int) QuantizedElements.get(yType, ctx.input(7).data(), 0);
        y = ctx.output(0).data();
        ctx.parallel().forRange(product.batchCount() * product.m(), Math.max(1, 4096 / Math.max(1, product.n())), task);
    }

    /** Rows {@code [start, end)} of y, numbered over the batch. */
    private void requantizeRows(int start, int end) {
        int m = product.m();
        int n = product.n();
        int lowest = QuantizedElements.lowest(yType);
        int highest = QuantizedElements.highest(yType);
        for (int unit = start; unit < end; unit++) {
            int entry = unit / m;
            float aScale = aScales[aScaleLayout.index(product.aEntry(entry), unit % m)];
            int bEntry = product.bEntry(entry);
            long row = (long) unit * n;
            for (int col = 0; col < n; col++) {
                float multiplier = aScale * bScales[bScaleLayout.index(bEntry, col)] / yScale;
                int acc = accumulators.getAtIndex(Tensor.I32, row + col);
                y.set(ValueLayout.JAVA_BYTE, row + col,
                        (byte) QuantizedElements.requantize(acc, multiplier, yZero, lowest, highest));
            }
        }
    }
}
