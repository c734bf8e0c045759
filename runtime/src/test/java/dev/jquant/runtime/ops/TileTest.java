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

class TileTest {

    @Test
    void repeatsAlongEachAxis() {
        Tensor out = run(node("Tile", 2, 1), 13, iota(2, 2), longs(2, 3))[0];
        assertArrayEquals(new long[] {4, 6}, out.shape());
        float[] expected = new float[24];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 6; c++) {
                expected[r * 6 + c] = (r % 2) * 2 + c % 2;
            }
        }
        assertArrayEquals(expected, out.toFloatArray());
    }

    @Test
    void zeroRepeatsGiveAnEmptyTensor() {
        assertArrayEquals(new long[] {0, 2}, run(node("Tile", 2, 1), 13, iota(2, 2), longs(0, 1))[0].shape());
    }

    @Test
    void repeatsMustMatchTheRank() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Tile", 2, 1), 13, iota(2, 2), longs(2)));
        assertTrue(e.getMessage().contains("must have one entry per axis of [2, 2]"), e.getMessage());
    }
}
