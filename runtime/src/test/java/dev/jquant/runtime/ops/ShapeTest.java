package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.runDynamic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ShapeTest {

    private static long[] shape(Object... attributes) {
        return runDynamic(node("Shape", 1, 1, attributes), 15, iota(2, 3, 4))[0].toLongArray();
    }

    @Test
    void dimensionsAsInt64KnownWithoutTheData() {
        assertArrayEquals(new long[] {2, 3, 4}, shape());
        assertArrayEquals(new long[] {}, runDynamic(node("Shape", 1, 1), 13, iota())[0].toLongArray());
    }

    @Test
    void startAndEndCountFromTheEndAndAreClamped() {
        assertArrayEquals(new long[] {3}, shape("start", 1, "end", -1));
        assertArrayEquals(new long[] {4}, shape("start", -1));
        assertArrayEquals(new long[] {2, 3, 4}, shape("start", -10, "end", 10));
        assertArrayEquals(new long[] {}, shape("start", 2, "end", 1));
    }
}
