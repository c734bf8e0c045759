package dev.jquant.runtime.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Quantized weights through the runtime: MatMul and Gemm on the quantized kernels against the float product
 * of the decoded weights, Gather decoding only rows, and a decode that every other operator gets.
 */
class QuantizedWeightsTest {

    private static final int M = 5;
    private static final int K = 64;
    private static final int N = 24;
    private final Random random = new Random(11);

    @Test
    void int8MatMulMatchesTheFloatProductOfTheDecodedWeights() throws Exception {
        Tensor codes = randomCodes(DType.INT8, K * N, -127, 127);
        Tensor scales = randomScales(N);
        var d = QuantizationDescriptor.linear(8, true, 1, 0, "w.scale", null, new long[] {K, N});
        checkMatMul(codes, scales, null, d, Map.of());
    }

    @Test
    void int4MatMulInGroupsWithZeroPointsMatchesTheDecodedProduct() throws Exception {
        Tensor codes = randomCodes(DType.UINT4, K * N, 0, 15);
        Tensor scales = randomScales(2 * N).reshape(2, N);
        Tensor zeros = randomCodes(DType.UINT4, 2 * N, 0, 15).reshape(2, N);
        var d = QuantizationDescriptor.linear(4, false, 0, 32, "w.scale", "w.zero_point", new long[] {K, N});
        checkMatMul(codes, scales, zeros, d, Map.of());
    }

    @Test
    void staticInputParametersQuantizeTheInputWithThem() throws Exception {
        Tensor codes = randomCodes(DType.INT8, K * N, -127, 127);
        var d = QuantizationDescriptor.linear(8, true, 1, 0, "w.scale", null, new long[] {K, N});
        // x is uniform in [-1, 1): a fixed grid over [-1, 1] costs at most half a step per element.
        checkMatMul(codes, randomScales(N), null, d, Map.of(StaticInputAttributes.SCALE,
                new Attribute.FloatValue(2f / 255), StaticInputAttributes.ZERO_POINT, new Attribute.IntValue(128)));
    }

