package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.assertClose;
import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.random;
import static dev.jquant.runtime.ops.NeuralOpTesting.unsupported;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MatMulTest {

    private final Random random = new Random(11);

    @Test
    void matchesNumpySemanticsOverShapes() {
        long[][][] cases = {
            {{3, 4}, {4, 5}},
            {{1, 1}, {1, 1}},
            {{7}, {7, 3}},
            {{2, 6, 5}, {5}},
            {{9}, {9}},
            {{2, 3, 4}, {4, 6}},              // weight without batch: stacked rows
            {{2, 1, 3, 4}, {5, 4, 6}},        // batch broadcast both ways
            {{4, 3}, {2, 3, 2}},              // A without batch
            {{3, 2, 17, 33}, {3, 2, 33, 9}},
            {{1, 128, 40}, {40, 70}},
            {{2, 0, 4}, {4, 3}},
            {{2, 3, 0}, {0, 5}},
        };
        for (long[][] c : cases) {
            for (Parallel parallel : new Parallel[] {Parallel.SERIAL, NeuralOpTesting.THREE_CHUNKS}) {
                Tensor a = random(random, c[0]);
                Tensor b = random(random, c[1]);
                Tensor y = NeuralOpTesting.run(node("MatMul", 2, 1), 13, parallel, a, b)[0];
                Reference r = reference(a, b);
                assertClose(r.shape, r.values, y);
            }
        }
    }

    private record Reference(long[] shape, float[] values) {
    }

    /** numpy.matmul, spelled out: promote 1-D operands, broadcast the batch, multiply in double. */
    private static Reference reference(Tensor a, Tensor b) {
        long[] as = a.rank() == 1 ? new long[] {1, a.dim(0)} : a.shape();
        long[] bs = b.rank() == 1 ? new long[] {b.dim(0), 1} : b.shape();
        int m = (int) as[as.length - 2];
        int k = (int) as[as.length - 1];
        int n = (int) bs[bs.length - 1];
        int rank = Math.max(as.length, bs.length) - 2;
        long[] batch = new long[rank];
        for (int d = 0; d < rank; d++) {
            long x = batchDim(as, rank, d);
            long y = batchDim(bs, rank, d);
            batch[d] = Math.max(x, y);
        }
        int count = (int) Tensor.elementCount(batch);
        float[] av = a.toFloatArray();
        float[] bv = b.toFloatArray();
        float[] out = new float[count * m * n];
        for (int i = 0; i < count; i++) {
            long aIndex = 0;
            long bIndex = 0;
            long rest = i;
            long aScale = 1;
            long bScale = 1;
            for (int d = rank - 1; d >= 0; d--) {
                long index = rest % batch[d];
                rest /= batch[d];
                long ad = batchDim(as, rank, d);
                long bd = batchDim(bs, rank, d);
                aIndex += (ad == 1 ? 0 : index) * aScale;
                bIndex += (bd == 1 ? 0 : index) * bScale;
                aScale *= ad;
                bScale *= bd;
            }
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    double sum = 0;
                    for (int q = 0; q < k; q++) {
                        sum += (double) av[(int) (aIndex * m * k + r * k + q)] * bv[(int) (bIndex * k * n + q * n + c)];
                    }
                    out[(i * m + r) * n + c] = (float) sum;
                }
            }
        }
        long[] shape = Arrays.copyOf(batch, rank + 2);
        shape[rank] = m;
        shape[rank + 1] = n;
        if (b.rank() == 1) {
            shape = Arrays.copyOf(shape, shape.length - 1);
        }
        if (a.rank() == 1) {
            long[] s = new long[shape.length - 1];
            System.arraycopy(shape, 0, s, 0, s.length - (b.rank() == 1 ? 0 : 1));
            if (b.rank() != 1) {
                s[s.length - 1] = n;
            }
            shape = s;
        }
        return new Reference(shape, out);
    }

    private static long batchDim(long[] shape, int rank, int d) {
        int i = d - (rank - (shape.length - 2));
        return i >= 0 ? shape[i] : 1;
    }

    @Test
    void rejectsMismatchedOperands() {
        assertEquals("MatMul node 'node_under_test': A [2, 3] and B [4, 5] cannot be multiplied: A has 3 columns, "
                + "B has 4 rows", error(node("MatMul", 2, 1), random(random, 2, 3), random(random, 4, 5)));
        assertEquals("MatMul node 'node_under_test': the batch dimensions of A [2, 3, 4] and B [5, 4, 6] cannot be "
                + "broadcast: 2 against 5", error(node("MatMul", 2, 1), random(random, 2, 3, 4), random(random, 5, 4, 6)));
        assertEquals("MatMul node 'node_under_test': A (input 0) has element type INT64; supported: [FLOAT32]",
                unsupported(node("MatMul", 2, 1), Tensor.ofLongs(new long[] {1, 2}, 1, 2), random(random, 2, 2)));
        assertEquals("MatMul node 'node_under_test': A and B must have rank >= 1, were [] and [1]",
                error(node("MatMul", 2, 1), random(random), random(random, 1)));
    }
}
