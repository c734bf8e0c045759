package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Node;
import java.util.Random;

/** Integer tensors in and out, and runs with the inputs known while planning, for the tests of the quantized operators. */
final class QuantizedOpTesting {

    private QuantizedOpTesting() {
    }

    /** A tensor of an integer type (4-bit types packed) holding {@code values}. */
    static Tensor ints(DType type, int[] values, long... shape) {
        Tensor t = Tensor.allocate(type, shape);
        for (int i = 0; i < values.length; i++) {
            QuantizedElements.set(type, t.data(), i, values[i]);
        }
        return t;
    }

    static Tensor ints(DType type, int... values) {
        return ints(type, values, values.length);
    }

    /** A scalar (rank 0) of an integer type. */
    static Tensor scalar(DType type, int value) {
        return ints(type, new int[] {value}, new long[0]);
    }

    static Tensor scalar(float value) {
        return Tensor.ofFloats(new float[] {value});
    }

    /** The elements of an integer tensor. */
    static int[] values(Tensor t) {
        int[] out = new int[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) QuantizedElements.get(t.dtype(), t.data(), i);
        }
        return out;
    }

    /** Uniform random values of {@code type}'s whole range. */
    static int[] random(Random random, DType type, int count) {
        int lo = QuantizedElements.lowest(type);
        int hi = QuantizedElements.highest(type);
        int[] v = new int[count];
        for (int i = 0; i < count; i++) {
            v[i] = lo + random.nextInt(hi - lo + 1);
        }
        return v;
    }

    /**
     * Runs {@code node} with every input known while planning ({@code constant}, as a weight is) or none, so
     * that both the packed-weight and the plain paths are exercised.
     */
    static Tensor[] run(Node node, int opset, boolean constant, Parallel parallel, Tensor... inputs) {
        try {
            return NodeEvaluator.evaluate(node, opset, inputs, constant, parallel);
        } catch (UnsupportedOperatorException e) {
            throw new AssertionError(e);
        }
    }
}
