package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class RangeTest {

    private static Tensor ints(int v) {
        return Tensor.ofInts(new int[] {v});
    }

    private static Tensor floats(float v) {
        return Tensor.ofFloats(new float[] {v});
    }

    @Test
    void integerRangeWithNegativeDelta() {
        Tensor out = run(node("Range", 3, 1), 13, ints(10), ints(4), ints(-3))[0];
        assertArrayEquals(new int[] {10, 7}, out.toIntArray());
    }

    @Test
    void floatRangeRoundsTheCountUp() {
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f},
                run(node("Range", 3, 1), 13, floats(1), floats(2.7f), floats(0.5f))[0].toFloatArray());
        assertArrayEquals(new long[] {0}, run(node("Range", 3, 1), 13, floats(3), floats(1), floats(1))[0].shape());
        assertArrayEquals(new long[] {0, 1, 2},
                run(node("Range", 3, 1), 13, Tensor.scalarLong(0), Tensor.scalarLong(3), Tensor.scalarLong(1))[0]
                        .toLongArray());
    }

    @Test
    void zeroDeltaIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Range", 3, 1), 13, ints(0), ints(4), ints(0)));
        assertTrue(e.getMessage().contains("delta must not be 0"), e.getMessage());
    }
}
