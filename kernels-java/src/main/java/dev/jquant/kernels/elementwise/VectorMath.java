package dev.jquant.kernels.elementwise;

import static dev.jquant.kernels.elementwise.FloatApproximations.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transcendental loops: exp, sigmoid, tanh and erf over whole vectors, built from the polynomials
 * in {@link FloatApproximations} with branch-free range handling (both sides computed, then blended).
 * Each method computes the largest multiple of the vector length not above {@code count} and returns
 * it; the caller finishes the rest. The Vector API's own {@code EXP}/{@code TANH} operators are not
 * used: without an SVML-style intrinsic (no AVX, other architectures) they run one scalar call per lane.
 *
 * <p>Every loop body calls only Vector API methods, which C2 always inlines, and repeats the few lines
 * of exp instead of calling a helper. With helpers returning vectors, {@code -XX:+PrintInlining}
 * showed erf's helpers refused ({@code NodeCountInliningCutoff}, or "already compiled into a big
 * method" once a helper had been compiled on its own during warm-up); each refused call boxes its
 * vectors, and the erf loop ran slower than the scalar one.
 */
final class VectorMath {

    private static final VectorSpecies<Float> S = VectorElementwise.SPECIES;
    private static final int LANES = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);
    private static final FloatVector HALF = FloatVector.broadcast(S, 0.5f);
    private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector E0 = FloatVector.broadcast(S, EXP_P0);
    private static final FloatVector E1 = FloatVector.broadcast(S, EXP_P1);
    private static final FloatVector E2 = FloatVector.broadcast(S, EXP_P2);
    private static final FloatVector E3 = FloatVector.broadcast(S, EXP_P3);
    private static final FloatVector E4 = FloatVector.broadcast(S, EXP_P4);
    private static final FloatVector T0 = FloatVector.broadcast(S, TANH_P0);
    private static final FloatVector T1 = FloatVector.broadcast(S, TANH_P1);
    private static final FloatVector T2 = FloatVector.broadcast(S, TANH_P2);
    private static final FloatVector T3 = FloatVector.broadcast(S, TANH_P3);
    private static final FloatVector ES0 = FloatVector.broadcast(S, ERF_SMALL[0]);
    private static final FloatVector ES1 = FloatVector.broadcast(S, ERF_SMALL[1]);
    private static final FloatVector ES2 = FloatVector.broadcast(S, ERF_SMALL[2]);
    private static final FloatVector ES3 = FloatVector.broadcast(S, ERF_SMALL[3]);
    private static final FloatVector ES4 = FloatVector.broadcast(S, ERF_SMALL[4]);
    private static final FloatVector ES5 = FloatVector.broadcast(S, ERF_SMALL[5]);
    private static final FloatVector EL0 = FloatVector.broadcast(S, ERF_LARGE[0]);
    private static final FloatVector EL1 = FloatVector.broadcast(S, ERF_LARGE[1]);
    private static final FloatVector EL2 = FloatVector.broadcast(S, ERF_LARGE[2]);
    private static final FloatVector EL3 = FloatVector.broadcast(S, ERF_LARGE[3]);
    private static final FloatVector EL4 = FloatVector.broadcast(S, ERF_LARGE[4]);
    private static final FloatVector EL5 = FloatVector.broadcast(S, ERF_LARGE[5]);
    private static final int MAGIC_BITS = Float.floatToRawIntBits(ROUNDING_MAGIC);
    private static final int SIGN_BIT = 0x8000_0000;

    private VectorMath() {
    }

    /*
     * exp(a), the loops' clamp followed by expOfClamped (|error| <= 2 ulp on normal results; NaN stays NaN, overflow
     * gives infinity, underflow 0):
     *   c = clamp(a)                      beyond the clamp the result is 0 or infinity anyway
     *   t = c * log2(e) + MAGIC           n = round(c * log2(e)) sits in t's low mantissa bits
     *   r = c - n * ln2                   in two steps (Cody-Waite), |r| <= ln(2)/2
     *   p = 1 + r + r^2 * P(r)
     *   e = p * 2^h * 2^(n-h), h = n/2    two factors, each a normal float over the clamped range
     */

    static int exp(MemorySegment x, long xIndex, MemorySegment y, long yIndex, int count) {
        int bound = S.loopBound(count);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector a = FloatVector.fromMemorySegment(S, x, (xIndex + i) * Float.BYTES, LE);
            FloatVector c = a.max(EXP_LOWEST).min(EXP_HIGHEST);
            expOfClamped(c).intoMemorySegment(y, (yIndex + i) * Float.BYTES, LE);
        }
        return bound;
    }

    /** {@code y = exp(x - shift)}; returns the sum of the computed elements, the count being the loop bound. */
    static float expShifted(MemorySegment x, long xIndex, float shift, MemorySegment y, long yIndex, int bound) {
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector a = FloatVector.fromMemorySegment(S, x, (xIndex + i) * Float.BYTES, LE).sub(shift);
            FloatVector c = a.max(EXP_LOWEST).min(EXP_HIGHEST);
            FloatVector e = expOfClamped(c);
            e.intoMemorySegment(y, (yIndex + i) * Float.BYTES, LE);
            sum = sum.add(e);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** {@code 1 / (1 + exp(-x))}. */
    static int sigmoid(MemorySegment x, long xIndex, MemorySegment y, long yIndex, int count) {
        int bound = S.loopBound(count);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector a = FloatVector.fromMemorySegment(S, x, (xIndex + i) * Float.BYTES, LE).neg();
            FloatVector c = a.max(EXP_LOWEST).min(EXP_HIGHEST);
            FloatVector e = expOfClamped(c);
            ONE.div(e.add(ONE)).intoMemorySegment(y, (yIndex + i) * Float.BYTES, LE);
        }
        return bound;
    }

    /** The odd polynomial below {@link FloatApproximations#TANH_SMALL}, {@code 1 - 2 / (e^{2|x|} + 1)} with x's sign above. */
    static int tanh(MemorySegment x, long xIndex, MemorySegment y, long yIndex, int count) {
        int bound = S.loopBound(count);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xIndex + i) * Float.BYTES, LE);
            FloatVector ax = v.abs();
            FloatVector c = ax.add(ax).min(EXP_HIGHEST); // never negative: no lower clamp
            FloatVector e = expOfClamped(c);
            FloatVector large = ONE.sub(TWO.div(e.add(ONE))).reinterpretAsInts()
                    .or(v.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
            FloatVector z = v.mul(v);
            FloatVector small = v.mul(z).fma(T3.fma(z, T2).fma(z, T1).fma(z, T0), v);
            large.blend(small, ax.lt(TANH_SMALL)).intoMemorySegment(y, (yIndex + i) * Float.BYTES, LE);
        }
        return bound;
    }

    /** erf, the same two pieces as {@link FloatApproximations#erf}. */
    static int erf(MemorySegment x, long xIndex, MemorySegment y, long yIndex, int count) {
        int bound = S.loopBound(count);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xIndex + i) * Float.BYTES, LE);
            erf(v).intoMemorySegment(y, (yIndex + i) * Float.BYTES, LE);
        }
        return bound;
    }

    /**
     * GELU, {@code 0.5·x·(1 + erf(x/√2))}, with erf as in {@link #erf}: one pass, where the same from ERF and
     * elementwise multiplies takes five (a 128×1536 MiniLM activation: 0.33 ms against 0.65 ms here).
     */
    static int gelu(MemorySegment x, long xIndex, MemorySegment y, long yIndex, int count) {
        int bound = S.loopBound(count);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector in = FloatVector.fromMemorySegment(S, x, (xIndex + i) * Float.BYTES, LE);
            in.mul(HALF).mul(erf(in.mul(INV_SQRT2)).add(ONE)).intoMemorySegment(y, (yIndex + i) * Float.BYTES, LE);
        }
        return bound;
    }

    /**
     * {@code e^c} for {@code c} already within the clamp: the core every loop above shares (kept in one place;
     * C2 inlines it into each loop, so its vectors stay in registers).
     */
    private static FloatVector expOfClamped(FloatVector c) {
        FloatVector t = c.fma(LOG2E, ROUNDING_MAGIC);
        FloatVector n = t.sub(ROUNDING_MAGIC);
        FloatVector r = n.fma(MINUS_LN2_LO, n.fma(MINUS_LN2_HI, c));
        FloatVector p = E4.fma(r, E3).fma(r, E2).fma(r, E1).fma(r, E0).fma(r.mul(r), r).add(ONE);
        IntVector k = t.reinterpretAsInts().sub(MAGIC_BITS);
        IntVector h = k.lanewise(VectorOperators.ASHR, 1);
        return p.mul(h.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                .mul(k.sub(h).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    /** erf of each lane, the two pieces of {@link FloatApproximations#erf}. */
    private static FloatVector erf(FloatVector v) {
        FloatVector ax = v.abs();
        FloatVector z = v.mul(v);
        FloatVector small = v.mul(ES5.fma(z, ES4).fma(z, ES3).fma(z, ES2).fma(z, ES1).fma(z, ES0));
        FloatVector xc = ax.min(ERF_CLAMP);
        FloatVector w = ONE.div(xc.fma(0.5f, 1f));
        FloatVector q = EL5.fma(w, EL4).fma(w, EL3).fma(w, EL2).fma(w, EL1).fma(w, EL0);
        FloatVector e = expOfClamped(xc.mul(xc).neg()); // in [-16, 0]: no clamp needed
        FloatVector large = ONE.sub(e.mul(q)).reinterpretAsInts()
                .or(v.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
        return large.blend(small, ax.lt(ERF_LARGE_FROM));
    }
}
