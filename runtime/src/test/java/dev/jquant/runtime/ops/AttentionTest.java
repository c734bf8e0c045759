package dev.jquant.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** jquant's fused Attention against multi-head attention computed in double, head by head, from its definition. */
class AttentionTest {

    private final Random random = new Random(17);

    private static Node attention(int heads, Float scale, boolean mask) {
        List<String> inputs = new ArrayList<>(List.of("q", "k", "v"));
        if (mask) {
            inputs.add("mask");
        }
        Map<String, Attribute> attributes = scale == null ? Map.of("num_heads", new Attribute.IntValue(heads))
                : Map.of("num_heads", new Attribute.IntValue(heads), "scale", new Attribute.FloatValue(scale));
        return new Node("attention", "Attention", Operators.JQUANT_DOMAIN, inputs, List.of("y"), attributes);
    }

    /** softmax(scale·QKᵀ + mask)·V per batch and head, in double; the mask broadcast from the right. */
    private static float[] reference(Tensor q, Tensor k, Tensor v, Tensor mask, int heads, double scale) {
        int batch = (int) q.dim(0);
        int s = (int) q.dim(1);
        int t = (int) k.dim(1);
        int d = (int) q.dim(2) / heads;
        int e = (int) v.dim(2) / heads;
        float[] qv = q.toFloatArray();
        float[] kv = k.toFloatArray();
        float[] vv = v.toFloatArray();
        float[] y = new float[batch * s * heads * e];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < s; i++) {
                    double[] p = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) qv[(b * s + i) * heads * d + h * d + c] * kv[(b * t + j) * heads * d + h * d + c];
                        }
                        p[j] = scale * dot + (mask == null ? 0 : maskAt(mask, b, h, i, j));
                        max = Math.max(max, p[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        p[j] = Math.exp(p[j] - max);
                        sum += p[j];
                    }
                    for (int c = 0; c < e; c++) {
                        double acc = 0;
                        for (int j = 0; j < t; j++) {
                            acc += p[j] / sum * vv[(b * t + j) * heads * e + h * e + c];
                        }
                        y[(b * s + i) * heads * e + h * e + c] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    private static float maskAt(Tensor mask, int... index) {
        long offset = 0;
        int rank = mask.rank();
        for (int axis = 0; axis < rank; axis++) {
            long dim = mask.dim(axis);
            offset = offset * dim + (dim == 1 ? 0 : index[4 - rank + axis]);
        }
        return mask.getFloat(offset);
    }

    private Tensor padding(int batch, int keys) {
        float[] m = new float[batch * keys];
        for (int b = 0; b < batch; b++) {
            for (int j = keys - 1 - b; j < keys; j++) {
                m[b * keys + j] = -3.4028235e38f; // the exporters' "masked" value: the key gets no weight at all
            }
        }
        return Tensor.ofFloats(m, batch, 1, 1, keys);
    }

    @Test
    void matchesTheDefinitionWithAndWithoutMask() {
        int[][] cases = {{1, 7, 7, 2, 4, 4}, {3, 5, 9, 3, 8, 5}, {2, 33, 33, 12, 32, 32}, {1, 1, 17, 4, 16, 16}};
        for (int[] c : cases) {
            int batch = c[0];
            int s = c[1];
            int t = c[2];
            int heads = c[3];
            Tensor q = NeuralOpTesting.random(random, batch, s, heads * c[4]);
            Tensor k = NeuralOpTesting.random(random, batch, t, heads * c[4]);
            Tensor v = NeuralOpTesting.random(random, batch, t, heads * c[5]);
            long[] outShape = {batch, s, (long) heads * c[5]};
            for (Parallel parallel : new Parallel[] {Parallel.SERIAL, NeuralOpTesting.THREE_CHUNKS}) {
                float[] plain = reference(q, k, v, null, heads, 1 / Math.sqrt(c[4]));
                NeuralOpTesting.assertClose(outShape, plain,
                        NeuralOpTesting.run(attention(heads, null, false), 1, parallel, q, k, v)[0]);
                Tensor mask = padding(batch, t);
                float[] masked = reference(q, k, v, mask, heads, 0.3);
                NeuralOpTesting.assertClose(outShape, masked,
                        NeuralOpTesting.run(attention(heads, 0.3f, true), 1, parallel, q, k, v, mask)[0]);
            }
        }
    }

    @Test
    void broadcastsMasksOfEveryRank() {
        int batch = 2;
        int heads = 3;
        Tensor q = NeuralOpTesting.random(random, batch, 4, heads * 5);
        Tensor k = NeuralOpTesting.random(random, batch, 6, heads * 5);
        Tensor v = NeuralOpTesting.random(random, batch, 6, heads * 2);
        long[][] maskShapes = {{6}, {4, 6}, {heads, 1, 6}, {batch, heads, 4, 6}, {batch, 1, 4, 1}, {1}};
        for (long[] shape : maskShapes) {
            Tensor mask = NeuralOpTesting.random(random, shape);
            NeuralOpTesting.assertClose(new long[] {batch, 4, heads * 2}, reference(q, k, v, mask, heads, 0.5),
                    NeuralOpTesting.run(attention(heads, 0.5f, true), 1, Parallel.SERIAL, q, k, v, mask)[0]);
        }
    }

    @Test
    void badShapesAreNamed() {
        Tensor q = NeuralOpTesting.random(random, 1, 4, 12);
        Tensor k = NeuralOpTesting.random(random, 1, 5, 12);
        Tensor v = NeuralOpTesting.random(random, 1, 5, 6);
        String notDivisible = NeuralOpTesting.error(attention(5, null, false), q, k, v);
        assertTrue(notDivisible.contains("Q (input 0)") && notDivisible.contains("num_heads = 5"), notDivisible);
        String lengths = NeuralOpTesting.error(attention(3, null, false), q, k, NeuralOpTesting.random(random, 1, 4, 6));
        assertTrue(lengths.contains("disagree"), lengths);
        String mask = NeuralOpTesting.error(attention(3, null, true), q, k, v, NeuralOpTesting.random(random, 1, 2, 4, 5));
        assertTrue(mask.contains("Mask (input 3)") && mask.contains("[1, 3, 4, 5]"), mask);
        String noHeads = NeuralOpTesting.error(new Node("attention", "Attention", Operators.JQUANT_DOMAIN,
                List.of("q", "k", "v"), List.of("y"), Map.of()), q, k, v);
        assertTrue(noHeads.contains("num_heads"), noHeads);
    }
}
