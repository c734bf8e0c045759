package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.assertClose;
import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.random;
import static dev.jquant.runtime.ops.NeuralOpTesting.unsupported;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchNormalizationTest {

    private final Random random = new Random(4);

    @Test
    void normalizesWithKnownOrRunTimeStatistics() throws UnsupportedOperatorException {
        for (long[] shape : new long[][] {{2, 3, 4, 5}, {3, 4}, {1, 2, 3, 2, 2}}) {
            int c = (int) shape[1];
            Tensor x = random(random, shape);
            Tensor scale = random(random, c);
            Tensor bias = random(random, c);
            Tensor mean = random(random, c);
            float[] v = new float[c];
            for (int i = 0; i < c; i++) {
                v[i] = random.nextFloat() + 0.1f;
            }
            Tensor var = Tensor.ofFloats(v, c);
            float epsilon = 1e-3f;
            int size = (int) (x.elementCount() / shape[0] / c);
            float[] expected = new float[(int) x.elementCount()];
            for (int i = 0; i < expected.length; i++) {
                int ch = i / size % c;
                expected[i] = (float) ((x.getFloat(i) - mean.getFloat(ch)) / Math.sqrt(var.getFloat(ch) + (double) epsilon)
                        * scale.getFloat(ch) + bias.getFloat(ch));
            }
            var bn = node("BatchNormalization", 5, 1, "epsilon", epsilon);
            Tensor[] inputs = {x, scale, bias, mean, var};
            assertClose(shape, expected, NodeEvaluator.evaluate(bn, 15, inputs, true, Parallel.SERIAL)[0]);
            assertClose(shape, expected, NeuralOpTesting.run(bn, 9, NeuralOpTesting.THREE_CHUNKS, inputs)[0]);
        }
    }

    @Test
    void rejectsTrainingModeAndMisshapenStatistics() {
        Tensor x = random(random, 1, 2, 3);
        Tensor p = random(random, 2);
        assertEquals("BatchNormalization node 'node_under_test': training_mode=1 is not supported; the Java backend runs "
                + "inference only", unsupported(node("BatchNormalization", 5, 1, "training_mode", 1), x, p, p, p, p));
        assertEquals("BatchNormalization node 'node_under_test': output 1 (running or saved statistics) exists only in "
                + "training mode, which is not supported; only Y (output 0) may be requested",
                unsupported(node("BatchNormalization", 5, 3), x, p, p, p, p));
        assertEquals("BatchNormalization node 'node_under_test': input_var (input 4) must be [2] (one per channel of X "
                + "[1, 2, 3]), was [3]", error(node("BatchNormalization", 5, 1), x, p, p, p, random(random, 3)));
        assertEquals("BatchNormalization node 'node_under_test': expected 5 inputs (X, scale, B, input_mean, input_var), "
                + "got 3", error(node("BatchNormalization", 3, 1), x, p, p));
    }
}
