package dev.jquant.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * jquant's FusedMatMul: on the float kernels against MatMul, Add and the activation computed in double, and on
 * the quantized kernels against the unfused MatMul, Add and Gelu nodes over the same quantized weight.
 */
class FusedMatMulTest {

    private final Random random = new Random(5);

    private static Node fused(String activation, boolean bias) {
        List<String> inputs = new ArrayList<>(List.of("a", "b"));
        if (bias) {
            inputs.add("bias");
        }
        Map<String, Attribute> attributes = activation == null ? Map.of()
                : Map.of("activation", new Attribute.StringValue(activation));
        return new Node("fused", "FusedMatMul", Operators.JQUANT_DOMAIN, inputs, List.of("y"), attributes);
    }

    /** Runs with the bias known while planning, as it is in a model; A and B as activations would be. */
    private static Tensor run(Node node, Parallel parallel, Tensor... inputs) throws UnsupportedOperatorException {
        return NodeEvaluator.evaluate(node, 13, inputs, true, parallel)[0];
    }

    private static double gelu(double v) {
        return 0.5 * v * (1 + erf(v / Math.sqrt(2)));
    }

    private static double erf(double x) {
        if (Math.abs(x) > 4) {
            return Math.signum(x); // 1 within 2e-8; the series below loses its digits out there
        }
        double sum = 0;
        double power = x;
        double factorial = 1;
        for (int n = 0; n < 120; n++) {
            sum += (n % 2 == 0 ? 1 : -1) * power / (factorial * (2 * n + 1));
            power *= x * x;
            factorial *= n + 1;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void floatProductThenBiasAndActivation() throws Exception {
        long[][][] cases = {{{3, 5}, {5, 7}}, {{2, 3, 5}, {5, 7}}, {{2, 3, 5}, {2, 5, 7}}, {{1, 40, 33}, {33, 300}}};
        for (long[][] c : cases) {
            Tensor a = NeuralOpTesting.random(random, c[0]);
            Tensor b = NeuralOpTesting.random(random, c[1]);
            int n = (int) c[1][c[1].length - 1];
            Tensor bias = NeuralOpTesting.random(random, n);
            Tensor product = NeuralOpTesting.run(NeuralOpTesting.node("MatMul", 2, 1), a, b);
            for (String activation : new String[] {null, "none", "relu", "gelu"}) {
                for (boolean withBias : new boolean[] {true, false}) {
                    float[] expected = product.toFloatArray();
                    for (int i = 0; i < expected.length; i++) {
                        double v = expected[i] + (withBias ? bias.getFloat(i % n) : 0);
                        expected[i] = (float) (activation == null || activation.equals("none") ? v
                                : activation.equals("relu") ? Math.max(0, v) : gelu(v));
                    }
                    for (Parallel parallel : new Parallel[] {Parallel.SERIAL, ElementwiseTesting.THREADS}) {
                        Tensor y = withBias ? run(fused(activation, true), parallel, a, b, bias)
                                : run(fused(activation, false), parallel, a, b);
                        NeuralOpTesting.assertClose(product.shape(), expected, y);
                    }
                }
            }
        }
    }

    @Test
    void quantizedWeightsTakeTheBiasAndGeluInTheKernelEpilogue() throws Exception {
        int m = 9;
        int k = 64;
        int n = 40;
        byte[] codes = new byte[k * n];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (random.nextInt(255) - 127);
        }
        float[] scales = new float[n];
        for (int j = 0; j < n; j++) {
            scales[j] = 0.002f + random.nextFloat() * 0.01f;
        }
        Map<String, Tensor> init = new LinkedHashMap<>();
        Tensor w = Tensor.allocate(DType.INT8, k, n);
        w.data().copyFrom(java.lang.foreign.MemorySegment.ofArray(codes));
        init.put("w", w);
        init.put("w.scale", Tensor.ofFloats(scales, n));
        init.put("bias", NeuralOpTesting.random(random, n));
        var d = QuantizationDescriptor.linear(8, true, 1, 0, "w.scale", null, new long[] {k, n});
        List<ValueInfo> in = List.of(new ValueInfo("a", DType.FLOAT32, null));
        List<ValueInfo> out = List.of(new ValueInfo("y", DType.FLOAT32, null));
        Graph unfused = new Graph("unfused", 14, in, out, List.of(
                new Node("mm", "MatMul", Node.names("a", "w"), Node.names("p"), Map.of()),
                new Node("add", "Add", Node.names("bias", "p"), Node.names("s"), Map.of()),
                new Node("gelu", "Gelu", Node.names("s"), Node.names("y"), Map.of())), init, Map.of());
        Graph fused = new Graph("fused", 14, in, out, List.of(new Node("mm", "FusedMatMul", Operators.JQUANT_DOMAIN,
                Node.names("a", "w", "bias"), Node.names("y"), Map.of("activation", new Attribute.StringValue("gelu")))),
                init, Map.of());
        Tensor a = NeuralOpTesting.random(random, 3, m, k);
        float[] expected = runModel(unfused, d, a);
        float[] actual = runModel(fused, d, a);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.abs(expected[i])))) {
                fail("element " + i + ": unfused " + expected[i] + ", fused " + actual[i]);
            }
        }
    }

    private static float[] runModel(Graph g, QuantizationDescriptor d, Tensor a) throws Exception {
        try (Model model = Model.of(g, Map.of("w", d)); Session s = model.newSession(); Result r = s.run(Map.of("a", a))) {
            assertArrayEquals(new long[] {3, 9, 40}, r.get("y").shape());
            return r.get("y").toFloatArray();
        }
    }

    @Test
    void misuseNamesTheInputAndTheChoices() {
        Tensor a = NeuralOpTesting.random(random, 2, 3);
        Tensor b = NeuralOpTesting.random(random, 3, 4);
        assertEquals("FusedMatMul node 'fused': activation 'tanh' is not supported; expected one of [none, relu, gelu]",
                message(fused("tanh", true), true, a, b, NeuralOpTesting.random(random, 4)));
        assertEquals("FusedMatMul node 'fused': bias (input 2) must have shape [4] (N, the columns of B), was [1, 4]",
                message(fused("gelu", true), true, a, b, NeuralOpTesting.random(random, 1, 4)));
        assertEquals("FusedMatMul node 'fused': B must have rank >= 2 (the bias and activation act on its columns), "
                + "was [3]", message(fused("gelu", false), true, a, NeuralOpTesting.random(random, 3)));
        assertEquals("FusedMatMul node 'fused': bias (input 2) must be a constant, known before the model runs",
                message(fused("gelu", true), false, a, b, NeuralOpTesting.random(random, 4)));
    }

    private static String message(Node node, boolean constant, Tensor... inputs) {
        return assertThrows(IllegalArgumentException.class,
                () -> NodeEvaluator.evaluate(node, 13, inputs, constant, Parallel.SERIAL)).getMessage();
    }

    @Test
    void onlyTheJquantDomainHasIt() {
        Node elsewhere = new Node("f", "FusedMatMul", "com.microsoft", Node.names("a", "b"), Node.names("y"), Map.of());
        assertEquals(false, Operators.isSupported(elsewhere));
        assertEquals(true, Operators.isSupported(fused(null, false)));
        assertThrows(UnsupportedOperatorException.class, () -> Operators.create(elsewhere, 13));
        assertEquals(false, Operators.supported().contains("FusedMatMul"), "supported() lists the ONNX op types");
    }
}
