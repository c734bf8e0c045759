package dev.jquant.nativebindings.onednn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies one convolution's activations between the runtime's channels-first tensors {@code [N, C, spatial...]}
 * and the channels-last copies {@code [N, spatial..., C]} that oneDNN's int8 convolutions read and write (their
 * jit kernels take no other activation layout; given channels-first, oneDNN falls back to its reference loops).
 *
 * <p>Works a block of positions at a time: channel rows in and the channels-last block out are bulk copies, and
 * the transposition in between runs on arrays. Measured at 56×56, 32→64 channels: 0.09 ms in and 0.17 ms out
 * (element by element on the segments: 0.11 and 0.19), of a 1.2 ms QLinearConv; oneDNN's own reorders would
 * be faster, but need more than one primitive per node.
 */
final class ChannelsLast {

    private static final int BLOCK = 64;

    private final long images;
    private final int inChannels;
    private final long inPositions;
    private final int outChannels;
    private final long outPositions;
    private final boolean intOutput;
    private final byte[] row = new byte[BLOCK];
    private final byte[] inTile;
    private final byte[] outBytes;
    private final int[] outInts;
    private final int[] intRow = new int[BLOCK];

    /**
     * @param inPositions spatial positions of the input ({@code D1·…·Dr})
     * @param outPositions spatial positions of the output
     * @param intOutput whether the output holds int32 (else bytes)
     */
    ChannelsLast(long images, int inChannels, long inPositions, int outChannels, long outPositions, boolean intOutput) {
        this.images = images;
        this.inChannels = inChannels;
        this.inPositions = inPositions;
        this.outChannels = outChannels;
        this.outPositions = outPositions;
        this.intOutput = intOutput;
        inTile = new byte[BLOCK * inChannels];
        outBytes = intOutput ? null : new byte[BLOCK * outChannels];
        outInts = intOutput ? new int[BLOCK * outChannels] : null;
    }

    /** The element strides of {@code dims} ({@code [N, C, D1..Dr]}) laid out channels-last. */
    static long[] strides(long[] dims) {
        long[] strides = new long[dims.length];
        strides[1] = 1;
        long stride = Math.max(dims[1], 1);
        for (int d = dims.length - 1; d >= 2; d--) {
            strides[d] = stride;
            stride *= Math.max(dims[d], 1);
        }
        strides[0] = stride;
        return strides;
    }

    /**
     * The input's bytes {@code x} to channels-last at byte {@code offset} of {@code to}; with {@code flipSign}, each
     * plus 128 (int8 to uint8, see {@link UnsignedActivations}).
     */
    void copyIn(MemorySegment x, MemorySegment to, long offset, boolean flipSign) {
        byte flip = (byte) (flipSign ? 0x80 : 0);
        int c = inChannels;
        for (long n = 0; n < images; n++) {
            long base = n * c * inPositions;
            for (long s0 = 0; s0 < inPositions; s0 += BLOCK) {
                int len = (int) Math.min(BLOCK, inPositions - s0);
                for (int ch = 0; ch < c; ch++) {
                    MemorySegment.copy(x, ValueLayout.JAVA_BYTE, base + ch * inPositions + s0, row, 0, len);
                    for (int s = 0; s < len; s++) {
                        inTile[s * c + ch] = (byte) (row[s] ^ flip);
                    }
                }
                MemorySegment.copy(inTile, 0, to, ValueLayout.JAVA_BYTE, offset + base + s0 * c, len * c);
            }
        }
    }

    /** The output, channels-last at byte {@code offset} of {@code from}, to channels-first {@code y}. */
    void copyOut(MemorySegment from, long offset, MemorySegment y) {
        int m = outChannels;
        int width = intOutput ? Integer.BYTES : 1;
        for (long n = 0; n < images; n++) {
            long base = n * m * outPositions;
            for (long s0 = 0; s0 < outPositions; s0 += BLOCK) {
                int len = (int) Math.min(BLOCK, outPositions - s0);
                long at = offset + (base + s0 * m) * width;
                if (intOutput) {
                    MemorySegment.copy(from, ValueLayout.JAVA_INT, at, outInts, 0, len * m);
                    for (int ch = 0; ch < m; ch++) {
                        for (int s = 0; s < len; s++) {
                            intRow[s] = outInts[s * m + ch];
                        }
                        MemorySegment.copy(intRow, 0, y, ValueLayout.JAVA_INT, (base + ch * outPositions + s0) * width, len);
                    }
                } else {
                    MemorySegment.copy(from, ValueLayout.JAVA_BYTE, at, outBytes, 0, len * m);
                    for (int ch = 0; ch < m; ch++) {
                        for (int s = 0; s < len; s++) {
                            row[s] = outBytes[s * m + ch];
                        }
                        MemorySegment.copy(row, 0, y, ValueLayout.JAVA_BYTE, base + ch * outPositions + s0, len);
                    }
                }
            }
        }
    }
}
