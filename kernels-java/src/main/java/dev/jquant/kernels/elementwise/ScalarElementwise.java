package dev.jquant.kernels.elementwise;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The reference implementation: one element at a time, math in double through {@link Math} and
 * rounded once to float. The vector kernels are tested against it, and it runs where the Vector API
 * is absent. The static {@code apply} methods are the same functions on doubles, for callers that
 * compute other floating-point types.
 */
public final class ScalarElementwise implements FloatElementwise {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** {@code op(x)} in double; ERF (GELU's too) is the float approximation (2e-7 absolute) whatever the input type. */
    public static double apply(UnaryOp op, float alpha, float beta, double x) {
        return switch (op) {
            case RELU -> Math.max(0, x);
            case LEAKY_RELU -> x >= 0 ? x : alpha * x;
            case CLIP -> Math.min(Math.max(x, alpha), beta);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case HARD_SIGMOID -> Math.max(0, Math.min(1, alpha * x + beta));
            case HARD_SWISH -> x * Math.max(0, Math.min(1, x / 6 + 0.5));
            case TANH -> Math.tanh(x);
            case ERF -> FloatApproximations.erf((float) x);
            case GELU -> 0.5 * x * (1 + FloatApproximations.erf((float) (x * FloatApproximations.INV_SQRT2)));
            case ABS -> Math.abs(x);
            case NEG -> -x;
            case SQRT -> Math.sqrt(x);
            case RECIPROCAL -> 1 / x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
        };
    }

    /** {@code a op b} in double. */
    public static double apply(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    @Override
    public void unary(UnaryOp op, float alpha, float beta, MemorySegment x, long xIndex, MemorySegment y, long yIndex,
            int count) {
        for (int i = 0; i < count; i++) {
            y.setAtIndex(F32, yIndex + i, (float) apply(op, alpha, beta, x.getAtIndex(F32, xIndex + i)));
        }
    }

    @Override
    public void binary(BinaryOp op, MemorySegment a, long aIndex, MemorySegment b, long bIndex, MemorySegment y,
            long yIndex, int count) {
        for (int i = 0; i < count; i++) {
            y.setAtIndex(F32, yIndex + i, (float) apply(op, a.getAtIndex(F32, aIndex + i), b.getAtIndex(F32, bIndex + i)));
        }
    }

    @Override
    public void binaryScalarRight(BinaryOp op, MemorySegment a, long aIndex, float b, MemorySegment y, long yIndex,
            int count) {
        for (int i = 0; i < count; i++) {
            y.setAtIndex(F32, yIndex + i, (float) apply(op, a.getAtIndex(F32, aIndex + i), b));
        }
    }

    @Override
    public void binaryScalarLeft(BinaryOp op, float a, MemorySegment b, long bIndex, MemorySegment y, long yIndex,
            int count) {
        for (int i = 0; i < count; i++) {
            y.setAtIndex(F32, yIndex + i, (float) apply(op, a, b.getAtIndex(F32, bIndex + i)));
        }
    }

    @Override
    public float sum(MemorySegment x, long xIndex, int count) {
        float s = 0;
        for (int i = 0; i < count; i++) {
            s += x.getAtIndex(F32, xIndex + i);
        }
        return s;
    }

    @Override
    public float max(MemorySegment x, long xIndex, int count) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            m = Math.max(m, x.getAtIndex(F32, xIndex + i));
        }
        return m;
    }

    @Override
    public float min(MemorySegment x, long xIndex, int count) {
        float m = Float.POSITIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            m = Math.min(m, x.getAtIndex(F32, xIndex + i));
        }
        return m;
    }

    @Override
    public float expShifted(MemorySegment x, long xIndex, float shift, MemorySegment y, long yIndex, int count) {
        float s = 0;
        for (int i = 0; i < count; i++) {
            float e = (float) Math.exp(x.getAtIndex(F32, xIndex + i) - shift);
            y.setAtIndex(F32, yIndex + i, e);
            s += e;
        }
        return s;
    }

    @Override
    public float sumSquaredDeviation(MemorySegment x, long xIndex, float center, int count) {
        float s = 0;
        for (int i = 0; i < count; i++) {
            float d = x.getAtIndex(F32, xIndex + i) - center;
            s += d * d;
        }
        return s;
    }

    @Override
    public void normalize(MemorySegment x, long xIndex, float mean, float invStdDev, MemorySegment scale, long scaleIndex,
            MemorySegment bias, long biasIndex, MemorySegment y, long yIndex, int count) {
        for (int i = 0; i < count; i++) {
            float v = (x.getAtIndex(F32, xIndex + i) - mean) * invStdDev * scale.getAtIndex(F32, scaleIndex + i);
            y.setAtIndex(F32, yIndex + i, bias == null ? v : v + bias.getAtIndex(F32, biasIndex + i));
        }
    }
}