    private void checkMatMul(Tensor codes, Tensor scales, Tensor zeros, QuantizationDescriptor d,
            Map<String, Attribute> attributes) throws Exception {
        Map<String, Tensor> init = new java.util.LinkedHashMap<>();
        init.put("w", codes.reshape(K, N));
        init.put("w.scale", scales);
        if (zeros != null) {
            init.put("w.zero_point", zeros);
        }
        Graph g = new Graph("q", 17, List.of(floats("x", M, K)), List.of(floats("y", M, N)),
                List.of(new Node("mm", "MatMul", Node.names("x", "w"), Node.names("y"), attributes)), init, Map.of());
        Tensor x = randomFloats(M * K).reshape(M, K);
        float[] w = QuantizedTensor.of("w", d, init).decodeAll().toFloatArray();
        float[] expected = new float[M * N];
        float[] xs = x.toFloatArray();
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                for (int k = 0; k < K; k++) {
                    expected[i * N + j] += xs[i * K + k] * w[k * N + j];
                }
            }
        }
        try (Model model = Model.of(g, Map.of("w", d)); Session s = model.newSession(); Result r = s.run(Map.of("x", x))) {
            float[] y = r.get("y").toFloatArray();
            double noise = 0;
            double signal = 0;
            for (int i = 0; i < y.length; i++) {
                noise += (y[i] - expected[i]) * (y[i] - expected[i]);
                signal += expected[i] * expected[i];
            }
            // 8-bit activations against float ones: about 40 dB; anything broken is far below. The float
            // kernel on decoded weights would be near-exact (> 100 dB): the upper bound shows the int8 kernel ran.
            double sqnr = 10 * Math.log10(signal / noise);
            assertTrue(sqnr > 30 && sqnr < 80, "SQNR " + sqnr + " dB");
        }
    }

    @Test
    void gatherDecodesTheRowsItReads() throws Exception {
        Tensor codes = randomCodes(DType.INT8, 10 * 8, -127, 127).reshape(10, 8);
        Tensor scales = randomScales(10);
        var d = QuantizationDescriptor.linear(8, true, 0, 0, "t.scale", null, new long[] {10, 8});
        Map<String, Tensor> init = Map.of("t", codes, "t.scale", scales);
        Graph g = new Graph("g", 17, List.of(new ValueInfo("ids", DType.INT64, List.of(Dim.fixed(3)))),
                List.of(floats("rows", 3, 8)), List.of(new Node("gather", "Gather", Node.names("t", "ids"),
                        Node.names("rows"), Map.of())), init, Map.of());
        float[] table = QuantizedTensor.of("t", d, init).decodeAll().toFloatArray();
        try (Model model = Model.of(g, Map.of("t", d)); Session s = model.newSession();
                Result r = s.run(Map.of("ids", Tensor.ofLongs(new long[] {7, 0, -1}, 3)))) {
            float[] rows = r.get("rows").toFloatArray();
            long[] picked = {7, 0, 9};
            for (int i = 0; i < 3; i++) {
                for (int c = 0; c < 8; c++) {
                    assertEquals(table[(int) picked[i] * 8 + c], rows[i * 8 + c], 0f);
                }
            }
        }
    }

    @Test
    void otherOperatorsReadTheDecodedValues() throws Exception {
        Tensor codes = randomCodes(DType.INT8, 12, -127, 127).reshape(3, 4);
        var d = QuantizationDescriptor.linear(8, true, -1, 0, "c.scale", null, new long[] {3, 4});
        Map<String, Tensor> init = Map.of("c", codes, "c.scale", Tensor.ofFloats(new float[] {0.5f}, 1));
        Graph g = new Graph("add", 17, List.of(floats("x", 3, 4)), List.of(floats("y", 3, 4)),
                List.of(new Node("add", "Add", Node.names("x", "c"), Node.names("y"), Map.of())), init, Map.of());
        try (Model model = Model.of(g, Map.of("c", d)); Session s = model.newSession();
                Result r = s.run(Map.of("x", Tensor.allocate(DType.FLOAT32, 3, 4)))) {
            float[] y = r.get("y").toFloatArray();
            for (int i = 0; i < 12; i++) {
                assertEquals(codes.data().get(ValueLayout.JAVA_BYTE, i) * 0.5f, y[i], 0f);
            }
        }
    }

    @Test
    void descriptorsThatDoNotFitTheirTensorsAreRefused() {
        Map<String, Tensor> init = Map.of("w", randomCodes(DType.INT8, K * N, -127, 127).reshape(K, N),
                "w.scale", randomScales(N - 1));
        var d = QuantizationDescriptor.linear(8, true, 1, 0, "w.scale", null, new long[] {K, N});
        Graph g = new Graph("bad", 17, List.of(floats("x", M, K)), List.of(floats("y", M, N)),
                List.of(new Node("mm", "MatMul", Node.names("x", "w"), Node.names("y"), Map.of())), init, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.of(g, Map.of("w", d)));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }

    private static ValueInfo floats(String name, long... dims) {
        return new ValueInfo(name, DType.FLOAT32, java.util.Arrays.stream(dims).mapToObj(Dim::fixed).toList());
    }

    private Tensor randomCodes(DType type, int count, int low, int high) {
        Tensor t = Tensor.allocate(type, count);
        for (int i = 0; i < count; i++) {
            int v = low + random.nextInt(high - low + 1);
            if (type.bits() == 4) {
                int b = t.data().get(ValueLayout.JAVA_BYTE, i / 2);
                t.data().set(ValueLayout.JAVA_BYTE, i / 2, (byte) ((i & 1) == 0 ? (b & 0xF0) | (v & 0xF) : (b & 0x0F) | (v & 0xF) << 4));
            } else {
                t.data().set(ValueLayout.JAVA_BYTE, i, (byte) v);
            }
        }
        return t;
    }

    private Tensor randomScales(int count) {
        float[] s = new float[count];
        for (int i = 0; i < count; i++) {
            s[i] = 0.001f + random.nextFloat() * 0.01f;
        }
        return Tensor.ofFloats(s, count);
    }

    private Tensor randomFloats(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return Tensor.ofFloats(v, count);
    }
}
