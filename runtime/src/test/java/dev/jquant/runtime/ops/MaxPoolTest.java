package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.random;
import static dev.jquant.runtime.ops.NeuralOpTesting.unsupported;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaxPoolTest {

    private static Tensor oneTo(int n, long... shape) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i + 1;
        }
        return Tensor.ofFloats(v, shape);
    }

    @Test
    void ceilModeAddsAPartialWindowButNotOneStartingInThePadding() {
        Tensor y = NeuralOpTesting.run(node("MaxPool", 1, 1, "kernel_shape", new long[] {3, 3}, "strides",
                new long[] {2, 2}, "ceil_mode", 1), oneTo(16, 1, 1, 4, 4));
        assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {11, 12, 15, 16}, y.toFloatArray());
        y = NeuralOpTesting.run(node("MaxPool", 1, 1, "kernel_shape", new long[] {2}, "strides", new long[] {2},
                "ceil_mode", 1), oneTo(5, 1, 1, 5));
        assertArrayEquals(new float[] {2, 4, 5}, y.toFloatArray());
        // Room for a third window only in the end padding: ceil mode drops it.
        y = NeuralOpTesting.run(node("MaxPool", 1, 1, "kernel_shape", new long[] {2}, "strides", new long[] {2},
                "pads", new long[] {0, 1}, "ceil_mode", 1), oneTo(4, 1, 1, 4));
        assertArrayEquals(new float[] {2, 4}, y.toFloatArray());
    }

    @Test
    void autoPadPutsTheExtraPaddingAtTheEndOrTheStart() {
        Tensor x = Tensor.ofFloats(new float[] {1, 5, 2, 4, 3}, 1, 1, 5);
        assertArrayEquals(new float[] {5, 5, 4, 4, 3}, NeuralOpTesting.run(node("MaxPool", 1, 1, "kernel_shape",
                new long[] {2}, "auto_pad", "SAME_UPPER"), x).toFloatArray());
        assertArrayEquals(new float[] {1, 5, 5, 4, 4}, NeuralOpTesting.run(node("MaxPool", 1, 1, "kernel_shape",
                new long[] {2}, "auto_pad", "SAME_LOWER"), x).toFloatArray());
        assertArrayEquals(new float[] {5, 5, 4, 4}, NeuralOpTesting.run(node("MaxPool", 1, 1, "kernel_shape",
                new long[] {2}, "auto_pad", "VALID"), x).toFloatArray());
    }

    @Test
    void reportsIndicesInEitherStorageOrder() {
        // Two planes of 3x3, windows 2x2; ties go to the first position in window order.
        Tensor x = Tensor.ofFloats(new float[] {1, 9, 2, 3, 4, 5, 8, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 1, 2, 3, 3);
        for (int order = 0; order < 2; order++) {
            Tensor[] out = NeuralOpTesting.run(node("MaxPool", 1, 2, "kernel_shape", new long[] {2, 2},
                    "storage_order", order), 12, NeuralOpTesting.THREE_CHUNKS, x);
            assertArrayEquals(new float[] {9, 9, 8, 7, 0, 0, 0, 1}, out[0].toFloatArray());
            assertEquals(DType.INT64, out[1].dtype());
            long[] expected = order == 0
                    ? new long[] {1, 1, 6, 8, 9, 10, 12, 17}
                    : new long[] {3, 3, 2, 8, 9, 12, 10, 17};
            assertArrayEquals(expected, out[1].toLongArray(), "storage_order=" + order);
        }
    }

    @Test
    void poolsEightBitIntegersExactly() {
        byte[] values = {-128, 127, -1, 0, 5, -7};
        Tensor x = Tensor.allocate(DType.INT8, 1, 1, 6);
        Tensor u = Tensor.allocate(DType.UINT8, 1, 1, 6);
        for (int i = 0; i < 6; i++) {
            x.data().set(ValueLayout.JAVA_BYTE, i, values[i]);
            u.data().set(ValueLayout.JAVA_BYTE, i, values[i]);
        }
        var pool = node("MaxPool", 1, 1, "kernel_shape", new long[] {2}, "strides", new long[] {2});
        Tensor y = NeuralOpTesting.run(pool, 12, Parallel.SERIAL, x)[0];
        assertEquals(DType.INT8, y.dtype());
        assertArrayEquals(new byte[] {127, 0, 5}, y.data().toArray(ValueLayout.JAVA_BYTE));
        y = NeuralOpTesting.run(pool, 12, Parallel.SERIAL, u)[0];
        assertArrayEquals(new byte[] {-128, -1, -7}, y.data().toArray(ValueLayout.JAVA_BYTE), "as unsigned: 128, 255, 249");
    }

    @Test
    void rejectsBadAttributesAndTypes() {
        Random random = new Random(1);
        Tensor x = random(random, 1, 2, 4, 4);
        assertEquals("MaxPool node 'node_under_test': attribute 'kernel_shape' is required",
                error(node("MaxPool", 1, 1), x));
        assertEquals("MaxPool node 'node_under_test': attribute 'storage_order' must be 0 (row major) or 1 (column "
                + "major), was 2", error(node("MaxPool", 1, 1, "kernel_shape", new long[] {2, 2}, "storage_order", 2), x));
        assertEquals("MaxPool node 'node_under_test': attribute 'strides' must have 2 values, was [1]",
                error(node("MaxPool", 1, 1, "kernel_shape", new long[] {2, 2}, "strides", new long[] {1}), x));
        assertEquals("MaxPool node 'node_under_test': X (input 0) has element type INT32; supported: [FLOAT32, INT8, UINT8]",
                unsupported(node("MaxPool", 1, 1, "kernel_shape", new long[] {1}), Tensor.ofInts(new int[2], 1, 1, 2)));
    }
}
