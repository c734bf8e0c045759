package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.longs;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.runDynamic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GatherTest {

    @Test
    void embeddingLookupCopiesWholeRows() throws UnsupportedOperatorException {
        int vocab = 1000;
        int hidden = 384;
        Tensor table = iota(vocab, hidden);
        long[] ids = new Random(3).longs(2 * 700, -vocab, vocab).toArray();
        for (Parallel parallel : new Parallel[] {Parallel.SERIAL, TensorOpTesting.CHUNKED}) {
            Tensor out = NodeEvaluator.evaluate(node("Gather", 2, 1), 13,
                    new Tensor[] {table, Tensor.ofLongs(ids, 2, 700)}, false, parallel)[0];
            assertArrayEquals(new long[] {2, 700, hidden}, out.shape());
            float[] got = out.toFloatArray();
            for (int k = 0; k < ids.length; k++) {
                long row = ids[k] < 0 ? ids[k] + vocab : ids[k];
                for (int h = 0; h < hidden; h += 97) {
                    assertEquals(row * hidden + h, got[k * hidden + h], "index " + k);
                }
            }
        }
    }

    @Test
    void innerAxisWithInt32IndicesAndAScalarIndex() {
        Tensor x = iota(2, 3, 4);
        Tensor out = runDynamic(node("Gather", 2, 1, "axis", -1), 13, x, Tensor.ofInts(new int[] {3, -4, 1}, 3))[0];
        assertArrayEquals(new long[] {2, 3, 3}, out.shape());
        assertArrayEquals(new float[] {3, 0, 1, 7, 4, 5, 11, 8, 9, 15, 12, 13, 19, 16, 17, 23, 20, 21}, out.toFloatArray());
        Tensor picked = runDynamic(node("Gather", 2, 1, "axis", 1), 13, x, Tensor.scalarLong(2).reshape())[0];
        assertArrayEquals(new long[] {2, 4}, picked.shape());
        assertArrayEquals(new float[] {8, 9, 10, 11, 20, 21, 22, 23}, picked.toFloatArray());
    }

    @Test
    void outOfRangeIndexIsNamedWithTheValidRange() {
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> runDynamic(node("Gather", 2, 1), 13, iota(5, 2), longs(0, 4, 5)));
        assertTrue(e.getMessage().contains("Gather index 5 (element 2 of the indices) is out of range for axis 0 of size 5;"
                + " valid: -5..4"), e.getMessage());
    }

    @Test
    void floatIndicesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runDynamic(node("Gather", 2, 1), 13, iota(5), iota(2)));
        assertTrue(e.getMessage().contains("indices must be INT32 or INT64, got FLOAT32"), e.getMessage());
    }
}
