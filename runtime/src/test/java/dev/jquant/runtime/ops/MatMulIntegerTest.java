package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.NeuralOpTesting.error;
import static dev.jquant.runtime.ops.NeuralOpTesting.node;
import static dev.jquant.runtime.ops.QuantizedOpTesting.ints;
import static dev.jquant.runtime.ops.QuantizedOpTesting.scalar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MatMulIntegerTest {

    private final Random random = new Random(21);

    @Test
    void computesTheSpecificationExample() {
        Tensor a = ints(DType.UINT8, new int[] {11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0}, 4, 3);
        Tensor b = ints(DType.UINT8, new int[] {1, 4, 2, 5, 3, 6}, 3, 2);
        for (boolean constant : new boolean[] {false, true}) {
            Tensor y = QuantizedOpTesting.run(node("MatMulInteger", 4, 1), 10, constant, Parallel.SERIAL, a, b,
                    ints(DType.UINT8, 12), ints(DType.UINT8, 0))[0];
            assertEquals(DType.INT32, y.dtype());
            assertArrayEquals(new long[] {4, 2}, y.shape());
            assertArrayEquals(new int[] {-38, -83, -44, -98, -50, -113, -56, -128}, y.toIntArray());
        }
    }

    @Test
    void matchesTheDefinitionOverShapesTypesAndZeroPoints() {
        long[][][] cases = {
            {{3, 4}, {4, 5}},
            {{1, 1}, {1, 1}},
            {{7}, {7, 3}},
            {{2, 6, 5}, {5}},
            {{9}, {9}},
            {{2, 3, 40}, {40, 37}},       // B without batch: A's rows stack (the packed path)
            {{2, 1, 3, 4}, {5, 4, 6}},    // batch broadcast both ways
            {{4, 3}, {2, 3, 2}},
            {{1, 130, 70}, {70, 33}},
            {{2, 0, 4}, {4, 3}},
            {{2, 3, 0}, {0, 5}},
        };
        DType[][] types = {{DType.UINT8, DType.INT8}, {DType.INT8, DType.INT8}, {DType.UINT8, DType.UINT8},
            {DType.INT8, DType.UINT8}};
        for (long[][] c : cases) {
            for (DType[] t : types) {
                for (int zeroKind = 0; zeroKind < 4; zeroKind++) {
                    Tensor a = ints(t[0], QuantizedOpTesting.random(random, t[0], (int) Tensor.elementCount(c[0])), c[0]);
                    Tensor b = ints(t[1], QuantizedOpTesting.random(random, t[1], (int) Tensor.elementCount(c[1])), c[1]);
                    Tensor za = zeroPoint(t[0], c[0], true, zeroKind);
                    Tensor zb = zeroPoint(t[1], c[1], false, zeroKind);
                    int[] expected = reference(a, b, za, zb);
                    for (boolean constant : new boolean[] {false, true}) {
                        Tensor y = QuantizedOpTesting.run(node("MatMulInteger", 4, 1), 10, constant,
                                NeuralOpTesting.THREE_CHUNKS, a, b, za, zb)[0];
                        String what = Arrays.deepToString(c) + " " + Arrays.toString(t) + " zero points " + zeroKind
                                + (constant ? " (constant B)" : "");
                        assertArrayEquals(outputShape(c[0], c[1]), y.shape(), what);
                        assertArrayEquals(expected, y.toIntArray(), what);
                    }
                }
            }
        }
    }

    @Test
    void packedWeightsGiveTheSameSumsAsPlainLoops() {
        // ONNX Runtime's dynamic quantization: uint8 activations, int8 weights with zero point 0 per column
        Tensor a = ints(DType.UINT8, QuantizedOpTesting.random(random, DType.UINT8, 2 * 9 * 384), 2, 9, 384);
        Tensor b = ints(DType.INT8, QuantizedOpTesting.random(random, DType.INT8, 384 * 100), 384, 100);
        Tensor zb = ints(DType.INT8, new int[100], 100);
        for (int zero : new int[] {0, 77, 255}) {
            Tensor za = QuantizedOpTesting.scalar(DType.UINT8, zero);
            int[] expected = reference(a, b, za, zb);
            Tensor y = QuantizedOpTesting.run(node("MatMulInteger", 4, 1), 10, true, NeuralOpTesting.THREE_CHUNKS, a, b,
                    za, zb)[0];
            assertArrayEquals(expected, y.toIntArray(), "a_zero_point " + zero);
        }
    }

    /**
     * A zero point for an operand: 0 none, 1 one value, 2 per row (A) / column (B) as a 1-D tensor,
     * 3 per row/column of each batch entry (1-D operands get one value).
     */
    private Tensor zeroPoint(DType type, long[] shape, boolean rowsOfA, int kind) {
        if (kind == 0) {
            return null;
        }
        if (kind == 1 || shape.length < 2) {
            return ints(type, QuantizedOpTesting.random(random, type, 1));
        }
        int line = shape.length - (rowsOfA ? 2 : 1);
        long[] zshape = kind == 2 ? new long[] {shape[line]} : shape.clone();
        if (kind == 3) {
            zshape[shape.length - (rowsOfA ? 1 : 2)] = 1;
        }
        return ints(type, QuantizedOpTesting.random(random, type, (int) Tensor.elementCount(zshape)), zshape);
    }

    /** numpy.matmul of (A − za) and (B − zb), spelled out. */
    static int[] reference(Tensor a, Tensor b, Tensor za, Tensor zb) {
        long[] as = a.rank() == 1 ? new long[] {1, a.dim(0)} : a.shape();
        long[] bs = b.rank() == 1 ? new long[] {b.dim(0), 1} : b.shape();
        int m = (int) as[as.length - 2];
        int k = (int) as[as.length - 1];
        int n = (int) bs[bs.length - 1];
        long[] batch = Broadcast.shapeOf(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        int count = (int) Tensor.elementCount(batch);
        int[] av = QuantizedOpTesting.values(a);
        int[] bv = QuantizedOpTesting.values(b);
        int[] zav = za == null ? new int[] {0} : QuantizedOpTesting.values(za);
        int[] zbv = zb == null ? new int[] {0} : QuantizedOpTesting.values(zb);
        int[] out = new int[count * m * n];
        for (int i = 0; i < count; i++) {
            int ae = entry(as, batch, i);
            int be = entry(bs, batch, i);
            for (int r = 0; r < m; r++) {
                int zr = zav.length == 1 ? zav[0] : zav.length == m ? zav[r] : zav[ae * m + r];
                for (int col = 0; col < n; col++) {
                    int zc = zbv.length == 1 ? zbv[0] : zbv.length == n ? zbv[col] : zbv[be * n + col];
                    int sum = 0;
                    for (int j = 0; j < k; j++) {
                        sum += (av[(ae * m + r) * k + j] - zr) * (bv[(be * k + j) * n + col] - zc);
                    }
                    out[(i * m + r) * n + col] = sum;
                }
            }
        }
        return out;
    }

    /** The index among an operand's own batch entries (matrix shape {@code s}) of output batch entry {@code i}. */
    private static int entry(long[] s, long[] batch, int i) {
        int rank = batch.length;
        int own = 0;
        int scale = 1;
        for (int d = rank - 1, rest = i; d >= 0; d--) {
            int index = (int) (rest % batch[d]);
            rest /= (int) batch[d];
            int sd = d - (rank - (s.length - 2));
            long size = sd >= 0 ? s[sd] : 1;
            if (size != 1) {
                own += index * scale;
            }
            scale *= (int) size;
        }
        return own;
    }

    /** numpy's matmul shape: the broadcast batch, then M unless A is 1-D, then N unless B is 1-D. */
    private static long[] outputShape(long[] a, long[] b) {
        long[] as = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] bs = b.length == 1 ? new long[] {b[0], 1} : b;
        LongStream.Builder out = LongStream.builder();
        Arrays.stream(Broadcast.shapeOf(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2))).forEach(out);
        if (a.length != 1) {
            out.add(as[as.length - 2]);
        }
        if (b.length != 1) {
            out.add(bs[bs.length - 1]);
        }
        return out.build().toArray();
    }

    @Test
    void refusesWrongTypesAndZeroPointShapes() {
        Tensor a = ints(DType.UINT8, new int[6], 2, 3);
        Tensor b = ints(DType.INT8, new int[12], 3, 4);
        String m = error(node("MatMulInteger", 2, 1), Tensor.ofFloats(new float[6], 2, 3), b);
        assertTrue(m.contains("A (input 0) has element type FLOAT32; supported: [UINT8, INT8]"), m);
        m = error(node("MatMulInteger", 2, 1), a, Tensor.allocate(DType.INT16, 3, 4));
        assertTrue(m.contains("B (input 1) has element type INT16; supported: [UINT8, INT8]"), m);
        m = error(node("MatMulInteger", 3, 1), a, b, scalar(DType.INT8, 0));
        assertTrue(m.contains("A (input 0) and a_zero_point (input 2) must have the same element type, got UINT8 and INT8"), m);
        m = error(node("MatMulInteger", 4, 1), a, b, scalar(DType.UINT8, 0), ints(DType.INT8, new int[3], 3));
        assertTrue(m.contains("b_zero_point (input 3) has shape [3]; for B (input 1) [3, 4] expected one value (per tensor), "
                + "[4] (per column) or [1, 4] (per column of each batch entry)"), m);
        m = error(node("MatMulInteger", 3, 1), a, b, ints(DType.UINT8, new int[3], 3));
        assertTrue(m.contains("a_zero_point (input 2) has shape [3]; for A (input 0) [2, 3] expected one value (per tensor), "
                + "[2] (per row) or [2, 1] (per row of each batch entry)"), m);
        m = error(node("MatMulInteger", 2, 1), a, ints(DType.INT8, new int[8], 2, 4));
        assertTrue(m.contains("A (input 0) [2, 3] and B (input 1) [2, 4] cannot be multiplied: 3 columns against 2 rows"), m);
    }
}
