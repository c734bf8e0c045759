package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;

/**
 * ArgMax and ArgMin: the INT64 index of the largest (smallest) element along {@code axis} (default 0),
 * the first one on ties, or the last with {@code select_last_index}. {@code keepdims} (default 1)
 * keeps the axis with size 1. Integers compare as longs, floats as doubles.
 */
final class ArgMaxMin implements Operator {

    private final boolean max;

    private DType type;
    private long outer;
    private long length;
    private long inner;
    private boolean last;

    private ArgMaxMin(boolean max) {
        this.max = max;
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        into.put("ArgMax", (node, opset) -> new ArgMaxMin(true));
        into.put("ArgMin", (node, opset) -> new ArgMaxMin(false));
    }

    @Override
    public void prepare(PrepareContext ctx) {
        type = ctx.inputType(0);
        ElementTypes.require("data", type, ElementTypes.NUMERIC);
        long[] shape = ctx.inputShape(0);
        int rank = shape.length;
        int axis = ShapeOperands.axis(ctx.node().attrInt("axis", 0), rank, "axis");
        if (shape[axis] == 0) {
            throw new IllegalArgumentException("axis " + axis + " of shape " + Arrays.toString(shape)
                    + " is empty; there is no index to return");
        }
        last = ctx.node().attrInt("select_last_index", 0) != 0;
        outer = ShapeOperands.product(shape, 0, axis);
        length = shape[axis];
        inner = ShapeOperands.product(shape, axis + 1, rank);
        long[] out;
        if (ctx.node().attrInt("keepdims", 1) != 0) {
            out = shape.clone();
            out[axis] = 1;
        } else {
            out = new long[rank - 1];
            System.arraycopy(shape, 0, out, 0, axis);
            System.arraycopy(shape, axis + 1, out, axis, rank - axis - 1);
        }
        OutputDeclaration.declare(ctx, DType.INT64, out);
    }

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment x = ctx.input(0).data();
        MemorySegment y = ctx.output(0).data();
        boolean integer = ElementTypes.isInteger(type);
        for (long o = 0; o < outer; o++) {
            for (long j = 0; j < inner; j++) {
                long base = o * length * inner + j;
                long best = 0;
                for (long k = 1; k < length; k++) {
                    long candidate = base + k * inner;
                    long incumbent = base + best * inner;
                    int order = integer
                            ? Long.compare(NumericElements.getLong(type, x, candidate), NumericElements.getLong(type, x, incumbent))
                            // + 0.0 turns -0.0 into 0.0, which numpy counts as equal; NaN stays the largest
                            : Double.compare(NumericElements.getDouble(type, x, candidate) + 0.0,
                                    NumericElements.getDouble(type, x, incumbent) + 0.0);
                    if (max ? order > 0 || (last && order == 0) : order < 0 || (last && order == 0)) {
                        best = k;
                    }
                }
                y.setAtIndex(Tensor.I64, o * inner + j, best);
            }
        }
    }
}
