package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnaryMathTest {

    /** erf by its series with positive terms (Abramowitz and Stegun 7.1.6), to double precision. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax > 6) {
            return Math.signum(x);
        }
        double term = ax;
        double sum = ax;
        for (int n = 1; term > sum * 1e-17; n++) {
            term *= 2 * ax * ax / (2 * n + 1);
            sum += term;
        }
        return Math.copySign(2 / Math.sqrt(Math.PI) * Math.exp(-ax * ax) * sum, x);
    }

    private static DoubleUnaryOperator reference(String op) {
        return switch (op) {
            case "Relu" -> x -> Math.max(0, x);
            case "LeakyRelu" -> x -> x >= 0 ? x : 0.01 * x;
            case "Sigmoid" -> x -> 1 / (1 + Math.exp(-x));
            case "HardSigmoid" -> x -> Math.max(0, Math.min(1, 0.2 * x + 0.5));
            case "HardSwish" -> x -> x * Math.max(0, Math.min(1, x / 6 + 0.5));
            case "Tanh" -> Math::tanh;
            case "Erf" -> UnaryMathTest::erf;
            case "Abs" -> Math::abs;
            case "Neg" -> x -> -x;
            case "Sqrt" -> Math::sqrt;
            case "Reciprocal" -> x -> 1 / x;
            case "Exp" -> Math::exp;
            case "Log" -> Math::log;
            default -> throw new IllegalArgumentException(op);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Abs", "Neg",
            "Sqrt", "Reciprocal", "Exp", "Log"})
    void float32MatchesReference(String op) {
        boolean positive = op.equals("Sqrt") || op.equals("Log");
        // 3 x 12345: odd, and more than one piece of work
        Tensor x = randomFloats(op.hashCode(), 3, 12_345);
        float[] in = x.toFloatArray();
        if (positive) {
            for (int i = 0; i < in.length; i++) {
                in[i] = Math.abs(in[i]) * 10 + 1e-3f;
            }
            x = Tensor.ofFloats(in, 3, 12_345);
        }
        float[] expected = new float[in.length];
        DoubleUnaryOperator f = reference(op);
        for (int i = 0; i < in.length; i++) {
            expected[i] = (float) f.applyAsDouble(in[i]);
        }
        Tensor y = run(node(op, 1), 13, x);
        assertEquals(DType.FLOAT32, y.dtype());
        assertArrayEquals(new long[] {3, 12_345}, y.shape());
        assertClose(expected, y.toFloatArray(), 5e-7, 2e-7, op);
    }

    @Test
    void attributesOfLeakyReluAndHardSigmoid() {
        Tensor x = Tensor.ofFloats(new float[] {-2, -0.5f, 0, 1, 4}, 5);
        assertArrayEquals(new float[] {-0.6f, -0.15f, 0, 1, 4},
                run(node("LeakyRelu", 1, "alpha", 0.3f), 13, x).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 1, 1},
                run(node("HardSigmoid", 1, "alpha", 0.5f, "beta", 0.5f), 13, x).toFloatArray(), 1e-7f);
    }

    @Test
    void otherFloatTypesComputeInDouble() {
        double[] v = {-3, -0.5, 0, 0.25, 2.5};
        Tensor y = run(node("Sigmoid", 1), 13, of(DType.FLOAT64, v, 5));
        assertEquals(DType.FLOAT64, y.dtype());
        for (int i = 0; i < v.length; i++) {
            assertEquals(1 / (1 + Math.exp(-v[i])), value(y, i), 1e-15);
        }
        Tensor half = run(node("Exp", 1), 13, of(DType.FLOAT16, v, 5));
        assertEquals(DType.FLOAT16, half.dtype());
        for (int i = 0; i < v.length; i++) {
            assertEquals(Math.exp(v[i]), value(half, i), Math.exp(v[i]) * 1e-3);
        }
    }

    @Test
    void integerAbsNegAndReluWrapAsC() {
        Tensor ints = Tensor.ofInts(new int[] {Integer.MIN_VALUE, -5, 0, 7}, 4);
        assertArrayEquals(new int[] {Integer.MIN_VALUE, 5, 0, 7}, run(node("Abs", 1), 13, ints).toIntArray());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, 5, 0, -7}, run(node("Neg", 1), 13, ints).toIntArray());
        assertArrayEquals(new int[] {0, 0, 0, 7}, run(node("Relu", 1), 14, ints).toIntArray());
        Tensor longs = Tensor.ofLongs(new long[] {-(1L << 40), 3}, 2);
        assertArrayEquals(new long[] {1L << 40, -3}, run(node("Neg", 1), 13, longs).toLongArray());
        Tensor bytes = of(DType.UINT8, new double[] {200, 3}, 2);
        Tensor abs = run(node("Abs", 1), 13, bytes);
        assertEquals(200, value(abs, 0));
    }

    @Test
    void floatOnlyFunctionsRejectIntegers() {
        String m = failure(node("Sigmoid", 1), 13, Tensor.ofLongs(new long[] {1}, 1));
        assertEquals("Sigmoid node 'Sigmoid_node': input has element type INT64; supported: "
                + "[FLOAT32, FLOAT16, FLOAT64, BFLOAT16]", m);
        assertTrue(failure(node("Neg", 1), 13, of(DType.UINT8, new double[] {1}, 1)).contains("UINT8"));
    }

    @Test
    void clipBeforeOpset11TakesAttributes() {
        Tensor x = Tensor.ofFloats(new float[] {-3, -1, 0, 1, 3, Float.POSITIVE_INFINITY}, 6);
        assertArrayEquals(new float[] {-1, -1, 0, 1, 2, 2},
                run(node("Clip", 1, "min", -1f, "max", 2f), 6, x).toFloatArray());
        // no bounds: the float range, as Clip-6 specifies
        assertEquals(Float.MAX_VALUE, run(node("Clip", 1), 6, x).toFloatArray()[5]);
    }

    @Test
    void clipFromOpset11TakesOptionalInputs() {
        Tensor x = randomFloats(3, 4, 1001);
        float[] in = x.toFloatArray();
        Tensor lo = Tensor.ofFloats(new float[] {-0.5f});
        Tensor hi = Tensor.ofFloats(new float[] {0.25f});
        float[] both = run(node("Clip", 3), 13, x, lo, hi).toFloatArray();
        float[] onlyMax = run(node("Clip", new String[] {"x", null, "hi"}, 1), 13, x, null, hi).toFloatArray();
        float[] none = run(node("Clip", 1), 13, x).toFloatArray();
        for (int i = 0; i < in.length; i++) {
            assertEquals(Math.min(Math.max(in[i], -0.5f), 0.25f), both[i]);
            assertEquals(Math.min(in[i], 0.25f), onlyMax[i]);
            assertEquals(in[i], none[i]);
        }
        // min above max: everything becomes max
        float[] crossed = run(node("Clip", 3), 13, x, hi, lo).toFloatArray();
        for (float v : crossed) {
            assertEquals(-0.5f, v);
        }
    }

    @Test
    void clipOnIntegers() {
        Tensor x = of(DType.INT8, new double[] {-128, -3, 0, 5, 127}, 5);
        Tensor y = run(node("Clip", 3), 13, x, of(DType.INT8, new double[] {-2}), of(DType.INT8, new double[] {4}));
        assertEquals(DType.INT8, y.dtype());
        for (int i = 0; i < 5; i++) {
            assertEquals(new double[] {-2, -2, 0, 4, 4}[i], value(y, i));
        }
        Tensor big = Tensor.ofLongs(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, 2);
        assertArrayEquals(new long[] {Long.MIN_VALUE, (1L << 60) + 1},
                run(node("Clip", new String[] {"x", null, "hi"}, 1), 13, big, null,
                        Tensor.scalarLong((1L << 60) + 1)).toLongArray());
    }

    @Test
    void clipBoundsMustBeScalarsOfTheInputType() {
        Tensor x = randomFloats(1, 4);
        assertEquals("Clip node 'Clip_node': min (input 1) must be a scalar, got shape [2]",
                failure(node("Clip", 2), 13, x, Tensor.ofFloats(new float[] {0, 1}, 2)));
        assertEquals("Clip node 'Clip_node': input and min (input 1) must have the same element type, got FLOAT32 and INT64",
                failure(node("Clip", 2), 13, x, Tensor.scalarLong(0)));
    }

    @Test
    void constantInputsGiveTheSameResult() {
        Tensor x = randomFloats(9, 5, 7);
        assertArrayEquals(run(node("Erf", 1), 13, x).toFloatArray(),
                runConstant(node("Erf", 1), 13, x)[0].toFloatArray());
    }
}
