package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.longs;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ExpandTest {

    @Test
    void broadcastsBothWays() {
        // [3, 1] against [2, 1, 4]: the requested 1 keeps the input's 3.
        Tensor out = run(node("Expand", 2, 1), 13, iota(3, 1), longs(2, 1, 4))[0];
        assertArrayEquals(new long[] {2, 3, 4}, out.shape());
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2},
                out.toFloatArray());
    }

    @Test
    void repeatsRowsAsBulkCopies() {
        Tensor out = run(node("Expand", 2, 1), 13, iota(1, 3), longs(2, 3))[0];
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2}, out.toFloatArray());
    }

    @Test
    void incompatibleShapeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Expand", 2, 1), 13, iota(3), longs(4)));
        assertTrue(e.getMessage().contains("cannot broadcast input shape [3] to [4]: dimension 3 against 4"),
                e.getMessage());
    }
}
