package dev.jquant.kernels.elementwise;

import dev.jquant.kernels.KernelConfig;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation. Whole vectors are computed here; the remainder of each call (fewer
 * than one vector's lanes) and the functions without a vector form (LOG, and POW other than squaring)
 * are handed to {@link ScalarElementwise}. The vector width is fixed per JVM ({@link KernelConfig}),
 * as a constant species is what lets C2 compile these loops to vector instructions.
 *
 * <p>Constructing this class requires {@code jdk.incubator.vector}; use {@link ElementwiseKernels}
 * to get whichever implementation this JVM can run.
 */
public final class VectorElementwise implements FloatElementwise {

    static final VectorSpecies<Float> SPECIES = species();
    private static final int LANES = SPECIES.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ScalarElementwise SCALAR = new ScalarElementwise();

    private static VectorSpecies<Float> species() {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        int cap = KernelConfig.maxVectorBits();
        return cap <= 0 || cap >= preferred.vectorBitSize() ? preferred
                : VectorSpecies.of(float.class, VectorShape.forBitSize(cap));
    }

    /** Lanes per vector in this JVM, e.g. 8 for 256-bit vectors. */
    public static int lanes() {
        return LANES;
    }

    private static FloatVector load(MemorySegment m, long index) {
        return FloatVector.fromMemorySegment(SPECIES, m, index * Float.BYTES, LE);
    }

    private static void store(FloatVector v, MemorySegment m, long index) {
        v.intoMemorySegment(m, index * Float.BYTES, LE);
    }

    @Override
    public void unary(UnaryOp op, float alpha, float beta, MemorySegment x, long xIndex, MemorySegment y, long yIndex,
            int count) {
        int done = switch (op) {
            case SIGMOID -> VectorMath.sigmoid(x, xIndex, y, yIndex, count);
            case TANH -> VectorMath.tanh(x, xIndex, y, yIndex, count);
            case ERF -> VectorMath.erf(x, xIndex, y, yIndex, count);
            case GELU -> VectorMath.gelu(x, xIndex, y, yIndex, count);
            case EXP -> VectorMath.exp(x, xIndex, y, yIndex, count);
            case LOG -> 0;
            default -> simpleUnary(op, alpha, beta, x, xIndex, y, yIndex, count);
        };
        SCALAR.unary(op, alpha, beta, x, xIndex + done, y, yIndex + done, count - done);
    }

    /** The unary functions of a few instructions each; returns how many elements it computed. */
    private static int simpleUnary(UnaryOp op, float alpha, float beta, MemorySegment x, long xi, MemorySegment y,
            long yi, int count) {
        int bound = SPECIES.loopBound(count);
        switch (op) {
            case RELU -> relu(x, xi, y, yi, bound);
            case LEAKY_RELU -> leakyRelu(alpha, x, xi, y, yi, bound);
            case CLIP -> clip(alpha, beta, x, xi, y, yi, bound);
            case HARD_SIGMOID -> hardSigmoid(alpha, beta, x, xi, y, yi, bound);
            case HARD_SWISH -> hardSwish(x, xi, y, yi, bound);
            case ABS -> abs(x, xi, y, yi, bound);
            case NEG -> neg(x, xi, y, yi, bound);
            case SQRT -> sqrt(x, xi, y, yi, bound);
            case RECIPROCAL -> scalarDiv(1f, x, xi, y, yi, bound);
            default -> throw new IllegalStateException(op + " is not a simple unary function");
        }
        return bound;
    }

    @Override
    public void binary(BinaryOp op, MemorySegment a, long aIndex, MemorySegment b, long bIndex, MemorySegment y,
            long yIndex, int count) {
        int bound = op == BinaryOp.POW ? 0 : SPECIES.loopBound(count);
        switch (op) {
            case ADD -> add(a, aIndex, b, bIndex, y, yIndex, bound);
            case SUB -> sub(a, aIndex, b, bIndex, y, yIndex, bound);
            case MUL -> mul(a, aIndex, b, bIndex, y, yIndex, bound);
            case DIV -> div(a, aIndex, b, bIndex, y, yIndex, bound);
            case MAX -> max(a, aIndex, b, bIndex, y, yIndex, bound);
            case MIN -> min(a, aIndex, b, bIndex, y, yIndex, bound);
            case POW -> {
                // no vector form: the reference computes it all
            }
        }
        SCALAR.binary(op, a, aIndex + bound, b, bIndex + bound, y, yIndex + bound, count - bound);
    }

    @Override
    public void binaryScalarRight(BinaryOp op, MemorySegment a, long aIndex, float b, MemorySegment y, long yIndex,
            int count) {
        boolean square = op == BinaryOp.POW && b == 2f;
        int bound = op == BinaryOp.POW && !square ? 0 : SPECIES.loopBound(count);
        switch (op) {
            case ADD -> addScalar(a, aIndex, b, y, yIndex, bound);
            case SUB -> subScalar(a, aIndex, b, y, yIndex, bound);
            case MUL -> mulScalar(a, aIndex, b, y, yIndex, bound);
            case DIV -> divScalar(a, aIndex, b, y, yIndex, bound);
            case MAX -> maxScalar(a, aIndex, b, y, yIndex, bound);
            case MIN -> minScalar(a, aIndex, b, y, yIndex, bound);
            // x^2, the one power that decomposed normalizations use, is exactly x*x rounded once; other
            // powers have no vector form (bound is 0) and the reference computes them all
            case POW -> square(a, aIndex, y, yIndex, bound);
        }
        SCALAR.binaryScalarRight(op, a, aIndex + bound, b, y, yIndex + bound, count - bound);
    }

    @Override
    public void binaryScalarLeft(BinaryOp op, float a, MemorySegment b, long bIndex, MemorySegment y, long yIndex,
            int count) {
        int bound = op == BinaryOp.POW ? 0 : SPECIES.loopBound(count);
        // ADD, MUL, MAX and MIN commute exactly (Math.max/min included), so they share the right-scalar loops
        switch (op) {
            case ADD -> addScalar(b, bIndex, a, y, yIndex, bound);
            case SUB -> scalarSub(a, b, bIndex, y, yIndex, bound);
            case MUL -> mulScalar(b, bIndex, a, y, yIndex, bound);
            case DIV -> scalarDiv(a, b, bIndex, y, yIndex, bound);
            case MAX -> maxScalar(b, bIndex, a, y, yIndex, bound);
            case MIN -> minScalar(b, bIndex, a, y, yIndex, bound);
            case POW -> {
                // no vector form: the reference computes it all
            }
        }
        SCALAR.binaryScalarLeft(op, a, b, bIndex + bound, y, yIndex + bound, count - bound);
    }

    // One small method per loop, each broadcasting its own constants. In one method with a loop per case,
    // C2 kept a vector shared by the cases boxed (one allocation per call), and the method's size stopped
    // inlining; apart, each loop compiles on its own and cases never run do not deoptimize the others.
    // Bounds are whole vectors.

    private static void relu(MemorySegment x, long xi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(x, xi + i).max(0f), y, yi + i);
        }
    }

    private static void leakyRelu(float alpha, MemorySegment x, long xi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = load(x, xi + i);
            store(v.mul(alpha).blend(v, v.compare(VectorOperators.GE, 0f)), y, yi + i);
        }
    }

    private static void clip(float low, float high, MemorySegment x, long xi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(x, xi + i).max(low).min(high), y, yi + i);
        }
    }

    private static void hardSigmoid(float alpha, float beta, MemorySegment x, long xi, MemorySegment y, long yi,
            int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(x, xi + i).fma(alpha, beta).max(0f).min(1f), y, yi + i);
        }
    }

    private static void hardSwish(MemorySegment x, long xi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = load(x, xi + i);
            store(v.mul(v.fma(1f / 6, 0.5f).max(0f).min(1f)), y, yi + i);
        }
    }

    private static void abs(MemorySegment x, long xi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(x, xi + i).abs(), y, yi + i);
        }
    }

    private static void neg(MemorySegment x, long xi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(x, xi + i).neg(), y, yi + i);
        }
    }

    private static void sqrt(MemorySegment x, long xi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(x, xi + i).sqrt(), y, yi + i);
        }
    }

    private static void add(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).add(load(b, bi + i)), y, yi + i);
        }
    }

    private static void sub(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).sub(load(b, bi + i)), y, yi + i);
        }
    }

    private static void mul(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).mul(load(b, bi + i)), y, yi + i);
        }
    }

    private static void div(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).div(load(b, bi + i)), y, yi + i);
        }
    }

    private static void max(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).max(load(b, bi + i)), y, yi + i);
        }
    }

    private static void min(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).min(load(b, bi + i)), y, yi + i);
        }
    }

    private static void addScalar(MemorySegment a, long ai, float b, MemorySegment y, long yi, int bound) {
        FloatVector vb = FloatVector.broadcast(SPECIES, b);
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).add(vb), y, yi + i);
        }
    }

    private static void subScalar(MemorySegment a, long ai, float b, MemorySegment y, long yi, int bound) {
        FloatVector vb = FloatVector.broadcast(SPECIES, b);
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).sub(vb), y, yi + i);
        }
    }

    private static void mulScalar(MemorySegment a, long ai, float b, MemorySegment y, long yi, int bound) {
        FloatVector vb = FloatVector.broadcast(SPECIES, b);
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).mul(vb), y, yi + i);
        }
    }

    private static void divScalar(MemorySegment a, long ai, float b, MemorySegment y, long yi, int bound) {
        FloatVector vb = FloatVector.broadcast(SPECIES, b);
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).div(vb), y, yi + i);
        }
    }

    private static void maxScalar(MemorySegment a, long ai, float b, MemorySegment y, long yi, int bound) {
        FloatVector vb = FloatVector.broadcast(SPECIES, b);
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).max(vb), y, yi + i);
        }
    }

    private static void minScalar(MemorySegment a, long ai, float b, MemorySegment y, long yi, int bound) {
        FloatVector vb = FloatVector.broadcast(SPECIES, b);
        for (int i = 0; i < bound; i += LANES) {
            store(load(a, ai + i).min(vb), y, yi + i);
        }
    }

    private static void square(MemorySegment a, long ai, MemorySegment y, long yi, int bound) {
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = load(a, ai + i);
            store(v.mul(v), y, yi + i);
        }
    }

    private static void scalarSub(float a, MemorySegment b, long bi, MemorySegment y, long yi, int bound) {
        FloatVector va = FloatVector.broadcast(SPECIES, a);
        for (int i = 0; i < bound; i += LANES) {
            store(va.sub(load(b, bi + i)), y, yi + i);
        }
    }

    private static void scalarDiv(float a, MemorySegment b, long bi, MemorySegment y, long yi, int bound) {
        FloatVector va = FloatVector.broadcast(SPECIES, a);
        for (int i = 0; i < bound; i += LANES) {
            store(va.div(load(b, bi + i)), y, yi + i);
        }
    }

    @Override
    public float sum(MemorySegment x, long xIndex, int count) {
        // four accumulators hide the latency of the adds
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int i = 0;
        for (int bound = count - 4 * LANES; i <= bound; i += 4 * LANES) {
            s0 = s0.add(load(x, xIndex + i));
            s1 = s1.add(load(x, xIndex + i + LANES));
            s2 = s2.add(load(x, xIndex + i + 2 * LANES));
            s3 = s3.add(load(x, xIndex + i + 3 * LANES));
        }
        for (int bound = SPECIES.loopBound(count); i < bound; i += LANES) {
            s0 = s0.add(load(x, xIndex + i));
        }
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD) + SCALAR.sum(x, xIndex + i, count - i);
    }

    @Override
    public float max(MemorySegment x, long xIndex, int count) {
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        int i = 0;
        for (int bound = count - 2 * LANES; i <= bound; i += 2 * LANES) {
            m0 = m0.max(load(x, xIndex + i));
            m1 = m1.max(load(x, xIndex + i + LANES));
        }
        for (int bound = SPECIES.loopBound(count); i < bound; i += LANES) {
            m0 = m0.max(load(x, xIndex + i));
        }
        return Math.max(m0.max(m1).reduceLanes(VectorOperators.MAX), SCALAR.max(x, xIndex + i, count - i));
    }

    @Override
    public float min(MemorySegment x, long xIndex, int count) {
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
        FloatVector m1 = m0;
        int i = 0;
        for (int bound = count - 2 * LANES; i <= bound; i += 2 * LANES) {
            m0 = m0.min(load(x, xIndex + i));
            m1 = m1.min(load(x, xIndex + i + LANES));
        }
        for (int bound = SPECIES.loopBound(count); i < bound; i += LANES) {
            m0 = m0.min(load(x, xIndex + i));
        }
        return Math.min(m0.min(m1).reduceLanes(VectorOperators.MIN), SCALAR.min(x, xIndex + i, count - i));
    }

    @Override
    public float expShifted(MemorySegment x, long xIndex, float shift, MemorySegment y, long yIndex, int count) {
        int bound = SPECIES.loopBound(count);
        return VectorMath.expShifted(x, xIndex, shift, y, yIndex, bound)
                + SCALAR.expShifted(x, xIndex + bound, shift, y, yIndex + bound, count - bound);
    }

    @Override
    public float sumSquaredDeviation(MemorySegment x, long xIndex, float center, int count) {
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        int i = 0;
        for (int bound = count - 2 * LANES; i <= bound; i += 2 * LANES) {
            FloatVector d0 = load(x, xIndex + i).sub(center);
            FloatVector d1 = load(x, xIndex + i + LANES).sub(center);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        for (int bound = SPECIES.loopBound(count); i < bound; i += LANES) {
            FloatVector d = load(x, xIndex + i).sub(center);
            s0 = d.fma(d, s0);
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD)
                + SCALAR.sumSquaredDeviation(x, xIndex + i, center, count - i);
    }

    @Override
    public void normalize(MemorySegment x, long xIndex, float mean, float invStdDev, MemorySegment scale, long scaleIndex,
            MemorySegment bias, long biasIndex, MemorySegment y, long yIndex, int count) {
        int bound = SPECIES.loopBound(count);
        if (bias == null) {
            for (int i = 0; i < bound; i += LANES) {
                store(load(x, xIndex + i).sub(mean).mul(invStdDev).mul(load(scale, scaleIndex + i)), y, yIndex + i);
            }
        } else {
            for (int i = 0; i < bound; i += LANES) {
                FloatVector v = load(x, xIndex + i).sub(mean).mul(invStdDev);
                store(v.fma(load(scale, scaleIndex + i), load(bias, biasIndex + i)), y, yIndex + i);
            }
        }
        SCALAR.normalize(x, xIndex + bound, mean, invStdDev, scale, scaleIndex + bound, bias, biasIndex + bound,
                y, yIndex + bound, count - bound);
    }
}
