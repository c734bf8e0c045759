package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ConvInteger and QLinearConv on oneDNN's int8 convolution against the Java backend's exact integer loops, with
 * constant weights (the case oneDNN takes) over padding, strides, dilations, groups, signed and unsigned x, and
 * weight zero points; the plan must show oneDNN running the node, or the reason it does not. Also a float Conv whose
 * weights jquant compressed to int8.
 */
class OneDnnIntegerConvTest {

    private static final int SEVEN_BITS = OneDnnLibrary.SATURATION_FREE_CODE;

    private final Random random = new Random(17);
    private final Int8Tensors tensors = new Int8Tensors(random);

    @BeforeEach
    void requireOneDnn() {
        OneDnnTesting.assumeAvailable();
    }

    @Test
    void convIntegerSumsEqualTheJavaBackendsExactly() throws Exception {
        // {channels, filters, group, kernel, stride, dilation, pad}
        int[][] cases = {{3, 4, 1, 3, 1, 1, 1}, {6, 6, 3, 3, 2, 1, 1}, {8, 16, 1, 1, 1, 1, 0}, {4, 4, 4, 3, 1, 2, 2},
                {5, 7, 1, 2, 3, 1, 0}};
        for (int[] c : cases) {
            for (DType xType : new DType[] {DType.UINT8, DType.INT8}) {
                Tensor x = tensors.bytes(xType, 2, c[0], 11, 9);
                Tensor w = tensors.codes(SEVEN_BITS, c[1], c[0] / c[2], c[3], c[3]);
                Tensor xZero = tensors.bytes(xType, 1);
                Map<String, Attribute> attributes = window(c[2], c[3], c[4], c[5], c[6]);
                OneNodeModel model = OneNodeModel.of("ConvInteger", attributes, new Tensor[] {x, w, xZero}, DType.INT32, 1);
                model.assertRunsOnOneDnn();
                assertArrayEquals(Int8Tensors.ints(model.run("java", 1)), Int8Tensors.ints(model.run(OneDnnBackendProvider.NAME, 2)),
                        xType + " " + java.util.Arrays.toString(c));
            }
        }
    }

    @Test
    void oneDimensionalAndThreeDimensionalWindows() throws Exception {
        for (long[][] shapes : new long[][][] {{{1, 3, 20}, {5, 3, 4}}, {{1, 2, 5, 6, 7}, {3, 2, 2, 3, 2}}}) {
            Tensor x = tensors.bytes(DType.UINT8, shapes[0]);
            Tensor w = tensors.codes(SEVEN_BITS, shapes[1]);
            long[] pads = new long[2 * (shapes[0].length - 2)];
            java.util.Arrays.fill(pads, 1);
            OneNodeModel model = OneNodeModel.of("ConvInteger", Map.of("pads", new Attribute.IntsValue(pads)),
                    new Tensor[] {x, w}, DType.INT32, 1);
            model.assertRunsOnOneDnn();
            assertArrayEquals(Int8Tensors.ints(model.run("java", 1)), Int8Tensors.ints(model.run(OneDnnBackendProvider.NAME, 1)));
        }
    }

    @Test
    void unsignedWeightsWithZeroPointsAreShiftedIntoInt8() throws Exception {
        Tensor x = tensors.bytes(DType.UINT8, 1, 4, 8, 8);
        Tensor w = Tensor.allocate(DType.UINT8, 6, 4, 3, 3);
        int[] zeros = {128, 100, 140, 128, 90, 160};
        Tensor wZero = Tensor.allocate(DType.UINT8, 6);
        for (int m = 0; m < 6; m++) {
            wZero.data().set(ValueLayout.JAVA_BYTE, m, (byte) zeros[m]);
            for (int i = 0; i < 36; i++) {
                int v = zeros[m] + random.nextInt(2 * SEVEN_BITS + 1) - SEVEN_BITS;
                w.data().set(ValueLayout.JAVA_BYTE, m * 36L + i, (byte) v);
            }
        }
        Tensor xZero = tensors.bytes(DType.UINT8, 1);
        OneNodeModel model = OneNodeModel.of("ConvInteger", window(1, 3, 1, 1, 1), new Tensor[] {x, w, xZero, wZero},
                DType.INT32, 1, 3);
        model.assertRunsOnOneDnn();
        assertArrayEquals(Int8Tensors.ints(model.run("java", 1)), Int8Tensors.ints(model.run(OneDnnBackendProvider.NAME, 1)));
    }

