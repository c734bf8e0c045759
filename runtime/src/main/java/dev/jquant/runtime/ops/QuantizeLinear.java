package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.qgemm.ActivationQuantizer;
import dev.jquant.kernels.qgemm.QuantizedKernels;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * ONNX QuantizeLinear (opsets 10–21): {@code y = saturate(rint(x / y_scale) + y_zero_point)}, per tensor,
 * per axis or per block (see {@link QuantizationAxis}). y has the zero point's type, else the type the
 * {@code output_dtype} attribute (opset 21) names, else UINT8: UINT8, INT8, UINT16, INT16, UINT4 or INT4.
 * x may be FLOAT32, FLOAT16, BFLOAT16 or INT32; every value and scale is divided in float32, as ONNX
 * Runtime does. The FLOAT8 outputs (and their {@code saturate} attribute) are not supported.
 *
 * <p>FLOAT32 to 8 bits runs on the vector quantizer of {@code kernels-java}; everything else on
 * {@link QuantizedElements#quantize}, the same arithmetic.
 */
final class QuantizeLinear implements Operator {

    private static final ActivationQuantizer QUANTIZER = QuantizedKernels.quantizer();
    private static final Set<DType> INPUTS = Collections.unmodifiableSet(
            EnumSet.of(DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.INT32));
    /** ONNX codes of the FLOAT8 types (FLOAT8E4M3FN .. FLOAT8E5M2FNUZ), which jquant does not have. */
    private static final int FIRST_FLOAT8 = 17;
    private static final int LAST_FLOAT8 = 20;

    private final Parallel.RangeTask task = this::quantizePieces;

    private DType xType;
    private DType scaleType;
    private DType yType;
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
        scaleType = QuantizedElements.require(ctx, 1, "y_scale (input 1)", QuantizedElements.SCALES);
        long[] shape = ctx.inputShape(0);
        long[] scaleShape = ctx.inputShape(1);
        axis = QuantizationAxis.of(shape, scaleShape, ctx.node(), ctx.opset(), "y_scale (input 1)");
        yType = outputType(ctx);
        if (ctx.hasInput(2)) {
            QuantizationAxis.requireZeroPointShape(scaleShape, ctx.inputShape(2), "y_scale (input 1)",
                    "y_zero_point (input 2)");
        }
        count = Tensor.elementCount(shape);
        NeuralOperators.toInt(Math.ceilDiv(count, Broadcast.PIECE), "the number of pieces of " + Broadcast.PIECE);
        ctx.setOutput(0, yType, shape);
    }

    private static DType outputType(PrepareContext ctx) {
        long code = ctx.node().attrInt("output_dtype", 0);
        if (code >= FIRST_FLOAT8 && code <= LAST_FLOAT8) {
            throw new UnsupportedVariantException("attribute 'output_dtype' = " + code + " is a FLOAT8 type, which jquant "
                    + "does not have; supported: " + QuantizedElements.QUANTIZED);
        }
        DType named = code == 0 ? null : DType.fromCode((int) code).filter(QuantizedElements.QUANTIZED::contains)
                .orElseThrow(() -> new IllegalArgumentException("attribute 'output_dtype' = " + code
                        + " is not a quantized type; supported: " + QuantizedElements.QUANTIZED + " (ONNX codes 2, 3, 4, 5, 21, 22)"));
        if (!ctx.hasInput(2)) {
            return named == null ? DType.UINT8 : named;
        }
        DType zero = QuantizedElements.require(ctx, 2, "y_zero_point (input 2)", QuantizedElements.QUANTIZED);
        if (named != null && named != zero) {
            throw new IllegalArgumentException("attribute 'output_dtype' says " + named + " but y_zero_point (input 2) is "
                    + zero + "; they must agree");
        }
        return zero;
    }

    @Override
    public void execute(ExecContext ctx) {
        x = ctx.input(0).data();
        scale = ctx.input(1).data();
        Tensor zero = ctx.input(2);
        zeroPoint = zero == null ? null : zero.data();
        y = ctx.output(0).data();
        // Pieces hold an even number of elements, so no two threads write into one byte of 4-bit output.
        ctx.parallel().forRange((int) Math.ceilDiv(count, Broadcast.PIECE), 1, task);
    }

    private void quantizePieces(int start, int end) {
        int lowest = QuantizedElements.lowest(yType);
        int highest = QuantizedElements.highest(yType);
        boolean kernel = xType == DType.FLOAT32 && QuantizedElements.EIGHT_BIT.contains(yType);
        long last = Math.min(count, (long) end * Broadcast.PIECE);
        for (long i = (long) start * Broadcast.PIECE; i < last; ) {
            long runEnd = axis.runEnd(i, last);
            long p = axis.parameter(i);
            float s = QuantizedElements.scale(scaleType, scale, p);
            int z = zeroPoint == null ? 0 : (int) QuantizedElements.get(yType, zeroPoint, p);
            if (kernel) {
                QUANTIZER.quantize(x, i, (int) (runEnd - i), s, z, yType == DType.INT8, y, i);
            } else {
                for (long j = i; j < runEnd; j++) {
                    float v = xType == DType.FLOAT32 ? x.getAtIndex(Tensor.F32, j) : (float) NumericElements.getDouble(xType, x, j);
                    QuantizedElements.set(yType, y, j, QuantizedElements.quantize(v, s, z, lowest, highest));
                }
            }
            i = runEnd;
        }
    }
}
