package dev.jquant.nativebindings.onednn;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assertions;

/**
 * A model of one node whose operands are either graph inputs (fed on each run) or initializers
 * (constants while planning, so weights get packed), run through a real session on a named backend.
 */
final class OneNodeModel {

    static final int OPSET = 17;

    private final Graph graph;
    private final Map<String, Tensor> inputs;

    private OneNodeModel(Graph graph, Map<String, Tensor> inputs) {
        this.graph = graph;
        this.inputs = inputs;
    }

    /**
     * A node of {@code opType} over {@code operands} in input order (null for an absent optional input),
     * those whose index is in {@code constant} as initializers.
     */
    static OneNodeModel of(String opType, Map<String, Attribute> attributes, Tensor[] operands, int... constant) {
        return of(opType, attributes, operands, DType.FLOAT32, constant);
    }

    /** {@link #of(String, Map, Tensor[], int...)} for a node whose output is of {@code outputType}. */
    static OneNodeModel of(String opType, Map<String, Attribute> attributes, Tensor[] operands, DType outputType,
            int... constant) {
        return of("", opType, attributes, operands, outputType, constant);
    }

    /** {@link #of(String, Map, Tensor[], DType, int...)} for an operator of {@code domain}, e.g. jquant's own. */
    static OneNodeModel of(String domain, String opType, Map<String, Attribute> attributes, Tensor[] operands,
            DType outputType, int... constant) {
        List<String> names = new ArrayList<>();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        List<ValueInfo> declared = new ArrayList<>();
        for (int i = 0; i < operands.length; i++) {
            if (operands[i] == null) {
                names.add("");
                continue;
            }
            String name = "in" + i;
            names.add(name);
            int index = i;
            if (Arrays.stream(constant).anyMatch(c -> c == index)) {
                initializers.put(name, operands[i]);
            } else {
                inputs.put(name, operands[i]);
                declared.add(new ValueInfo(name, operands[i].dtype(), null));
            }
        }
        Node node = new Node(opType.toLowerCase(), opType, domain, names, List.of("y"), attributes);
        Graph graph = new Graph("one-node", OPSET, declared, List.of(new ValueInfo("y", outputType, null)),
                List.of(node), initializers, Map.of());
        return new OneNodeModel(graph, inputs);
    }

    /** Runs the node on {@code backend} with {@code threads} intra-op threads and returns its output. */
    Tensor run(String backend, int threads) throws Exception {
        try (Model model = Model.of(graph);
                Session session = model.newSession(SessionOptions.builder().backend(backend).threads(threads).build());
                Result result = session.run(inputs)) {
            return result.get("y").copy();
        }
    }

    /** The plan a session on {@code backend} prints for this node. */
    String plan(String backend) throws Exception {
        try (Model model = Model.of(graph);
                Session session = model.newSession(SessionOptions.builder().backend(backend).build())) {
            return session.describePlan(inputs);
        }
    }

    /** Fails unless the plan runs the node on oneDNN, with no fallback to Java. */
    void assertRunsOnOneDnn() throws Exception {
        String plan = plan(OneDnnBackendProvider.NAME);
        Assertions.assertTrue(plan.contains(" onednn ") && !plan.contains("fallback"), plan);
    }

    static Tensor random(Random random, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return Tensor.ofFloats(v, shape);
    }
}