    @Test
    void qlinearConvRequantizesWithinOneOfTheJavaBackend() throws Exception {
        for (DType yType : new DType[] {DType.UINT8, DType.INT8}) {
            for (boolean perChannel : new boolean[] {true, false}) {
                for (int group : new int[] {1, 2}) {
                    int channels = 6;
                    int filters = 8;
                    Tensor x = tensors.bytes(DType.UINT8, 2, channels, 10, 10);
                    Tensor xScale = Tensor.ofFloats(new float[] {0.02f});
                    Tensor xZero = Int8Tensors.scalar(DType.UINT8, 120);
                    Tensor w = tensors.codes(SEVEN_BITS, filters, channels / group, 3, 3);
                    float[] ws = new float[perChannel ? filters : 1];
                    for (int m = 0; m < ws.length; m++) {
                        ws[m] = 0.002f + 0.004f * random.nextFloat();
                    }
                    Tensor wScale = Tensor.ofFloats(ws, ws.length);
                    Tensor yScale = Tensor.ofFloats(new float[] {0.5f});
                    Tensor yZero = Int8Tensors.scalar(yType, yType == DType.UINT8 ? 128 : -3);
                    int[] b = new int[filters];
                    for (int m = 0; m < filters; m++) {
                        b[m] = random.nextInt(20001) - 10000;
                    }
                    Tensor bias = Tensor.ofInts(b, filters);
                    Tensor[] operands = {x, xScale, xZero, w, wScale, null, yScale, yZero, bias};
                    OneNodeModel model = OneNodeModel.of("QLinearConv", window(group, 3, 1, 1, 1), operands, yType, 3);
                    model.assertRunsOnOneDnn();
                    Int8Tensors.assertWithinOne(model.run("java", 1), model.run(OneDnnBackendProvider.NAME, 2), yType);
                }
            }
        }
    }

    @Test
    void weightsComputedAtRunTimeStayOnJavaAndSayWhy() throws Exception {
        Tensor x = tensors.bytes(DType.UINT8, 1, 2, 5, 5);
        Tensor w = tensors.codes(SEVEN_BITS, 3, 2, 3, 3);
        OneNodeModel model = OneNodeModel.of("ConvInteger", Map.of(), new Tensor[] {x, w}, DType.INT32);
        String plan = model.plan(OneDnnBackendProvider.NAME);
        assertTrue(plan.contains("W (input 1) is computed at run time"), plan);
        assertArrayEquals(Int8Tensors.ints(model.run("java", 1)), Int8Tensors.ints(model.run(OneDnnBackendProvider.NAME, 1)));
    }

    @Test
    void fullRangeWeightsRunWhereTheSumsAreExact() throws Exception {
        Tensor x = tensors.bytes(DType.UINT8, 1, 16, 6, 6);
        Tensor w = tensors.codes(127, 4, 16, 3, 3);
        w.data().set(ValueLayout.JAVA_BYTE, 0, (byte) -127);
        OneNodeModel model = OneNodeModel.of("ConvInteger", Map.of(), new Tensor[] {x, w}, DType.INT32, 1);
        String plan = model.plan(OneDnnBackendProvider.NAME);
        if (OneDnnLibrary.load().int8SumsExact(127)) {
            model.assertRunsOnOneDnn();
        } else {
            assertTrue(plan.contains("without VNNI oneDNN's sums saturate beyond ±" + SEVEN_BITS), plan);
        }
        assertArrayEquals(Int8Tensors.ints(model.run("java", 1)), Int8Tensors.ints(model.run(OneDnnBackendProvider.NAME, 1)));
    }

    @Test
    void compressedConvWeightsAreDecodedOnceAndConvolvedInFloat() throws Exception {
        // jquant's int8 Conv weights (per output channel): oneDNN convolves the decoded floats, as Java does.
        long[] wShape = {8, 4, 3, 3};
        Tensor codes = tensors.codes(127, wShape);
        float[] scales = new float[8];
        for (int m = 0; m < scales.length; m++) {
            scales[m] = 0.01f + 0.01f * random.nextFloat();
        }
        var descriptor = QuantizationDescriptor.linear(8, true, 0, 0, "w.scale", null, wShape);
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        initializers.put("w", codes);
        initializers.put("w.scale", Tensor.ofFloats(scales, scales.length));
        Node conv = new Node("conv", "Conv", Node.names("x", "w"), Node.names("y"), window(1, 3, 1, 1, 1));
        Graph graph = new Graph("q", OneNodeModel.OPSET, List.of(new ValueInfo("x", DType.FLOAT32, null)),
                List.of(new ValueInfo("y", DType.FLOAT32, null)), List.of(conv), initializers, Map.of());
        Map<String, Tensor> inputs = Map.of("x", OneNodeModel.random(random, 1, 4, 9, 9));
        float[][] outputs = new float[2][];
        String[] backends = {"java", OneDnnBackendProvider.NAME};
        for (int b = 0; b < backends.length; b++) {
            try (Model model = Model.of(graph, Map.of("w", descriptor));
                    Session session = model.newSession(SessionOptions.builder().backend(backends[b]).build())) {
                String plan = session.describePlan(inputs);
                assertTrue(plan.contains(" " + backends[b] + " ") && !plan.contains("fallback"), plan);
                try (Result result = session.run(inputs)) {
                    outputs[b] = result.get("y").toFloatArray();
                }
            }
        }
        assertArrayEquals(outputs[0], outputs[1], 1e-4f);
    }

    private static Map<String, Attribute> window(int group, int kernel, int stride, int dilation, int pad) {
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        attributes.put("group", new Attribute.IntValue(group));
        attributes.put("kernel_shape", new Attribute.IntsValue(new long[] {kernel, kernel}));
        attributes.put("strides", new Attribute.IntsValue(new long[] {stride, stride}));
        attributes.put("dilations", new Attribute.IntsValue(new long[] {dilation, dilation}));
        attributes.put("pads", new Attribute.IntsValue(new long[] {pad, pad, pad, pad}));
        return attributes;
    }

}
