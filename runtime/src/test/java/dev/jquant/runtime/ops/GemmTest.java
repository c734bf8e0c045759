package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.assertClose;
import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GemmTest {

    private final Random random = new Random(5);

    @Test
    void transposesScalesAndBroadcastsC() {
        int m = 13;
        int n = 21;
        int k = 10;
        long[][] cShapes = {null, {}, {1}, {n}, {1, n}, {m, 1}, {m, n}};
        float[][] scales = {{1f, 1f}, {0.5f, -2f}, {1.5f, 0f}};
        for (int transA = 0; transA < 2; transA++) {
            for (int transB = 0; transB < 2; transB++) {
                for (long[] cShape : cShapes) {
                    for (float[] s : scales) {
                        Tensor a = random(random, transA == 1 ? new long[] {k, m} : new long[] {m, k});
                        Tensor b = random(random, transB == 1 ? new long[] {n, k} : new long[] {k, n});
                        Tensor c = cShape == null ? null : random(random, cShape);
                        Tensor y = NeuralOpTesting.run(node("Gemm", 3, 1, "transA", transA, "transB", transB,
                                "alpha", s[0], "beta", s[1]), 13, NeuralOpTesting.THREE_CHUNKS, a, b, c)[0];
                        assertClose(new long[] {m, n}, reference(a, b, c, transA == 1, transB == 1, s[0], s[1], m, n, k), y);
                    }
                }
            }
        }
    }

    private static float[] reference(Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha,
            float beta, int m, int n, int k) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int q = 0; q < k; q++) {
                    sum += (double) a.getFloat(transA ? (long) q * m + i : (long) i * k + q)
                            * b.getFloat(transB ? (long) j * k + q : (long) q * n + j);
                }
                double bias = 0;
                if (c != null) {
                    long rows = c.rank() == 2 ? c.dim(0) : 1;
                    long cols = c.rank() >= 1 ? c.dim(-1) : 1;
                    bias = c.getFloat((rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j));
                }
                out[i * n + j] = (float) (alpha * sum + beta * bias);
            }
        }
        return out;
    }

    @Test
    void rejectsMismatchedOperands() {
        assertEquals("Gemm node 'node_under_test': A [2, 3] (transposed) and B [4, 5] cannot be multiplied: A' has 2 "
                + "columns, B' has 4 rows",
                error(node("Gemm", 2, 1, "transA", 1), random(random, 2, 3), random(random, 4, 5)));
        assertEquals("Gemm node 'node_under_test': C [3] does not broadcast to [M, N] = [2, 5]; each dimension must be "
                + "1 or match", error(node("Gemm", 3, 1), random(random, 2, 4), random(random, 4, 5), random(random, 3)));
        assertEquals("Gemm node 'node_under_test': A and B must be 2-D, were [1, 2, 4] and [4, 5]",
                error(node("Gemm", 2, 1), random(random, 1, 2, 4), random(random, 4, 5)));
        assertEquals("Gemm node 'node_under_test': attribute 'transB' must be 0 or 1, was 2",
                error(node("Gemm", 2, 1, "transB", 2), random(random, 2, 4), random(random, 4, 5)));
    }
}
