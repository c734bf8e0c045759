package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class WhereTest {

    @Test
    void selectsWithThreeWayBroadcastingForEveryWidth() {
        Tensor condition = bools(new boolean[] {true, false}, 2, 1);
        double[] xs = {1, 2, 3};
        for (DType type : new DType[] {DType.INT8, DType.FLOAT16, DType.FLOAT32, DType.INT64, DType.FLOAT64}) {
            Tensor x = of(type, xs, 1, 3);
            Tensor z = of(type, new double[] {-1}, 1);
            Tensor y = run(node("Where", 3), 16, condition, x, z);
            assertEquals(type, y.dtype());
            assertArrayEquals(new long[] {2, 3}, y.shape());
            double[] expected = {1, 2, 3, -1, -1, -1};
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], value(y, i), type + " element " + i);
            }
        }
    }

    @Test
    void matchesReferenceOnLargerTensors() {
        Tensor x = randomFloats(1, 3, 1, 500);
        Tensor z = randomFloats(2, 4, 500);
        boolean[] c = new boolean[4 * 500];
        for (int i = 0; i < c.length; i++) {
            c[i] = (i * 7919) % 3 == 0;
        }
        Tensor y = run(node("Where", 3), 16, bools(c, 4, 500), x, z);
        long[] out = {3, 4, 500};
        float[] actual = y.toFloatArray();
        for (int i = 0; i < actual.length; i++) {
            float expected = c[(int) broadcastIndex(i, out, new long[] {4, 500})]
                    ? x.getFloat(broadcastIndex(i, out, x.shape())) : z.getFloat(broadcastIndex(i, out, z.shape()));
            assertEquals(expected, actual[i], "element " + i);
        }
    }

    @Test
    void conditionMustBeBoolAndBranchesOneType() {
        Tensor x = randomFloats(1, 2);
        assertEquals("Where node 'Where_node': condition (input 0) has element type FLOAT32; supported: [BOOL]",
                failure(node("Where", 3), 16, x, x, x));
        assertEquals("Where node 'Where_node': X (input 1) and Y (input 2) must have the same element type, got FLOAT32 and INT64",
                failure(node("Where", 3), 16, bools(new boolean[] {true, false}, 2), x, Tensor.scalarLong(0)));
    }
}
