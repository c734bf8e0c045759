package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.longs;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ConstantOfShapeTest {

    @Test
    void floatZerosByDefault() {
        Tensor out = run(node("ConstantOfShape", 1, 1), 13, longs(2, 3))[0];
        assertEquals(DType.FLOAT32, out.dtype());
        assertArrayEquals(new float[6], out.toFloatArray());
    }

    @Test
    void valueAttributeGivesTypeAndFill() {
        Tensor out = run(node("ConstantOfShape", 1, 1, "value", Tensor.ofInts(new int[] {-7}, 1)), 13, longs(3))[0];
        assertArrayEquals(new int[] {-7, -7, -7}, out.toIntArray());
        Tensor empty = run(node("ConstantOfShape", 1, 1, "value", Tensor.ofLongs(new long[] {1}, 1)), 13, longs(0))[0];
        assertArrayEquals(new long[] {0}, empty.shape());
    }
}
