package dev.jquant.runtime.ops;

import java.util.Arrays;

/** ONNX Transpose: output axis {@code i} is input axis {@code perm[i]}; {@code perm} defaults to reversing the axes. */
final class Transpose implements Operator {

    private StridedCopy copy;

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        int rank = in.length;
        long[] perm = ctx.node().attrInts("perm", null);
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        if (perm.length != rank) {
            throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " has " + perm.length
                    + " entries, the input has rank " + rank);
        }
        int[] axes = ShapeOperands.axes(perm, rank, "perm");
        long[] inStrides = ShapeOperands.strides(in);
        long[] out = new long[rank];
        long[] srcStrides = new long[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = in[axes[i]];
            srcStrides[i] = inStrides[axes[i]];
        }
        copy = new StridedCopy(out, srcStrides, ShapeOperands.strides(out), ElementBytes.of(ctx.inputType(0)));
        ctx.setOutput(0, ctx.inputType(0), out);
    }

    @Override
    public void execute(ExecContext ctx) {
        copy.run(ctx.input(0).data(), 0, ctx.output(0).data(), 0, ctx.parallel());
    }
}
