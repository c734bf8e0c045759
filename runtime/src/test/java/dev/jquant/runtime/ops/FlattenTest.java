package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.runDynamic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class FlattenTest {

    private static long[] flattened(int axis) {
        return runDynamic(node("Flatten", 1, 1, "axis", axis), 13, iota(2, 3, 4, 5))[0].shape();
    }

    @Test
    void splitsTheShapeAtTheAxis() {
        assertArrayEquals(new long[] {1, 120}, flattened(0));
        assertArrayEquals(new long[] {6, 20}, flattened(2));
        assertArrayEquals(new long[] {120, 1}, flattened(4));
        assertArrayEquals(new long[] {24, 5}, flattened(-1));
        assertArrayEquals(new long[] {1, 120}, flattened(-4));
        Tensor out = runDynamic(node("Flatten", 1, 1), 13, iota(2, 3, 4))[0];
        assertArrayEquals(new long[] {2, 12}, out.shape());
        assertArrayEquals(iota(24).toFloatArray(), out.toFloatArray());
    }

    @Test
    void axisOutOfRangeListsTheValidRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flattened(5));
        assertTrue(e.getMessage().contains("axis 5 is out of range for rank 4 (valid: -4..3)"), e.getMessage());
    }
}
