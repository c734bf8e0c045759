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

class SliceTest {

    /** x[r][c] = 10 r + c, shape [3, 10]. */
    private static final Tensor X = iota(3, 10);

    /** The expected slice: the given rows and columns of X. */
    private static float[] pick(int[] rows, int[] cols) {
        float[] v = new float[rows.length * cols.length];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < cols.length; c++) {
                v[r * cols.length + c] = rows[r] * 10 + cols[c];
            }
        }
        return v;
    }

    private static Tensor slice(long[] starts, long[] ends, long[] axes, long[] steps) {
        return run(node("Slice", 5, 1), 13, X, longs(starts), longs(ends), longs(axes), longs(steps))[0];
    }

    @Test
    void stepsAlongTwoAxes() {
        Tensor out = slice(new long[] {0, 1}, new long[] {3, 9}, new long[] {0, 1}, new long[] {2, 3});
        assertArrayEquals(new long[] {2, 3}, out.shape());
        assertArrayEquals(pick(new int[] {0, 2}, new int[] {1, 4, 7}), out.toFloatArray());
    }

    @Test
    void negativeStepFromTheEndToMinusInfinity() {
        Tensor out = slice(new long[] {-1}, new long[] {Long.MIN_VALUE}, new long[] {1}, new long[] {-2});
        assertArrayEquals(pick(new int[] {0, 1, 2}, new int[] {9, 7, 5, 3, 1}), out.toFloatArray());
    }

    @Test
    void outOfRangeStartsAndEndsAreClamped() {
        assertArrayEquals(pick(new int[] {0, 1, 2}, new int[] {0, 3, 6, 9}),
                slice(new long[] {-100}, new long[] {100}, new long[] {-1}, new long[] {3}).toFloatArray());
        assertArrayEquals(pick(new int[] {0, 1, 2}, new int[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}),
                slice(new long[] {20}, new long[] {-100}, new long[] {1}, new long[] {-1}).toFloatArray());
        assertArrayEquals(pick(new int[] {2, 1}, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}),
                slice(new long[] {Long.MAX_VALUE}, new long[] {0}, new long[] {0}, new long[] {-1}).toFloatArray());
    }

    @Test
    void emptyWhenEndPrecedesStart() {
        assertArrayEquals(new long[] {3, 0}, slice(new long[] {5}, new long[] {2}, new long[] {1}, new long[] {1}).shape());
    }

    @Test
    void defaultAxesAndSteps() {
        Tensor out = run(node("Slice", 3, 1), 13, X, longs(1, 2), longs(3, 4))[0];
        assertArrayEquals(pick(new int[] {1, 2}, new int[] {2, 3}), out.toFloatArray());
    }

    @Test
    void attributesBeforeOpset10() {
        Tensor out = run(node("Slice", 1, 1, "starts", new long[] {1}, "ends", new long[] {1000},
                "axes", new long[] {0}), 9, X)[0];
        assertArrayEquals(pick(new int[] {1, 2}, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), out.toFloatArray());
    }

    @Test
    void zeroStepIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> slice(new long[] {0}, new long[] {3}, new long[] {0}, new long[] {0}));
        assertTrue(e.getMessage().contains("has a 0 for axis 0"), e.getMessage());
    }
}
