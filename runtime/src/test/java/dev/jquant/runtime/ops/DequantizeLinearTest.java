package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.QuantizedOpTesting.ints;
import static dev.jquant.runtime.ops.QuantizedOpTesting.scalar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DequantizeLinearTest {

    @Test
    void dequantizesPerTensor() {
        Tensor y = NeuralOpTesting.run(node("DequantizeLinear", 3, 1), ints(DType.UINT8, 0, 3, 128, 255), scalar(2f),
                scalar(DType.UINT8, 128));
        assertArrayEquals(new float[] {-256, -250, 0, 254}, y.toFloatArray());
        y = NeuralOpTesting.run(node("DequantizeLinear", 2, 1), ints(DType.INT8, -128, -1, 127), scalar(0.5f));
        assertArrayEquals(new float[] {-64, -0.5f, 63.5f}, y.toFloatArray());
    }

    @Test
    void dequantizesPerAxisAndPerBlock() {
        Tensor x = ints(DType.UINT8, new int[] {3, 89, 34, 200, 74, 59, 5, 24, 24, 87, 32, 13}, 2, 3, 2);
        Tensor y = NeuralOpTesting.run(node("DequantizeLinear", 3, 1), x, Tensor.ofFloats(new float[] {2, 4, 5}, 3),
                ints(DType.UINT8, 84, 24, 196));
        assertArrayEquals(new float[] {-162, 10, 40, 704, -610, -685, -158, -120, 0, 252, -820, -915}, y.toFloatArray());
        // x [2, 3], blocks of 2 along axis 1: scale and zero point [2, 2]
        Tensor b = ints(DType.INT8, new int[] {1, 2, 3, 4, 5, 6}, 2, 3);
        y = NeuralOpTesting.run(node("DequantizeLinear", 3, 1, "block_size", 2), b,
                Tensor.ofFloats(new float[] {1, 10, 100, 1000}, 2, 2), ints(DType.INT8, new int[] {0, 1, 2, 3}, 2, 2));
        assertArrayEquals(new float[] {1, 2, 20, 200, 300, 3000}, y.toFloatArray());
    }

    @Test
    void readsInt32SixteenAndFourBitTypes() {
        Tensor y = NeuralOpTesting.run(node("DequantizeLinear", 2, 1), Tensor.ofInts(new int[] {-1 << 20, 7}, 2),
                scalar(0.25f));
        assertArrayEquals(new float[] {-(1 << 18), 1.75f}, y.toFloatArray());
        y = NeuralOpTesting.run(node("DequantizeLinear", 3, 1), ints(DType.INT4, -8, 7, 0), scalar(1f),
                scalar(DType.INT4, -1));
        assertArrayEquals(new float[] {-7, 8, 1}, y.toFloatArray());
        y = NeuralOpTesting.run(node("DequantizeLinear", 3, 1), ints(DType.UINT4, 0, 15, 3), scalar(2f),
                scalar(DType.UINT4, 8));
        assertArrayEquals(new float[] {-16, 14, -10}, y.toFloatArray());
        y = NeuralOpTesting.run(node("DequantizeLinear", 3, 1), ints(DType.UINT16, 0, 65535), scalar(1f),
                scalar(DType.UINT16, 32768));
        assertArrayEquals(new float[] {-32768, 32767}, y.toFloatArray());
    }

    @Test
    void writesTheScalesType() {
        Tensor scale = Tensor.allocate(DType.BFLOAT16);
        scale.data().setAtIndex(Tensor.I16, 0, (short) (Float.floatToRawIntBits(0.5f) >>> 16));
        Tensor y = NeuralOpTesting.run(node("DequantizeLinear", 2, 1), ints(DType.INT8, 3, -5), scale);
        assertEquals(DType.BFLOAT16, y.dtype());
        assertEquals(1.5f, Float.intBitsToFloat(y.data().getAtIndex(Tensor.I16, 0) << 16));
        assertEquals(-2.5f, Float.intBitsToFloat(y.data().getAtIndex(Tensor.I16, 1) << 16));
    }

    @Test
    void roundTripsQuantizeLinearOverThreads() {
        Random random = new Random(9);
        int[] q = QuantizedOpTesting.random(random, DType.UINT8, 4 * 9000);
        Tensor x = ints(DType.UINT8, q, 4, 9000);
        float[] scales = {0.1f, 0.2f, 0.3f, 0.4f};
        Tensor zero = ints(DType.UINT8, 0, 100, 200, 255);
        Tensor y = NeuralOpTesting.run(node("DequantizeLinear", 3, 1, "axis", 0), 13, NeuralOpTesting.THREE_CHUNKS, x,
                Tensor.ofFloats(scales, 4), zero)[0];
        float[] got = y.toFloatArray();
        int[] zeros = {0, 100, 200, 255};
        for (int i = 0; i < got.length; i++) {
            assertEquals((q[i] - zeros[i / 9000]) * scales[i / 9000], got[i], "element " + i);
        }
        Tensor back = NeuralOpTesting.run(node("QuantizeLinear", 3, 1, "axis", 0), 13, NeuralOpTesting.THREE_CHUNKS, y,
                Tensor.ofFloats(scales, 4), zero)[0];
        assertArrayEquals(q, QuantizedOpTesting.values(back));
    }

    @Test
    void refusesWrongTypesAndShapes() {
        String m = error(node("DequantizeLinear", 2, 1), Tensor.ofFloats(new float[] {1}, 1), scalar(1f));
        assertTrue(m.contains("x (input 0) has element type FLOAT32; supported: "), m);
        m = error(node("DequantizeLinear", 3, 1), ints(DType.UINT8, 1, 2), scalar(1f), scalar(DType.INT8, 0));
        assertTrue(m.contains("x (input 0) and x_zero_point (input 2) must have the same element type, got UINT8 and INT8"), m);
        m = error(node("DequantizeLinear", 3, 1), ints(DType.UINT8, new int[6], 2, 3), Tensor.ofFloats(new float[3], 3),
                ints(DType.UINT8, 0));
        assertTrue(m.contains("x_zero_point (input 2) [1] must have the shape of x_scale (input 1) [3]"), m);
        m = error(node("DequantizeLinear", 2, 1), ints(DType.UINT8, new int[6], 2, 3), Tensor.ofFloats(new float[6], 3, 2));
        assertTrue(m.contains("x_scale (input 1) [3, 2] for x [2, 3]: expected a scalar (per tensor) or a 1-D tensor "
                + "(per axis), or x's rank with attribute 'block_size' (blocked)"), m);
    }
}
