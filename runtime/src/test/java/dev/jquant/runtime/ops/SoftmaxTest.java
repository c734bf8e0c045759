package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Softmax and LogSoftmax in both opset semantics, against a reference in double. */
class SoftmaxTest {

    /** Normalizes each run of {@code length} elements {@code inner} apart. */
    private static float[] reference(Tensor x, long outer, long length, long inner, boolean log) {
        float[] in = x.toFloatArray();
        float[] out = new float[in.length];
        for (long o = 0; o < outer; o++) {
            for (long j = 0; j < inner; j++) {
                double max = Double.NEGATIVE_INFINITY;
                for (long k = 0; k < length; k++) {
                    max = Math.max(max, in[(int) ((o * length + k) * inner + j)]);
                }
                double sum = 0;
                for (long k = 0; k < length; k++) {
                    sum += Math.exp(in[(int) ((o * length + k) * inner + j)] - max);
                }
                for (long k = 0; k < length; k++) {
                    int i = (int) ((o * length + k) * inner + j);
                    out[i] = (float) (log ? in[i] - max - Math.log(sum) : Math.exp(in[i] - max) / sum);
                }
            }
        }
        return out;
    }

    @Test
    void singleAxisFromOpset13() {
        long[] shape = {3, 4, 5, 70};
        Tensor x = randomFloats(1, shape);
        for (String op : new String[] {"Softmax", "LogSoftmax"}) {
            for (int axis = -4; axis < 4; axis++) {
                int a = axis < 0 ? axis + 4 : axis;
                long outer = 1;
                long inner = 1;
                for (int d = 0; d < a; d++) {
                    outer *= shape[d];
                }
                for (int d = a + 1; d < 4; d++) {
                    inner *= shape[d];
                }
                float[] expected = reference(x, outer, shape[a], inner, op.equals("LogSoftmax"));
                assertClose(expected, run(node(op, 1, "axis", axis), 13, x).toFloatArray(), 2e-6, 1e-7,
                        op + " axis " + axis);
            }
            // the default is the last axis
            assertClose(reference(x, 60, 70, 1, op.equals("LogSoftmax")), run(node(op, 1), 13, x).toFloatArray(), 2e-6,
                    1e-7, op + " default axis");
        }
    }

    @Test
    void flattenedRowsBeforeOpset13() {
        long[] shape = {3, 4, 5};
        Tensor x = randomFloats(2, shape);
        for (String op : new String[] {"Softmax", "LogSoftmax"}) {
            boolean log = op.equals("LogSoftmax");
            assertClose(reference(x, 1, 60, 1, log), run(node(op, 1, "axis", 0), 11, x).toFloatArray(), 2e-6, 1e-7, op);
            assertClose(reference(x, 3, 20, 1, log), run(node(op, 1), 11, x).toFloatArray(), 2e-6, 1e-7, op + " default");
            assertClose(reference(x, 12, 5, 1, log), run(node(op, 1, "axis", -1), 11, x).toFloatArray(), 2e-6, 1e-7, op);
        }
    }

    @Test
    void attentionShapedRowsSumToOne() {
        Tensor x = randomFloats(3, 2, 12, 128, 128);
        float[] y = run(node("Softmax", 1), 13, x).toFloatArray();
        for (int r = 0; r < 2 * 12 * 128; r++) {
            double sum = 0;
            for (int k = 0; k < 128; k++) {
                sum += y[r * 128 + k];
            }
            assertEquals(1, sum, 1e-5, "row " + r);
        }
    }

    @Test
    void largeInputsDoNotOverflow() {
        Tensor x = Tensor.ofFloats(new float[] {10000, 10001, 10002, 10003}, 1, 4);
        float[] expected = reference(x, 1, 4, 1, false);
        assertClose(expected, run(node("Softmax", 1), 13, x).toFloatArray(), 1e-6, 1e-7, "softmax");
        assertClose(reference(x, 1, 4, 1, true), run(node("LogSoftmax", 1), 13, x).toFloatArray(), 1e-6, 1e-6,
                "log softmax");
    }

    @Test
    void errorsNameTheProblem() {
        assertEquals("Softmax node 'Softmax_node': input has element type INT64; supported: [FLOAT32]",
                failure(node("Softmax", 1), 13, Tensor.ofLongs(new long[] {1, 2}, 2)));
        assertEquals("LogSoftmax node 'LogSoftmax_node': axis 2 is out of range for rank 2 (valid: -2..1)",
                failure(node("LogSoftmax", 1, "axis", 2), 13, randomFloats(1, 2, 3)));
    }
}
