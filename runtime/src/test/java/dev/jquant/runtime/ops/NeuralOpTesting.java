package dev.jquant.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Single-node runs and float comparisons for the tests of MatMul, Gemm, Conv, pooling and BatchNormalization. */
final class NeuralOpTesting {

    /** Claims three threads and runs their chunks one after another, so work splits are exercised. */
    static final Parallel THREE_CHUNKS = new Parallel() {
        @Override
        public int threads() {
            return 3;
        }

        @Override
        public void forRange(int count, int grain, RangeTask task) {
            int chunks = (int) Math.min(3, Math.max(1, count / (long) Math.max(1, grain)));
            for (int c = 0; c < chunks; c++) {
                int start = (int) ((long) count * c / chunks);
                int end = (int) ((long) count * (c + 1) / chunks);
                if (start < end) {
                    task.run(start, end);
                }
            }
        }
    };

    private NeuralOpTesting() {
    }

    /** A node with inputs x0.. and outputs y0..; attributes as name, value pairs. Absent optional inputs are passed as null. */
    static Node node(String op, int inputs, int outputs, Object... attributes) {
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            in.add("x" + i);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add("y" + i);
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (int i = 0; i < attributes.length; i += 2) {
            Object v = attributes[i + 1];
            attrs.put((String) attributes[i], switch (v) {
                case Integer x -> new Attribute.IntValue(x);
                case Long x -> new Attribute.IntValue(x);
                case Float x -> new Attribute.FloatValue(x);
                case String x -> new Attribute.StringValue(x);
                case long[] x -> new Attribute.IntsValue(x);
                default -> throw new IllegalArgumentException("no attribute kind for " + v);
            });
        }
        return new Node("node_under_test", op, in, out, attrs);
    }

    /** Runs {@code node} with no input known while planning (as a plan runs activations). */
    static Tensor[] run(Node node, int opset, Parallel parallel, Tensor... inputs) {
        try {
            return NodeEvaluator.evaluate(node, opset, inputs, false, parallel);
        } catch (UnsupportedOperatorException e) {
            throw new AssertionError(e);
        }
    }

    static Tensor run(Node node, Tensor... inputs) {
        return run(node, 21, Parallel.SERIAL, inputs)[0];
    }

    /** The message of the IllegalArgumentException that preparing {@code node} on {@code inputs} throws. */
    static String error(Node node, Tensor... inputs) {
        return assertThrows(IllegalArgumentException.class, () -> run(node, inputs)).getMessage();
    }

    /**
     * The message of the error for a valid model this backend does not implement: an IllegalArgumentException
     * caused by an {@link UnsupportedVariantException}, so that callers can skip rather than fail.
     */
    static String unsupported(Node node, Tensor... inputs) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(node, inputs));
        assertInstanceOf(UnsupportedVariantException.class, e.getCause(), e.getMessage());
        return e.getMessage();
    }

    static Tensor random(Random random, long... shape) {
        float[] v = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return Tensor.ofFloats(v, shape);
    }

    /**
     * Asserts shape and values; each value within {@code 1e-5·(1 + |expected|)}, loose enough for sums of
     * a few hundred products in another order, tight enough to catch a misplaced term.
     */
    static void assertClose(long[] shape, float[] expected, Tensor actual) {
        assertArrayEquals(shape, actual.shape(), "shape");
        float[] got = actual.toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - got[i]) <= 1e-5f * (1 + Math.abs(expected[i])))) {
                fail("element " + i + ": expected " + expected[i] + ", got " + got[i]);
            }
        }
    }
}
