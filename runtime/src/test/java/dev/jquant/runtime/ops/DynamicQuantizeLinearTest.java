package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.QuantizedOpTesting.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class DynamicQuantizeLinearTest {

    private static Tensor[] run(Tensor x) {
        return NeuralOpTesting.run(node("DynamicQuantizeLinear", 1, 3), 11, Parallel.SERIAL, x);
    }

    @Test
    void computesTheSpecificationExample() {
        Tensor[] out = run(Tensor.ofFloats(new float[] {0, 2, -3, -2.5f, 1.34f, 0.5f}, 6));
        // range [-3, 2]: scale 5/255, zero point rint(3 / scale) = 153
        assertEquals(5f / 255, out[1].getFloat(0));
        assertArrayEquals(new long[0], out[1].shape());
        assertEquals(DType.UINT8, out[2].dtype());
        assertArrayEquals(new int[] {153}, values(out[2]));
        assertArrayEquals(new int[] {153, 255, 0, 26, 221, 179}, values(out[0]));
    }

    @Test
    void widensTheRangeToZeroOverTheWholeTensor() {
        // all positive: the range starts at 0, zero point 0; the maximum is over every row, not per row
        Tensor[] out = run(Tensor.ofFloats(new float[] {1, 2, 4, 5.1f, 2.5f, 0.04f}, 2, 3));
        assertEquals(5.1f / 255, out[1].getFloat(0));
        assertArrayEquals(new int[] {0}, values(out[2]));
        assertArrayEquals(new int[] {50, 100, 200, 255, 125, 2}, values(out[0]));
        // all negative: zero point 255
        out = run(Tensor.ofFloats(new float[] {-1, -2.55f}, 2));
        assertEquals(2.55f / 255, out[1].getFloat(0));
        assertArrayEquals(new int[] {255}, values(out[2]));
        assertArrayEquals(new int[] {155, 0}, values(out[0]));
    }

    @Test
    void allZerosGetScaleOne() {
        Tensor[] out = run(Tensor.ofFloats(new float[4], 2, 2));
        assertEquals(1f, out[1].getFloat(0));
        assertArrayEquals(new int[] {0}, values(out[2]));
        assertArrayEquals(new int[4], values(out[0]));
    }

    @Test
    void refusesOtherInputTypes() {
        Tensor x = Tensor.allocate(DType.FLOAT64, 2);
        String m = error(node("DynamicQuantizeLinear", 1, 3), x);
        assertTrue(m.contains("x (input 0) has element type FLOAT64; supported: [FLOAT32]"), m);
    }
}
