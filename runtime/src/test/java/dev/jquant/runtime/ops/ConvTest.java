package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.assertClose;
import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.random;
import static dev.jquant.runtime.ops.NeuralOpTesting.unsupported;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvTest {

    private final Random random = new Random(3);

    @Test
    void computesTheOnnxDocumentationExample() {
        float[] x = new float[25];
        for (int i = 0; i < 25; i++) {
            x[i] = i;
        }
        Tensor input = Tensor.ofFloats(x, 1, 1, 5, 5);
        Tensor weight = Tensor.ofFloats(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 1, 3, 3);
        Tensor y = NeuralOpTesting.run(node("Conv", 2, 1, "pads", new long[] {1, 1, 1, 1}), input, weight);
        assertArrayEquals(new float[] {12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153, 162,
                111, 72, 111, 117, 123, 84}, y.toFloatArray());
        y = NeuralOpTesting.run(node("Conv", 2, 1, "pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 2}),
                input, weight);
        assertArrayEquals(new long[] {1, 1, 3, 3}, y.shape());
        assertArrayEquals(new float[] {12, 27, 24, 63, 108, 81, 72, 117, 84}, y.toFloatArray());
    }

    @Test
    void matchesTheDefinitionOverGeometries() {
        // {x shape}, {w shape}, then attributes.
        Object[][] cases = {
            {new long[] {2, 3, 10}, new long[] {4, 3, 3}, "pads", new long[] {1, 2}},
            {new long[] {1, 4, 9}, new long[] {6, 2, 2}, "group", 2, "strides", new long[] {2}, "dilations", new long[] {3}},
            {new long[] {1, 3, 8, 7}, new long[] {5, 3, 3, 3}, "pads", new long[] {1, 0, 2, 1}, "strides", new long[] {2, 1}},
            {new long[] {2, 6, 7, 7}, new long[] {6, 1, 3, 3}, "group", 6, "pads", new long[] {1, 1, 1, 1}},
            {new long[] {1, 8, 5, 6}, new long[] {4, 8, 1, 1}},
            {new long[] {1, 2, 9, 8}, new long[] {4, 2, 3, 2}, "auto_pad", "SAME_UPPER", "strides", new long[] {2, 3}},
            {new long[] {1, 2, 9, 8}, new long[] {4, 2, 3, 2}, "auto_pad", "SAME_LOWER", "strides", new long[] {2, 3}},
            {new long[] {1, 2, 9, 8}, new long[] {4, 2, 3, 2}, "auto_pad", "VALID", "strides", new long[] {2, 3},
                "dilations", new long[] {2, 1}},
            {new long[] {1, 2, 4, 5, 6}, new long[] {3, 2, 2, 3, 2}, "pads", new long[] {1, 0, 1, 0, 1, 1}},
        };
        for (Object[] c : cases) {
            Object[] attributes = java.util.Arrays.copyOfRange(c, 2, c.length);
            for (boolean bias : new boolean[] {false, true}) {
                long[] ws = (long[]) c[1];
                Tensor x = random(random, (long[]) c[0]);
                Tensor w = random(random, ws);
                Tensor b = bias ? random(random, ws[0]) : null;
                Node node = node("Conv", 3, 1, attributes);
                Tensor y = NeuralOpTesting.run(node, 11, NeuralOpTesting.THREE_CHUNKS, x, w, b)[0];
                Reference r = reference(node, x, w, b);
                assertClose(r.shape, r.values, y);
            }
        }
    }

    private record Reference(long[] shape, float[] values) {
    }

    /** The ONNX definition: output extents and pads from the attributes, then every sum written out. */
    private static Reference reference(Node node, Tensor x, Tensor w, Tensor b) {
        int r = x.rank() - 2;
        int group = (int) node.attrInt("group", 1);
        long[] strides = node.attrInts("strides", ones(r));
        long[] dilations = node.attrInts("dilations", ones(r));
        long[] pads = node.attrInts("pads", new long[2 * r]);
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] in = new long[r];
        long[] k = new long[r];
        long[] out = new long[r];
        long[] begin = new long[r];
        for (int d = 0; d < r; d++) {
            in[d] = x.dim(d + 2);
            k[d] = w.dim(d + 2);
            long span = dilations[d] * (k[d] - 1) + 1;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    out[d] = (in[d] + strides[d] - 1) / strides[d];
                    long total = Math.max(0, (out[d] - 1) * strides[d] + span - in[d]);
                    begin[d] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                }
                case "VALID" -> out[d] = (in[d] - span) / strides[d] + 1;
                default -> {
                    begin[d] = pads[d];
                    out[d] = (in[d] + pads[d] + pads[d + r] - span) / strides[d] + 1;
                }
            }
        }
        int n = (int) x.dim(0);
        int c = (int) x.dim(1);
        int m = (int) w.dim(0);
        int outSize = (int) Tensor.elementCount(out);
        int taps = (int) Tensor.elementCount(k);
        int inSize = (int) Tensor.elementCount(in);
        float[] y = new float[n * m * outSize];
        for (int img = 0; img < n; img++) {
            for (int oc = 0; oc < m; oc++) {
                int g = oc / (m / group);
                for (int o = 0; o < outSize; o++) {
                    long[] oPos = unflatten(o, out);
                    double sum = b == null ? 0 : b.getFloat(oc);
                    for (int icl = 0; icl < c / group; icl++) {
                        for (int t = 0; t < taps; t++) {
                            long[] tPos = unflatten(t, k);
                            long index = 0;
                            boolean inside = true;
                            for (int d = 0; d < r; d++) {
                                long p = oPos[d] * strides[d] + tPos[d] * dilations[d] - begin[d];
                                inside &= p >= 0 && p < in[d];
                                index = index * in[d] + p;
                            }
                            if (inside) {
                                sum += (double) x.getFloat(((long) img * c + g * (c / group) + icl) * inSize + index)
                                        * w.getFloat(((long) oc * (c / group) + icl) * taps + t);
                            }
                        }
                    }
                    y[(img * m + oc) * outSize + o] = (float) sum;
                }
            }
        }
        long[] shape = new long[r + 2];
        shape[0] = n;
        shape[1] = m;
        System.arraycopy(out, 0, shape, 2, r);
        return new Reference(shape, y);
    }

    static long[] ones(int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    /** Row-major coordinates of flat index {@code i} in {@code extents}. */
    static long[] unflatten(long i, long[] extents) {
        long[] c = new long[extents.length];
        for (int d = extents.length - 1; d >= 0; d--) {
            c[d] = i % extents[d];
            i /= extents[d];
        }
        return c;
    }

    @Test
    void rejectsInconsistentOperandsAndAttributes() {
        Tensor x = random(random, 1, 4, 5, 5);
        assertEquals("Conv node 'node_under_test': X has 4 channels but W [2, 3, 3, 3] with group=1 expects 3",
                error(node("Conv", 2, 1), x, random(random, 2, 3, 3, 3)));
        assertEquals("Conv node 'node_under_test': W [3, 2, 3, 3] has 3 output channels, not a multiple of group=2",
                error(node("Conv", 2, 1, "group", 2), x, random(random, 3, 2, 3, 3)));
        assertEquals("Conv node 'node_under_test': attribute 'auto_pad' is 'SAME'; expected one of "
                + "[NOTSET, SAME_UPPER, SAME_LOWER, VALID]",
                error(node("Conv", 2, 1, "auto_pad", "SAME"), x, random(random, 2, 4, 3, 3)));
        assertEquals("Conv node 'node_under_test': attribute 'kernel_shape' [2, 2] does not match the weight's spatial "
                + "dimensions [3, 3]",
                error(node("Conv", 2, 1, "kernel_shape", new long[] {2, 2}), x, random(random, 2, 4, 3, 3)));
        assertEquals("Conv node 'node_under_test': the window spans 7 along spatial dimension 0 (kernel 4, dilation 2) "
                + "but the padded input has only 5",
                error(node("Conv", 2, 1, "dilations", new long[] {2, 1}), x, random(random, 2, 4, 4, 1)));
        assertEquals("Conv node 'node_under_test': attribute 'pads' must have 4 values, was [1, 1]",
                error(node("Conv", 2, 1, "pads", new long[] {1, 1}), x, random(random, 2, 4, 3, 3)));
        assertEquals("Conv node 'node_under_test': B (input 2) must be [2] (one per output channel), was [3]",
                error(node("Conv", 3, 1), x, random(random, 2, 4, 3, 3), random(random, 3)));
        assertEquals("Conv node 'node_under_test': X (input 0) has element type INT32; supported: [FLOAT32]",
                unsupported(node("Conv", 2, 1), Tensor.ofInts(new int[4], 1, 1, 2, 2), random(random, 1, 1, 1, 1)));
        assertEquals("Conv node 'node_under_test': X (input 0) must be [N, C, D1, ...] with at least one spatial "
                + "dimension, was [1, 4]", error(node("Conv", 2, 1), random(random, 1, 4), random(random, 2, 4)));
    }
}
