package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.longs;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ReshapeTest {

    @Test
    void zeroCopiesTheInputDimensionAndMinusOneIsInferred() {
        Tensor out = run(node("Reshape", 2, 1), 13, iota(2, 3, 4), longs(0, -1, 2))[0];
        assertArrayEquals(new long[] {2, 6, 2}, out.shape());
        assertArrayEquals(iota(2, 3, 4).toFloatArray(), out.toFloatArray());
    }

    @Test
    void allowZeroKeepsARealZero() {
        Tensor empty = Tensor.allocate(DType.FLOAT32, 0, 3, 4);
        Tensor out = run(node("Reshape", 2, 1, "allowzero", 1), 14, empty, longs(3, 4, 0))[0];
        assertArrayEquals(new long[] {3, 4, 0}, out.shape());
    }

    @Test
    void worksOnEveryElementWidth() {
        Tensor bytes = Tensor.allocate(DType.INT8, 2, 3);
        for (int i = 0; i < 6; i++) {
            bytes.data().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i - 3));
        }
        Tensor out = run(node("Reshape", 2, 1), 13, bytes, longs(3, 2))[0];
        assertEquals(DType.INT8, out.dtype());
        assertArrayEquals(bytes.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                out.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    @Test
    void mismatchedSizeNamesBothSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Reshape", 2, 1), 13, iota(2, 3, 4), longs(5, 5)));
        assertTrue(e.getMessage().contains("[2, 3, 4] (24 elements) to [5, 5] (25 elements)"), e.getMessage());
    }

    @Test
    void inferenceThatDoesNotDivideIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Reshape", 2, 1), 13, iota(2, 3, 4), longs(5, -1)));
        assertTrue(e.getMessage().contains("multiply to 5, which does not divide 24"), e.getMessage());
    }

    @Test
    void twoMinusOnesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Reshape", 2, 1), 13, iota(2, 3, 4), longs(-1, -1)));
        assertTrue(e.getMessage().contains("more than one -1"), e.getMessage());
    }

    @Test
    void shapeMustBeKnownWhilePlanning() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorOpTesting.runDynamic(node("Reshape", 2, 1), 13, iota(2, 3), longs(3, 2)));
        assertTrue(e.getMessage().contains("shape (input 1) must be known before the model runs"), e.getMessage());
    }
}
