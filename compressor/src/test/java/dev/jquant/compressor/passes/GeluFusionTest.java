package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.TestGraphs.node;
import static dev.jquant.compressor.passes.TestGraphs.opTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GeluFusionTest {

    private static final GeluFusion PASS = new GeluFusion();

    private static Map<String, Tensor> constants() {
        Map<String, Tensor> c = new HashMap<>();
        c.put("sqrt2", Tensor.ofFloats(new float[] {1.4142135f}));
        c.put("invSqrt2", Tensor.ofFloats(new float[] {0.70710677f}));
        c.put("one", Tensor.ofFloats(new float[] {1}));
        c.put("half", Tensor.ofFloats(new float[] {0.5f}));
        return c;
    }

    /** {@code y = (x · (1 + erf(x / √2))) · 0.5}, as PyTorch exports it under {@code /act/}. */
    private static List<Node> exported() {
        return new ArrayList<>(List.of(
                node("/act/Div", "Div", List.of("x", "sqrt2"), List.of("s")),
                node("/act/Erf", "Erf", List.of("s"), List.of("e")),
                node("/act/Add", "Add", List.of("e", "one"), List.of("p")),
                node("/act/Mul", "Mul", List.of("x", "p"), List.of("m")),
                node("/act/Mul_1", "Mul", List.of("m", "half"), List.of("y"))));
    }

    private static Graph graph(List<Node> nodes, String... outputs) {
        return TestGraphs.graph(List.of("x"), List.of(outputs), nodes, constants());
    }

    @Test
    void fiveNodesBecomeOneGelu() throws Exception {
        // x feeds a residual too: it is not part of the pattern, so it may have other readers.
        List<Node> nodes = exported();
        nodes.add(node("residual", "Add", List.of("y", "x"), List.of("out")));
        Graph g = graph(nodes, "out");

        Graph fused = PASS.apply(g);

        assertEquals(List.of("Gelu", "Add"), opTypes(fused));
        Node gelu = fused.nodes().getFirst();
        assertEquals("/act/Gelu", gelu.name());
        assertEquals(List.of("x"), gelu.inputs());
        assertEquals(List.of("y"), gelu.outputs());
        assertEquals("none", gelu.attrString("approximate", "none"));
        assertSameResults(g, fused, "out");
    }

    @Test
    void everyGroupingOfTheProductFuses() throws Exception {
        List<List<Node>> variants = new ArrayList<>();
        // x · ((1 + erf) · 0.5), with Mul(x, 1/√2) and the constants first
        variants.add(List.of(
                node("a", "Mul", List.of("invSqrt2", "x"), List.of("s")),
                node("b", "Erf", List.of("s"), List.of("e")),
                node("c", "Add", List.of("one", "e"), List.of("p")),
                node("d", "Mul", List.of("half", "p"), List.of("m")),
                node("f", "Mul", List.of("m", "x"), List.of("y"))));
        // (x · 0.5) · (1 + erf)
        variants.add(List.of(
                node("h", "Mul", List.of("x", "half"), List.of("xh")),
                node("a", "Div", List.of("x", "sqrt2"), List.of("s")),
                node("b", "Erf", List.of("s"), List.of("e")),
                node("c", "Add", List.of("e", "one"), List.of("p")),
                node("f", "Mul", List.of("p", "xh"), List.of("y"))));
        for (List<Node> nodes : variants) {
            Graph g = graph(nodes, "y");
            Graph fused = PASS.apply(g);
            assertEquals(List.of("Gelu"), opTypes(fused), nodes::toString);
            assertEquals(List.of("x"), fused.nodes().getFirst().inputs());
            assertSameResults(g, fused, "y");
        }
    }

    @Test
    void leavesOtherComputationsAlone() {
        List<Graph> graphs = new ArrayList<>();
        // divided by 2, not √2
        List<Node> nodes = exported();
        nodes.set(0, node("/act/Div", "Div", List.of("x", "one"), List.of("s")));
        graphs.add(graph(nodes, "y"));
        // x where the 0.5 belongs
        nodes = exported();
        nodes.set(4, node("/act/Mul_1", "Mul", List.of("m", "x"), List.of("y")));
        graphs.add(graph(nodes, "y"));
        // the product with another value than x
        nodes = exported();
        nodes.set(3, node("/act/Mul", "Mul", List.of("s", "p"), List.of("m")));
        graphs.add(graph(nodes, "y"));
        // erf's result read elsewhere, or returned
        nodes = exported();
        nodes.add(node("other", "Neg", List.of("e"), List.of("z")));
        graphs.add(graph(nodes, "y", "z"));
        graphs.add(graph(exported(), "y", "p"));

        for (Graph g : graphs) {
            assertEquals(g.nodes(), PASS.apply(g).nodes(), () -> "should stay: " + g.nodes());
        }
    }

    /** Runs both graphs on a random [3, 7, 50] input; every element within 1e-5 (relative above 1). */
    private static void assertSameResults(Graph before, Graph after, String output) throws Exception {
        Random random = new Random(9);
        float[] x = new float[3 * 7 * 50];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * 3;
        }
        Map<String, Tensor> input = Map.of("x", Tensor.ofFloats(x, 3, 7, 50));
        float[] expected = TestGraphs.run(before, input).get(output).toFloatArray();
        float[] actual = TestGraphs.run(after, input).get(output).toFloatArray();
        assertEquals(x.length, expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }
}
