package dev.jquant.runtime.ops;

import dev.jquant.runtime.Tensor;
import java.util.Arrays;

/**
 * Reading shape-like operands (axes, shapes, pads, repeats) from constant inputs or attributes, and
 * normalizing axes, with errors that name the operand and the valid range.
 */
final class ShapeOperands {

    private ShapeOperands() {
    }

    /** The integer values of {@code t}, whatever integer type the model chose. */
    static long[] ints(Tensor t, String what) {
        return switch (t.dtype()) {
            case INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, UINT64 -> t.toLongArrayWidening();
            default -> throw new IllegalArgumentException(what + " must be an integer tensor, got " + t);
        };
    }

    /**
     * The integers of constant input {@code input} when the node has it, else of attribute {@code attribute}
     * (the form used before the attribute became an input), else null.
     */
    static long[] inputOrAttribute(PrepareContext ctx, int input, String attribute) {
        if (ctx.hasInput(input)) {
            return ints(ctx.requireConstantInput(input, "'" + attribute + "'"), "'" + attribute + "'");
        }
        return ctx.node().attrInts(attribute, null);
    }

    /** {@code axis} in {@code [-rank, rank)} mapped to {@code [0, rank)}. */
    static int axis(long axis, int rank, String what) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(what + " " + axis + " is out of range for rank " + rank
                    + " (valid: " + -rank + ".." + (rank - 1) + ")");
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** Each of {@code axes} normalized; refuses repeats. */
    static int[] axes(long[] axes, int rank, String what) {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(axes[i], rank, what);
            if (seen[out[i]]) {
                throw new IllegalArgumentException(what + " " + Arrays.toString(axes) + " name axis " + out[i] + " twice");
            }
            seen[out[i]] = true;
        }
        return out;
    }

    /** Row-major strides, in elements. */
    static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = stride;
            stride *= shape[i];
        }
        return s;
    }

    static long product(long[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n = Math.multiplyExact(n, shape[i]);
        }
        return n;
    }

    static String show(long[] shape) {
        return Arrays.toString(shape);
    }
}
