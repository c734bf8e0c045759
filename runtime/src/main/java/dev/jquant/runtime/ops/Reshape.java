package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ShapeOperands.show;

import dev.jquant.runtime.Tensor;

/**
 * ONNX Reshape: the same elements under the shape given by input 1, where 0 copies the input's dimension
 * (unless {@code allowzero=1}, opset 14, makes it a real zero) and one -1 is inferred.
 */
final class Reshape extends SameDataOperator {

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        long[] requested = ShapeOperands.ints(ctx.requireConstantInput(1, "shape"), "shape");
        boolean allowZero = ctx.node().attrInt("allowzero", 0) != 0;
        long[] out = requested.clone();
        int inferred = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("shape " + show(requested) + " has more than one -1");
                }
                inferred = i;
            } else if (out[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new IllegalArgumentException("shape " + show(requested) + " copies dimension " + i
                            + " (0) of the input, which has only " + in.length + " dimensions " + show(in));
                }
                out[i] = in[i];
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("shape " + show(requested) + " has dimension " + out[i]
                        + "; valid: >= 0, or -1 once to infer it");
            }
        }
        long inCount = Tensor.elementCount(in);
        if (inferred >= 0) {
            if (allowZero && contains(requested, 0)) {
                throw new IllegalArgumentException("shape " + show(requested) + " mixes -1 with 0 while allowzero=1");
            }
            out[inferred] = 1;
            long known = Tensor.elementCount(out);
            if (known == 0 || inCount % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + show(in) + " (" + inCount + " elements) to "
                        + show(requested) + ": the other dimensions multiply to " + known + ", which does not divide "
                        + inCount);
            }
            out[inferred] = inCount / known;
        }
        long outCount = Tensor.elementCount(out);
        if (outCount != inCount) {
            throw new IllegalArgumentException("cannot reshape " + show(in) + " (" + inCount + " elements) to "
                    + show(requested) + " (" + outCount + " elements)");
        }
        ctx.setOutput(0, ctx.inputType(0), out);
    }

    private static boolean contains(long[] values, long v) {
        for (long x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
