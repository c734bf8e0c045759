package dev.jquant.kernels.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Vector API kernels against the scalar reference over sizes around the vector width (heads and
 * tails included), at non-zero offsets and in place, with fixed seeds. Integer-like results (max,
 * min, the arithmetic operators) must be identical; the transcendental ones agree within the stated
 * tolerance, since the vector code evaluates polynomials where the reference calls {@link Math}.
 */
class VectorElementwiseTest {

    private static final int L = VectorElementwise.lanes();
    private static final int[] SIZES = {0, 1, 2, 3, L - 1, L, L + 1, 2 * L - 1, 2 * L + 1, 4 * L - 1, 4 * L,
            4 * L + 3, 63, 127, 1000, 4099};
    private static final float EPS = Math.ulp(1f);

    private final FloatElementwise vector = new VectorElementwise();
    private final FloatElementwise scalar = new ScalarElementwise();

    /** Relative and absolute tolerance of the vector kernel against the reference, per function. */
    private static double[] tolerance(UnaryOp op) {
        return switch (op) {
            case RELU, LEAKY_RELU, CLIP, ABS, NEG, SQRT, RECIPROCAL, LOG -> new double[] {0, 0};
            case HARD_SIGMOID, HARD_SWISH -> new double[] {2 * EPS, 1e-7};
            case EXP, SIGMOID -> new double[] {4 * EPS, 1e-37};
            case TANH -> new double[] {4 * EPS, 0};
            case ERF -> new double[] {0, 1e-7};
            case GELU -> new double[] {4 * EPS, 1e-6}; // erf's 1e-7 times x/2
        };
    }

