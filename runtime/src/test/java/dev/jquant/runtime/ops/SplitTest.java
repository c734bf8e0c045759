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

class SplitTest {

    @Test
    void sizesFromTheInputFromOpset13() {
        Tensor[] out = run(node("Split", 2, 2, "axis", 1), 13, iota(2, 5), longs(2, 3));
        assertArrayEquals(new float[] {0, 1, 5, 6}, out[0].toFloatArray());
        assertArrayEquals(new float[] {2, 3, 4, 7, 8, 9}, out[1].toFloatArray());
    }

    @Test
    void sizesFromTheAttributeBeforeOpset13() {
        Tensor[] out = run(node("Split", 1, 3, "split", new long[] {1, 0, 2}), 11, iota(3));
        assertArrayEquals(new float[] {0}, out[0].toFloatArray());
        assertArrayEquals(new long[] {0}, out[1].shape());
        assertArrayEquals(new float[] {1, 2}, out[2].toFloatArray());
    }

    @Test
    void equalPartsByDefault() {
        Tensor[] out = run(node("Split", 1, 3), 13, iota(6, 2));
        assertArrayEquals(new float[] {4, 5, 6, 7}, out[1].toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Split", 1, 4), 13, iota(6)));
        assertTrue(e.getMessage().contains("cannot split 6 into 4 equal parts"), e.getMessage());
    }

    @Test
    void numOutputsLeavesASmallerLastPart() {
        Tensor[] out = run(node("Split", 1, 3, "num_outputs", 3), 18, iota(7));
        assertArrayEquals(new float[] {0, 1, 2}, out[0].toFloatArray());
        assertArrayEquals(new float[] {6}, out[2].toFloatArray());
    }

    @Test
    void sizesThatDoNotAddUpAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Split", 2, 2), 13, iota(5), longs(2, 2)));
        assertTrue(e.getMessage().contains("adds up to 4, axis 0 of [5] has 5"), e.getMessage());
    }
}
