package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;

/**
 * ONNX DequantizeLinear (opsets 10–21): {@code y = (x − x_zero_point) · x_scale}, per tensor, per axis or
 * per block (see {@link QuantizationAxis}). x is UINT8, INT8, UINT16, INT16, UINT4, INT4 or INT32 (the
 * zero point, when given, of the same type); y has the scale's type (FLOAT32, FLOAT16 or BFLOAT16). The
 * difference is taken exactly in integers and multiplied in float32, as ONNX Runtime does; FLOAT16 and
 * BFLOAT16 results are rounded from that float.
 */
final class DequantizeLinear implements Operator {

    private static final Set<DType> INPUTS = ElementTypes.union(QuantizedElements.QUANTIZED, EnumSet.of(DType.INT32));

    private final Parallel.RangeTask task = this::dequantizePieces;

    private DType xType;
    private DType scaleType;
    private QuantizationAxis axis;
    private long count;
    // This run's tensors, for the chunks of the parallel loop (fields, so that it allocates nothing).
    private MemorySegment x;
    private MemorySegment scale;
    private MemorySegment zeroPoint;
    private MemorySegment y;

    @Override
    public void prepare(PrepareContext ctx) {
        xType = QuantizedElements.require(ctx, 0, "x (input 0)", INPUTS);
        scaleType = QuantizedElements.require(ctx, 1, "x_scale (input 1)", QuantizedElements.SCALES);
        long[] shape = ctx.inputShape(0);
        long[] scaleShape = ctx.inputShape(1);
        axis = QuantizationAxis.of(shape, scaleShape, ctx.node(), ctx.opset(), "x_scale (input 1)");
        if (ctx.hasInput(2)) {
            ElementTypes.requireSame("x (input 0)", xType, "x_zero_point (input 2)", ctx.inputType(2));
            QuantizationAxis.requireZeroPointShape(scaleShape, ctx.inputShape(2), "x_scale (input 1)",
                    "x_zero_point (input 2)");
        }
        count = Tensor.elementCount(shape);
        NeuralOperators.toInt(Math.ceilDiv(count, Broadcast.PIECE), "the number of pieces of " + Broadcast.PIECE);
        ctx.setOutput(0, scaleType, shape);
    }

    @Override
    public void execute(ExecContext ctx) {
        x = ctx.input(0).data();
        scale = ctx.input(1).data();
        Tensor zero = ctx.input(2);
        zeroPoint = zero == null ? null : zero.data();
        y = ctx.output(0).data();
        ctx.parallel().forRange((int) Math.ceilDiv(count, Broadcast.PIECE), 1, task);
    }

    private void dequantizePieces(int start, int end) {
        long last = Math.min(count, (long) end * Broadcast.PIECE);
        for (long i = (long) start * Broadcast.PIECE; i < last; ) {
            long runEnd = axis.runEnd(i, last);
            long p = axis.parameter(i);
            float s = QuantizedElements.scale(scaleType, scale, p);
            long z = zeroPoint == null ? 0 : QuantizedElements.get(xType, zeroPoint, p);
            if (scaleType == DType.FLOAT32 && xType == DType.UINT8) {
                // the common case (quantized embeddings and activations) without the type switches
                for (long j = i; j < runEnd; j++) {
                    y.setAtIndex(Tensor.F32, j, (Byte.toUnsignedInt(x.get(ValueLayout.JAVA_BYTE, j)) - z) * s);
                }
            } else {
                for (long j = i; j < runEnd; j++) {
                    float v = (QuantizedElements.get(xType, x, j) - z) * s;
                    if (scaleType == DType.FLOAT32) {
                        y.setAtIndex(Tensor.F32, j, v);
                    } else {
                        NumericElements.setDouble(scaleType, y, j, v);
                    }
                }
            }
            i = runEnd;
        }
    }
}
