package dev.jquant.runtime.ops;

/** ONNX Identity: the input, unchanged. */
final class Identity extends SameDataOperator {

    @Override
    public void prepare(PrepareContext ctx) {
        ctx.setOutput(0, ctx.inputType(0), ctx.inputShape(0));
    }
}
