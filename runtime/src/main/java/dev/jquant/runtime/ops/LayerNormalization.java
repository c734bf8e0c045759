package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Set;

/**
 * ONNX LayerNormalization (opset 17) on FLOAT32: each row {@code X[i0..i(axis-1), :]} is normalized
 * to mean 0 and variance 1 (variance as the mean squared deviation, {@code epsilon} added before the
 * square root), then scaled by {@code Scale} and shifted by the optional {@code B}; both hold one
 * value per element of a row. The optional outputs {@code Mean} and {@code InvStdDev} have X's shape
 * with the normalized dimensions set to 1. Rows run in parallel, each as three vectorized passes.
 */
final class LayerNormalization implements Operator {

    private static final FloatElementwise KERNELS = ElementwiseKernels.floats();

    private final Parallel.RangeTask task = this::normalizeRows;

    private boolean wantsMean;
    private boolean wantsInvStdDev;
    private long rows;
    private long rowLength;
    private float epsilon;
    private MemorySegment x;
    private MemorySegment scale;
    private MemorySegment bias;
    private MemorySegment y;
    private MemorySegment mean;
    private MemorySegment invStdDev;

    @Override
    public void prepare(PrepareContext ctx) {
        Set<DType> float32 = Set.of(DType.FLOAT32);
        ElementTypes.require("X (input 0)", ctx.inputType(0), float32);
        ElementTypes.require("Scale (input 1)", ctx.inputType(1), float32);
        if (ctx.hasInput(2)) {
            ElementTypes.require("B (input 2)", ctx.inputType(2), float32);
        }
        long stashType = ctx.node().attrInt("stash_type", 1);
        if (stashType != DType.FLOAT32.code()) {
            throw new IllegalArgumentException("stash_type " + stashType + " is not supported; only 1 (FLOAT32) is");
        }
        epsilon = ctx.node().attrFloat("epsilon", 1e-5f);
        long[] shape = ctx.inputShape(0);
        int rank = shape.length;
        int axis = ShapeOperands.axis(ctx.node().attrInt("axis", -1), rank, "axis");
        long[] normalized = Arrays.copyOfRange(shape, axis, rank);
        rowLength = Tensor.elementCount(normalized);
        rows = ShapeOperands.product(shape, 0, axis);
        if (rowLength > Integer.MAX_VALUE || rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + ShapeOperands.show(shape) + " is too large: rows and row "
                    + "length must each stay below 2^31");
        }
        requireRowShaped(ctx, 1, "Scale (input 1)", normalized);
        if (ctx.hasInput(2)) {
            requireRowShaped(ctx, 2, "B (input 2)", normalized);
        }
        wantsMean = ctx.hasOutput(1);
        wantsInvStdDev = ctx.hasOutput(2);
        long[] statsShape = shape.clone();
        Arrays.fill(statsShape, axis, rank, 1);
        OutputDeclaration.declare(ctx, new DType[] {DType.FLOAT32, DType.FLOAT32, DType.FLOAT32},
                new long[][] {shape, statsShape, statsShape}, 0);
    }

    /** Scale and B must hold one value per row element: the row's shape, leading 1s aside. */
    private static void requireRowShaped(PrepareContext ctx, int input, String name, long[] normalized) {
        long[] s = ctx.inputShape(input);
        if (!Arrays.equals(withoutLeadingOnes(s), withoutLeadingOnes(normalized))) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(s) + "; expected the normalized "
                    + "dimensions X[axis:] = " + Arrays.toString(normalized));
        }
    }

    private static long[] withoutLeadingOnes(long[] shape) {
        int lead = 0;
        while (lead < shape.length && shape[lead] == 1) {
            lead++;
        }
        return Arrays.copyOfRange(shape, lead, shape.length);
    }

    @Override
    public void execute(ExecContext ctx) {
        x = ctx.input(0).data();
        scale = ctx.input(1).data();
        bias = ctx.input(2) == null ? null : ctx.input(2).data();
        y = ctx.output(0).data();
        mean = wantsMean ? ctx.output(1).data() : null;
        invStdDev = wantsInvStdDev ? ctx.output(2).data() : null;
        int grain = (int) Math.max(1, Broadcast.PIECE / Math.max(1, rowLength));
        ctx.parallel().forRange((int) rows, grain, task);
    }

    private void normalizeRows(int from, int to) {
        int n = (int) rowLength;
        for (long r = from; r < to; r++) {
            long i = r * n;
            float m = KERNELS.sum(x, i, n) / n;
            float inv = (float) (1 / Math.sqrt(KERNELS.sumSquaredDeviation(x, i, m, n) / n + epsilon));
            KERNELS.normalize(x, i, m, inv, scale, 0, bias, 0, y, i, n);
            if (mean != null) {
                mean.setAtIndex(Tensor.F32, r, m);
            }
            if (invStdDev != null) {
                invStdDev.setAtIndex(Tensor.F32, r, inv);
            }
        }
    }
}
