package dev.jquant.runtime.ops;

import dev.jquant.runtime.Tensor;
import java.util.Arrays;

/**
 * ONNX Shape: the input's dimensions as an INT64 vector, optionally only {@code [start, end)} (opset 15;
 * negative values count from the end, out-of-range values are clamped). Known once shapes are, so the
 * output is a plan constant and the node never runs.
 */
final class Shape implements Operator {

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        int rank = in.length;
        int start = bound(ctx.node().attrInt("start", 0), rank);
        int end = bound(ctx.node().attrInt("end", rank), rank);
        long[] dims = Arrays.copyOfRange(in, start, Math.max(start, end));
        ctx.setConstantOutput(0, Tensor.ofLongs(dims, dims.length));
    }

    private static int bound(long index, int rank) {
        return (int) Math.clamp(index < 0 ? index + rank : index, 0, rank);
    }

    /** Nothing to compute: the output was set as a constant in prepare. */
    @Override
    public void execute(ExecContext ctx) {
    }
}