    private static float[] inputs(UnaryOp op, int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (op) {
                case SQRT, LOG -> r.nextFloat() * 100;
                case EXP, SIGMOID -> (r.nextFloat() - 0.5f) * 200; // under- and overflow included
                default -> (float) (r.nextGaussian() * 3);
            };
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesReference(UnaryOp op) {
        double[] tol = tolerance(op);
        for (int n : SIZES) {
            float[] x = inputs(op, n, 17L * n + op.ordinal());
            int offset = 3;
            MemorySegment in = segment(pad(x, offset));
            MemorySegment expected = Arena.ofAuto().allocate((long) (n + offset) * 4);
            MemorySegment actual = Arena.ofAuto().allocate((long) (n + offset) * 4);
            scalar.unary(op, 0.1f, 0.6f, in, offset, expected, offset, n);
            vector.unary(op, 0.1f, 0.6f, in, offset, actual, offset, n);
            assertClose(read(expected, offset, n), read(actual, offset, n), tol[0], tol[1], op + " n=" + n);
            // in place gives the same as out of place
            vector.unary(op, 0.1f, 0.6f, in, offset, in, offset, n);
            assertClose(read(actual, offset, n), read(in, offset, n), 0, 0, op + " in place n=" + n);
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void specialValuesInTheVectorBody(UnaryOp op) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 88.72f, 88.73f, -87.4f, -103.9f, -110f, 1e-20f,
                -1e-20f, 0.55f, -0.55f, 1f, -1f, 3.99f, 4.01f, -9f, 20f};
        int n = Math.max(specials.length, 4 * L);
        float[] x = new float[n];
        System.arraycopy(specials, 0, x, 0, specials.length);
        MemorySegment in = segment(x);
        MemorySegment expected = Arena.ofAuto().allocate(4L * n);
        MemorySegment actual = Arena.ofAuto().allocate(4L * n);
        scalar.unary(op, 0.1f, 0.6f, in, 0, expected, 0, n);
        vector.unary(op, 0.1f, 0.6f, in, 0, actual, 0, n);
        double[] tol = tolerance(op);
        assertClose(read(expected, 0, n), read(actual, 0, n), tol[0], tol[1], op + " on special values");
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryMatchesReferenceExactly(BinaryOp op) {
        for (int n : SIZES) {
            Random r = new Random(31L * n + op.ordinal());
            float[] a = new float[n];
            float[] b = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = op == BinaryOp.POW ? r.nextFloat() * 4 : (float) r.nextGaussian();
                b[i] = (float) r.nextGaussian();
            }
            if (n > 2) {
                a[1] = Float.NaN;
                b[2] = Float.NaN;
            }
            MemorySegment sa = segment(pad(a, 1));
            MemorySegment sb = segment(pad(b, 2));
            float s = op == BinaryOp.POW ? 2f : 0.7f;
            for (int variant = 0; variant < 3; variant++) {
                MemorySegment expected = Arena.ofAuto().allocate(4L * n + 4);
                MemorySegment actual = Arena.ofAuto().allocate(4L * n + 4);
                for (FloatElementwise k : new FloatElementwise[] {scalar, vector}) {
                    MemorySegment y = k == scalar ? expected : actual;
                    switch (variant) {
                        case 0 -> k.binary(op, sa, 1, sb, 2, y, 1, n);
                        case 1 -> k.binaryScalarRight(op, sa, 1, s, y, 1, n);
                        default -> k.binaryScalarLeft(op, s, sb, 2, y, 1, n);
                    }
                }
                assertClose(read(expected, 1, n), read(actual, 1, n), 0, 0, op + " variant " + variant + " n=" + n);
            }
        }
    }

    @Test
    void powerOfAnyOtherScalarExponentIsTheReference() {
        float[] a = inputs(UnaryOp.SQRT, 4 * L + 1, 5);
        MemorySegment expected = Arena.ofAuto().allocate(4L * a.length);
        MemorySegment actual = Arena.ofAuto().allocate(4L * a.length);
        scalar.binaryScalarRight(BinaryOp.POW, segment(a), 0, 0.5f, expected, 0, a.length);
        vector.binaryScalarRight(BinaryOp.POW, segment(a), 0, 0.5f, actual, 0, a.length);
        assertClose(read(expected, 0, a.length), read(actual, 0, a.length), 0, 0, "pow 0.5");
    }

    @Test
    void reductionsMatchReference() {
        for (int n : SIZES) {
            float[] x = inputs(UnaryOp.TANH, n, 7L * n);
            MemorySegment s = segment(pad(x, 5));
            double exact = 0;
            double magnitude = 0;
            for (float v : x) {
                exact += v;
                magnitude += Math.abs(v);
            }
            // a float sum's error bound: n * eps * sum|x| (Higham), whatever the order of additions
            double bound = Math.max(n, 1) * EPS * magnitude;
            assertEquals(exact, vector.sum(s, 5, n), bound, "sum n=" + n);
            assertEquals(scalar.max(s, 5, n), vector.max(s, 5, n), "max n=" + n);
            assertEquals(scalar.min(s, 5, n), vector.min(s, 5, n), "min n=" + n);

            float center = 0.3f;
            double squares = 0;
            for (float v : x) {
                squares += (double) (v - center) * (v - center);
            }
            assertEquals(squares, vector.sumSquaredDeviation(s, 5, center, n), 2 * Math.max(n, 1) * EPS * squares,
                    "sumSquaredDeviation n=" + n);
        }
        MemorySegment empty = segment(new float[0]);
        assertEquals(0f, vector.sum(empty, 0, 0));
        assertEquals(Float.NEGATIVE_INFINITY, vector.max(empty, 0, 0));
        assertEquals(Float.POSITIVE_INFINITY, vector.min(empty, 0, 0));
    }

    @Test
    void maxAndMinPropagateNaNFromTheVectorBodyAndTheTail() {
        for (int at : new int[] {0, 4 * L - 1, 4 * L + 1}) {
            float[] x = inputs(UnaryOp.TANH, 4 * L + 2, at);
            x[at] = Float.NaN;
            assertTrue(Float.isNaN(vector.max(segment(x), 0, x.length)), "max with NaN at " + at);
            assertTrue(Float.isNaN(vector.min(segment(x), 0, x.length)), "min with NaN at " + at);
        }
    }

    @Test
    void expShiftedMatchesReference() {
        for (int n : SIZES) {
            float[] x = inputs(UnaryOp.TANH, n, 11L * n);
            MemorySegment s = segment(x);
            MemorySegment expected = Arena.ofAuto().allocate(4L * n);
            MemorySegment actual = Arena.ofAuto().allocate(4L * n);
            float shift = n == 0 ? 0 : scalar.max(s, 0, n);
            float expectedSum = scalar.expShifted(s, 0, shift, expected, 0, n);
            float actualSum = vector.expShifted(s, 0, shift, actual, 0, n);
            assertClose(read(expected, 0, n), read(actual, 0, n), 4 * EPS, 0, "exp n=" + n);
            assertEquals(expectedSum, actualSum, 2 * Math.max(n, 1) * EPS * expectedSum, "sum n=" + n);
        }
    }

    @Test
    void normalizeMatchesReference() {
        for (int n : SIZES) {
            float[] x = inputs(UnaryOp.TANH, n, 13L * n);
            float[] g = inputs(UnaryOp.TANH, n, 14L * n);
            float[] b = inputs(UnaryOp.TANH, n, 15L * n);
            for (boolean withBias : new boolean[] {true, false}) {
                MemorySegment expected = Arena.ofAuto().allocate(4L * n);
                MemorySegment actual = Arena.ofAuto().allocate(4L * n);
                MemorySegment bias = withBias ? segment(b) : null;
                scalar.normalize(segment(x), 0, 0.25f, 1.7f, segment(g), 0, bias, 0, expected, 0, n);
                vector.normalize(segment(x), 0, 0.25f, 1.7f, segment(g), 0, bias, 0, actual, 0, n);
                assertClose(read(expected, 0, n), read(actual, 0, n), 4 * EPS, 1e-6, "normalize n=" + n);
            }
        }
    }

    static MemorySegment segment(float[] values) {
        MemorySegment m = Arena.ofAuto().allocate(Math.max(1, 4L * values.length), 64).asSlice(0, 4L * values.length);
        MemorySegment.copy(values, 0, m, ScalarElementwise.F32, 0, values.length);
        return m;
    }

    static float[] read(MemorySegment m, long index, int n) {
        float[] out = new float[n];
        MemorySegment.copy(m, ScalarElementwise.F32, index * 4, out, 0, n);
        return out;
    }

    private static float[] pad(float[] x, int offset) {
        float[] p = new float[x.length + offset];
        System.arraycopy(x, 0, p, offset, x.length);
        return p;
    }

    /** Equal, or both NaN, or within {@code atol + rtol * |expected|}. */
    static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            boolean ok = Float.compare(e, a) == 0 || e == a || (Float.isNaN(e) && Float.isNaN(a))
                    || Math.abs((double) e - a) <= atol + rtol * Math.abs(e);
            if (!ok) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (difference "
                        + Math.abs((double) e - a) + ")");
            }
        }
    }
}
