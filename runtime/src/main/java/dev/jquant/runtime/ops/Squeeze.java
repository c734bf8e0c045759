package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ShapeOperands.show;

import java.util.Arrays;

/**
 * ONNX Squeeze: removes the given axes of size 1 ({@code axes} attribute before opset 13, input 1 from 13),
 * or every axis of size 1 when none are given (an empty axes tensor counts as none, as in ONNX Runtime).
 */
final class Squeeze extends SameDataOperator {

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        long[] axes = ShapeOperands.inputOrAttribute(ctx, 1, "axes");
        boolean[] drop = new boolean[in.length];
        if (axes == null || axes.length == 0) {
            for (int i = 0; i < in.length; i++) {
                drop[i] = in[i] == 1;
            }
        } else {
            for (int a : ShapeOperands.axes(axes, in.length, "axes")) {
                if (in[a] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + a + " of shape " + show(in)
                            + ": its size is " + in[a] + ", not 1");
                }
                drop[a] = true;
            }
        }
        long[] out = new long[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (!drop[i]) {
                out[n++] = in[i];
            }
        }
        ctx.setOutput(0, ctx.inputType(0), Arrays.copyOf(out, n));
    }
}
