package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.Operators;
import dev.jquant.runtime.quant.StaticInputAttributes;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MatMul by int8 weights on oneDNN's integer matmul against the Java backend's quantized kernels: both
 * quantize A the same way and sum exactly in int32, so the products must agree to float rounding. Weight
 * codes within ±64 run on oneDNN on every x86 CPU; full-range codes only where oneDNN's sums are exact
 * (VNNI), else on the Java kernels, and must agree either way.
 */
class OneDnnIntegerMatMulTest {

    private static final int SEVEN_BITS = OneDnnLibrary.SATURATION_FREE_CODE;

    private final Random random = new Random(5);

    @BeforeEach
    void requireOneDnn() {
        OneDnnTesting.assumeAvailable();
    }

    @Test
    void perColumnInt8WeightsMatchTheJavaKernelsOverOddSizes() throws Exception {
        int[][] shapes = {{1, 13, 5}, {7, 64, 24}, {130, 384, 97}};
        for (int[] s : shapes) {
            check(new long[] {s[0], s[1]}, s[2], 1, SEVEN_BITS, Map.of(), 1);
            check(new long[] {s[0], s[1]}, s[2], 1, SEVEN_BITS, Map.of(), 3);
        }
    }

    @Test
    void batchedActivationsAreStackedIntoRows() throws Exception {
        check(new long[] {2, 9, 48}, 33, 1, SEVEN_BITS, Map.of(), 2);
    }

    @Test
    void perTensorInt8WeightsMatchTheJavaKernels() throws Exception {
        check(new long[] {11, 40}, 17, QuantizationDescriptor.PER_TENSOR, SEVEN_BITS, Map.of(), 1);
    }

    @Test
    void calibratedInputParametersQuantizeAsTheJavaKernelsDo() throws Exception {
        check(new long[] {6, 32}, 20, 1, SEVEN_BITS, Map.of(StaticInputAttributes.SCALE, new Attribute.FloatValue(3f / 255),
                StaticInputAttributes.ZERO_POINT, new Attribute.IntValue(100)), 1);
    }

    @Test
    void fullRangeInt8WeightsNeverSaturate() throws Exception {
        // Without VNNI, oneDNN would saturate pairs of 255·127 products in int16 and be far off.
        check(new long[] {16, 96}, 40, 1, 127, Map.of(), 1);
    }

