package dev.jquant.compressor.quantize;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import java.lang.foreign.ValueLayout;

/**
 * Rounds float weights to integer codes with scales per channel or per group, as the kernels read them:
 * int8 symmetric per output channel (codes {@code [-127, 127]}, so that negating a code never overflows),
 * and 4-bit per group along one axis of a matrix, symmetric (int4) or asymmetric (uint4 with a 4-bit zero
 * point), with FLOAT16 scales. Each 4-bit group chooses its range by searching clipping ratios for the
 * least squared error: with only 16 levels, clipping a rare large weight usually costs less than the
 * coarser steps it would force on all the others.
 */
final class LinearQuantizer {

    /** Clipping ratios tried for each 4-bit group, from the full range down. */
    private static final float[] CLIP_RATIOS = {1f, .97f, .94f, .91f, .88f, .85f, .82f, .79f, .76f, .73f, .7f};

    /** The scale and zero point of one 4-bit group. */
    record Step4(float scale, int zeroPoint) {
    }

    private LinearQuantizer() {
    }

    /** int8, symmetric, one scale per index of {@code axis}, codes within {@code ±limit} (127, or 64 for reduced range). */
    static QuantizedWeight int8(String name, float[] w, long[] shape, int axis, int limit) {
        QuantizationDescriptor d = QuantizationDescriptor.linear(8, true, axis, 0, name + ".scale", null, shape);
        int params = Math.toIntExact(Tensor.elementCount(d.parameterShape()));
        float[] absMax = new float[params];
        for (int i = 0; i < w.length; i++) {
            int p = (int) d.parameterIndex(i);
            absMax[p] = Math.max(absMax[p], Math.abs(w[i]));
        }
        float[] scales = new float[params];
        for (int p = 0; p < params; p++) {
            scales[p] = absMax[p] > 0 ? absMax[p] / limit : 1f;
        }
        Tensor codes = Tensor.allocate(DType.INT8, shape);
        for (int i = 0; i < w.length; i++) {
            int q = (int) Math.rint(w[i] / scales[(int) d.parameterIndex(i)]);
            codes.data().set(ValueLayout.JAVA_BYTE, i, (byte) Math.clamp(q, -limit, limit));
        }
        return new QuantizedWeight(codes, Tensor.ofFloats(scales, d.parameterShape()), null, d);
    }

    /**
     * 4-bit, in blocks of {@code group} along {@code axis} of the matrix {@code w} ({@code shape} is 2-D),
     * rounding to nearest: int4 when {@code symmetric}, else uint4 with zero points.
     */
    static QuantizedWeight int4(String name, float[] w, long[] shape, int axis, int group, boolean symmetric) {
        QuantizationDescriptor d = QuantizationDescriptor.linear(4, symmetric, axis, group, name + ".scale",
                symmetric ? null : name + ".zero_point", shape);
        int rows = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);
        long[] paramShape = d.parameterShape();
        int params = Math.toIntExact(Tensor.elementCount(paramShape));
        float[] scales = new float[params];
        int[] zeros = new int[params];
        int along = axis == 0 ? rows : columns;
        int stride = axis == 0 ? columns : 1;
        for (int p = 0; p < params; p++) {
            // Parameter p covers group g of line l: along axis 0 the lines are columns, along axis 1 rows.
            int g = axis == 0 ? p / columns : p % (int) paramShape[1];
            int line = axis == 0 ? p % columns : p / (int) paramShape[1];
            int start = axis == 0 ? g * group * columns + line : line * columns + g * group;
            Step4 step = bestStep4(w, start, Math.min(group, along - g * group), stride, symmetric);
            scales[p] = step.scale();
            zeros[p] = step.zeroPoint();
        }
        int low = symmetric ? -8 : 0;
        int high = symmetric ? 7 : 15;
        byte[] codes = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            int p = (int) d.parameterIndex(i);
            codes[i] = (byte) Math.clamp((int) Math.rint(w[i] / scales[p]) + zeros[p], low, high);
        }
        return new QuantizedWeight(nibbles(codes, symmetric ? DType.INT4 : DType.UINT4, shape),
                halfScales(scales, paramShape), symmetric ? null : uint4(zeros, paramShape), d);
    }

    /**
     * The clipping ratio whose step gives {@code count} values (from {@code start}, {@code stride} apart)
     * the least squared rounding error. Scales are rounded to FLOAT16, as stored, before the codes are chosen.
     */
    static Step4 bestStep4(float[] w, int start, int count, int stride, boolean symmetric) {
        float min = 0;
        float max = 0;
        for (int t = 0; t < count; t++) {
            float v = w[start + t * stride];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int low = symmetric ? -8 : 0;
        int high = symmetric ? 7 : 15;
        Step4 best = new Step4(1f, 0);
        double bestError = Double.POSITIVE_INFINITY;
        for (float ratio : CLIP_RATIOS) {
            float lo = min * ratio;
            float hi = max * ratio;
            float scale;
            int zero;
            if (symmetric) {
                float absMax = Math.max(-lo, hi);
                scale = toHalf(absMax > 0 ? absMax / 7f : 1f);
                zero = 0;
            } else {
                scale = toHalf(hi > lo ? (hi - lo) / 15f : 1f);
                zero = Math.clamp((int) Math.rint(-lo / scale), 0, 15);
            }
            if (scale == 0) {
                continue; // below FLOAT16's range: a tighter clip cannot help either
            }
            double error = 0;
            for (int t = 0; t < count; t++) {
                float v = w[start + t * stride];
                int q = Math.clamp((int) Math.rint(v / scale) + zero, low, high);
                double e = v - (q - zero) * scale;
                error += e * e;
            }
            if (error < bestError) {
                bestError = error;
                best = new Step4(scale, zero);
            }
        }
        return best;
    }

    private static float toHalf(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /** FLOAT16 scales (already representable: {@link #bestStep4} rounds them). */
    static Tensor halfScales(float[] scales, long[] shape) {
        Tensor t = Tensor.allocate(DType.FLOAT16, shape);
        for (int i = 0; i < scales.length; i++) {
            t.data().setAtIndex(Tensor.I16, i, Float.floatToFloat16(scales[i]));
        }
        return t;
    }

    /** Zero points {@code 0..15}, two per byte. */
    static Tensor uint4(int[] zeros, long[] shape) {
        byte[] b = new byte[zeros.length];
        for (int i = 0; i < zeros.length; i++) {
            b[i] = (byte) zeros[i];
        }
        return nibbles(b, DType.UINT4, shape);
    }

    /** 4-bit values packed two per byte, low nibble first. */
    static Tensor nibbles(byte[] values, DType type, long[] shape) {
        Tensor t = Tensor.allocate(type, shape);
        for (int i = 0; i < values.length; i += 2) {
            int lo = values[i] & 0xF;
            int hi = i + 1 < values.length ? values[i + 1] & 0xF : 0;
            t.data().set(ValueLayout.JAVA_BYTE, i >>> 1, (byte) (lo | hi << 4));
        }
        return t;
    }
}
