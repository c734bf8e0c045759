package dev.jquant.runtime.ops;

import java.util.Arrays;

/**
 * ONNX Slice: for each listed axis, elements {@code start, start+step, ...} up to (excluding) {@code end}.
 * Starts, ends and axes are attributes before opset 10 and inputs (with steps, which may be negative) from
 * 10. Out-of-range starts and ends are clamped as the spec says, so {@code INT64_MAX} means "to the end".
 */
final class Slice implements Operator {

    private StridedCopy copy;
    private long srcBaseBytes;

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        int rank = in.length;
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (ctx.opset() < 10) {
            starts = required(ctx.node().attrInts("starts", null), "starts");
            ends = required(ctx.node().attrInts("ends", null), "ends");
            axes = ctx.node().attrInts("axes", null);
        } else {
            starts = ShapeOperands.ints(ctx.requireConstantInput(1, "starts"), "starts");
            ends = ShapeOperands.ints(ctx.requireConstantInput(2, "ends"), "ends");
            axes = ctx.hasInput(3) ? ShapeOperands.ints(ctx.requireConstantInput(3, "axes"), "axes") : null;
            steps = ctx.hasInput(4) ? ShapeOperands.ints(ctx.requireConstantInput(4, "steps"), "steps") : null;
        }
        if (axes == null) {
            axes = new long[starts.length];
            Arrays.setAll(axes, i -> i);
        }
        if (ends.length != starts.length || axes.length != starts.length || (steps != null && steps.length != starts.length)) {
            throw new IllegalArgumentException("starts, ends, axes and steps must have one entry per sliced axis; got "
                    + starts.length + ", " + ends.length + ", " + axes.length + ", " + (steps == null ? "-" : steps.length));
        }
        int[] ax = ShapeOperands.axes(axes, rank, "axes");
        long[] out = in.clone();
        long[] inStrides = ShapeOperands.strides(in);
        long[] srcStrides = inStrides.clone();
        long base = 0;
        for (int i = 0; i < ax.length; i++) {
            int a = ax[i];
            long dim = in[a];
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw new IllegalArgumentException("steps " + Arrays.toString(steps) + " has a 0 for axis " + a);
            }
            long start = clamp(starts[i] < 0 ? saturatingAdd(starts[i], dim) : starts[i], 0, step > 0 ? dim : dim - 1);
            long end = clamp(ends[i] < 0 ? saturatingAdd(ends[i], dim) : ends[i], step > 0 ? 0 : -1, step > 0 ? dim : dim - 1);
            long length = step > 0 ? Math.ceilDiv(end - start, step) : Math.ceilDiv(start - end, -step);
            out[a] = Math.max(0, length);
            if (out[a] > 0) {
                base += start * inStrides[a];
            }
            srcStrides[a] = inStrides[a] * step;
        }
        int elementBytes = ElementBytes.of(ctx.inputType(0));
        copy = new StridedCopy(out, srcStrides, ShapeOperands.strides(out), elementBytes);
        srcBaseBytes = base * elementBytes;
        ctx.setOutput(0, ctx.inputType(0), out);
    }

    private static long[] required(long[] values, String name) {
        if (values == null) {
            throw new IllegalArgumentException("attribute '" + name + "' is required before opset 10");
        }
        return values;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public void execute(ExecContext ctx) {
        copy.run(ctx.input(0).data(), srcBaseBytes, ctx.output(0).data(), 0, ctx.parallel());
    }
}
