package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.longs;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SqueezeTest {

    @Test
    void axesAttributeBeforeOpset13() {
        long[] shape = run(node("Squeeze", 1, 1, "axes", new long[] {0, -1}), 11, iota(1, 3, 1, 1))[0].shape();
        assertArrayEquals(new long[] {3, 1}, shape);
    }

    @Test
    void axesInputFromOpset13() {
        long[] shape = run(node("Squeeze", 2, 1), 13, iota(1, 3, 1, 1), longs(2))[0].shape();
        assertArrayEquals(new long[] {1, 3, 1}, shape);
    }

    @Test
    void withoutAxesEveryUnitAxisGoes() {
        var out = run(node("Squeeze", 1, 1), 13, iota(1, 3, 1, 2))[0];
        assertArrayEquals(new long[] {3, 2}, out.shape());
        assertArrayEquals(iota(6).toFloatArray(), out.toFloatArray());
    }

    @Test
    void squeezingALongAxisIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Squeeze", 2, 1), 13, iota(1, 3), longs(1)));
        assertTrue(e.getMessage().contains("cannot squeeze axis 1 of shape [1, 3]: its size is 3, not 1"), e.getMessage());
    }
}
