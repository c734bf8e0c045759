package dev.jquant.compressor.passes;

import static dev.jquant.compressor.onnx.OnnxModels.intAttr;
import static dev.jquant.compressor.onnx.OnnxModels.model;
import static dev.jquant.compressor.onnx.OnnxModels.node;
import static dev.jquant.compressor.onnx.OnnxModels.tensorAttr;
import static dev.jquant.compressor.onnx.OnnxModels.tensorValue;
import static dev.jquant.compressor.passes.TestGraphs.opTypes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.compressor.onnx.OnnxImporter;
import dev.jquant.compressor.onnx.OnnxModels;
import dev.jquant.compressor.onnx.OnnxTensors;
import dev.jquant.compressor.onnx.proto.OnnxProto.GraphProto;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {

    private static final ConstantFolding PASS = new ConstantFolding();

    @Test
    void foldsAShapeSubgraphBuiltOnAConstant() throws Exception {
        TestGraphs.assumeRuntimeRuns("Shape", "Gather", "Unsqueeze", "Concat", "Reshape");
        float[] values = new float[24];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        GraphProto.Builder g = OnnxModels.graph("shapes")
                .addInput(tensorValue("x", DType.FLOAT32, "batch", 12L))
                .addInitializer(OnnxTensors.toProto("data", Tensor.ofFloats(values, 2, 3, 4)))
                .addInitializer(OnnxTensors.toProto("zero", Tensor.scalarLong(0)))
                .addInitializer(OnnxTensors.toProto("axes", Tensor.ofLongs(new long[] {0}, 1)))
                .addInitializer(OnnxTensors.toProto("minusOne", Tensor.ofLongs(new long[] {-1}, 1)))
                .addNode(node("", "Shape", List.of("data"), List.of("s")))
                .addNode(node("", "Gather", List.of("s", "zero"), List.of("d0"), intAttr("axis", 0)))
                .addNode(node("", "Unsqueeze", List.of("d0", "axes"), List.of("u")))
                .addNode(node("", "Concat", List.of("u", "minusOne"), List.of("shape"), intAttr("axis", 0)))
                .addNode(node("", "Reshape", List.of("data", "shape"), List.of("r")))
                .addNode(node("join", "Concat", List.of("x", "r"), List.of("y"), intAttr("axis", 0)))
                .addOutput(tensorValue("y", DType.FLOAT32, "rows", 12L));
        Graph imported = OnnxImporter.importModel(model(13, g).toByteArray());

        Graph folded = PASS.apply(imported);

        assertEquals(List.of("Concat"), opTypes(folded));
        assertArrayEquals(new long[] {2, -1}, folded.initializers().get("shape").toLongArray());
        Tensor r = folded.initializers().get("r");
        assertArrayEquals(new long[] {2, 12}, r.shape());
        assertArrayEquals(values, r.toFloatArray());

        Graph simplified = Passes.standard().apply(imported);
        assertEquals(Set.of("r"), simplified.initializers().keySet());
        Map<String, Tensor> input = Map.of("x", Tensor.ofFloats(new float[12], 1, 12));
        assertArrayEquals(TestGraphs.run(imported, input).get("y").toFloatArray(),
                TestGraphs.run(simplified, input).get("y").toFloatArray());
    }

    @Test
    void doesNotBloatTheModelWithLargeFoldedValues() throws Exception {
        TestGraphs.assumeRuntimeRuns("ConstantOfShape");
        GraphProto.Builder g = OnnxModels.graph("fill")
                .addInitializer(OnnxTensors.toProto("small", Tensor.ofLongs(new long[] {4, 4}, 2)))
                .addInitializer(OnnxTensors.toProto("large", Tensor.ofLongs(new long[] {1024, 1024}, 2)))
                .addNode(node("smallFill", "ConstantOfShape", List.of("small"), List.of("a"),
                        tensorAttr("value", Tensor.ofFloats(new float[] {1}, 1))))
                .addNode(node("largeFill", "ConstantOfShape", List.of("large"), List.of("b"),
                        tensorAttr("value", Tensor.ofFloats(new float[] {1}, 1))))
                .addOutput(tensorValue("a", DType.FLOAT32, 4L, 4L))
                .addOutput(tensorValue("b", DType.FLOAT32, 1024L, 1024L));

        Graph folded = PASS.apply(OnnxImporter.importModel(model(13, g).toByteArray()));

        assertEquals(List.of("largeFill"), folded.nodes().stream().map(n -> n.name()).toList());
        assertArrayEquals(new long[] {4, 4}, folded.initializers().get("a").shape());
    }

    @Test
    void leavesNodesTheRuntimeCannotRun() {
        Graph g = TestGraphs.graph(List.of(), List.of("y"), List.of(
                TestGraphs.node("n", "NoSuchOperator", List.of("c"), List.of("y"))),
                Map.of("c", Tensor.ofFloats(new float[] {1}, 1)));

        assertEquals(g.nodes(), PASS.apply(g).nodes());
    }
}
