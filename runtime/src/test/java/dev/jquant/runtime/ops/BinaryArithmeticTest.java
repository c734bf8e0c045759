package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryArithmeticTest {

    /** Shape pairs covering the fast paths (equal, scalar, trailing vector, one value per row) and the general one. */
    private static final List<long[][]> SHAPES = List.of(
            new long[][] {{2, 3, 5}, {2, 3, 5}},
            new long[][] {{2, 3, 384}, {384}},
            new long[][] {{384}, {2, 3, 384}},
            new long[][] {{2, 3, 37}, {2, 3, 1}},
            new long[][] {{2, 1, 37}, {3, 1}},
            new long[][] {{}, {2, 3}},
            new long[][] {{2, 3}, {}},
            new long[][] {{5, 1, 3}, {1, 4, 1}},
            new long[][] {{1}, {7}},
            new long[][] {{2, 0, 3}, {3}},
            new long[][] {{3, 20_000}, {20_000}},
            new long[][] {{40_000}, {40_000}});

    private static float apply(String op, float a, float b) {
        return switch (op) {
            case "Add" -> a + b;
            case "Sub" -> a - b;
            case "Mul" -> a * b;
            case "Div" -> a / b;
            default -> (float) Math.pow(a, b);
        };
    }

    @Test
    void float32BroadcastingMatchesReferenceExactly() {
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Pow")) {
            for (long[][] pair : SHAPES) {
                Tensor a = randomFloats(1, pair[0]);
                Tensor b = randomFloats(2, pair[1]);
                if (op.equals("Pow")) {
                    a = abs(a);
                }
                long[] outShape = Broadcast.shapeOf(pair[0], pair[1]);
                float[] expected = new float[(int) Tensor.elementCount(outShape)];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = apply(op, a.getFloat(broadcastIndex(i, outShape, pair[0])),
                            b.getFloat(broadcastIndex(i, outShape, pair[1])));
                }
                Tensor y = run(node(op, 2), 14, a, b);
                String what = op + " " + Arrays.toString(pair[0]) + " " + Arrays.toString(pair[1]);
                assertArrayEquals(outShape, y.shape(), what);
                assertClose(expected, y.toFloatArray(), 0, 0, what);
            }
        }
    }

    @Test
    void squaringIsExact() {
        Tensor a = randomFloats(5, 2, 100);
        float[] in = a.toFloatArray();
        float[] y = run(node("Pow", 2), 15, a, Tensor.ofFloats(new float[] {2f})).toFloatArray();
        for (int i = 0; i < in.length; i++) {
            assertEquals(in[i] * in[i], y[i]);
        }
    }

    private static Tensor abs(Tensor t) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return Tensor.ofFloats(v, t.shape());
    }

    @Test
    void int64ArithmeticWithBroadcasting() {
        Tensor a = Tensor.ofLongs(new long[] {7, -7, 1L << 40, 9}, 2, 2);
        Tensor b = Tensor.ofLongs(new long[] {2, -3}, 2);
        assertArrayEquals(new long[] {9, -10, (1L << 40) + 2, 6}, run(node("Add", 2), 14, a, b).toLongArray());
        assertArrayEquals(new long[] {5, -4, (1L << 40) - 2, 12}, run(node("Sub", 2), 14, a, b).toLongArray());
        assertArrayEquals(new long[] {14, 21, 1L << 41, -27}, run(node("Mul", 2), 14, a, b).toLongArray());
        // truncation toward zero, as C and ONNX Runtime divide
        assertArrayEquals(new long[] {3, 2, 1L << 39, -3}, run(node("Div", 2), 14, a, b).toLongArray());
    }

    @Test
    void narrowIntegersWrap() {
        Tensor a = Tensor.ofInts(new int[] {Integer.MAX_VALUE, -9}, 2);
        Tensor b = Tensor.ofInts(new int[] {1, 4}, 2);
        assertArrayEquals(new int[] {Integer.MIN_VALUE, -5}, run(node("Add", 2), 14, a, b).toIntArray());
        assertArrayEquals(new int[] {Integer.MAX_VALUE, -2}, run(node("Div", 2), 14, a, b).toIntArray());
        Tensor u = run(node("Add", 2), 14, of(DType.UINT8, new double[] {250, 3}, 2), of(DType.UINT8, new double[] {10}, 1));
        assertEquals(DType.UINT8, u.dtype());
        assertEquals(4, value(u, 0));
        assertEquals(13, value(u, 1));
    }

    @Test
    void integerDivisionByZeroFails() {
        Tensor a = Tensor.ofLongs(new long[] {1, 2}, 2);
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> run(node("Div", 2), 14, a, Tensor.ofLongs(new long[] {1, 0}, 2)));
        assertEquals("integer division by zero in Div (INT64)", e.getMessage());
    }

    @Test
    void powAcceptsAnotherExponentType() {
        Tensor base = Tensor.ofFloats(new float[] {1, 2, 3}, 3);
        Tensor y = run(node("Pow", 2), 15, base, Tensor.ofLongs(new long[] {4, 5, 6}, 3));
        assertEquals(DType.FLOAT32, y.dtype());
        assertArrayEquals(new float[] {1, 32, 729}, y.toFloatArray());
        Tensor ints = run(node("Pow", 2), 15, Tensor.ofInts(new int[] {1, 2, 3}, 3), Tensor.ofFloats(new float[] {4, 5, 6}, 3));
        assertArrayEquals(new int[] {1, 32, 729}, ints.toIntArray());
        Tensor longs = run(node("Pow", 2), 15, Tensor.ofLongs(new long[] {2, -3}, 2), Tensor.scalarLong(3));
        assertArrayEquals(new long[] {8, -27}, longs.toLongArray());
        Tensor unsignedExponent = run(node("Pow", 2), 15, base, of(DType.UINT64, new double[] {2, 2, 2}, 3));
        assertArrayEquals(new float[] {1, 4, 9}, unsignedExponent.toFloatArray());
    }

    @Test
    void float64AndFloat16ComputeInDouble() {
        Tensor a = of(DType.FLOAT64, new double[] {0.1, 1e300}, 2);
        Tensor b = of(DType.FLOAT64, new double[] {0.2, 10}, 2);
        Tensor y = run(node("Mul", 2), 14, a, b);
        assertEquals(0.1 * 0.2, value(y, 0));
        assertEquals(1e301, value(y, 1));
        Tensor h = run(node("Add", 2), 14, of(DType.FLOAT16, new double[] {1, 2048}, 2), of(DType.FLOAT16, new double[] {0.5, 1}, 2));
        assertEquals(1.5, value(h, 0));
        assertEquals(2048, value(h, 1)); // 2049 rounds to even in float16
    }

    @Test
    void typeAndShapeErrorsSayWhatIsExpected() {
        Tensor f = randomFloats(1, 2, 3);
        assertEquals("Add node 'Add_node': A (input 0) and B (input 1) must have the same element type, got FLOAT32 and INT64",
                failure(node("Add", 2), 14, f, Tensor.scalarLong(1)));
        assertEquals("Mul node 'Mul_node': shapes [2, 3] and [4] cannot be broadcast together: "
                + "dimension -1 is 3 in one and 4 in another", failure(node("Mul", 2), 14, f, randomFloats(2, 4)));
        Tensor flags = bools(new boolean[] {true}, 1);
        assertEquals("Sub node 'Sub_node': A (input 0) has element type BOOL; supported: [FLOAT32, UINT8, INT8, UINT16, "
                + "INT16, INT32, INT64, FLOAT16, FLOAT64, UINT32, BFLOAT16]", failure(node("Sub", 2), 14, flags, flags));
    }

    @Test
    void shapeArithmeticOnConstantsIsComputedWhilePlanning() {
        Tensor dims = Tensor.ofLongs(new long[] {2, 128, 384}, 3);
        Tensor heads = Tensor.ofLongs(new long[] {1, 1, 12}, 3);
        assertArrayEquals(new long[] {2, 128, 32}, runConstant(node("Div", 2), 14, dims, heads)[0].toLongArray());
    }
}
