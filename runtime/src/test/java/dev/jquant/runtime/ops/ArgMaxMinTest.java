package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ArgMaxMinTest {

    @Test
    void alongEachAxisWithKeepDims() {
        Tensor x = Tensor.ofFloats(new float[] {1, 9, 3, 9, 0, -2}, 2, 3);
        Tensor y = run(node("ArgMax", 1, "axis", 1), 13, x);
        assertEquals(DType.INT64, y.dtype());
        assertArrayEquals(new long[] {2, 1}, y.shape());
        assertArrayEquals(new long[] {1, 0}, y.toLongArray());
        Tensor first = run(node("ArgMax", 1, "keepdims", 0), 13, x);
        assertArrayEquals(new long[] {3}, first.shape());
        assertArrayEquals(new long[] {1, 0, 0}, first.toLongArray());
        assertArrayEquals(new long[] {0, 2}, run(node("ArgMin", 1, "axis", -1, "keepdims", 0), 13, x).toLongArray());
    }

    @Test
    void tiesTakeTheFirstOrTheLastIndex() {
        Tensor x = Tensor.ofInts(new int[] {4, 7, 7, 1, 1}, 5);
        assertArrayEquals(new long[] {1}, run(node("ArgMax", 1), 13, x).toLongArray());
        assertArrayEquals(new long[] {2}, run(node("ArgMax", 1, "select_last_index", 1), 13, x).toLongArray());
        assertArrayEquals(new long[] {3}, run(node("ArgMin", 1), 13, x).toLongArray());
        assertArrayEquals(new long[] {4}, run(node("ArgMin", 1, "select_last_index", 1), 13, x).toLongArray());
    }

    @Test
    void matchesReferenceOnAMiddleAxis() {
        Tensor x = randomFloats(8, 3, 17, 5);
        float[] v = x.toFloatArray();
        long[] y = run(node("ArgMin", 1, "axis", 1), 13, x).toLongArray();
        for (int o = 0; o < 3; o++) {
            for (int j = 0; j < 5; j++) {
                int best = 0;
                for (int k = 1; k < 17; k++) {
                    if (v[(o * 17 + k) * 5 + j] < v[(o * 17 + best) * 5 + j]) {
                        best = k;
                    }
                }
                assertEquals(best, y[o * 5 + j], "position " + o + "," + j);
            }
        }
    }

    @Test
    void int64ComparesExactly() {
        Tensor x = Tensor.ofLongs(new long[] {(1L << 60) + 1, (1L << 60) + 2, 1L << 60}, 3);
        assertArrayEquals(new long[] {1}, run(node("ArgMax", 1), 13, x).toLongArray());
    }

    @Test
    void emptyAxisHasNoIndex() {
        assertEquals("ArgMax node 'ArgMax_node': axis 1 of shape [2, 0] is empty; there is no index to return",
                failure(node("ArgMax", 1, "axis", 1), 13, Tensor.allocate(DType.FLOAT32, 2, 0)));
    }
}
