package dev.jquant.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Node;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Single-node runs and reference helpers for the elementwise operator tests: nodes built from
 * attribute pairs, evaluation through {@link NodeEvaluator} on several real threads, numpy-style
 * broadcast indexing for reference loops, and tolerant float comparison.
 */
final class ElementwiseTesting {

    /** Splits every loop into four chunks and runs them on the common pool, in no fixed order. */
    static final Parallel THREADS = new Parallel() {
        @Override
        public int threads() {
            return 4;
        }

        @Override
        public void forRange(int count, int grain, RangeTask task) {
            int chunk = Math.max(grain, (count + 3) / 4);
            int chunks = (count + chunk - 1) / chunk;
            IntStream.range(0, chunks).parallel()
                    .forEach(c -> task.run(c * chunk, Math.min(count, (c + 1) * chunk)));
        }
    };

    private ElementwiseTesting() {
    }

    /**
     * A node with inputs {@code x0, x1, ...} (null in {@code inputs} leaves an empty name: an absent
     * optional input) and {@code outputs} outputs; attributes as name/value pairs.
     */
    static Node node(String op, String[] inputs, int outputs, Object... attributes) {
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            in.add(inputs[i] == null ? "" : inputs[i]);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add("y" + i);
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (int i = 0; i < attributes.length; i += 2) {
            attrs.put((String) attributes[i], switch (attributes[i + 1]) {
                case Integer v -> new Attribute.IntValue(v);
                case Long v -> new Attribute.IntValue(v);
                case Float v -> new Attribute.FloatValue(v);
                case long[] v -> new Attribute.IntsValue(v);
                default -> throw new IllegalArgumentException("no attribute kind for " + attributes[i + 1]);
            });
        }
        return new Node(op + "_node", op, in, out, attrs);
    }

    /** A node with {@code inputs} inputs and one output. */
    static Node node(String op, int inputs, Object... attributes) {
        String[] names = new String[inputs];
        for (int i = 0; i < inputs; i++) {
            names[i] = "x" + i;
        }
        return node(op, names, 1, attributes);
    }

    /** Runs as a plan would: no input known while planning, execution split over threads. */
    static Tensor[] runAll(Node node, int opset, Tensor... inputs) {
        return evaluate(node, opset, false, inputs);
    }

    static Tensor run(Node node, int opset, Tensor... inputs) {
        return runAll(node, opset, inputs)[0];
    }

    /** Runs with every input known while planning: small results are computed in prepare. */
    static Tensor[] runConstant(Node node, int opset, Tensor... inputs) {
        return evaluate(node, opset, true, inputs);
    }

    private static Tensor[] evaluate(Node node, int opset, boolean constant, Tensor... inputs) {
        try {
            return NodeEvaluator.evaluate(node, opset, inputs, constant, THREADS);
        } catch (UnsupportedOperatorException e) {
            throw new AssertionError(e);
        }
    }

    /** The message of the IllegalArgumentException that running throws. */
    static String failure(Node node, int opset, Tensor... inputs) {
        return assertThrows(IllegalArgumentException.class, () -> run(node, opset, inputs)).getMessage();
    }

    static Tensor randomFloats(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.ofFloats(v, shape);
    }

    /** A tensor of {@code type} holding {@code values} converted as a C cast would. */
    static Tensor of(DType type, double[] values, long... shape) {
        Tensor t = Tensor.allocate(type, shape);
        for (int i = 0; i < values.length; i++) {
            NumericElements.setDouble(type, t.data(), i, values[i]);
        }
        return t;
    }

    static Tensor bools(boolean[] values, long... shape) {
        Tensor t = Tensor.allocate(DType.BOOL, shape);
        for (int i = 0; i < values.length; i++) {
            t.data().set(ValueLayout.JAVA_BYTE, i, (byte) (values[i] ? 1 : 0));
        }
        return t;
    }

    static boolean[] toBooleans(Tensor t) {
        assertEquals(DType.BOOL, t.dtype());
        boolean[] b = new boolean[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < b.length; i++) {
            b[i] = t.data().get(ValueLayout.JAVA_BYTE, i) != 0;
        }
        return b;
    }

    /** Element {@code i} of any numeric tensor as a double. */
    static double value(Tensor t, long i) {
        return NumericElements.getDouble(t.dtype(), t.data(), i);
    }

    /** The flat index into a tensor of {@code inShape} that numpy broadcasting reads for output element {@code flat}. */
    static long broadcastIndex(long flat, long[] outShape, long[] inShape) {
        long index = 0;
        long inStride = 1;
        for (int d = outShape.length - 1, i = inShape.length - 1; d >= 0; d--, i--) {
            long coordinate = flat % outShape[d];
            flat /= outShape[d];
            if (i >= 0) {
                index += (inShape[i] == 1 ? 0 : coordinate) * inStride;
                inStride *= inShape[i];
            }
        }
        return index;
    }

    /** Equal, or both NaN, or within {@code atol + rtol * |expected|}. */
    static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": element count");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (!(e == a || (Float.isNaN(e) && Float.isNaN(a)) || Math.abs((double) e - a) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }
}
