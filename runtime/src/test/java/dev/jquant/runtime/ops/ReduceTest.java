package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** ReduceSum, ReduceMean, ReduceMax and ReduceMin against a reference that walks every input element. */
class ReduceTest {

    private static final List<String> OPS = List.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin");

    /** Reduces {@code x} over {@code axes} (all when empty) in double, keeping the reduced dimensions as 1. */
    private static double[] reference(String op, Tensor x, int[] axes) {
        long[] shape = x.shape();
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        if (axes.length == 0) {
            Arrays.fill(reduced, true);
        }
        long[] outShape = shape.clone();
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                outShape[d] = 1;
                count *= shape[d];
            }
        }
        double[] acc = new double[(int) Tensor.elementCount(outShape)];
        Arrays.fill(acc, switch (op) {
            case "ReduceMax" -> Double.NEGATIVE_INFINITY;
            case "ReduceMin" -> Double.POSITIVE_INFINITY;
            default -> 0;
        });
        for (long i = 0; i < x.elementCount(); i++) {
            long rest = i;
            long o = 0;
            long stride = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                long c = rest % shape[d];
                rest /= shape[d];
                o += (reduced[d] ? 0 : c) * stride;
                stride *= outShape[d];
            }
            double v = value(x, i);
            acc[(int) o] = switch (op) {
                case "ReduceMax" -> Math.max(acc[(int) o], v);
                case "ReduceMin" -> Math.min(acc[(int) o], v);
                default -> acc[(int) o] + v;
            };
        }
        if (op.equals("ReduceMean")) {
            for (int o = 0; o < acc.length; o++) {
                acc[o] /= count;
            }
        }
        return acc;
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** The output shape for {@code axes} (all when empty). */
    private static long[] outShape(long[] shape, int[] axes, boolean keepDims) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        return IntStream.range(0, shape.length)
                .filter(d -> keepDims || !(reduced[d] || axes.length == 0))
                .mapToLong(d -> reduced[d] || axes.length == 0 ? 1 : shape[d]).toArray();
    }

    @Test
    void float32EveryAxisCombinationWithAttributeAxes() {
        Tensor x = randomFloats(1, 3, 4, 5, 6);
        int[][] axesSets = {{}, {0}, {1}, {3}, {0, 2}, {1, 2, 3}, {0, 3}, {2, 3}, {0, 1}, {0, 1, 2, 3}};
        for (String op : OPS) {
            for (int[] axes : axesSets) {
                for (boolean keep : new boolean[] {true, false}) {
                    long[] attr = Arrays.stream(axes).mapToLong(a -> a == 3 ? -1 : a).toArray(); // -1 for 3: negative axes
                    Tensor y = axes.length == 0
                            ? run(node(op, 1, "keepdims", keep ? 1 : 0), 11, x)
                            : run(node(op, 1, "axes", attr, "keepdims", keep ? 1 : 0), 11, x);
                    String what = op + " axes " + Arrays.toString(axes) + " keepdims " + keep;
                    assertArrayEquals(outShape(x.shape(), axes, keep), y.shape(), what);
                    assertClose(toFloats(reference(op, x, axes)), y.toFloatArray(), 1e-5, 1e-6, what);
                }
            }
        }
    }

    @Test
    void axesAsInputFromOpset13ForSumAndOpset18ForTheOthers() {
        Tensor x = randomFloats(2, 4, 7, 9);
        Tensor axes = Tensor.ofLongs(new long[] {0, 2}, 2);
        for (String op : OPS) {
            int opset = op.equals("ReduceSum") ? 13 : 18;
            Tensor y = runConstant(node(op, 2), opset, x, axes)[0];
            assertArrayEquals(new long[] {1, 7, 1}, y.shape(), op);
            assertClose(toFloats(reference(op, x, new int[] {0, 2})), y.toFloatArray(), 1e-5, 1e-6, op);
        }
    }

    @Test
    void axesInputMustBeKnownWhilePlanning() {
        Tensor x = randomFloats(2, 4, 7);
        assertEquals("ReduceSum node 'ReduceSum_node': axes (input 1) must be known before the model runs "
                + "(a constant or computed from shapes); data-dependent shapes are not supported",
                failure(node("ReduceSum", 2), 13, x, Tensor.ofLongs(new long[] {1}, 1)));
    }

    @Test
    void axesInTheFormOfAnotherOpsetAreRefused() {
        Tensor x = randomFloats(2, 4, 7);
        assertEquals("ReduceSum node 'ReduceSum_node': from opset 13 the axes are input 1, not an attribute "
                + "(the model's opset is 13)", failure(node("ReduceSum", 1, "axes", new long[] {0}), 13, x));
        assertEquals("ReduceMax node 'ReduceMax_node': before opset 18 the axes are the 'axes' attribute, not input 1 "
                + "(the model's opset is 17)", failure(node("ReduceMax", 2), 17, x, Tensor.ofLongs(new long[] {0}, 1)));
    }

    @Test
    void largeOutputsRunAtInferenceTimeWithConstantAxes() {
        // too large to compute while planning: the axes are constant, the reduction runs split over threads
        Tensor x = randomFloats(3, 2, 3, 40_000);
        Tensor y = runConstant(node("ReduceMean", 2, "keepdims", 0), 18, x, Tensor.ofLongs(new long[] {1}, 1))[0];
        assertArrayEquals(new long[] {2, 40_000}, y.shape());
        assertClose(toFloats(reference("ReduceMean", x, new int[] {1})), y.toFloatArray(), 1e-5, 1e-6, "mean over axis 1");
    }

    @Test
    void trailingAxisOfTransformerShapes() {
        Tensor x = randomFloats(4, 2, 128, 384);
        for (String op : OPS) {
            Tensor y = run(node(op, 1, "axes", new long[] {-1}), 11, x);
            assertArrayEquals(new long[] {2, 128, 1}, y.shape());
            assertClose(toFloats(reference(op, x, new int[] {2})), y.toFloatArray(), 1e-5, 1e-6, op);
        }
    }

    @Test
    void integerReductionsAreExact() {
        long big = 1L << 55;
        Tensor x = Tensor.ofLongs(new long[] {big, 1, -7, 3, big, 2}, 2, 3);
        assertArrayEquals(new long[] {big - 6, big + 5}, run(node("ReduceSum", 1, "axes", new long[] {1}, "keepdims", 0), 11, x)
                .toLongArray());
        assertArrayEquals(new long[] {big / 3 - 2, (big + 5) / 3},
                run(node("ReduceMean", 1, "axes", new long[] {1}, "keepdims", 0), 13, x).toLongArray());
        assertArrayEquals(new long[] {big, big, 2}, run(node("ReduceMax", 1, "axes", new long[] {0}), 13, x).toLongArray());
        assertArrayEquals(new long[] {-7}, run(node("ReduceMin", 1, "keepdims", 0), 13, x).toLongArray());
        Tensor ints = Tensor.ofInts(new int[] {5, -2, 9, 4}, 4);
        assertArrayEquals(new int[] {16}, run(node("ReduceSum", 1), 11, ints).toIntArray());
    }

    @Test
    void otherFloatTypesAccumulateInDouble() {
        Tensor x = of(DType.FLOAT16, new double[] {1, 2048, 1, 1}, 4);
        // in float16, 2048 + 1 rounds back to 2048; the double accumulator keeps every term
        Tensor y = run(node("ReduceSum", 1), 11, x);
        assertEquals(DType.FLOAT16, y.dtype());
        assertEquals(2052, value(y, 0));
        Tensor d = run(node("ReduceMean", 1, "axes", new long[] {0}), 13, of(DType.FLOAT64, new double[] {0.1, 0.2}, 2));
        assertEquals((0.1 + 0.2) / 2, value(d, 0));
    }

    @Test
    void emptyAxesWithNoopAreTheIdentity() {
        Tensor x = randomFloats(5, 2, 3);
        assertArrayEquals(x.toFloatArray(), run(node("ReduceSum", 1, "noop_with_empty_axes", 1), 13, x).toFloatArray());
        Tensor y = runConstant(node("ReduceSum", 2, "noop_with_empty_axes", 1), 13, x, Tensor.ofLongs(new long[0], 0))[0];
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertArrayEquals(x.toFloatArray(), y.toFloatArray());
        // without the flag, no axes reduce everything
        assertArrayEquals(new long[] {1, 1}, run(node("ReduceMax", 1), 18, x).shape());
    }

    @Test
    void emptyReductions() {
        Tensor x = Tensor.allocate(DType.FLOAT32, 3, 0);
        long[] axis = {1};
        assertArrayEquals(new float[] {0, 0, 0}, run(node("ReduceSum", 1, "axes", axis), 11, x).toFloatArray());
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY},
                run(node("ReduceMax", 1, "axes", axis), 13, x).toFloatArray());
        assertTrue(Float.isNaN(run(node("ReduceMean", 1, "axes", axis), 13, x).toFloatArray()[0]));
        Tensor ints = Tensor.allocate(DType.INT32, 0, 2);
        assertArrayEquals(new int[] {Integer.MIN_VALUE, Integer.MIN_VALUE},
                run(node("ReduceMax", 1, "axes", new long[] {0}), 13, ints).toIntArray());
        assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE},
                run(node("ReduceMin", 1, "axes", new long[] {0}), 13, ints).toIntArray());
    }

    @Test
    void axisAndTypeErrors() {
        Tensor x = randomFloats(1, 2, 3);
        assertEquals("ReduceMean node 'ReduceMean_node': axis 2 is out of range for rank 2 (valid: -2..1)",
                failure(node("ReduceMean", 1, "axes", new long[] {2}), 13, x));
        assertTrue(failure(node("ReduceSum", 1), 11, bools(new boolean[] {true}, 1)).contains("BOOL"));
    }
}
