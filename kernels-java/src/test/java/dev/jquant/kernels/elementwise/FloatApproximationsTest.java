package dev.jquant.kernels.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The approximations against the true functions, for both implementations: erf against a series that
 * converges to double precision, exp, tanh and sigmoid against {@link Math}, over dense grids.
 */
class FloatApproximationsTest {

    private static final FloatElementwise[] IMPLEMENTATIONS = {new ScalarElementwise(), new VectorElementwise()};

    /** erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1)), all terms positive (A&S 7.1.6). */
    static double erfSeries(double x) {
        double ax = Math.abs(x);
        if (ax > 6) {
            return Math.signum(x);
        }
        double term = ax;
        double sum = ax;
        for (int n = 1; term > sum * 1e-17; n++) {
            term *= 2 * ax * ax / (2 * n + 1);
            sum += term;
        }
        return Math.copySign(2 / Math.sqrt(Math.PI) * Math.exp(-ax * ax) * sum, x);
    }

    @Test
    void seriesReferenceReproducesKnownValues() {
        assertEquals(0.5204998778130465, erfSeries(0.5), 1e-15);
        assertEquals(0.8427007929497149, erfSeries(1), 1e-15);
        assertEquals(0.9953222650189527, erfSeries(2), 1e-15);
        assertEquals(-0.9999779095030014, erfSeries(-3), 1e-15);
    }

    private static float[] grid(float from, float to, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = from + (to - from) * i / (n - 1);
        }
        return x;
    }

    private static float[] apply(FloatElementwise k, UnaryOp op, float[] x) {
        MemorySegment y = Arena.ofAuto().allocate(4L * x.length);
        k.unary(op, 0, 0, VectorElementwiseTest.segment(x), 0, y, 0, x.length);
        return VectorElementwiseTest.read(y, 0, x.length);
    }

    @Test
    void erfIsWithin2e7Absolute() {
        float[] x = grid(-6, 6, 120_001);
        for (FloatElementwise k : IMPLEMENTATIONS) {
            float[] y = apply(k, UnaryOp.ERF, x);
            double worst = 0;
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(y[i] - erfSeries(x[i])));
            }
            assertTrue(worst <= 2e-7, k.getClass().getSimpleName() + " erf error " + worst);
        }
    }

    @Test
    void erfIsRelativelyAccurateNearZero() {
        // GELU multiplies erf(x / sqrt 2) by x: tiny arguments must not lose their digits
        float[] x = grid(-1e-3f, 1e-3f, 2001);
        for (FloatElementwise k : IMPLEMENTATIONS) {
            float[] y = apply(k, UnaryOp.ERF, x);
            for (int i = 0; i < x.length; i++) {
                double e = erfSeries(x[i]);
                assertEquals(e, y[i], 3e-7 * Math.abs(e), "erf(" + x[i] + ")");
            }
        }
    }

    @Test
    void expIsWithin3UlpOverTheNormalRange() {
        float[] x = grid(-87.3f, 88.7f, 200_001);
        float[] y = apply(new VectorElementwise(), UnaryOp.EXP, x);
        for (int i = 0; i < x.length; i++) {
            double e = Math.exp(x[i]);
            assertEquals(e, y[i], 3 * Math.ulp((float) e), "exp(" + x[i] + ")");
        }
    }

    @Test
    void expEdges() {
        float[] x = {Float.NEGATIVE_INFINITY, -200f, -103.5f, 88.8f, 1000f, Float.POSITIVE_INFINITY, Float.NaN, 0f};
        float[] y = apply(new VectorElementwise(), UnaryOp.EXP, pad(x));
        assertEquals(0f, y[0]);
        assertEquals(0f, y[1]);
        assertTrue(y[2] >= 0 && y[2] < 1e-44, "subnormal result " + y[2]);
        assertEquals(Float.POSITIVE_INFINITY, y[3]);
        assertEquals(Float.POSITIVE_INFINITY, y[4]);
        assertEquals(Float.POSITIVE_INFINITY, y[5]);
        assertTrue(Float.isNaN(y[6]));
        assertEquals(1f, y[7]);
    }

    @Test
    void tanhAndSigmoidAreWithin4Ulp() {
        float[] x = grid(-12, 12, 100_001);
        float[] tanh = apply(new VectorElementwise(), UnaryOp.TANH, x);
        float[] sigmoid = apply(new VectorElementwise(), UnaryOp.SIGMOID, x);
        for (int i = 0; i < x.length; i++) {
            double t = Math.tanh(x[i]);
            double s = 1 / (1 + Math.exp(-x[i]));
            assertEquals(t, tanh[i], 4 * Math.ulp((float) t), "tanh(" + x[i] + ")");
            assertEquals(s, sigmoid[i], 4 * Math.ulp((float) s), "sigmoid(" + x[i] + ")");
        }
    }

    /** Repeats the values so that they fill whole vectors, away from the scalar tail. */
    private static float[] pad(float[] x) {
        float[] p = new float[Math.max(x.length, 4 * VectorElementwise.lanes())];
        System.arraycopy(x, 0, p, 0, x.length);
        return p;
    }
}
