package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.QuantizedOpTesting.ints;
import static dev.jquant.runtime.ops.QuantizedOpTesting.scalar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvIntegerTest {

    private final Random random = new Random(8);

    @Test
    void computesTheSpecificationExample() {
        Tensor x = ints(DType.UINT8, new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, 1, 3, 3);
        Tensor w = ints(DType.UINT8, new int[] {1, 1, 1, 1}, 1, 1, 2, 2);
        Tensor y = NeuralOpTesting.run(node("ConvInteger", 3, 1), x, w, scalar(DType.UINT8, 1));
        assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new int[] {12, 16, 24, 28}, y.toIntArray());
        // padding adds nothing, as if it held x's zero point
        y = NeuralOpTesting.run(node("ConvInteger", 3, 1, "pads", new long[] {1, 1, 1, 1}), x, w, scalar(DType.UINT8, 1));
        assertArrayEquals(new int[] {1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9}, y.toIntArray());
    }

    @Test
    void matchesTheDefinitionOverGeometries() {
        // {x shape}, {w shape}, group, strides, dilations, pads (begin h, w, end h, w)
        long[][][] cases = {
            {{1, 1, 5, 5}, {1, 1, 3, 3}, {1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
            {{2, 3, 6, 7}, {4, 3, 3, 2}, {1}, {2, 1}, {1, 2}, {1, 0, 2, 1}},
            {{1, 4, 5, 5}, {6, 2, 3, 3}, {2}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
            {{1, 3, 4, 4}, {3, 1, 1, 1}, {3}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
        };
        for (long[][] c : cases) {
            for (DType xt : new DType[] {DType.UINT8, DType.INT8}) {
                for (DType wt : new DType[] {DType.UINT8, DType.INT8}) {
                    Tensor x = ints(xt, QuantizedOpTesting.random(random, xt, (int) Tensor.elementCount(c[0])), c[0]);
                    Tensor w = ints(wt, QuantizedOpTesting.random(random, wt, (int) Tensor.elementCount(c[1])), c[1]);
                    Tensor zx = ints(xt, QuantizedOpTesting.random(random, xt, 1));
                    int m = (int) c[1][0];
                    Tensor zw = ints(wt, QuantizedOpTesting.random(random, wt, m), m);
                    Tensor y = NeuralOpTesting.run(node("ConvInteger", 4, 1, "group", c[2][0], "strides", c[3],
                            "dilations", c[4], "pads", c[5]), 10, NeuralOpTesting.THREE_CHUNKS, x, w, zx, zw)[0];
                    int[] expected = reference(x, w, zx, zw, (int) c[2][0], c[3], c[4], c[5]);
                    assertArrayEquals(expected, y.toIntArray(), Arrays.deepToString(c) + " " + xt + " x " + wt);
                }
            }
        }
    }

    @Test
    void constantWeightsThatFitInt8RunOnTheGemmAndMatchTheDefinition() throws Exception {
        // {x shape}, {w shape}, group, strides, dilations, pads: as above, plus a 1x1 and a wider 3x3.
        long[][][] cases = {
            {{1, 1, 5, 5}, {1, 1, 3, 3}, {1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
            {{2, 3, 6, 7}, {4, 3, 3, 2}, {1}, {2, 1}, {1, 2}, {1, 0, 2, 1}},
            {{1, 4, 5, 5}, {6, 2, 3, 3}, {2}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
            {{1, 3, 4, 4}, {3, 1, 1, 1}, {3}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
            {{1, 16, 9, 9}, {24, 16, 1, 1}, {1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
            {{2, 32, 12, 12}, {40, 32, 3, 3}, {1}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
        };
        for (long[][] c : cases) {
            for (DType xt : new DType[] {DType.UINT8, DType.INT8}) {
                for (DType wt : new DType[] {DType.UINT8, DType.INT8}) {
                    Tensor x = ints(xt, QuantizedOpTesting.random(random, xt, (int) Tensor.elementCount(c[0])), c[0]);
                    int m = (int) c[1][0];
                    // ONNX Runtime's forms: int8 weights with zero points of 0, uint8 ones around 128.
                    int[] zeros = new int[m];
                    Arrays.fill(zeros, wt == DType.UINT8 ? 128 : 0);
                    int[] codes = new int[(int) Tensor.elementCount(c[1])];
                    for (int i = 0; i < codes.length; i++) {
                        codes[i] = zeros[0] + random.nextInt(256) - 128;
                    }
                    Tensor w = ints(wt, codes, c[1]);
                    Tensor zx = ints(xt, QuantizedOpTesting.random(random, xt, 1));
                    Tensor zw = ints(wt, zeros, m);
                    Node conv = node("ConvInteger", 4, 1, "group", c[2][0], "strides", c[3], "dilations", c[4], "pads", c[5]);
                    Tensor y = NodeEvaluator.evaluate(conv, 10, new Tensor[] {x, w, zx, zw}, true,
                            NeuralOpTesting.THREE_CHUNKS)[0];
                    int[] expected = reference(x, w, zx, zw, (int) c[2][0], c[3], c[4], c[5]);
                    assertArrayEquals(expected, y.toIntArray(), Arrays.deepToString(c) + " " + xt + " x " + wt);
                }
            }
        }
    }

    /** The 2-D integer convolution, spelled out over the padded input. */
    static int[] reference(Tensor x, Tensor w, Tensor zx, Tensor zw, int group, long[] strides, long[] dilations,
            long[] pads) {
        int n = (int) x.dim(0);
        int c = (int) x.dim(1);
        int h = (int) x.dim(2);
        int wd = (int) x.dim(3);
        int m = (int) w.dim(0);
        int kh = (int) w.dim(2);
        int kw = (int) w.dim(3);
        int oh = (int) ((h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) / strides[0] + 1);
        int ow = (int) ((wd + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1] + 1);
        int[] xv = QuantizedOpTesting.values(x);
        int[] wv = QuantizedOpTesting.values(w);
        int xz = QuantizedOpTesting.values(zx)[0];
        int[] wz = QuantizedOpTesting.values(zw);
        int perGroupIn = c / group;
        int[] out = new int[n * m * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < m; oc++) {
                int g = oc / (m / group);
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int sum = 0;
                        for (int icl = 0; icl < perGroupIn; icl++) {
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    long r = i * strides[0] + p * dilations[0] - pads[0];
                                    long s = j * strides[1] + q * dilations[1] - pads[1];
                                    if (r < 0 || r >= h || s < 0 || s >= wd) {
                                        continue;
                                    }
                                    int xval = xv[(int) (((b * c + g * perGroupIn + icl) * h + r) * wd + s)] - xz;
                                    int wval = wv[((oc * perGroupIn + icl) * kh + p) * kw + q] - wz[wz.length == 1 ? 0 : oc];
                                    sum += xval * wval;
                                }
                            }
                        }
                        out[((b * m + oc) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void refusesWrongTypesAndZeroPointShapes() {
        Tensor x = ints(DType.UINT8, new int[18], 1, 2, 3, 3);
        Tensor w = ints(DType.UINT8, new int[12], 3, 2, 1, 2);
        String m = error(node("ConvInteger", 2, 1), Tensor.ofFloats(new float[18], 1, 2, 3, 3), w);
        assertTrue(m.contains("x (input 0) has element type FLOAT32; supported: [UINT8, INT8]"), m);
        m = error(node("ConvInteger", 3, 1), x, w, ints(DType.UINT8, 1, 2));
        assertTrue(m.contains("x_zero_point (input 2) must hold one value (per-tensor quantization), has shape [2]"), m);
        m = error(node("ConvInteger", 4, 1), x, w, scalar(DType.UINT8, 0), ints(DType.UINT8, 1, 2));
        assertTrue(m.contains("w_zero_point (input 3) must be one value (per tensor) or [3] (per output channel), was [2]"), m);
        m = error(node("ConvInteger", 4, 1), x, w, scalar(DType.UINT8, 0), scalar(DType.INT8, 0));
        assertTrue(m.contains("w (input 1) and w_zero_point (input 3) must have the same element type, got UINT8 and INT8"), m);
        m = error(node("ConvInteger", 2, 1, "group", 2), x, w);
        assertTrue(m.contains("do not fit attribute 'group' = 2"), m);
    }
}
