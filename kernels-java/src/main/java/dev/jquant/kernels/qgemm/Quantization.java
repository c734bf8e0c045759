package dev.jquant.kernels.qgemm;

/**
 * The scalar formulas every quantization kernel shares, so that the vector kernels and the reference
 * choose the same parameters and round the same way.
 */
final class Quantization {

    /** Adding then subtracting 1.5·2^23 rounds a float of magnitude at most 2^22 to the nearest integer, ties to even. */
    static final float ROUNDING_MAGIC = 12582912f;
    /** Quotients are clamped to ±2^22 before rounding: beyond that every zero point saturates anyway. */
    static final float QUOTIENT_LIMIT = 4194304f;

    private Quantization() {
    }

    static int lowest(boolean signed) {
        return signed ? -128 : 0;
    }

    static int highest(boolean signed) {
        return signed ? 127 : 255;
    }

    /** {@code saturate(rint(x / scale) + zeroPoint)}, as ONNX QuantizeLinear (NaN gives 0). */
    static int quantize(float x, float scale, int zeroPoint, boolean signed) {
        float y = Math.min(Math.max(x / scale, -QUOTIENT_LIMIT), QUOTIENT_LIMIT);
        float q = Math.min(Math.max((float) Math.rint(y) + zeroPoint, lowest(signed)), highest(signed));
        return (int) q;
    }

    /**
     * The scale of dynamic quantization from a row's (or tensor's) extremes: for uint8 as ONNX
     * DynamicQuantizeLinear ({@code (max(hi, 0) − min(lo, 0)) / 255}), for int8 symmetric
     * ({@code max(|lo|, |hi|) / 127}). An all-zero (or non-finite) range gets scale 1, so that zeros
     * quantize to the zero point instead of dividing by zero.
     */
    static float dynamicScale(float lo, float hi, boolean signed) {
        float scale = signed ? Math.max(-lo, hi) / 127f : (Math.max(hi, 0f) - Math.min(lo, 0f)) / 255f;
        return scale > 0 && Float.isFinite(scale) ? scale : 1f;
    }

    /** The zero point of dynamic quantization: 0 for int8, {@code rint(saturate(−min(lo, 0) / scale))} for uint8. */
    static int dynamicZeroPoint(float lo, float scale, boolean signed) {
        if (signed) {
            return 0;
        }
        return (int) Math.rint(Math.min(Math.max(-Math.min(lo, 0f) / scale, 0f), 255f));
    }
}
