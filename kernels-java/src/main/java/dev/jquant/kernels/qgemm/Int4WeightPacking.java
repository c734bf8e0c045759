package dev.jquant.kernels.qgemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Packs a 4-bit weight matrix with per-group scales into {@link PackedInt4Weights}, once per model load. */
public final class Int4WeightPacking {

    private Int4WeightPacking() {
    }

    /**
     * Packs {@code W[K×N]} of 4-bit values, two per byte with the first in the low nibble (jquant's
     * {@code INT4}/{@code UINT4}), read densely from {@code weights} at {@code offsetBytes}: element
     * {@code k·N + n}, or {@code n·K + k} when {@code transposed} (stored as {@code N×K}).
     *
     * @param signed     values are int4 {@code [-8, 7]} (else uint4 {@code [0, 15]})
     * @param groupSize  rows of K per group, a positive multiple of 16 (typically 32, 64 or 128)
     * @param scales     {@code [group][column]}, {@code ceil(K/groupSize)·N} finite values
     * @param zeroPoints {@code [group][column]} in the values' own range, or null for symmetric (all zero)
     * @param arena      where the packed bytes live
     */
    public static PackedInt4Weights pack(MemorySegment weights, long offsetBytes, int k, int n, boolean transposed,
            boolean signed, int groupSize, float[] scales, int[] zeroPoints, Arena arena) {
        if (k < 1 || n < 1) {
            throw new IllegalArgumentException("int4 weights must be at least 1×1, were K=" + k + " N=" + n);
        }
        if (groupSize < 16 || groupSize % 16 != 0) {
            throw new IllegalArgumentException("int4 group size must be a positive multiple of 16 (e.g. 32, 64, 128), was "
                    + groupSize);
        }
        long bytes = ((long) k * n + 1) / 2;
        if (offsetBytes < 0 || offsetBytes > weights.byteSize() - bytes) {
            throw new IllegalArgumentException("int4 weights of " + k + "×" + n + " = " + bytes + " bytes at offset "
                    + offsetBytes + " do not fit in a segment of " + weights.byteSize() + " bytes");
        }
        int groups = (k + groupSize - 1) / groupSize;
        if (scales.length != groups * n) {
            throw new IllegalArgumentException("expected " + groups + " groups × " + n + " columns = " + groups * n
                    + " int4 weight scales, got " + scales.length);
        }
        if (zeroPoints != null && zeroPoints.length != groups * n) {
            throw new IllegalArgumentException("expected " + groups + " groups × " + n + " columns = " + groups * n
                    + " int4 zero points, got " + zeroPoints.length);
        }
        int zMin = signed ? -8 : 0;
        for (int i = 0; i < groups * n; i++) {
            if (!Float.isFinite(scales[i])) {
                throw new IllegalArgumentException("int4 weight scale of group " + i / n + ", column " + i % n
                        + " is not finite: " + scales[i]);
            }
            if (zeroPoints != null && (zeroPoints[i] < zMin || zeroPoints[i] > zMin + 15)) {
                throw new IllegalArgumentException("int4 zero point of group " + i / n + ", column " + i % n + " is "
                        + zeroPoints[i] + ", outside [" + zMin + ", " + (zMin + 15) + "]");
            }
        }
        int panels = (n + PackedInt8Weights.PANEL_COLUMNS - 1) / PackedInt8Weights.PANEL_COLUMNS;
        int padded = panels * PackedInt8Weights.PANEL_COLUMNS;
        int paddedK = groups * groupSize;
        long panelBytes = (long) (paddedK / PackedInt4Weights.BLOCK_ROWS) * PackedInt4Weights.BLOCK_BYTES;
        MemorySegment data = arena.allocate(panels * panelBytes, 64);
        // One panel of slack: the 512-bit FMA kernel reads the scales of two panels at a time.
        float[] paddedScales = new float[groups * padded + PackedInt8Weights.PANEL_COLUMNS];
        int[] zeros = new int[groups * padded];
        int[] groupSums = new int[groups * padded];
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < n; j++) {
                paddedScales[g * padded + j] = scales[g * n + j];
                zeros[g * padded + j] = (zeroPoints == null ? 0 : zeroPoints[g * n + j]) - zMin;
            }
        }
        for (int kk = 0; kk < paddedK; kk++) {
            int g = kk / groupSize;
            for (int j = 0; j < n; j++) {
                int z = zeros[g * padded + j];
                int u = z;
                if (kk < k) {
                    long element = transposed ? (long) j * k + kk : (long) kk * n + j;
                    int b = weights.get(ValueLayout.JAVA_BYTE, offsetBytes + element / 2);
                    u = (((element & 1) == 0 ? b : b >>> 4) & 0x0F) ^ (signed ? 0x08 : 0);
                }
                groupSums[g * padded + j] += u - z;
                long at = (j / PackedInt8Weights.PANEL_COLUMNS) * panelBytes
                        + (long) (kk / PackedInt4Weights.BLOCK_ROWS) * PackedInt4Weights.BLOCK_BYTES
                        + 2 * (j % PackedInt8Weights.PANEL_COLUMNS) + (kk & 1);
                int old = data.get(ValueLayout.JAVA_BYTE, at);
                int shift = (kk & 2) == 0 ? 0 : 4;
                data.set(ValueLayout.JAVA_BYTE, at, (byte) (old | u << shift));
            }
        }
        return new PackedInt4Weights(k, n, groupSize, data, paddedScales, zeros, groupSums);
    }
}
