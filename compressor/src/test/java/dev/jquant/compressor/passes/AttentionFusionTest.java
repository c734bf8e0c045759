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
import dev.jquant.runtime.ops.Operators;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The attention fusion on graphs spelled as PyTorch's BERT export spells them (reshape targets built from
 * Shape, Gather, Unsqueeze and Concat), and on simpler spellings; the fused graph must compute what the
 * original computes, on inputs of more than one batch and sequence length.
 */
class AttentionFusionTest {

    private static final AttentionFusion PASS = new AttentionFusion();
    private static final int HEADS = 3;
    private static final int HEAD_SIZE = 4;
    private static final int WIDTH = HEADS * HEAD_SIZE;

    private static Map<String, Attribute> perm(long... perm) {
        return Map.of("perm", new Attribute.IntsValue(perm));
    }

    private static Map<String, Tensor> constants() {
        Random random = new Random(3);
        Map<String, Tensor> c = new HashMap<>();
        for (String w : new String[] {"wq", "wk", "wv"}) {
            float[] values = new float[WIDTH * WIDTH];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian() * 0.5f;
            }
            c.put(w, Tensor.ofFloats(values, WIDTH, WIDTH));
        }
        c.put("zero", Tensor.scalarLong(0));
        c.put("one", Tensor.scalarLong(1));
        c.put("axes", Tensor.ofLongs(new long[] {0}, 1));
        c.put("heads", Tensor.ofLongs(new long[] {HEADS}, 1));
        c.put("headSize", Tensor.ofLongs(new long[] {HEAD_SIZE}, 1));
        c.put("width", Tensor.ofLongs(new long[] {WIDTH}, 1));
        c.put("sqrtD", Tensor.ofFloats(new float[] {(float) Math.sqrt(HEAD_SIZE)}));
        c.put("invSqrtD", Tensor.ofFloats(new float[] {(float) (1 / Math.sqrt(HEAD_SIZE))}));
        c.put("split", Tensor.ofLongs(new long[] {0, 0, HEADS, HEAD_SIZE}, 4));
        c.put("merge", Tensor.ofLongs(new long[] {0, -1, WIDTH}, 3));
        c.put("fixedSplit", Tensor.ofLongs(new long[] {2, 5, HEADS, HEAD_SIZE}, 4));
        return c;
    }

    /** {@code Concat(Unsqueeze(Gather(Shape(x), 0)), Unsqueeze(Gather(Shape(x), 1)), tail...)} into {@code target}. */
    private static List<Node> ownShape(String x, String target, String... tail) {
        List<String> parts = new ArrayList<>(List.of(target + "_b", target + "_s"));
        parts.addAll(List.of(tail));
        return List.of(
                node(target + "/Shape", "Shape", List.of(x), List.of(target + "_shape0")),
                node(target + "/Gather", "Gather", List.of(target + "_shape0", "zero"), List.of(target + "_g0")),
                node(target + "/Unsqueeze", "Unsqueeze", List.of(target + "_g0", "axes"), List.of(target + "_b")),
                node(target + "/Shape_1", "Shape", List.of(x), List.of(target + "_shape1")),
                node(target + "/Gather_1", "Gather", List.of(target + "_shape1", "one"), List.of(target + "_g1")),
                node(target + "/Unsqueeze_1", "Unsqueeze", List.of(target + "_g1", "axes"), List.of(target + "_s")),
                node(target + "/Concat", "Concat", parts, List.of(target), Map.of("axis", new Attribute.IntValue(0))));
    }

    /** The projections and the attention of one layer; shapes by Shape/Concat, as the BERT export writes them. */
    private static List<Node> exported() {
        List<Node> nodes = new ArrayList<>();
        for (String p : new String[] {"q", "k", "v"}) {
            nodes.add(node("/attn/" + p + "/MatMul", "MatMul", List.of("x", "w" + p), List.of(p)));
            nodes.addAll(ownShape(p, p + "Split", "heads", "headSize"));
            nodes.add(node("/attn/Reshape_" + p, "Reshape", List.of(p, p + "Split"), List.of(p + "4")));
        }
        nodes.add(node("/attn/Transpose", "Transpose", List.of("q4"), List.of("qt"), perm(0, 2, 1, 3)));
        nodes.add(node("/attn/Transpose_1", "Transpose", List.of("k4"), List.of("kt"), perm(0, 2, 3, 1)));
        nodes.add(node("/attn/Transpose_2", "Transpose", List.of("v4"), List.of("vt"), perm(0, 2, 1, 3)));
        nodes.add(node("/attn/MatMul", "MatMul", List.of("qt", "kt"), List.of("scores")));
        nodes.add(node("/attn/Div", "Div", List.of("scores", "sqrtD"), List.of("scaled")));
        nodes.add(node("/attn/Add", "Add", List.of("scaled", "mask"), List.of("masked")));
        nodes.add(node("/attn/Softmax", "Softmax", List.of("masked"), List.of("p"),
                Map.of("axis", new Attribute.IntValue(-1))));
        nodes.add(node("/attn/MatMul_1", "MatMul", List.of("p", "vt"), List.of("mixed")));
        nodes.add(node("/attn/Transpose_3", "Transpose", List.of("mixed"), List.of("back"), perm(0, 2, 1, 3)));
        nodes.addAll(ownShape("back", "merge2", "width"));
        nodes.add(node("/attn/Reshape_3", "Reshape", List.of("back", "merge2"), List.of("y")));
        return nodes;
    }

    private static Graph graph(List<Node> nodes, String... outputs) {
        return TestGraphs.graph(List.of("x", "mask"), List.of(outputs), nodes, constants());
    }

    private static int indexOf(List<Node> nodes, String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no node " + name);
    }

    @Test
    void theExportedSpellingBecomesOneAttention() throws Exception {
        Graph g = graph(exported(), "y");

        Graph fused = PASS.apply(g);

        assertEquals(List.of("MatMul", "MatMul", "MatMul", "Attention"), opTypes(fused));
        Node attention = fused.nodes().getLast();
        assertEquals(Operators.JQUANT_DOMAIN, attention.domain());
        assertEquals("/attn/Attention", attention.name());
        assertEquals(List.of("q", "k", "v", "mask"), attention.inputs());
        assertEquals(List.of("y"), attention.outputs());
        assertEquals(HEADS, attention.attrInt("num_heads", 0));
        assertEquals(0.5f, attention.attrFloat("scale", 0), 1e-7f);
        assertSameResults(g, fused);
    }

    @Test
    void constantTargetsMultipliedScaleAndMaskFirstFuseToo() throws Exception {
        List<Node> nodes = new ArrayList<>();
        for (String p : new String[] {"q", "k", "v"}) {
            nodes.add(node("/attn/" + p + "/MatMul", "MatMul", List.of("x", "w" + p), List.of(p)));
            nodes.add(node("/attn/Reshape_" + p, "Reshape", List.of(p, "split"), List.of(p + "4")));
        }
        nodes.add(node("/attn/Transpose", "Transpose", List.of("q4"), List.of("qt"), perm(0, 2, 1, 3)));
        nodes.add(node("/attn/Transpose_1", "Transpose", List.of("k4"), List.of("kt"), perm(0, 2, 3, 1)));
        nodes.add(node("/attn/Transpose_2", "Transpose", List.of("v4"), List.of("vt"), perm(0, 2, 1, 3)));
        nodes.add(node("/attn/MatMul", "MatMul", List.of("qt", "kt"), List.of("scores")));
        nodes.add(node("/attn/Mul", "Mul", List.of("invSqrtD", "scores"), List.of("scaled")));
        nodes.add(node("/attn/Add", "Add", List.of("mask", "scaled"), List.of("masked")));
        nodes.add(node("/attn/Softmax", "Softmax", List.of("masked"), List.of("p"),
                Map.of("axis", new Attribute.IntValue(3))));
        nodes.add(node("/attn/MatMul_1", "MatMul", List.of("p", "vt"), List.of("mixed")));
        nodes.add(node("/attn/Transpose_3", "Transpose", List.of("mixed"), List.of("back"), perm(0, 2, 1, 3)));
        nodes.add(node("/attn/Reshape_3", "Reshape", List.of("back", "merge"), List.of("y")));
        Graph g = graph(nodes, "y");

        Graph fused = PASS.apply(g);

        assertEquals(List.of("MatMul", "MatMul", "MatMul", "Attention"), opTypes(fused));
        assertEquals(List.of("q", "k", "v", "mask"), fused.nodes().getLast().inputs());
        assertSameResults(g, fused);

        // Without mask and scale: scale 1, three inputs.
        List<Node> plain = new ArrayList<>(nodes);
        plain.removeIf(n -> n.name().equals("/attn/Mul") || n.name().equals("/attn/Add"));
        plain.set(indexOf(plain, "/attn/Softmax"), node("/attn/Softmax", "Softmax", List.of("scores"), List.of("p"),
                Map.of("axis", new Attribute.IntValue(-1))));
        Graph unmasked = graph(plain, "y");
        Graph fusedUnmasked = PASS.apply(unmasked);
        assertEquals(List.of("q", "k", "v"), fusedUnmasked.nodes().getLast().inputs());
        assertEquals(1f, fusedUnmasked.nodes().getLast().attrFloat("scale", 0));
        assertSameResults(unmasked, fusedUnmasked);
    }

    @Test
    void leavesOtherComputationsAlone() {
        List<Graph> graphs = new ArrayList<>();
        // keys not transposed for the product: that is not attention over the keys
        List<Node> nodes = exported();
        nodes.set(indexOf(nodes, "/attn/Transpose_1"),
                node("/attn/Transpose_1", "Transpose", List.of("k4"), List.of("kt"), perm(0, 2, 1, 3)));
        graphs.add(graph(nodes, "y"));
        // the scores read elsewhere, or returned
        nodes = exported();
        nodes.add(node("/other", "Neg", List.of("scaled"), List.of("z")));
        graphs.add(graph(nodes, "y", "z"));
        graphs.add(graph(exported(), "y", "p"));
        // a head split whose leading dimensions are literals: the fused node would accept any batch
        nodes = exported();
        nodes.set(indexOf(nodes, "/attn/Reshape_q"), node("/attn/Reshape_q", "Reshape", List.of("q", "fixedSplit"),
                List.of("q4")));
        graphs.add(graph(nodes, "y"));
        // softmax over another axis
        nodes = exported();
        nodes.set(indexOf(nodes, "/attn/Softmax"), node("/attn/Softmax", "Softmax", List.of("masked"), List.of("p"),
                Map.of("axis", new Attribute.IntValue(2))));
        graphs.add(graph(nodes, "y"));

        for (Graph g : graphs) {
            assertEquals(g.nodes(), PASS.apply(g).nodes(), () -> "should stay: " + g.nodes());
        }
    }

    /** Output y of a session on {@code g}: the plan knows the shapes that the reshape targets are built from. */
    private static float[] run(Graph g, Map<String, Tensor> inputs) throws Exception {
        try (Model model = Model.of(g); Session session = model.newSession(); Result r = session.run(inputs)) {
            return r.get("y").toFloatArray();
        }
    }

    /** Runs both graphs at two batch sizes and sequence lengths, some keys masked; within 1e-5 (relative above 1). */
    private static void assertSameResults(Graph before, Graph after) throws Exception {
        Random random = new Random(11);
        for (int[] bs : new int[][] {{2, 5}, {1, 7}}) {
            int batch = bs[0];
            int seq = bs[1];
            float[] x = new float[batch * seq * WIDTH];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            float[] mask = new float[batch * seq];
            mask[seq - 1] = -3.4028235e38f;
            Map<String, Tensor> inputs = Map.of("x", Tensor.ofFloats(x, batch, seq, WIDTH),
                    "mask", Tensor.ofFloats(mask, batch, 1, 1, seq));
            float[] expected = run(before, inputs);
            float[] actual = run(after, inputs);
            assertEquals(batch * seq * WIDTH, expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])), "element " + i);
            }
        }
    }
}
