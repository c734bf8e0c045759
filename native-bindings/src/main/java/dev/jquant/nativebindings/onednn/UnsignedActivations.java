package dev.jquant.nativebindings.onednn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * oneDNN's int8 kernels take uint8 activations (a signed source would make them halve the weights where the CPU
 * lacks VNNI), so int8 activations are shifted: {@code a + 128}, with the zero point moved alike, leaves
 * {@code a − zero_point} and every sum unchanged.
 */
final class UnsignedActivations {

    static final int SHIFT = 128;

    private UnsignedActivations() {
    }

    /** {@code to = from + 128} for {@code bytes} int8 values, as uint8: the sign bit flipped, eight bytes at a time. */
    static void shift(MemorySegment from, MemorySegment to, long bytes) {
        long i = 0;
        for (; i + Long.BYTES <= bytes; i += Long.BYTES) {
            to.set(ValueLayout.JAVA_LONG_UNALIGNED, i, from.get(ValueLayout.JAVA_LONG_UNALIGNED, i) ^ 0x8080808080808080L);
        }
        for (; i < bytes; i++) {
            to.set(ValueLayout.JAVA_BYTE, i, (byte) (from.get(ValueLayout.JAVA_BYTE, i) ^ 0x80));
        }
    }
}
