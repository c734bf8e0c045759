package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.assertClose;
import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.NeuralOpTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvTransposeTest {

    private final Random random = new Random(9);

    @Test
    void computesTheOnnxDocumentationExample() {
        float[] x = new float[9];
        for (int i = 0; i < 9; i++) {
            x[i] = i;
        }
        float[] ones = new float[18];
        Arrays.fill(ones, 1f);
        Tensor y = NeuralOpTesting.run(node("ConvTranspose", 2, 1), Tensor.ofFloats(x, 1, 1, 3, 3),
                Tensor.ofFloats(ones, 1, 2, 3, 3));
        assertArrayEquals(new long[] {1, 2, 5, 5}, y.shape());
        float[] plane = {0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8};
        float[] both = Arrays.copyOf(plane, 50);
        System.arraycopy(plane, 0, both, 25, 25);
        assertArrayEquals(both, y.toFloatArray());
    }

    @Test
    void matchesTheScatterDefinition() {
        // {x shape}, {w shape}, then attributes.
        Object[][] cases = {
            {new long[] {1, 2, 5}, new long[] {2, 3, 3}},
            {new long[] {2, 3, 6}, new long[] {3, 2, 4}, "strides", new long[] {3}, "pads", new long[] {1, 2}},
            {new long[] {1, 4, 4, 5}, new long[] {4, 3, 3, 3}, "group", 2, "strides", new long[] {2, 1},
                "dilations", new long[] {1, 2}, "output_padding", new long[] {1, 0}},
            {new long[] {1, 2, 3, 3}, new long[] {2, 2, 3, 3}, "strides", new long[] {3, 2},
                "output_shape", new long[] {10, 8}},
            {new long[] {1, 2, 3, 3}, new long[] {2, 2, 3, 3}, "strides", new long[] {2, 2},
                "output_shape", new long[] {1, 4, 6, 6}},
            {new long[] {1, 1, 4, 3}, new long[] {1, 2, 3, 2}, "strides", new long[] {2, 2}, "auto_pad", "SAME_UPPER"},
            {new long[] {1, 1, 4, 3}, new long[] {1, 2, 3, 2}, "strides", new long[] {2, 2}, "auto_pad", "SAME_LOWER"},
            {new long[] {2, 3, 3, 2, 4}, new long[] {3, 1, 2, 2, 3}, "group", 3, "pads", new long[] {0, 1, 1, 1, 0, 0}},
        };
        for (Object[] c : cases) {
            Object[] attributes = Arrays.copyOfRange(c, 2, c.length);
            for (boolean bias : new boolean[] {false, true}) {
                long[] ws = (long[]) c[1];
                int group = (int) node("ConvTranspose", 2, 1, attributes).attrInt("group", 1);
                Tensor x = random(random, (long[]) c[0]);
                Tensor w = random(random, ws);
                Tensor b = bias ? random(random, ws[1] * group) : null;
                Node node = node("ConvTranspose", 3, 1, attributes);
                Tensor y = NeuralOpTesting.run(node, 11, NeuralOpTesting.THREE_CHUNKS, x, w, b)[0];
                Reference r = reference(node, x, w, b);
                assertClose(r.shape, r.values, y);
            }
        }
    }

    private record Reference(long[] shape, float[] values) {
    }

    /** The ONNX definition: output extent and pads from the attributes, then every input scattered through every tap. */
    private static Reference reference(Node node, Tensor x, Tensor w, Tensor b) {
        int r = x.rank() - 2;
        int group = (int) node.attrInt("group", 1);
        long[] strides = node.attrInts("strides", ConvTest.ones(r));
        long[] dilations = node.attrInts("dilations", ConvTest.ones(r));
        long[] pads = node.attrInts("pads", new long[2 * r]);
        long[] outputPadding = node.attrInts("output_padding", new long[r]);
        long[] outputShape = node.attrInts("output_shape", null);
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] in = new long[r];
        long[] k = new long[r];
        long[] out = new long[r];
        long[] begin = new long[r];
        for (int d = 0; d < r; d++) {
            in[d] = x.dim(d + 2);
            k[d] = w.dim(d + 2);
            long natural = strides[d] * (in[d] - 1) + outputPadding[d] + dilations[d] * (k[d] - 1) + 1;
            if (outputShape != null || !autoPad.equals("NOTSET")) {
                out[d] = outputShape != null ? outputShape[outputShape.length - r + d] : in[d] * strides[d];
                // An output_shape beyond the natural extent adds positions at the end (as ONNX Runtime does).
                long total = Math.max(0, natural - out[d]);
                begin[d] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
            } else {
                begin[d] = pads[d];
                out[d] = natural - pads[d] - pads[d + r];
            }
        }
        int n = (int) x.dim(0);
        int c = (int) x.dim(1);
        int mPerGroup = (int) w.dim(1);
        int m = mPerGroup * group;
        int inSize = (int) Tensor.elementCount(in);
        int outSize = (int) Tensor.elementCount(out);
        int taps = (int) Tensor.elementCount(k);
        double[] y = new double[n * m * outSize];
        for (int img = 0; img < n; img++) {
            for (int oc = 0; oc < m; oc++) {
                Arrays.fill(y, (img * m + oc) * outSize, (img * m + oc + 1) * outSize, b == null ? 0 : b.getFloat(oc));
            }
            for (int ic = 0; ic < c; ic++) {
                int g = ic / (c / group);
                for (int i = 0; i < inSize; i++) {
                    long[] iPos = ConvTest.unflatten(i, in);
                    float xv = x.getFloat(((long) img * c + ic) * inSize + i);
                    for (int ocl = 0; ocl < mPerGroup; ocl++) {
                        for (int t = 0; t < taps; t++) {
                            long[] tPos = ConvTest.unflatten(t, k);
                            long index = 0;
                            boolean inside = true;
                            for (int d = 0; d < r; d++) {
                                long p = iPos[d] * strides[d] + tPos[d] * dilations[d] - begin[d];
                                inside &= p >= 0 && p < out[d];
                                index = index * out[d] + p;
                            }
                            if (inside) {
                                int oc = g * mPerGroup + ocl;
                                y[(int) ((img * m + oc) * (long) outSize + index)] +=
                                        (double) xv * w.getFloat(((long) ic * mPerGroup + ocl) * taps + t);
                            }
                        }
                    }
                }
            }
        }
        float[] values = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            values[i] = (float) y[i];
        }
        long[] shape = new long[r + 2];
        shape[0] = n;
        shape[1] = m;
        System.arraycopy(out, 0, shape, 2, r);
        return new Reference(shape, values);
    }

    @Test
    void rejectsInconsistentOperandsAndAttributes() {
        Tensor x = random(random, 1, 4, 3, 3);
        assertEquals("ConvTranspose node 'node_under_test': X has 4 channels but W [3, 2, 3, 3] has 3 input channels; "
                + "they must be equal and a multiple of group=1", error(node("ConvTranspose", 2, 1), x, random(random, 3, 2, 3, 3)));
        assertEquals("ConvTranspose node 'node_under_test': attribute 'output_shape' must have 2 values (or 4 with N and C), "
                + "was [5]", error(node("ConvTranspose", 2, 1, "output_shape", new long[] {5}), x, random(random, 4, 2, 3, 3)));
        assertEquals("ConvTranspose node 'node_under_test': the output extent along spatial dimension 0 would be -1; "
                + "the pads 3+3 remove more than stride·(input−1)+span = 5 provides",
                error(node("ConvTranspose", 2, 1, "pads", new long[] {3, 0, 3, 0}), x, random(random, 4, 2, 3, 3)));
        assertEquals("ConvTranspose node 'node_under_test': B (input 2) must be [2] (one per output channel), was [4]",
                error(node("ConvTranspose", 3, 1), x, random(random, 4, 2, 3, 3), random(random, 4)));
    }
}
