package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.TestGraphs.node;
import static dev.jquant.compressor.passes.TestGraphs.opTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerNormFusionTest {

    private static final LayerNormFusion PASS = new LayerNormFusion();
    private static final int D = 16;
    private static final Map<String, Attribute> LAST_AXIS = Map.of("axes", new Attribute.IntsValue(new long[] {-1}));

    private static Map<String, Tensor> constants() {
        Random random = new Random(3);
        float[] gamma = new float[D];
        float[] beta = new float[D];
        for (int i = 0; i < D; i++) {
            gamma[i] = 1 + (float) random.nextGaussian() * 0.3f;
            beta[i] = (float) random.nextGaussian() * 0.3f;
        }
        Map<String, Tensor> c = new HashMap<>();
        c.put("two", Tensor.ofFloats(new float[] {2}));
        c.put("eps", Tensor.ofFloats(new float[] {1e-5f}));
        c.put("gamma", Tensor.ofFloats(gamma, D));
        c.put("beta", Tensor.ofFloats(beta, D));
        return c;
    }

    /** The nine nodes as PyTorch exports them under {@code /ln/}, from x to y. */
    private static List<Node> spelledOut() {
        return new ArrayList<>(List.of(
                node("/ln/ReduceMean", "ReduceMean", List.of("x"), List.of("mean"), LAST_AXIS),
                node("/ln/Sub", "Sub", List.of("x", "mean"), List.of("d")),
                node("/ln/Pow", "Pow", List.of("d", "two"), List.of("sq")),
                node("/ln/ReduceMean_1", "ReduceMean", List.of("sq"), List.of("var"), LAST_AXIS),
                node("/ln/Add", "Add", List.of("var", "eps"), List.of("ve")),
                node("/ln/Sqrt", "Sqrt", List.of("ve"), List.of("std")),
                node("/ln/Div", "Div", List.of("d", "std"), List.of("n")),
                node("/ln/Mul", "Mul", List.of("n", "gamma"), List.of("scaled")),
                node("/ln/Add_1", "Add", List.of("beta", "scaled"), List.of("y"))));
    }

    private static Graph graph(List<Node> nodes, Map<String, Tensor> constants, String... outputs) {
        return TestGraphs.graph(List.of("x"), List.of(outputs), nodes, constants);
    }

    private static Node replaced(List<Node> nodes, String name, Node by) {
        nodes.replaceAll(n -> n.name().equals(name) ? by : n);
        return by;
    }

    @Test
    void nineNodesBecomeOneLayerNormalization() throws Exception {
        Graph g = graph(spelledOut(), constants(), "y");

        Graph fused = PASS.apply(g);

        assertEquals(List.of("LayerNormalization"), opTypes(fused));
        Node ln = fused.nodes().getFirst();
        assertEquals("/ln/LayerNormalization", ln.name());
        assertEquals(List.of("x", "gamma", "beta"), ln.inputs());
        assertEquals(List.of("y"), ln.outputs());
        assertEquals(-1, ln.attrInt("axis", 0));
        assertEquals(1e-5f, ln.attrFloat("epsilon", 0));
        assertSameResults(g, fused, "y");
    }

    @Test
    void variantsFuseToo() throws Exception {
        // Mul(d, d) for the square, the axes as an input (opset 18), operands swapped, no beta.
        List<Node> nodes = spelledOut();
        replaced(nodes, "/ln/Pow", node("/ln/Pow", "Mul", List.of("d", "d"), List.of("sq")));
        replaced(nodes, "/ln/ReduceMean", node("/ln/ReduceMean", "ReduceMean", List.of("x", "axes"), List.of("mean")));
        replaced(nodes, "/ln/ReduceMean_1", node("/ln/ReduceMean_1", "ReduceMean", List.of("sq", "axes"),
                List.of("var")));
        replaced(nodes, "/ln/Add", node("/ln/Add", "Add", List.of("eps", "var"), List.of("ve")));
        replaced(nodes, "/ln/Mul", node("/ln/Mul", "Mul", List.of("gamma", "n"), List.of("scaled")));
        nodes.removeLast();
        Map<String, Tensor> c = constants();
        c.put("axes", Tensor.ofLongs(new long[] {-1}, 1));
        Graph g = new Graph("opset18", 18, List.of(TestGraphs.value("x")), List.of(TestGraphs.value("scaled")), nodes,
                c, Map.of());

        Graph fused = PASS.apply(g);

        assertEquals(List.of("LayerNormalization"), opTypes(fused));
        assertEquals(List.of("x", "gamma"), fused.nodes().getFirst().inputs());
        assertEquals(List.of("scaled"), fused.nodes().getFirst().outputs());
        assertSameResults(g, fused, "scaled");
    }

    @Test
    void aShiftThatIsNotAConstantVectorStaysAnAdd() throws Exception {
        List<Node> nodes = spelledOut();
        replaced(nodes, "/ln/Add_1", node("/ln/Add_1", "Add", List.of("scaled", "x"), List.of("y")));
        Graph g = graph(nodes, constants(), "y");

        Graph fused = PASS.apply(g);

        assertEquals(List.of("LayerNormalization", "Add"), opTypes(fused));
        assertEquals(List.of("scaled"), fused.nodes().getFirst().outputs());
        assertSameResults(g, fused, "y");
    }

    @Test
    void leavesOtherComputationsAlone() {
        Map<String, Tensor> c = constants();
        List<Graph> graphs = new ArrayList<>();
        // epsilon not a constant
        List<Node> nodes = spelledOut();
        replaced(nodes, "/ln/Add", node("/ln/Add", "Add", List.of("var", "x"), List.of("ve")));
        graphs.add(graph(nodes, c, "y"));
        // another axis
        for (long[] axes : new long[][] {{-2}, {1}, {-1, -2}}) {
            nodes = spelledOut();
            replaced(nodes, "/ln/ReduceMean", node("/ln/ReduceMean", "ReduceMean", List.of("x"), List.of("mean"),
                    Map.of("axes", new Attribute.IntsValue(axes))));
            graphs.add(graph(nodes, c, "y"));
        }
        // the mean not kept as a dimension
        nodes = spelledOut();
        replaced(nodes, "/ln/ReduceMean_1", node("/ln/ReduceMean_1", "ReduceMean", List.of("sq"), List.of("var"),
                Map.of("axes", new Attribute.IntsValue(new long[] {-1}), "keepdims", new Attribute.IntValue(0))));
        graphs.add(graph(nodes, c, "y"));
        // a cube, not a square
        Map<String, Tensor> cube = new HashMap<>(c);
        cube.put("two", Tensor.ofFloats(new float[] {3}));
        graphs.add(graph(spelledOut(), cube, "y"));
        // an intermediate value read elsewhere or returned
        nodes = spelledOut();
        nodes.add(node("other", "Relu", List.of("d"), List.of("z")));
        graphs.add(graph(nodes, c, "y", "z"));
        graphs.add(graph(spelledOut(), c, "y", "std"));
        // a scale of one element (it would broadcast over the row)
        Map<String, Tensor> scalarGamma = new HashMap<>(c);
        scalarGamma.put("gamma", Tensor.ofFloats(new float[] {2}, 1));
        graphs.add(graph(spelledOut(), scalarGamma, "y"));

        for (Graph g : graphs) {
            assertEquals(g.nodes(), PASS.apply(g).nodes(), () -> "should stay: " + g.nodes());
        }
    }

    /** Runs both graphs on a random [2, 5, D] input; every element within 1e-5 (relative above 1). */
    private static void assertSameResults(Graph before, Graph after, String output) throws Exception {
        Random random = new Random(7);
        float[] x = new float[2 * 5 * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * 3 + 1;
        }
        Map<String, Tensor> input = Map.of("x", Tensor.ofFloats(x, 2, 5, D));
        float[] expected = run(before, input, output);
        float[] actual = run(after, input, output);
        assertEquals(x.length, expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    /** Through a session: the planner knows which inputs are constant per input, as a node evaluator cannot. */
    private static float[] run(Graph g, Map<String, Tensor> input, String output) throws Exception {
        try (Model model = Model.of(g); Session s = model.newSession(); Result r = s.run(input)) {
            return r.get(output).toFloatArray();
        }
    }
}
