package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.TestGraphs.node;
import static dev.jquant.compressor.passes.TestGraphs.opTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.quantize.Precision;
import dev.jquant.compressor.quantize.QuantizedGraph;
import dev.jquant.compressor.quantize.WeightQuantization;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.Operators;
import dev.jquant.runtime.quant.StaticInputAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MatMulEpilogueFusionTest {

    private static final int K = 64;
    private static final int N = 48;

    private static Tensor random(Random random, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian() * 0.5f;
        }
        return Tensor.ofFloats(v, shape);
    }

    private static Map<String, Tensor> constants() {
        Random random = new Random(13);
        Map<String, Tensor> c = new HashMap<>();
        c.put("W", random(random, K, N));
        c.put("bias", random(random, N));
        c.put("shortBias", random(random, N - 1));
        return c;
    }

    /** x · W + bias (the bias first, as PyTorch exports it), then {@code activation} unless null. */
    private static List<Node> dense(String activation, Map<String, Attribute> matMulAttributes) {
        List<Node> nodes = new ArrayList<>(List.of(
                node("/dense/MatMul", "MatMul", List.of("x", "W"), List.of("p"), matMulAttributes),
                node("/dense/Add", "Add", List.of("bias", "p"), List.of("s"))));
        nodes.add(activation == null ? node("/dense/Identity", "Identity", List.of("s"), List.of("y"))
                : node("/act", activation, List.of("s"), List.of("y")));
        return nodes;
    }

    /** The graph with W quantized to int8, as the compressor has it before this pass. */
    private static QuantizedGraph quantized(List<Node> nodes, Map<String, Tensor> constants, String... outputs) {
        Graph g = TestGraphs.graph(List.of("x"), List.of(outputs), nodes, constants);
        QuantizedGraph q = Compressor.quantizeWeights(g, WeightQuantization.of(Precision.INT8));
        assertEquals(List.of("W"), List.copyOf(q.descriptors().keySet()), "the test needs W quantized");
        return q;
    }

    @Test
    void matMulBiasAndReluBecomeOneFusedMatMul() throws Exception {
        Map<String, Attribute> calibrated = Map.of(StaticInputAttributes.SCALE, new Attribute.FloatValue(4f / 255),
                StaticInputAttributes.ZERO_POINT, new Attribute.IntValue(128));
        QuantizedGraph q = quantized(dense("Relu", calibrated), constants(), "y");

        Graph fused = new MatMulEpilogueFusion(q.descriptors()).apply(q.graph());

        assertEquals(List.of("FusedMatMul"), opTypes(fused));
        Node f = fused.nodes().getFirst();
        assertEquals(Operators.JQUANT_DOMAIN, f.domain());
        assertEquals("/dense/MatMul", f.name());
        assertEquals(List.of("x", "W", "bias"), f.inputs());
        assertEquals(List.of("y"), f.outputs());
        assertEquals("relu", f.attrString("activation", null));
        assertEquals(4f / 255, f.attrFloat(StaticInputAttributes.SCALE, 0), "calibrated ranges stay");
        assertSameResults(q, fused);
    }

    @Test
    void withoutAnActivationTheBiasStillFuses() throws Exception {
        QuantizedGraph q = quantized(dense("Gelu", Map.of()), constants(), "y");

        Graph fused = new MatMulEpilogueFusion(q.descriptors()).apply(q.graph());

        // A Gelu stays its own node: see the class comment.
        assertEquals(List.of("FusedMatMul", "Gelu"), opTypes(fused));
        assertEquals("none", fused.nodes().getFirst().attrString("activation", null));
        assertEquals(List.of("s"), fused.nodes().getFirst().outputs());
        assertSameResults(q, fused);
    }

    @Test
    void leavesOtherProductsAlone() {
        Map<String, Tensor> c = constants();
        List<QuantizedGraph> graphs = new ArrayList<>();
        // the bias does not match N, or is not a constant
        List<Node> nodes = dense(null, Map.of());
        nodes.set(1, node("/dense/Add", "Add", List.of("p", "shortBias"), List.of("s")));
        graphs.add(quantized(nodes, c, "y"));
        nodes = dense(null, Map.of());
        nodes.set(1, node("/dense/Add", "Add", List.of("p", "x"), List.of("s")));
        graphs.add(quantized(nodes, c, "y"));
        // the product read elsewhere, or returned
        nodes = dense(null, Map.of());
        nodes.add(node("other", "Neg", List.of("p"), List.of("z")));
        graphs.add(quantized(nodes, c, "y", "z"));
        graphs.add(quantized(dense(null, Map.of()), c, "y", "p"));
        for (QuantizedGraph q : graphs) {
            assertEquals(q.graph().nodes(), new MatMulEpilogueFusion(q.descriptors()).apply(q.graph()).nodes());
        }
        // a float weight: a MatMul oneDNN may run
        Graph plain = TestGraphs.graph(List.of("x"), List.of("y"), dense(null, Map.of()), c);
        assertEquals(plain.nodes(), new MatMulEpilogueFusion(Map.of()).apply(plain).nodes());
    }

    /** Both graphs through the runtime on the quantized kernels: within 1e-5 (relative above 1). */
    private static void assertSameResults(QuantizedGraph q, Graph fused) throws Exception {
        Tensor x = random(new Random(17), 3, 5, K);
        float[] expected = run(q.graph(), q, x);
        float[] actual = run(fused, q, x);
        assertEquals(3 * 5 * N, expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    private static float[] run(Graph g, QuantizedGraph q, Tensor x) throws Exception {
        try (Model model = Model.of(g, q.descriptors()); Session s = model.newSession(); Result r = s.run(Map.of("x", x))) {
            return r.get("y").toFloatArray();
        }
    }
}
