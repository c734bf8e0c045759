package dev.jquant.nativebindings.onednn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies between the runtime's channels-first tensors {@code [N, C, spatial...]} and the channels-last copies
 * {@code [N, spatial..., C]} that oneDNN's int8 convolutions read and write (their jit kernels take no other
 * activation layout; given channels-first, oneDNN falls back to its reference loops). Blocks of positions keep
 * both sides' accesses within a few cache lines.
 */
final class ChannelsLast {

    private static final int BLOCK = 64;

    private ChannelsLast() {
    }

    /** The element strides of {@code dims} ({@code [N, C, D1..Dr]}) laid out channels-last. */
    static long[] strides(long[] dims) {
        long[] strides = new long[dims.length];
        long channels = Math.max(dims[1], 1);
        strides[1] = 1;
        long stride = channels;
        for (int d = dims.length - 1; d >= 2; d--) {
            strides[d] = stride;
            stride *= Math.max(dims[d], 1);
        }
        strides[0] = stride;
        return strides;
    }

    /**
     * Bytes {@code [N, C, S]} from {@code from} to {@code [N, S, C]} at byte {@code offset} of {@code to}; with
     * {@code flipSign}, each byte plus 128 (int8 to uint8, see {@link UnsignedActivations}).
     */
    static void bytesToChannelsLast(MemorySegment from, MemorySegment to, long offset, long images, int channels,
            long spatial, boolean flipSign) {
        byte flip = (byte) (flipSign ? 0x80 : 0);
        for (long n = 0; n < images; n++) {
            long base = n * channels * spatial;
            for (long s0 = 0; s0 < spatial; s0 += BLOCK) {
                long s1 = Math.min(spatial, s0 + BLOCK);
                for (int c = 0; c < channels; c++) {
                    long in = base + c * spatial;
                    for (long s = s0; s < s1; s++) {
                        to.set(ValueLayout.JAVA_BYTE, offset + base + s * channels + c,
                                (byte) (from.get(ValueLayout.JAVA_BYTE, in + s) ^ flip));
                    }
                }
            }
        }
    }

    /**
     * Elements of {@code elementBytes} (1 or 4) {@code [N, S, C]} at byte {@code offset} of {@code from} to
     * {@code [N, C, S]} in {@code to}.
     */
    static void toChannelsFirst(MemorySegment from, long offset, MemorySegment to, long images, int channels,
            long spatial, int elementBytes) {
        for (long n = 0; n < images; n++) {
            long base = n * channels * spatial;
            for (long s0 = 0; s0 < spatial; s0 += BLOCK) {
                long s1 = Math.min(spatial, s0 + BLOCK);
                for (int c = 0; c < channels; c++) {
                    long out = base + c * spatial;
                    if (elementBytes == Integer.BYTES) {
                        for (long s = s0; s < s1; s++) {
                            to.setAtIndex(ValueLayout.JAVA_INT, out + s, from.get(ValueLayout.JAVA_INT,
                                    offset + (base + s * channels + c) * Integer.BYTES));
                        }
                    } else {
                        for (long s = s0; s < s1; s++) {
                            to.set(ValueLayout.JAVA_BYTE, out + s, from.get(ValueLayout.JAVA_BYTE, offset + base + s * channels + c));
                        }
                    }
                }
            }
        }
    }
}
