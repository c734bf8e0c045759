package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.ops.Operators;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * jquant's fused Attention on oneDNN (three primitives over strided views) against the Java operator: batches,
 * head and value sizes, cross-attention lengths, masks of every broadcast rank, and an explicit scale, on 1 and
 * 2 threads; the plan must show oneDNN running it.
 */
class OneDnnAttentionTest {

    /** fp32 sums in another order, softmax with another exp: inputs in [-1, 1), outputs averages of V. */
    private static final float TOLERANCE = 2e-5f;

    private final Random random = new Random(41);

    @BeforeEach
    void requireOneDnn() {
        OneDnnTesting.assumeAvailable();
    }

    @Test
    void matchesTheJavaOperatorWithAndWithoutMasks() throws Exception {
        // {batch, queries, keys, heads, head size, value size}
        int[][] shapes = {{1, 16, 16, 12, 32, 32}, {2, 7, 9, 3, 8, 5}, {3, 1, 20, 2, 16, 16}, {1, 33, 33, 4, 24, 24}};
        for (int[] s : shapes) {
            Tensor q = random(s[0], s[1], s[3] * s[4]);
            Tensor k = random(s[0], s[2], s[3] * s[4]);
            Tensor v = random(s[0], s[2], s[3] * s[5]);
            long[][] masks = {null, {s[2]}, {s[1], s[2]}, {s[0], 1, 1, s[2]}, {s[0], s[3], s[1], s[2]}, {1, s[3], 1, 1}};
            for (long[] mask : masks) {
                Tensor[] operands = {q, k, v, mask == null ? null : maskOf(mask)};
                compare(Map.of("num_heads", new Attribute.IntValue(s[3])), operands, Arrays.toString(s) + " mask "
                        + Arrays.toString(mask));
            }
        }
    }

    @Test
    void takesAnExplicitScale() throws Exception {
        Tensor[] operands = {random(2, 5, 12), random(2, 6, 12), random(2, 6, 12)};
        compare(Map.of("num_heads", new Attribute.IntValue(2), "scale", new Attribute.FloatValue(0.37f)), operands,
                "scale 0.37");
    }

    private void compare(Map<String, Attribute> attributes, Tensor[] operands, String what) throws Exception {
        OneNodeModel model = OneNodeModel.of(Operators.JQUANT_DOMAIN, "Attention", attributes, operands, DType.FLOAT32);
        model.assertRunsOnOneDnn();
        Tensor expected = model.run("java", 1);
        for (int threads = 1; threads <= 2; threads++) {
            Tensor actual = model.run(OneDnnBackendProvider.NAME, threads);
            assertArrayEquals(expected.shape(), actual.shape(), what);
            float[] e = expected.toFloatArray();
            float[] a = actual.toFloatArray();
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], TOLERANCE, what + ", " + threads + " thread(s): element " + i);
            }
        }
    }

    /** A padding-style mask: 0 for most positions, a large negative number for about a quarter. */
    private Tensor maskOf(long... shape) {
        float[] m = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextInt(4) == 0 ? -10000f : 0f;
        }
        return Tensor.ofFloats(m, shape);
    }

    private Tensor random(long... shape) {
        return OneNodeModel.random(random, shape);
    }
}