    @Test
    void fusedMatMulAddsBiasAndActivationAsTheJavaKernelsDo() throws Exception {
        int k = 48;
        int n = 20;
        for (String activation : new String[] {"none", "relu", "gelu"}) {
            Tensor codes = Tensor.allocate(DType.INT8, k, n);
            for (int i = 0; i < k * n; i++) {
                codes.data().set(ValueLayout.JAVA_BYTE, i, (byte) (random.nextInt(2 * SEVEN_BITS + 1) - SEVEN_BITS));
            }
            var d = QuantizationDescriptor.linear(8, true, 1, 0, "w.scale", null, new long[] {k, n});
            Map<String, Tensor> init = new LinkedHashMap<>();
            init.put("w", codes);
            init.put("w.scale", scales(n));
            float[] bias = new float[n];
            for (int j = 0; j < n; j++) {
                bias[j] = random.nextFloat() - 0.5f;
            }
            init.put("bias", Tensor.ofFloats(bias, n));
            Node fused = new Node("mm", "FusedMatMul", Operators.JQUANT_DOMAIN, Node.names("x", "w", "bias"),
                    Node.names("y"), Map.of("activation", new Attribute.StringValue(activation)));
            Graph g = new Graph("q", OneNodeModel.OPSET, List.of(floats("x", new long[] {9, k})),
                    List.of(floats("y", new long[] {9, n})), List.of(fused), init, Map.of());
            Tensor x = activations(9, k);
            try (Model model = Model.of(g, Map.of("w", d));
                    Session s = model.newSession(SessionOptions.builder().backend(OneDnnBackendProvider.NAME).build())) {
                String plan = s.describePlan(Map.of("x", x));
                assertTrue(plan.contains("FusedMatMul") && plan.contains(" onednn ") && !plan.contains("fallback"), plan);
            }
            float[] expected = run(g, d, x, "java", 1);
            float[] actual = run(g, d, x, OneDnnBackendProvider.NAME, 2);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5f * Math.max(1f, Math.abs(expected[i])),
                        activation + ": element " + i);
            }
        }
    }

    @Test
    void fullyConnectedGemmWithInt8WeightsMatchesTheJavaKernels() throws Exception {
        int m = 7;
        int k = 40;
        int n = 24;
        for (boolean transB : new boolean[] {false, true}) {
            for (float beta : new float[] {1f, 0.5f}) {
                long[] wShape = transB ? new long[] {n, k} : new long[] {k, n};
                Tensor codes = Tensor.allocate(DType.INT8, wShape);
                for (int i = 0; i < k * n; i++) {
                    codes.data().set(ValueLayout.JAVA_BYTE, i, (byte) (random.nextInt(2 * SEVEN_BITS + 1) - SEVEN_BITS));
                }
                var d = QuantizationDescriptor.linear(8, true, transB ? 0 : 1, 0, "w.scale", null, wShape);
                Map<String, Tensor> init = new LinkedHashMap<>();
                init.put("w", codes);
                init.put("w.scale", scales(n));
                float[] c = new float[n];
                for (int j = 0; j < n; j++) {
                    c[j] = random.nextFloat() - 0.5f;
                }
                init.put("c", Tensor.ofFloats(c, n));
                Node gemm = new Node("fc", "Gemm", Node.names("x", "w", "c"), Node.names("y"),
                        Map.of("transB", new Attribute.IntValue(transB ? 1 : 0), "beta", new Attribute.FloatValue(beta)));
                Graph g = new Graph("q", OneNodeModel.OPSET, List.of(floats("x", new long[] {m, k})),
                        List.of(floats("y", new long[] {m, n})), List.of(gemm), init, Map.of());
                Tensor x = activations(m, k);
                try (Model model = Model.of(g, Map.of("w", d));
                        Session s = model.newSession(SessionOptions.builder().backend(OneDnnBackendProvider.NAME).build())) {
                    String plan = s.describePlan(Map.of("x", x));
                    assertTrue(plan.contains("Gemm") && plan.contains(" onednn ") && !plan.contains("fallback"), plan);
                }
                float[] expected = run(g, d, x, "java", 1);
                float[] actual = run(g, d, x, OneDnnBackendProvider.NAME, 2);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-5f * Math.max(1f, Math.abs(expected[i])),
                            "transB " + transB + ", beta " + beta + ": element " + i);
                }
            }
        }
    }

    @Test
    void int4WeightsRunOnTheJavaKernels() throws Exception {
        int k = 32;
        int n = 8;
        Tensor codes = Tensor.allocate(DType.UINT4, k * n);
        for (int i = 0; i < k * n; i++) {
            int b = codes.data().get(ValueLayout.JAVA_BYTE, i >>> 1);
            int v = random.nextInt(16);
            codes.data().set(ValueLayout.JAVA_BYTE, i >>> 1, (byte) ((i & 1) == 0 ? (b & 0xF0) | v : (b & 0x0F) | v << 4));
        }
        var d = QuantizationDescriptor.linear(4, false, 0, 16, "w.scale", null, new long[] {k, n});
        Map<String, Tensor> init = new LinkedHashMap<>();
        init.put("w", codes.reshape(k, n));
        init.put("w.scale", scales(2 * n).reshape(2, n));
        Graph g = graph(new long[] {3, k}, n, init, Map.of());
        Tensor x = activations(3, k);
        assertArrayEquals(run(g, d, x, "java", 1), run(g, d, x, OneDnnBackendProvider.NAME, 1), 0f);
        try (Model model = Model.of(g, Map.of("w", d));
                Session s = model.newSession(SessionOptions.builder().backend(OneDnnBackendProvider.NAME).build())) {
            String plan = s.describePlan(Map.of("x", x));
            assertTrue(plan.contains("MatMul               java") && plan.contains("[fallback: oneDNN multiplies only "
                    + "2-D signed 8-bit LINEAR weights]"), plan);
        }
    }

    /**
     * A·W with A of {@code aShape} and W int8 {@code K×N}, codes within ±{@code largestCode}, scaled along
     * {@code axis}: oneDNN against Java.
     */
    private void check(long[] aShape, int n, int axis, int largestCode, Map<String, Attribute> attributes, int threads)
            throws Exception {
        int k = (int) aShape[aShape.length - 1];
        int rows = (int) (Tensor.elementCount(aShape) / k);
        Tensor codes = Tensor.allocate(DType.INT8, k, n);
        for (int i = 0; i < k * n; i++) {
            codes.data().set(ValueLayout.JAVA_BYTE, i, (byte) (random.nextInt(2 * largestCode + 1) - largestCode));
        }
        var d = QuantizationDescriptor.linear(8, true, axis, 0, "w.scale", null, new long[] {k, n});
        Map<String, Tensor> init = new LinkedHashMap<>();
        init.put("w", codes);
        init.put("w.scale", scales(axis == QuantizationDescriptor.PER_TENSOR ? 1 : n));
        Graph g = graph(aShape, n, init, attributes);
        Tensor x = activations(rows, k).reshape(aShape);
        float[] expected = run(g, d, x, "java", threads);
        float[] actual = run(g, d, x, OneDnnBackendProvider.NAME, threads);
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(1f, Math.abs(expected[i])),
                    "element " + i + " of A " + Arrays.toString(aShape) + " × [" + k + ", " + n + "]");
        }
    }

    private static Graph graph(long[] aShape, int n, Map<String, Tensor> init, Map<String, Attribute> attributes) {
        long[] yShape = aShape.clone();
        yShape[yShape.length - 1] = n;
        return new Graph("q", OneNodeModel.OPSET, List.of(floats("x", aShape)), List.of(floats("y", yShape)),
                List.of(new Node("mm", "MatMul", Node.names("x", "w"), Node.names("y"), attributes)), init, Map.of());
    }

    private static ValueInfo floats(String name, long[] dims) {
        return new ValueInfo(name, DType.FLOAT32, Arrays.stream(dims).mapToObj(Dim::fixed).toList());
    }

    private static float[] run(Graph g, QuantizationDescriptor d, Tensor x, String backend, int threads) throws Exception {
        try (Model model = Model.of(g, Map.of("w", d));
                Session s = model.newSession(SessionOptions.builder().backend(backend).threads(threads).build());
                Result r = s.run(Map.of("x", x))) {
            return r.get("y").toFloatArray();
        }
    }

    /** Rows of different ranges, so that every row gets its own scale and zero point. */
    private Tensor activations(int rows, int k) {
        float[] v = new float[rows * k];
        for (int m = 0; m < rows; m++) {
            float offset = (m % 5) * 0.4f - 0.6f;
            float spread = 1 + m % 3;
            for (int j = 0; j < k; j++) {
                v[m * k + j] = offset + spread * (random.nextFloat() * 2 - 1);
            }
        }
        return Tensor.ofFloats(v, rows, k);
    }

    private Tensor scales(int count) {
        float[] s = new float[count];
        for (int i = 0; i < count; i++) {
            s[i] = 0.001f + random.nextFloat() * 0.01f;
        }
        return Tensor.ofFloats(s, count);
    }
}
