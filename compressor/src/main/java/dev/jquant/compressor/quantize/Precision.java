package dev.jquant.compressor.quantize;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a weight is stored. */
public enum Precision {
    FP32(32),
    FP16(16),
    BF16(16),
    INT8(8),
    INT4(4);

    private final int bits;

    Precision(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    /** The name users type: {@code fp32}, {@code int8}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a user's spelling, case-insensitively; the error lists the valid names. */
    public static Precision parse(String text) {
        for (Precision p : values()) {
            if (p.label().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + text + "'; expected one of "
                + Arrays.stream(values()).map(Precision::label).collect(Collectors.joining(", ")));
    }
}
