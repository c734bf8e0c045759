package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.assertClose;
import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.unsupported;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class AveragePoolTest {

    private static Tensor oneTo(int n, long... shape) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i + 1;
        }
        return Tensor.ofFloats(v, shape);
    }

    @Test
    void ceilModeAveragesOnlyTheInputPartOfALastWindow() {
        Tensor y = NeuralOpTesting.run(node("AveragePool", 1, 1, "kernel_shape", new long[] {3, 3}, "strides",
                new long[] {2, 2}, "ceil_mode", 1), oneTo(16, 1, 1, 4, 4));
        assertClose(new long[] {1, 1, 2, 2}, new float[] {6, 7.5f, 12, 13.5f}, y);
    }

    @Test
    void countIncludePadDecidesTheDivisor() {
        // 1x3 row [1 2 3], window 3, pads 1 both sides.
        Tensor x = oneTo(3, 1, 1, 3);
        Tensor excluded = NeuralOpTesting.run(node("AveragePool", 1, 1, "kernel_shape", new long[] {3}, "pads",
                new long[] {1, 1}), x);
        assertClose(new long[] {1, 1, 3}, new float[] {1.5f, 2, 2.5f}, excluded);
        Tensor included = NeuralOpTesting.run(node("AveragePool", 1, 1, "kernel_shape", new long[] {3}, "pads",
                new long[] {1, 1}, "count_include_pad", 1), x);
        assertClose(new long[] {1, 1, 3}, new float[] {1, 2, 5 / 3f}, included);
    }

    @Test
    void dilatedWindowsSkipBetweenTaps() {
        // Row 1..7, window 2 with dilation 3: averages of (x[i], x[i+3]).
        Tensor y = NeuralOpTesting.run(node("AveragePool", 1, 1, "kernel_shape", new long[] {2}, "dilations",
                new long[] {3}), 19, NeuralOpTesting.THREE_CHUNKS, oneTo(7, 1, 1, 7))[0];
        assertClose(new long[] {1, 1, 4}, new float[] {2.5f, 3.5f, 4.5f, 5.5f}, y);
    }

    @Test
    void rejectsOtherTypes() {
        assertEquals("AveragePool node 'node_under_test': X (input 0) has element type INT64; supported: [FLOAT32]",
                unsupported(node("AveragePool", 1, 1, "kernel_shape", new long[] {1}), Tensor.ofLongs(new long[2], 1, 1, 2)));
    }
}
