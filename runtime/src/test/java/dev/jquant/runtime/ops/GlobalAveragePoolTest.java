package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.assertClose;
import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GlobalAveragePoolTest {

    @Test
    void averagesEachPlane() {
        Random random = new Random(2);
        for (long[] shape : new long[][] {{2, 3, 4, 5}, {1, 4, 7}, {2, 2, 2, 3, 2}}) {
            Tensor x = random(random, shape);
            int planes = (int) (shape[0] * shape[1]);
            int size = (int) (x.elementCount() / planes);
            float[] expected = new float[planes];
            for (int p = 0; p < planes; p++) {
                double sum = 0;
                for (int i = 0; i < size; i++) {
                    sum += x.getFloat((long) p * size + i);
                }
                expected[p] = (float) (sum / size);
            }
            long[] out = shape.clone();
            java.util.Arrays.fill(out, 2, out.length, 1);
            assertClose(out, expected, NeuralOpTesting.run(node("GlobalAveragePool", 1, 1), 11,
                    NeuralOpTesting.THREE_CHUNKS, x)[0]);
        }
    }

    @Test
    void rejectsARankOneInput() {
        assertEquals("GlobalAveragePool node 'node_under_test': X (input 0) must be [N, C, D1, ...], was [4]",
                error(node("GlobalAveragePool", 1, 1), random(new Random(1), 4)));
    }
}
