package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.QuantizedOpTesting.ints;
import static dev.jquant.runtime.ops.QuantizedOpTesting.scalar;
import static dev.jquant.runtime.ops.QuantizedOpTesting.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QLinearMatMulTest {

    @Test
    void computesTheSpecificationExample() {
        Tensor a = ints(DType.UINT8, new int[] {208, 236, 0, 238, 3, 214, 255, 29}, 2, 4);
        Tensor b = ints(DType.UINT8, new int[] {152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247}, 4, 3);
        for (boolean constant : new boolean[] {false, true}) {
            Tensor y = QuantizedOpTesting.run(node("QLinearMatMul", 8, 1), 10, constant, Parallel.SERIAL, a,
                    scalar(0.0066f), scalar(DType.UINT8, 113), b, scalar(0.00705f), scalar(DType.UINT8, 114),
                    scalar(0.0107f), scalar(DType.UINT8, 118))[0];
            assertEquals(DType.UINT8, y.dtype());
            assertArrayEquals(new int[] {168, 115, 255, 1, 66, 151}, values(y));
        }
    }

    @Test
    void requantizesPerRowAndPerColumn() {
        Random random = new Random(4);
        int m = 5;
        int k = 33;
        int n = 7;
        Tensor a = ints(DType.UINT8, QuantizedOpTesting.random(random, DType.UINT8, 3 * m * k), 3, m, k);
        Tensor b = ints(DType.INT8, QuantizedOpTesting.random(random, DType.INT8, k * n), k, n);
        float[] aScales = new float[m];
        for (int r = 0; r < m; r++) {
            aScales[r] = 0.01f * (r + 1);
        }
        float[] bScales = new float[n];
        for (int c = 0; c < n; c++) {
            bScales[c] = 0.002f * (c + 3);
        }
        Tensor za = ints(DType.UINT8, QuantizedOpTesting.random(random, DType.UINT8, m), m);
        Tensor zb = ints(DType.INT8, new int[n], n);
        float yScale = 0.05f;
        int[] acc = MatMulIntegerTest.reference(a, b, za, zb);
        for (boolean constant : new boolean[] {false, true}) {
            Tensor y = QuantizedOpTesting.run(node("QLinearMatMul", 8, 1), 10, constant, NeuralOpTesting.THREE_CHUNKS, a,
                    Tensor.ofFloats(aScales, m), za, b, Tensor.ofFloats(bScales, n), zb, scalar(yScale),
                    scalar(DType.INT8, -3))[0];
            assertArrayEquals(new long[] {3, m, n}, y.shape());
            int[] got = values(y);
            for (int i = 0; i < got.length; i++) {
                float multiplier = aScales[i / n % m] * bScales[i % n] / yScale;
                int expected = (int) Math.clamp((long) Math.rint(acc[i] * multiplier) - 3, -128, 127);
                assertEquals(expected, got[i], "element " + i + (constant ? " (constant b)" : ""));
            }
        }
    }

    @Test
    void refusesMismatchedScalesAndZeroPoints() {
        Tensor a = ints(DType.UINT8, new int[6], 2, 3);
        Tensor b = ints(DType.UINT8, new int[12], 3, 4);
        Tensor one = scalar(1f);
        Tensor z = scalar(DType.UINT8, 0);
        String m = error(node("QLinearMatMul", 8, 1), a, one, z, b, one, z, Tensor.ofFloats(new float[2], 2), z);
        assertTrue(m.contains("y_scale (input 6) must hold one value (per-tensor quantization), has shape [2]"), m);
        m = error(node("QLinearMatMul", 8, 1), a, Tensor.ofFloats(new float[2], 2), z, b, one, z, one, z);
        assertTrue(m.contains("a_zero_point (input 2) [] must have the shape of a_scale (input 1) [2]"), m);
        m = error(node("QLinearMatMul", 8, 1), a, one, z, b, Tensor.ofFloats(new float[3], 3), z, one, z);
        assertTrue(m.contains("b_scale (input 4) has shape [3]; for b (input 3) [3, 4] expected one value (per tensor), [4] "
                + "(per column) or [1, 4] (per column of each batch entry)"), m);
        m = error(node("QLinearMatMul", 8, 1), a, one, z, b, one, z, one, scalar(DType.INT32, 0));
        assertTrue(m.contains("y_zero_point (input 7) has element type INT32; supported: [UINT8, INT8]"), m);
        m = error(node("QLinearMatMul", 7, 1), a, one, z, b, one, z, one);
        assertTrue(m.contains("y_zero_point (input 7) is required"), m);
    }
}
