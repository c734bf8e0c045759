package dev.jquant.compressor.calibration;

/**
 * Per-tensor quantization parameters as ONNX {@code QuantizeLinear} takes them:
 * {@code q = saturate(round_half_even(x / scale) + zeroPoint)} and {@code x ≈ (q - zeroPoint) * scale}.
 *
 * @param scale the real value of one integer step, positive and finite
 * @param zeroPoint the integer that represents real 0 (always 0 when {@code signed})
 * @param bits integer width
 * @param signed true for the signed symmetric scheme, false for unsigned affine
 */
public record ActivationQuantization(float scale, int zeroPoint, int bits, boolean signed) {

    public ActivationQuantization {
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, was " + scale);
        }
        ActivationScheme scheme = new ActivationScheme(bits, signed);
        if (zeroPoint < scheme.typeMin() || zeroPoint > scheme.typeMax()) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " is outside " + scheme + "'s ["
                    + scheme.typeMin() + ", " + scheme.typeMax() + "]");
        }
    }

    /**
     * The parameters that map {@code clip} onto {@code scheme}'s grid. Symmetric: {@code scale = max|x| / 127}
     * (for 8 bits), zero point 0. Affine: the range is first widened to include 0, so that 0 (padding, ReLU's
     * output) is exact, then {@code scale = (max - min) / 255} and the zero point is where 0 lands, rounded.
     * A range of zero width (a tensor that is always 0) gets scale 1; any scale represents it exactly.
     */
    public static ActivationQuantization of(Range clip, ActivationScheme scheme) {
        if (scheme.symmetric()) {
            double t = Math.max(Math.abs((double) clip.min()), Math.abs((double) clip.max()));
            return new ActivationQuantization(usableScale(t / scheme.typeMax()), 0, scheme.bits(), true);
        }
        double lo = Math.min(clip.min(), 0.0);
        double hi = Math.max(clip.max(), 0.0);
        float scale = usableScale((hi - lo) / scheme.typeMax());
        long zeroPoint = Math.round(Math.rint(scheme.typeMin() - lo / scale));
        zeroPoint = Math.clamp(zeroPoint, scheme.typeMin(), scheme.typeMax());
        return new ActivationQuantization(scale, (int) zeroPoint, scheme.bits(), false);
    }

    /** A scale whose reciprocal is finite; ranges too narrow for one (all zeros) get 1. */
    private static float usableScale(double scale) {
        float s = (float) scale;
        return s >= Float.MIN_NORMAL ? s : 1f;
    }

    public ActivationScheme scheme() {
        return new ActivationScheme(bits, signed);
    }

    /** {@code x} quantized exactly as QuantizeLinear does it (float32 division, ties to even, saturation). */
    public int quantize(float x) {
        int typeMin = signed ? -(1 << (bits - 1)) : 0;
        int typeMax = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        double q = Math.rint(x / scale) + zeroPoint;
        return (int) Math.clamp(q, typeMin, typeMax);
    }

    /** The real value integer {@code q} stands for, as DequantizeLinear computes it. */
    public float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }
}
