package dev.jquant.compressor.passes;

import static dev.jquant.compressor.onnx.OnnxModels.floatAttr;
import static dev.jquant.compressor.onnx.OnnxModels.intsAttr;
import static dev.jquant.compressor.onnx.OnnxModels.model;
import static dev.jquant.compressor.onnx.OnnxModels.tensorValue;
import static dev.jquant.compressor.passes.TestGraphs.graph;
import static dev.jquant.compressor.passes.TestGraphs.node;
import static dev.jquant.compressor.passes.TestGraphs.opTypes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.compressor.onnx.OnnxImporter;
import dev.jquant.compressor.onnx.OnnxModels;
import dev.jquant.compressor.onnx.OnnxTensors;
import dev.jquant.compressor.onnx.proto.OnnxProto.GraphProto;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchNormFoldingTest {

    private static final BatchNormFolding PASS = new BatchNormFolding();

    private static Tensor floats(long[] shape, float... values) {
        return Tensor.ofFloats(values, shape);
    }

    private static Map<String, Tensor> convBnConstants() {
        Map<String, Tensor> c = new HashMap<>();
        c.put("W", floats(new long[] {2, 1, 1, 2}, 1, 2, 3, 4));
        c.put("B", floats(new long[] {2}, 0.5f, -1));
        c.put("scale", floats(new long[] {2}, 2, 0.5f));
        c.put("beta", floats(new long[] {2}, 0.1f, 0.2f));
        c.put("mean", floats(new long[] {2}, 1, -2));
        c.put("var", floats(new long[] {2}, 3, 0.25f));
        return c;
    }

    private static Node bn(String input, String output) {
        return node("bn", "BatchNormalization", List.of(input, "scale", "beta", "mean", "var"), List.of(output),
                Map.of("epsilon", new Attribute.FloatValue(1e-3f)));
    }

    @Test
    void foldsTheStatisticsIntoWeightsAndBias() {
        Graph g = graph(List.of("x"), List.of("y"), List.of(
                node("conv", "Conv", List.of("x", "W", "B"), List.of("c")), bn("c", "y")), convBnConstants());

        Graph out = PASS.apply(g);

        assertEquals(1, out.nodes().size());
        Node conv = out.nodes().getFirst();
        assertEquals("conv", conv.name());
        assertEquals(List.of("x", "W_bn_folded", "conv_bn_folded_bias"), conv.inputs());
        assertEquals(List.of("y"), conv.outputs());
        double s0 = 2 / Math.sqrt(3 + 1e-3);
        double s1 = 0.5 / Math.sqrt(0.25 + 1e-3);
        assertArrayEquals(new float[] {(float) (1 * s0), (float) (2 * s0), (float) (3 * s1), (float) (4 * s1)},
                out.initializers().get("W_bn_folded").toFloatArray(), 1e-6f);
        assertArrayEquals(new long[] {2, 1, 1, 2}, out.initializers().get("W_bn_folded").shape());
        assertArrayEquals(new float[] {(float) ((0.5 - 1) * s0 + 0.1), (float) ((-1 + 2) * s1 + 0.2)},
                out.initializers().get("conv_bn_folded_bias").toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 2, 3, 4}, out.initializers().get("W").toFloatArray(), "W may be shared");
    }

    @Test
    void aConvWithoutBiasGetsOne() {
        Graph g = graph(List.of("x"), List.of("y"), List.of(
                node("conv", "Conv", List.of("x", "W"), List.of("c")), bn("c", "y")), convBnConstants());

        Graph out = PASS.apply(g);

        double s0 = 2 / Math.sqrt(3 + 1e-3);
        assertEquals((float) (-1 * s0 + 0.1), out.initializers().get("conv_bn_folded_bias").getFloat(0), 1e-6f);
    }

    @Test
    void leavesPairsAloneWhenFoldingWouldChangeTheResults() {
        Map<String, Tensor> c = convBnConstants();
        Graph convOutputReadTwice = graph(List.of("x"), List.of("y", "z"), List.of(
                node("conv", "Conv", List.of("x", "W", "B"), List.of("c")), bn("c", "y"),
                node("r", "Relu", List.of("c"), List.of("z"))), c);
        Graph convOutputReturned = graph(List.of("x"), List.of("y", "c"), List.of(
                node("conv", "Conv", List.of("x", "W", "B"), List.of("c")), bn("c", "y")), c);
        Graph weightsNotConstant = graph(List.of("x", "W2"), List.of("y"), List.of(
                node("conv", "Conv", List.of("x", "W2", "B"), List.of("c")), bn("c", "y")), c);
        Graph training = graph(List.of("x"), List.of("y"), List.of(
                node("conv", "Conv", List.of("x", "W", "B"), List.of("c")),
                bn("c", "y").withAttribute("training_mode", new Attribute.IntValue(1))), c);
        Graph statisticsWanted = graph(List.of("x"), List.of("y", "runningMean"), List.of(
                node("conv", "Conv", List.of("x", "W", "B"), List.of("c")),
                node("bn", "BatchNormalization", List.of("c", "scale", "beta", "mean", "var"),
                        List.of("y", "runningMean"))), c);

        for (Graph g : List.of(convOutputReadTwice, convOutputReturned, weightsNotConstant, training, statisticsWanted)) {
            assertEquals(g.nodes(), PASS.apply(g).nodes());
        }
    }

    @Test
    void foldedConvComputesWhatConvAndBatchNormDid() throws Exception {
        TestGraphs.assumeRuntimeRuns("Conv", "BatchNormalization");
        Random random = new Random(42);
        GraphProto.Builder g = OnnxModels.graph("convbn")
                .addInput(tensorValue("x", DType.FLOAT32, 1L, 2L, 5L, 5L))
                .addInitializer(OnnxTensors.toProto("W", randomTensor(random, 3, 2, 3, 3)))
                .addInitializer(OnnxTensors.toProto("B", randomTensor(random, 3)))
                .addInitializer(OnnxTensors.toProto("scale", randomTensor(random, 3)))
                .addInitializer(OnnxTensors.toProto("beta", randomTensor(random, 3)))
                .addInitializer(OnnxTensors.toProto("mean", randomTensor(random, 3)))
                .addInitializer(OnnxTensors.toProto("var", Tensor.ofFloats(new float[] {0.5f, 1.5f, 2f}, 3)))
                .addNode(OnnxModels.node("conv", "Conv", List.of("x", "W", "B"), List.of("c"),
                        intsAttr("pads", 1, 1, 1, 1), intsAttr("kernel_shape", 3, 3)))
                .addNode(OnnxModels.node("bn", "BatchNormalization", List.of("c", "scale", "beta", "mean", "var"),
                        List.of("y"), floatAttr("epsilon", 1e-3f)))
                .addOutput(tensorValue("y", DType.FLOAT32, 1L, 3L, 5L, 5L));
        Graph imported = OnnxImporter.importModel(model(15, g).toByteArray());
        Map<String, Tensor> input = Map.of("x", randomTensor(random, 1, 2, 5, 5));

        Graph folded = PASS.apply(imported);

        assertEquals(List.of("Conv"), opTypes(folded));
        float[] expected = TestGraphs.run(imported, input).get("y").toFloatArray();
        float[] actual = TestGraphs.run(folded, input).get("y").toFloatArray();
        assertEquals(75, expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    private static Tensor randomTensor(Random random, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Tensor.ofFloats(v, shape);
    }
}
