package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.runDynamic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ConcatTest {

    @Test
    void joinsAlongTheMiddleAxis() {
        Tensor a = iota(2, 1, 2);
        Tensor b = Tensor.ofFloats(new float[] {10, 11, 12, 13, 14, 15, 16, 17}, 2, 2, 2);
        Tensor empty = Tensor.allocate(DType.FLOAT32, 2, 0, 2);
        Tensor out = runDynamic(node("Concat", 3, 1, "axis", -2), 13, a, empty, b)[0];
        assertArrayEquals(new long[] {2, 3, 2}, out.shape());
        assertArrayEquals(new float[] {0, 1, 10, 11, 12, 13, 2, 3, 14, 15, 16, 17}, out.toFloatArray());
    }

    @Test
    void joinsVectorsOfInt64() {
        Tensor out = runDynamic(node("Concat", 2, 1, "axis", 0), 13, TensorOpTesting.longs(1, 2),
                TensorOpTesting.longs(3))[0];
        assertArrayEquals(new long[] {1, 2, 3}, out.toLongArray());
    }

    @Test
    void mismatchedShapesNameBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runDynamic(node("Concat", 2, 1, "axis", 0), 13, iota(2, 3), iota(2, 4)));
        assertTrue(e.getMessage().contains("input 1 has shape [2, 4], input 0 has [2, 3]"), e.getMessage());
    }

    @Test
    void mixedTypesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runDynamic(node("Concat", 2, 1, "axis", 0), 13, iota(2), TensorOpTesting.longs(1)));
        assertTrue(e.getMessage().contains("input 1 is INT64, input 0 is FLOAT32"), e.getMessage());
    }
}
