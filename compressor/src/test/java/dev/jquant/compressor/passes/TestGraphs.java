package dev.jquant.compressor.passes;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.NodeEvaluator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;

/** Small graphs built directly, for pass tests that need no operator implementations. */
final class TestGraphs {

    private TestGraphs() {
    }

    static Node node(String name, String opType, List<String> inputs, List<String> outputs) {
        return new Node(name, opType, inputs, outputs, Map.of());
    }

    static Node node(String name, String opType, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {
        return new Node(name, opType, inputs, outputs, attributes);
    }

    static ValueInfo value(String name) {
        return new ValueInfo(name, DType.FLOAT32, null);
    }

    static Graph graph(List<String> inputs, List<String> outputs, List<Node> nodes, Map<String, Tensor> initializers) {
        return new Graph("test", 13, inputs.stream().map(TestGraphs::value).toList(),
                outputs.stream().map(TestGraphs::value).toList(), nodes, initializers, Map.of());
    }

    static List<String> opTypes(Graph g) {
        return g.nodes().stream().map(Node::opType).toList();
    }

    /**
     * Runs {@code g} node by node with {@link NodeEvaluator}, as a plan would: a node whose inputs are all
     * known before the run (initializers, or computed from them) sees them as constants. Returns every value.
     */
    static Map<String, Tensor> run(Graph g, Map<String, Tensor> inputs) throws Exception {
        Map<String, Tensor> values = new HashMap<>(g.initializers());
        Set<String> constant = new HashSet<>(g.initializers().keySet());
        values.putAll(inputs);
        for (Node n : g.nodes()) {
            Tensor[] in = n.inputs().stream().map(v -> v.isEmpty() ? null : values.get(v)).toArray(Tensor[]::new);
            boolean known = n.inputs().stream().allMatch(v -> v.isEmpty() || constant.contains(v));
            Tensor[] out = NodeEvaluator.evaluate(n, g.opset(), in, known, Parallel.SERIAL);
            for (int i = 0; i < out.length; i++) {
                if (!n.output(i).isEmpty()) {
                    values.put(n.output(i), out[i]);
                    if (known) {
                        constant.add(n.output(i));
                    }
                }
            }
        }
        return values;
    }

    /** Skips the calling test, naming what is missing, while the runtime does not run {@code ops}. */
    static void assumeRuntimeRuns(String... ops) {
        Set<String> missing = new TreeSet<>(Set.of(ops));
        missing.removeAll(dev.jquant.runtime.ops.Operators.supported());
        Assumptions.assumeTrue(missing.isEmpty(), "the runtime does not run " + missing + " yet");
    }
}
