package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ShapeOperands.show;

import java.util.Arrays;

/** ONNX Tile: the input repeated {@code repeats[i]} times along each axis {@code i}. */
final class Tile implements Operator {

    private StridedCopy copy;

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        long[] repeats = ShapeOperands.ints(ctx.requireConstantInput(1, "repeats"), "repeats");
        int rank = in.length;
        if (repeats.length != rank) {
            throw new IllegalArgumentException("repeats " + Arrays.toString(repeats) + " must have one entry per axis of "
                    + show(in));
        }
        // Iterate [r0, d0, r1, d1, ...]: each repetition reads the input again (stride 0) into its own block.
        long[] out = new long[rank];
        long[] shape = new long[2 * rank];
        long[] srcStrides = new long[2 * rank];
        long[] dstStrides = new long[2 * rank];
        for (int i = 0; i < rank; i++) {
            if (repeats[i] < 0) {
                throw new IllegalArgumentException("repeats " + Arrays.toString(repeats) + " must be >= 0");
            }
            out[i] = Math.multiplyExact(in[i], repeats[i]);
        }
        long[] inStrides = ShapeOperands.strides(in);
        long[] outStrides = ShapeOperands.strides(out);
        for (int i = 0; i < rank; i++) {
            shape[2 * i] = repeats[i];
            shape[2 * i + 1] = in[i];
            srcStrides[2 * i + 1] = inStrides[i];
            dstStrides[2 * i] = in[i] * outStrides[i];
            dstStrides[2 * i + 1] = outStrides[i];
        }
        copy = new StridedCopy(shape, srcStrides, dstStrides, ElementBytes.of(ctx.inputType(0)));
        ctx.setOutput(0, ctx.inputType(0), out);
    }

    @Override
    public void execute(ExecContext ctx) {
        copy.run(ctx.input(0).data(), 0, ctx.output(0).data(), 0, ctx.parallel());
    }
}
