package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.QuantizedOpTesting.ints;
import static dev.jquant.runtime.ops.QuantizedOpTesting.scalar;
import static dev.jquant.runtime.ops.QuantizedOpTesting.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class QLinearConvTest {

    @Test
    void addsTheBiasAndRequantizesHalfToEven() {
        Tensor x = ints(DType.UINT8, new int[] {10, 20, 30, 40}, 1, 1, 2, 2);
        Tensor w = ints(DType.UINT8, new int[] {3}, 1, 1, 1, 1);
        // (x − 10)·(3 − 1) + 4 = [4, 24, 44, 64], times 0.5·0.25/1 = [0.5, 3, 5.5, 8], rounded to even, plus 5
        Tensor y = NeuralOpTesting.run(node("QLinearConv", 9, 1), x, scalar(0.5f), scalar(DType.UINT8, 10), w,
                scalar(0.25f), scalar(DType.UINT8, 1), scalar(1f), scalar(DType.UINT8, 5), Tensor.ofInts(new int[] {4}, 1));
        assertEquals(DType.UINT8, y.dtype());
        assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new int[] {5, 8, 11, 13}, values(y));
    }

    @Test
    void scalesPerOutputChannelAndSaturates() {
        Tensor x = ints(DType.UINT8, new int[] {100, 200}, 1, 1, 1, 2);
        Tensor w = ints(DType.INT8, new int[] {1, -1}, 2, 1, 1, 1);
        // channel 0: [100, 200]·1/2; channel 1: [−100, −200]·2/2, the last below INT8
        Tensor y = NeuralOpTesting.run(node("QLinearConv", 8, 1), x, scalar(1f), scalar(DType.UINT8, 0), w,
                Tensor.ofFloats(new float[] {1, 2}, 2), ints(DType.INT8, 0, 0), scalar(2f), scalar(DType.INT8, 0));
        assertEquals(DType.INT8, y.dtype());
        assertArrayEquals(new int[] {50, 100, -100, -128}, values(y));
    }

    @Test
    void refusesWrongBiasAndScales() {
        Tensor x = ints(DType.UINT8, new int[4], 1, 1, 2, 2);
        Tensor w = ints(DType.UINT8, new int[2], 2, 1, 1, 1);
        Tensor one = scalar(1f);
        Tensor z = scalar(DType.UINT8, 0);
        String m = error(node("QLinearConv", 9, 1), x, one, z, w, one, z, one, z, Tensor.ofFloats(new float[2], 2));
        assertTrue(m.contains("B (input 8) has element type FLOAT32; supported: [INT32]"), m);
        m = error(node("QLinearConv", 9, 1), x, one, z, w, one, z, one, z, Tensor.ofInts(new int[3], 3));
        assertTrue(m.contains("B (input 8) must be [2] (one per output channel), was [3]"), m);
        m = error(node("QLinearConv", 8, 1), x, one, z, w, Tensor.ofFloats(new float[3], 3), z, one, z);
        assertTrue(m.contains("w_scale (input 4) must be one value (per tensor) or [2] (per output channel), was [3]"), m);
        m = error(node("QLinearConv", 8, 1), x, Tensor.ofFloats(new float[2], 2), z, w, one, z, one, z);
        assertTrue(m.contains("x_scale (input 1) must hold one value (per-tensor quantization), has shape [2]"), m);
    }
}
