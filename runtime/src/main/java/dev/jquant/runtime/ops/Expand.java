package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ShapeOperands.show;

/**
 * ONNX Expand: broadcasts the input against the shape in input 1 (numpy rules, both ways: a 1 in the
 * requested shape keeps the input's dimension).
 */
final class Expand implements Operator {

    private StridedCopy copy;

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        long[] requested = ShapeOperands.ints(ctx.requireConstantInput(1, "shape"), "shape");
        int rank = Math.max(in.length, requested.length);
        long[] out = new long[rank];
        long[] srcStrides = new long[rank];
        long[] inStrides = ShapeOperands.strides(in);
        for (int i = 0; i < rank; i++) {
            int ii = i - (rank - in.length);
            int ri = i - (rank - requested.length);
            long a = ii >= 0 ? in[ii] : 1;
            long b = ri >= 0 ? requested[ri] : 1;
            if (a != b && a != 1 && b != 1) {
                throw new IllegalArgumentException("cannot broadcast input shape " + show(in) + " to " + show(requested)
                        + ": dimension " + a + " against " + b);
            }
            if (b < 0) {
                throw new IllegalArgumentException("shape " + show(requested) + " has a negative dimension");
            }
            out[i] = a == 1 ? b : a;
            srcStrides[i] = a == 1 ? 0 : inStrides[ii];
        }
        copy = new StridedCopy(out, srcStrides, ShapeOperands.strides(out), ElementBytes.of(ctx.inputType(0)));
        ctx.setOutput(0, ctx.inputType(0), out);
    }

    @Override
    public void execute(ExecContext ctx) {
        copy.run(ctx.input(0).data(), 0, ctx.output(0).data(), 0, ctx.parallel());
    }
}
