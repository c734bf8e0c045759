package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.kernels.elementwise.UnaryOp;
import dev.jquant.runtime.DType;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;

/**
 * Softmax and LogSoftmax on FLOAT32, shifted by the maximum so that large inputs do not overflow.
 * Before opset 13 the input is seen as a matrix split at {@code axis} (default 1) and each row is
 * normalized; from opset 13 the normalization runs along the single axis {@code axis} (default -1).
 *
 * <p>When the axis is the innermost (always, before opset 13), each row is contiguous: a vectorized
 * max, exp-and-sum and scale, rows in parallel. Otherwise the rows are strided; the kernels then run
 * across the inner dimension, keeping the running maxima and sums in scratch memory.
 */
final class Softmax implements Operator {

    private static final FloatElementwise KERNELS = ElementwiseKernels.floats();

    private final boolean log;
    private final int opset;
    private final Parallel.RangeTask contiguousTask = this::contiguousRows;
    private final Parallel.RangeTask stridedTask = this::stridedColumns;

    private long outer;
    private long length;
    private long inner;
    private MemorySegment x;
    private MemorySegment y;
    private MemorySegment scratch;

    private Softmax(boolean log, int opset) {
        this.log = log;
        this.opset = opset;
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        into.put("Softmax", (node, opset) -> new Softmax(false, opset));
        into.put("LogSoftmax", (node, opset) -> new Softmax(true, opset));
    }

    @Override
    public void prepare(PrepareContext ctx) {
        ElementTypes.require("input", ctx.inputType(0), Set.of(DType.FLOAT32));
        long[] shape = ctx.inputShape(0);
        int rank = shape.length;
        if (rank == 0) {
            throw new IllegalArgumentException("input must have at least one dimension, got a scalar");
        }
        int axis = ShapeOperands.axis(ctx.node().attrInt("axis", opset >= 13 ? -1 : 1), rank, "axis");
        outer = ShapeOperands.product(shape, 0, axis);
        if (opset >= 13) {
            length = shape[axis];
            inner = ShapeOperands.product(shape, axis + 1, rank);
        } else {
            length = ShapeOperands.product(shape, axis, rank);
            inner = 1;
        }
        if (length > Integer.MAX_VALUE || outer > Integer.MAX_VALUE || inner > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + ShapeOperands.show(shape) + " is too large: rows, row "
                    + "length and inner size must each stay below 2^31");
        }
        long scratchBytes = inner == 1 ? 0 : 2 * inner * Float.BYTES;
        OutputDeclaration.declare(ctx, new DType[] {DType.FLOAT32}, new long[][] {shape}, scratchBytes);
    }

    @Override
    public void execute(ExecContext ctx) {
        x = ctx.input(0).data();
        y = ctx.output(0).data();
        scratch = ctx.scratch();
        if (inner == 1) {
            int grain = (int) Math.max(1, Broadcast.PIECE / Math.max(1, length));
            ctx.parallel().forRange((int) outer, grain, contiguousTask);
        } else {
            int grain = Math.max(1, (int) (Broadcast.PIECE / Math.max(1, length * outer)));
            ctx.parallel().forRange((int) inner, grain, stridedTask);
        }
    }

    private void contiguousRows(int from, int to) {
        int n = (int) length;
        for (long r = from; r < to; r++) {
            long i = r * n;
            float max = KERNELS.max(x, i, n);
            float sum = KERNELS.expShifted(x, i, max, y, i, n);
            if (log) {
                // (x - max) - log(sum): adding max and log(sum) first would round at max's magnitude
                KERNELS.binaryScalarRight(BinaryOp.SUB, x, i, max, y, i, n);
                KERNELS.binaryScalarRight(BinaryOp.SUB, y, i, (float) Math.log(sum), y, i, n);
            } else {
                KERNELS.binaryScalarRight(BinaryOp.MUL, y, i, 1f / sum, y, i, n);
            }
        }
    }

    /**
     * Inner positions {@code [from, to)} of every outer block: the rows along the axis are
     * {@code inner} apart, so each kernel call covers {@code to - from} neighbouring positions of one
     * slice. Maxima live in scratch {@code [0, inner)}, sums in {@code [inner, 2 inner)}.
     */
    private void stridedColumns(int from, int to) {
        int n = to - from;
        long max = from;
        long sum = inner + from;
        for (long o = 0; o < outer; o++) {
            long base = o * length * inner + from;
            MemorySegment.copy(x, base * Float.BYTES, scratch, max * Float.BYTES, (long) n * Float.BYTES);
            for (long k = 1; k < length; k++) {
                KERNELS.binary(BinaryOp.MAX, scratch, max, x, base + k * inner, scratch, max, n);
            }
            for (long k = 0; k < length; k++) {
                long i = base + k * inner;
                KERNELS.binary(BinaryOp.SUB, x, i, scratch, max, y, i, n);
                KERNELS.unary(UnaryOp.EXP, 0, 0, y, i, y, i, n);
                if (k == 0) {
                    MemorySegment.copy(y, i * Float.BYTES, scratch, sum * Float.BYTES, (long) n * Float.BYTES);
                } else {
                    KERNELS.binary(BinaryOp.ADD, scratch, sum, y, i, scratch, sum, n);
                }
            }
            if (log) {
                KERNELS.unary(UnaryOp.LOG, 0, 0, scratch, sum, scratch, sum, n);
                for (long k = 0; k < length; k++) {
                    long i = base + k * inner;
                    KERNELS.binary(BinaryOp.SUB, x, i, scratch, max, y, i, n);
                    KERNELS.binary(BinaryOp.SUB, y, i, scratch, sum, y, i, n);
                }
            } else {
                for (long k = 0; k < length; k++) {
                    long i = base + k * inner;
                    KERNELS.binary(BinaryOp.DIV, y, i, scratch, sum, y, i, n);
                }
            }
        }
    }
}
