package dev.jquant.compressor.calibration;

/**
 * How an activation is stored once quantized: {@code bits}-wide integers, either signed and symmetric
 * (zero point 0, the int8 scheme) or unsigned and affine (a zero point shifts the grid, the uint8 scheme).
 *
 * @param bits integer width, 2 to 16 (the widths ONNX QuantizeLinear can produce are 4, 8 and 16)
 * @param symmetric true for signed integers around zero, false for unsigned integers with a zero point
 */
public record ActivationScheme(int bits, boolean symmetric) {

    /** Signed 8-bit, zero point 0. */
    public static final ActivationScheme INT8 = new ActivationScheme(8, true);
    /** Unsigned 8-bit with a zero point. */
    public static final ActivationScheme UINT8 = new ActivationScheme(8, false);

    public ActivationScheme {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("activation bits must be in [2, 16], was " + bits);
        }
    }

    /** Smallest integer of the storage type, e.g. -128 for int8, 0 for uint8. */
    public int typeMin() {
        return symmetric ? -(1 << (bits - 1)) : 0;
    }

    /** Largest integer of the storage type, e.g. 127 for int8, 255 for uint8. */
    public int typeMax() {
        return symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /**
     * Steps between the ends of the clipping range: 254 for int8 (the grid is [-127, 127], so that +t and
     * -t are both exact and the type's extra -128 stays unused), 255 for uint8.
     */
    public int steps() {
        return symmetric ? 2 * typeMax() : typeMax();
    }

    @Override
    public String toString() {
        return (symmetric ? "int" : "uint") + bits + (symmetric ? " symmetric" : " asymmetric");
    }
}
