package dev.jquant.runtime.ops;

/**
 * ONNX Unsqueeze: inserts axes of size 1 at the given positions of the output ({@code axes} attribute
 * before opset 13, input 1 from 13), in any order.
 */
final class Unsqueeze extends SameDataOperator {

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        long[] axes = ShapeOperands.inputOrAttribute(ctx, 1, "axes");
        if (axes == null) {
            throw new IllegalArgumentException("axes are required (attribute before opset 13, input 1 from 13)");
        }
        int rank = in.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (int a : ShapeOperands.axes(axes, rank, "axes")) {
            inserted[a] = true;
        }
        long[] out = new long[rank];
        for (int i = 0, next = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : in[next++];
        }
        ctx.setOutput(0, ctx.inputType(0), out);
    }
}
