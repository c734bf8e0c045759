package dev.jquant.runtime.ops;

/** ONNX Flatten: a 2-D view, dimensions before {@code axis} (default 1) in the first, the rest in the second. */
final class Flatten extends SameDataOperator {

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        long axis = ctx.node().attrInt("axis", 1);
        // axis may equal the rank here: everything goes into the first dimension.
        int a = axis == in.length ? in.length : ShapeOperands.axis(axis, in.length, "axis");
        ctx.setOutput(0, ctx.inputType(0),
                ShapeOperands.product(in, 0, a), ShapeOperands.product(in, a, in.length));
    }
}
