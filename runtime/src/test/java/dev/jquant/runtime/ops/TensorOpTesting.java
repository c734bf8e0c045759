package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds single nodes and runs them with {@link NodeEvaluator}, for the data-movement operator tests. */
final class TensorOpTesting {

    /** Claims four threads but runs the chunks one after another: exercises the split-up code paths. */
    static final Parallel CHUNKED = new Parallel() {
        @Override
        public int threads() {
            return 4;
        }

        @Override
        public void forRange(int count, int grain, RangeTask task) {
            int chunk = Math.max(grain, (count + 3) / 4);
            for (int start = 0; start < count; start += chunk) {
                task.run(start, Math.min(count, start + chunk));
            }
        }
    };

    private TensorOpTesting() {
    }

    /** A node with inputs {@code x0, x1, ...} (an empty name where {@code present[i]} is false) and outputs y0... */
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
            attrs.put((String) attributes[i], attribute(attributes[i + 1]));
        }
        return new Node(op + "_under_test", op, in, out, attrs);
    }

    private static Attribute attribute(Object v) {
        return switch (v) {
            case Attribute a -> a;
            case Integer i -> new Attribute.IntValue(i);
            case Long l -> new Attribute.IntValue(l);
            case Float f -> new Attribute.FloatValue(f);
            case String s -> new Attribute.StringValue(s);
            case long[] ls -> new Attribute.IntsValue(ls);
            case float[] fs -> new Attribute.FloatsValue(fs);
            case Tensor t -> new Attribute.TensorValue(t);
            default -> throw new IllegalArgumentException("no attribute kind for " + v);
        };
    }

    /** Runs with every input known at planning time (shape operands must be). */
    static Tensor[] run(Node node, int opset, Tensor... inputs) {
        return run(node, opset, Parallel.SERIAL, inputs);
    }

    static Tensor[] run(Node node, int opset, Parallel parallel, Tensor... inputs) {
        try {
            return NodeEvaluator.evaluate(node, opset, inputs, true, parallel);
        } catch (UnsupportedOperatorException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs with no input known at planning time, as a plan runs data operands. */
    static Tensor[] runDynamic(Node node, int opset, Tensor... inputs) {
        try {
            return NodeEvaluator.evaluate(node, opset, inputs, false, Parallel.SERIAL);
        } catch (UnsupportedOperatorException e) {
            throw new AssertionError(e);
        }
    }

    static Tensor longs(long... values) {
        return Tensor.ofLongs(values, values.length);
    }

    /** Floats 0, 1, 2, ... in the given shape. */
    static Tensor iota(long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Tensor.ofFloats(v, shape);
    }
}
