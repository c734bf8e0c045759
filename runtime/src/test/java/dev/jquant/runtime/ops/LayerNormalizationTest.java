package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerNormalizationTest {

    /** {Y, Mean, InvStdDev} in double for rows of {@code rowLength}. */
    private static float[][] reference(Tensor x, Tensor scale, Tensor bias, int rowLength, float epsilon) {
        float[] in = x.toFloatArray();
        float[] g = scale.toFloatArray();
        float[] b = bias == null ? null : bias.toFloatArray();
        int rows = in.length / rowLength;
        float[] y = new float[in.length];
        float[] mean = new float[rows];
        float[] inv = new float[rows];
        for (int r = 0; r < rows; r++) {
            double m = 0;
            for (int k = 0; k < rowLength; k++) {
                m += in[r * rowLength + k];
            }
            m /= rowLength;
            double v = 0;
            for (int k = 0; k < rowLength; k++) {
                double d = in[r * rowLength + k] - m;
                v += d * d;
            }
            double s = 1 / Math.sqrt(v / rowLength + epsilon);
            for (int k = 0; k < rowLength; k++) {
                int i = r * rowLength + k;
                y[i] = (float) ((in[i] - m) * s * g[k] + (b == null ? 0 : b[k]));
            }
            mean[r] = (float) m;
            inv[r] = (float) s;
        }
        return new float[][] {y, mean, inv};
    }

    @Test
    void everyAxisWithStatistics() {
        long[] shape = {2, 3, 4, 50};
        Tensor x = randomFloats(1, shape);
        for (int axis = -4; axis < 4; axis++) {
            int a = axis < 0 ? axis + 4 : axis;
            long[] normalized = Arrays.copyOfRange(shape, a, 4);
            Tensor scale = randomFloats(2, normalized);
            Tensor bias = randomFloats(3, normalized);
            int rowLength = (int) Tensor.elementCount(normalized);
            float[][] expected = reference(x, scale, bias, rowLength, 1e-3f);
            Tensor[] y = runAll(node("LayerNormalization", new String[] {"x", "s", "b"}, 3,
                    "axis", axis, "epsilon", 1e-3f), 17, x, scale, bias);
            String what = "axis " + axis;
            assertArrayEquals(shape, y[0].shape(), what);
            long[] statsShape = shape.clone();
            Arrays.fill(statsShape, a, 4, 1);
            assertArrayEquals(statsShape, y[1].shape(), what);
            assertArrayEquals(statsShape, y[2].shape(), what);
            assertClose(expected[0], y[0].toFloatArray(), 1e-5, 1e-5, what + " Y");
            assertClose(expected[1], y[1].toFloatArray(), 1e-5, 1e-6, what + " Mean");
            assertClose(expected[2], y[2].toFloatArray(), 1e-5, 1e-6, what + " InvStdDev");
        }
    }

    @Test
    void transformerShapeWithoutBiasOrStatistics() {
        Tensor x = randomFloats(4, 2, 128, 384);
        Tensor scale = randomFloats(5, 384);
        Tensor[] y = runAll(node("LayerNormalization", new String[] {"x", "s"}, 1), 17, x, scale);
        assertEquals(1, y.length);
        assertClose(reference(x, scale, null, 384, 1e-5f)[0], y[0].toFloatArray(), 1e-5, 1e-5, "Y");
        Tensor[] onlyY = runAll(node("LayerNormalization", new String[] {"x", "s"}, 3), 17, x, scale);
        assertEquals(3, onlyY.length);
        Tensor[] skipMean = runAll(new Node("ln", "LayerNormalization", List.of("x", "s"), List.of("y", "", "inv"), Map.of()),
                17, x, scale);
        assertNull(skipMean[1]);
        assertArrayEquals(new long[] {2, 128, 1}, skipMean[2].shape());
    }

    @Test
    void scaleMayCarryLeadingOnes() {
        Tensor x = randomFloats(6, 3, 8);
        Tensor scale = randomFloats(7, 1, 8);
        assertClose(reference(x, scale, null, 8, 1e-5f)[0],
                run(node("LayerNormalization", new String[] {"x", "s"}, 1), 17, x, scale).toFloatArray(),
                1e-5, 1e-5, "Y");
    }

    @Test
    void errorsNameTheProblem() {
        Tensor x = randomFloats(1, 3, 8);
        assertEquals("LayerNormalization node 'LayerNormalization_node': Scale (input 1) has shape [4]; "
                + "expected the normalized dimensions X[axis:] = [8]",
                failure(node("LayerNormalization", new String[] {"x", "s"}, 1), 17, x, randomFloats(2, 4)));
        assertEquals("LayerNormalization node 'LayerNormalization_node': X (input 0) has element type INT64; "
                + "supported: [FLOAT32]", failure(node("LayerNormalization", new String[] {"x", "s"}, 1),
                17, Tensor.ofLongs(new long[] {1, 2}, 2), randomFloats(2, 2)));
        assertEquals("LayerNormalization node 'LayerNormalization_node': stash_type 10 is not supported; only 1 (FLOAT32) is",
                failure(node("LayerNormalization", new String[] {"x", "s"}, 1, "stash_type", 10), 17, x,
                        randomFloats(2, 8)));
    }
}
