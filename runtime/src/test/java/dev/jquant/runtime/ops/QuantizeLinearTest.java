package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.unsupported;
import static dev.jquant.runtime.ops.QuantizedOpTesting.ints;
import static dev.jquant.runtime.ops.QuantizedOpTesting.scalar;
import static dev.jquant.runtime.ops.QuantizedOpTesting.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizeLinearTest {

    @Test
    void roundsHalfToEvenAndSaturates() {
        Tensor x = Tensor.ofFloats(new float[] {0, 2, 3, 5, -5, 1000, -1000, 0.9f}, 8);
        Tensor y = NeuralOpTesting.run(node("QuantizeLinear", 3, 1), x, scalar(2f), scalar(DType.UINT8, 128));
        assertEquals(DType.UINT8, y.dtype());
        // 3/2 = 1.5 -> 2 and 5/2 = 2.5 -> 2 (ties to even), -2.5 -> -2
        assertArrayEquals(new int[] {128, 129, 130, 130, 126, 255, 0, 128}, values(y));
        y = NeuralOpTesting.run(node("QuantizeLinear", 3, 1), x, scalar(2f), scalar(DType.INT8, -1));
        assertArrayEquals(new int[] {-1, 0, 1, 1, -3, 127, -128, -1}, values(y));
    }

    @Test
    void withoutZeroPointWritesUint8OrTheTypeOutputDtypeNames() {
        Tensor x = Tensor.ofFloats(new float[] {-1, 1, 300}, 3);
        assertArrayEquals(new int[] {0, 1, 255}, values(NeuralOpTesting.run(node("QuantizeLinear", 2, 1), x, scalar(1f))));
        Tensor y = NeuralOpTesting.run(node("QuantizeLinear", 2, 1, "output_dtype", DType.INT16.code()), x, scalar(1f));
        assertEquals(DType.INT16, y.dtype());
        assertArrayEquals(new int[] {-1, 1, 300}, values(y));
    }

    @Test
    void quantizesPerAxis() {
        // x [2, 3, 2], one scale and zero point per index of axis 1
        float[] v = {-162, 10, -100, 232, -20, -50, -76, 0, 0, 252, 32, -44};
        Tensor x = Tensor.ofFloats(v, 2, 3, 2);
        Tensor scale = Tensor.ofFloats(new float[] {2, 4, 5}, 3);
        Tensor zero = ints(DType.UINT8, 84, 24, 196);
        Tensor y = NeuralOpTesting.run(node("QuantizeLinear", 3, 1), x, scale, zero);
        assertArrayEquals(new int[] {3, 89, 0, 82, 192, 186, 46, 84, 24, 87, 202, 187}, values(y));
        // axis -1 of [2, 3, 2]: two scales
        y = NeuralOpTesting.run(node("QuantizeLinear", 3, 1, "axis", -1), x, Tensor.ofFloats(new float[] {1, 10}, 2),
                ints(DType.INT16, 0, 1000));
        assertArrayEquals(new int[] {-162, 1001, -100, 1023, -20, 995, -76, 1000, 0, 1025, 32, 996}, values(y));
    }

    @Test
    void quantizesPerBlockFromOpset21() {
        // x [2, 5], blocks of 2 along axis 1: scale [2, 3]
        Tensor x = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 10, 20, 30, 40, 50}, 2, 5);
        Tensor scale = Tensor.ofFloats(new float[] {1, 2, 4, 10, 20, 40}, 2, 3);
        Tensor zero = ints(DType.INT8, new int[] {0, 1, 2, 0, -1, -2}, 2, 3);
        Tensor y = NeuralOpTesting.run(node("QuantizeLinear", 3, 1, "block_size", 2), x, scale, zero);
        assertArrayEquals(new int[] {1, 2, 3, 3, 3, 1, 2, 1, 1, -1}, values(y));
        // blocks along axis 0 (inner > 1): x [4, 2], blocks of 3, scale [2, 2]
        x = Tensor.ofFloats(new float[] {1, 1, 2, 2, 3, 3, 8, 8}, 4, 2);
        y = NeuralOpTesting.run(node("QuantizeLinear", 2, 1, "block_size", 3, "axis", 0), x,
                Tensor.ofFloats(new float[] {1, 0.5f, 4, 2}, 2, 2));
        assertArrayEquals(new int[] {1, 2, 2, 4, 3, 6, 2, 4}, values(y));
    }

    @Test
    void writesSixteenAndFourBitTypes() {
        Tensor x = Tensor.ofFloats(new float[] {-20, -7.5f, -1, 0, 1, 6.5f, 7.5f, 20, 70000}, 9);
        assertArrayEquals(new int[] {-8, -8, -1, 0, 1, 6, 7, 7, 7},
                values(NeuralOpTesting.run(node("QuantizeLinear", 3, 1), x, scalar(1f), scalar(DType.INT4, 0))));
        Tensor u4 = NeuralOpTesting.run(node("QuantizeLinear", 3, 1), x, scalar(1f), scalar(DType.UINT4, 8));
        assertEquals(5, u4.byteSize(), "nine 4-bit values pack into five bytes");
        assertArrayEquals(new int[] {0, 0, 7, 8, 9, 14, 15, 15, 15}, values(u4));
        // element 0 in the low nibble, element 1 in the high one
        assertEquals(0x00, u4.data().get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(0x87, u4.data().get(ValueLayout.JAVA_BYTE, 1) & 0xFF);
        assertArrayEquals(new int[] {-20, -8, -1, 0, 1, 6, 8, 20, 32767},
                values(NeuralOpTesting.run(node("QuantizeLinear", 3, 1), x, scalar(1f), scalar(DType.INT16, 0))));
        assertArrayEquals(new int[] {0, 0, 0, 1, 2, 7, 9, 21, 65535},
                values(NeuralOpTesting.run(node("QuantizeLinear", 3, 1), x, scalar(1f), scalar(DType.UINT16, 1))));
    }

    @Test
    void acceptsFloat16AndInt32Inputs() {
        Tensor x = Tensor.allocate(DType.FLOAT16, 3);
        float[] v = {-3, 0.5f, 1.5f};
        for (int i = 0; i < 3; i++) {
            x.data().setAtIndex(Tensor.I16, i, Float.floatToFloat16(v[i]));
        }
        Tensor scale = Tensor.allocate(DType.FLOAT16);
        scale.data().setAtIndex(Tensor.I16, 0, Float.floatToFloat16(0.5f));
        assertArrayEquals(new int[] {-6, 1, 3},
                values(NeuralOpTesting.run(node("QuantizeLinear", 3, 1), x, scale, scalar(DType.INT8, 0))));
        Tensor i32 = Tensor.ofInts(new int[] {-300, 7, 300}, 3);
        assertArrayEquals(new int[] {0, 5, 151},
                values(NeuralOpTesting.run(node("QuantizeLinear", 3, 1), i32, scalar(2f), scalar(DType.UINT8, 1))));
    }

    @Test
    void largeTensorsMatchTheFormulaOverThreadsAndTypes() {
        Random random = new Random(5);
        long[] shape = {3, 7, 5001};
        float[] v = new float[3 * 7 * 5001];
        for (int i = 0; i < v.length; i++) {
            v[i] = (random.nextFloat() - 0.5f) * 600;
        }
        Tensor x = Tensor.ofFloats(v, shape);
        float[] scales = new float[7];
        for (int c = 0; c < 7; c++) {
            scales[c] = 0.25f + c;
        }
        for (DType type : new DType[] {DType.UINT8, DType.INT8, DType.INT4, DType.UINT16}) {
            int[] zeros = QuantizedOpTesting.random(random, type, 7);
            Tensor y = NeuralOpTesting.run(node("QuantizeLinear", 3, 1), 13, NeuralOpTesting.THREE_CHUNKS, x,
                    Tensor.ofFloats(scales, 7), ints(type, zeros))[0];
            int[] got = values(y);
            for (int i = 0; i < v.length; i++) {
                int c = i / 5001 % 7;
                long q = (long) Math.rint(v[i] / scales[c]) + zeros[c];
                int expected = (int) Math.clamp(q, QuantizedElements.lowest(type), QuantizedElements.highest(type));
                if (got[i] != expected) {
                    throw new AssertionError(type + " element " + i + ": expected " + expected + ", got " + got[i]);
                }
            }
        }
    }

    @Test
    void refusesWrongTypesAndShapes() {
        Tensor x = Tensor.ofFloats(new float[6], 2, 3);
        String m = error(node("QuantizeLinear", 2, 1), ints(DType.INT8, 1, 2), scalar(1f));
        assertTrue(m.contains("x (input 0) has element type INT8; supported: "), m);
        m = error(node("QuantizeLinear", 2, 1), x, scalar(DType.INT32, 1));
        assertTrue(m.contains("y_scale (input 1) has element type INT32; supported: [FLOAT32, FLOAT16, BFLOAT16]"), m);
        m = error(node("QuantizeLinear", 3, 1), x, scalar(1f), scalar(DType.INT32, 0));
        assertTrue(m.contains("y_zero_point (input 2) has element type INT32"), m);
        m = error(node("QuantizeLinear", 2, 1), x, Tensor.ofFloats(new float[2], 2));
        assertTrue(m.contains("y_scale (input 1) [2] for x [2, 3]: a per-axis scale needs one value per index of axis 1, 3 values"), m);
        m = error(node("QuantizeLinear", 3, 1), x, Tensor.ofFloats(new float[3], 3), ints(DType.UINT8, 1, 2));
        assertTrue(m.contains("y_zero_point (input 2) [2] must have the shape of y_scale (input 1) [3]"), m);
        m = error(node("QuantizeLinear", 2, 1, "block_size", 2), x, Tensor.ofFloats(new float[6], 2, 3));
        assertTrue(m.contains("with block_size=2 along axis 1: a blocked scale must have shape [2, 2]"), m);
        m = error(node("QuantizeLinear", 3, 1, "output_dtype", DType.INT8.code()), x, scalar(1f), scalar(DType.UINT8, 0));
        assertTrue(m.contains("attribute 'output_dtype' says INT8 but y_zero_point (input 2) is UINT8"), m);
        m = error(node("QuantizeLinear", 2, 1, "output_dtype", DType.FLOAT32.code()), x, scalar(1f));
        assertTrue(m.contains("attribute 'output_dtype' = 1 is not a quantized type"), m);
        m = unsupported(node("QuantizeLinear", 2, 1, "output_dtype", 17), x, scalar(1f));
        assertTrue(m.contains("FLOAT8"), m);
    }

    @Test
    void olderOpsetsRefuseLaterLayouts() {
        Tensor x = Tensor.ofFloats(new float[6], 2, 3);
        String m = assertThrows(IllegalArgumentException.class, () -> NeuralOpTesting.run(node("QuantizeLinear", 2, 1), 10,
                Parallel.SERIAL, x, Tensor.ofFloats(new float[3], 3))).getMessage();
        assertTrue(m.contains("opset 10 quantizes per tensor only; per-axis scales need opset 13"), m);
        m = assertThrows(IllegalArgumentException.class, () -> NeuralOpTesting.run(node("QuantizeLinear", 2, 1,
                "block_size", 3), 19, Parallel.SERIAL, x, Tensor.ofFloats(new float[2], 2, 1))).getMessage();
        assertTrue(m.contains("attribute 'block_size' needs opset 21, the model has opset 19"), m);
    }
}
