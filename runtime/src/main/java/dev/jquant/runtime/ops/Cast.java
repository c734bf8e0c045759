package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Cast (to the type in attribute {@code to}) and CastLike (to the type of input 1) between the
 * byte-aligned types: floats round to nearest, floats to integers truncate toward zero, integers wrap
 * to the target width, and anything non-zero is BOOL true. Casting to BFLOAT16 truncates the float's
 * mantissa, as ONNX's Cast test data (opset 13, {@code test_cast_FLOAT_to_BFLOAT16}) expects.
 * {@code saturate} (opset 19) concerns only the FLOAT8 types, which jquant does not have.
 */
final class Cast implements Operator {

    private final boolean like;
    private final Parallel.RangeTask task = this::run;

    private DType from;
    private DType to;
    private Broadcast pieces;
    private MemorySegment x;
    private MemorySegment y;

    private Cast(boolean like) {
        this.like = like;
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        into.put("Cast", (node, opset) -> new Cast(false));
        into.put("CastLike", (node, opset) -> new Cast(true));
    }

    @Override
    public void prepare(PrepareContext ctx) {
        from = ctx.inputType(0);
        ElementTypes.require("input", from, ElementTypes.ALL);
        if (like) {
            to = ctx.inputType(1);
        } else {
            long code = ctx.node().attrInt("to", -1);
            if (code < 0) {
                throw new IllegalArgumentException("attribute 'to' (the target type's ONNX code) is required");
            }
            to = DType.fromCode((int) code).orElseThrow(() -> new IllegalArgumentException("attribute 'to' = " + code
                    + " is not a type jquant has; supported: " + ElementTypes.ALL));
        }
        if (!ElementTypes.ALL.contains(to)) {
            throw new IllegalArgumentException("cannot cast to " + to + "; supported: " + ElementTypes.ALL);
        }
        long[] shape = ctx.inputShape(0);
        pieces = Broadcast.of(shape, shape);
        OutputDeclaration.declare(ctx, to, shape);
    }

    @Override
    public void execute(ExecContext ctx) {
        x = ctx.input(0).data();
        y = ctx.output(0).data();
        if (from == to) {
            MemorySegment.copy(x, 0, y, 0, y.byteSize());
        } else {
            ctx.parallel().forRange(pieces.pieces(), pieces.grain(), task);
        }
    }

    private void run(int start, int end) {
        boolean fromValue = from.isFloatingPoint() || from == DType.UINT64;
        for (int p = start; p < end; p++) {
            long first = pieces.outputIndex(pieces.row(p), pieces.start(p));
            for (long i = first, last = first + pieces.length(p); i < last; i++) {
                if (to == DType.BFLOAT16) {
                    float v = fromValue ? (float) NumericElements.getDouble(from, x, i) : NumericElements.getLong(from, x, i);
                    y.setAtIndex(Tensor.I16, i, bfloat16Truncated(v));
                } else if (fromValue && (from != DType.UINT64 || to.isFloatingPoint())) {
                    NumericElements.setDouble(to, y, i, NumericElements.getDouble(from, x, i));
                } else {
                    NumericElements.setLong(to, y, i, NumericElements.getLong(from, x, i));
                }
            }
        }
    }

    private static short bfloat16Truncated(float v) {
        int bits = Float.floatToRawIntBits(v);
        // a NaN whose payload sits only in the dropped bits must stay a NaN
        return (short) (Float.isNaN(v) ? (bits >>> 16) | 0x40 : bits >>> 16);
    }
}
