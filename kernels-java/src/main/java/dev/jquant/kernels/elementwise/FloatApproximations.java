package dev.jquant.kernels.elementwise;

/**
 * Polynomial approximations shared by the scalar and vector kernels, so both compute the same
 * function where the JDK has no reference (erf) and the vector code has no intrinsic (exp, tanh).
 *
 * <p>Each polynomial was fitted by least squares on 400 Chebyshev nodes of its interval in 40-digit
 * arithmetic (mpmath), rounded to float, and its error measured by evaluating it in float32: the
 * error bounds in the comments are those measurements.
 */
final class FloatApproximations {

    private FloatApproximations() {
    }

    /** {@code exp(r) ~ 1 + r + r^2 * P(r)} for |r| <= ln(2)/2; with the reduction below, 2 ulp. */
    static final float EXP_P0 = 0.5f;
    static final float EXP_P1 = 0.16666576f;
    static final float EXP_P2 = 0.041666467f;
    static final float EXP_P3 = 0.008363175f;
    static final float EXP_P4 = 0.0013933644f;
    /** ln(2) split so that {@code n * LN2_HI} is exact for the |n| <= 150 that exp needs. */
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float LOG2E = 1.44269504f;
    /** Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer held in its low mantissa bits. */
    static final float ROUNDING_MAGIC = 12582912f;
    /** Below this exp underflows to 0 even as a subnormal; above this it overflows to infinity. */
    static final float EXP_LOWEST = -104f;
    static final float EXP_HIGHEST = 89f;

    /** {@code tanh(x) ~ x + x^3 * P(x^2)} for |x| < TANH_SMALL; relative error 1e-7. */
    static final float TANH_SMALL = 0.55f;
    static final float TANH_P0 = -0.33332977f;
    static final float TANH_P1 = 0.13321282f;
    static final float TANH_P2 = -0.052702166f;
    static final float TANH_P3 = 0.01648825f;

    /** {@code erf(x) ~ x * P(x^2)} for |x| < 1; relative error 2e-7. */
    static final float[] ERF_SMALL = {1.1283791f, -0.37612414f, 0.11280789f, -0.02672699f, 0.0049345186f, -0.0005696713f};
    /**
     * {@code erfc(x) * exp(x^2) ~ Q(t)}, {@code t = 1 / (1 + x/2)}, for 1 <= x <= 4; erf as
     * {@code 1 - exp(-x^2) * Q(t)} is then within 8e-8 absolute. Beyond 4, erf rounds to 1 in float.
     */
    static final float[] ERF_LARGE = {0.0012879705f, 0.26489797f, 0.37676555f, -0.026173877f, 0.6004097f, -0.21717054f};
    static final float ERF_LARGE_FROM = 1f;
    static final float ERF_CLAMP = 4f;
    /** {@code 1/√2}: GELU scales erf's argument by it. */
    static final float INV_SQRT2 = 0.70710677f;

    /** The Gauss error function in float, absolute error below 2e-7 over the whole line. */
    static float erf(float x) {
        float ax = Math.abs(x);
        if (ax < ERF_LARGE_FROM) {
            return x * horner(ERF_SMALL, x * x);
        }
        float xc = Math.min(ax, ERF_CLAMP);
        float t = 1f / Math.fma(0.5f, xc, 1f);
        float tail = (float) Math.exp(-(double) (xc * xc)) * horner(ERF_LARGE, t);
        return Math.copySign(1f - tail, x);
    }

    private static float horner(float[] c, float z) {
        float r = c[c.length - 1];
        for (int k = c.length - 2; k >= 0; k--) {
            r = Math.fma(r, z, c[k]);
        }
        return r;
    }
}
