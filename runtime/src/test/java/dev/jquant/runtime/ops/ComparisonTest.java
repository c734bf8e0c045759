package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Equal, Less, Greater and Not. */
class ComparisonTest {

    @Test
    void floatComparisonsBroadcastAndTreatNaNAsUnordered() {
        Tensor a = Tensor.ofFloats(new float[] {1, 2, Float.NaN, -0f, 5, 6}, 2, 3);
        Tensor b = Tensor.ofFloats(new float[] {2, 2, Float.NaN}, 3);
        assertArrayEquals(new boolean[] {false, true, false, false, false, false},
                toBooleans(run(node("Equal", 2), 13, a, b)));
        assertArrayEquals(new boolean[] {true, false, false, true, false, false},
                toBooleans(run(node("Less", 2), 13, a, b)));
        assertArrayEquals(new boolean[] {false, false, false, false, true, false},
                toBooleans(run(node("Greater", 2), 13, a, b)));
        assertArrayEquals(new boolean[] {true}, toBooleans(run(node("Equal", 2), 13,
                Tensor.ofFloats(new float[] {-0f}), Tensor.ofFloats(new float[] {0f}))));
    }

    @Test
    void matchesReferenceOnLargerBroadcasts() {
        Tensor a = randomFloats(3, 4, 1, 300);
        Tensor b = randomFloats(4, 5, 300);
        boolean[] less = toBooleans(run(node("Less", 2), 13, a, b));
        long[] out = {4, 5, 300};
        for (int i = 0; i < less.length; i++) {
            float x = a.getFloat(broadcastIndex(i, out, a.shape()));
            float z = b.getFloat(broadcastIndex(i, out, b.shape()));
            assertEquals(x < z, less[i], "element " + i);
        }
    }

    @Test
    void int64ComparesExactlyBeyondDoublePrecision() {
        long big = (1L << 60) + 1;
        Tensor a = Tensor.ofLongs(new long[] {big, big - 1}, 2);
        Tensor b = Tensor.scalarLong(big - 1);
        assertArrayEquals(new boolean[] {false, true}, toBooleans(run(node("Equal", 2), 13, a, b)));
        assertArrayEquals(new boolean[] {true, false}, toBooleans(run(node("Greater", 2), 13, a, b)));
        assertArrayEquals(new boolean[] {false, true},
                toBooleans(run(node("Less", 2), 13, Tensor.ofInts(new int[] {3, -4}, 2), Tensor.ofInts(new int[] {0}, 1))));
    }

    @Test
    void equalComparesBooleansButLessDoesNot() {
        Tensor p = bools(new boolean[] {true, false, true}, 3);
        Tensor q = bools(new boolean[] {true, true, false}, 3);
        assertArrayEquals(new boolean[] {true, false, false}, toBooleans(run(node("Equal", 2), 13, p, q)));
        assertEquals("Less node 'Less_node': A (input 0) has element type BOOL; supported: [FLOAT32, UINT8, INT8, UINT16, "
                + "INT16, INT32, INT64, FLOAT16, FLOAT64, UINT32, BFLOAT16]", failure(node("Less", 2), 13, p, q));
    }

    @Test
    void notNegatesBooleans() {
        Tensor p = bools(new boolean[] {true, false, false, true, true, false}, 2, 3);
        Tensor y = run(node("Not", 1), 13, p);
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertArrayEquals(new boolean[] {false, true, true, false, false, true}, toBooleans(y));
        assertEquals("Not node 'Not_node': input has element type FLOAT32; supported: [BOOL]",
                failure(node("Not", 1), 13, randomFloats(1, 2)));
    }

    @Test
    void typesMustAgree() {
        assertEquals("Equal node 'Equal_node': A (input 0) and B (input 1) must have the same element type, got INT32 and INT64",
                failure(node("Equal", 2), 13, Tensor.ofInts(new int[] {1}, 1), Tensor.scalarLong(1)));
        assertEquals(DType.BOOL, run(node("Equal", 2), 13, Tensor.scalarLong(1), Tensor.scalarLong(1)).dtype());
    }
}
