package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.longs;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnsqueezeTest {

    @Test
    void axesInputInAnyOrderCountInTheOutput() {
        var out = run(node("Unsqueeze", 2, 1), 13, iota(3, 4), longs(3, 0, -1))[0];
        assertArrayEquals(new long[] {1, 3, 4, 1, 1}, out.shape());
        assertArrayEquals(iota(12).toFloatArray(), out.toFloatArray());
    }

    @Test
    void axesAttributeBeforeOpset13() {
        assertArrayEquals(new long[] {3, 1, 4},
                run(node("Unsqueeze", 1, 1, "axes", new long[] {1}), 11, iota(3, 4))[0].shape());
    }

    @Test
    void scalarBecomesAVector() {
        assertArrayEquals(new long[] {1}, run(node("Unsqueeze", 2, 1), 13, iota(), longs(0))[0].shape());
    }

    @Test
    void repeatedAxisIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Unsqueeze", 2, 1), 13, iota(3), longs(0, -3)));
        assertTrue(e.getMessage().contains("name axis 0 twice"), e.getMessage());
    }
}
