package dev.jquant.runtime.ops;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;

/**
 * ONNX Constant: a tensor held in one attribute ({@code value}, {@code value_float}, {@code value_floats},
 * {@code value_int} or {@code value_ints}); a plan constant, so the node never runs.
 */
final class Constant implements Operator {

    @Override
    public void prepare(PrepareContext ctx) {
        ctx.setConstantOutput(0, value(ctx.node()));
    }

    private static Tensor value(Node node) {
        if (node.has("value")) {
            return node.attrTensor("value");
        }
        if (node.has("value_float")) {
            return Tensor.ofFloats(new float[] {node.attrFloat("value_float", 0)});
        }
        if (node.has("value_floats")) {
            float[] v = node.attrFloats("value_floats", null);
            return Tensor.ofFloats(v, v.length);
        }
        if (node.has("value_int")) {
            return Tensor.scalarLong(node.attrInt("value_int", 0));
        }
        if (node.has("value_ints")) {
            long[] v = node.attrInts("value_ints", null);
            return Tensor.ofLongs(v, v.length);
        }
        throw new UnsupportedVariantException("no supported value attribute among " + node.attributes().keySet()
                + "; expected one of [value, value_float, value_floats, value_int, value_ints]"
                + " (string and sparse constants are not supported)");
    }

    /** Nothing to compute: the output was set as a constant in prepare. */
    @Override
    public void execute(ExecContext ctx) {
    }
}
