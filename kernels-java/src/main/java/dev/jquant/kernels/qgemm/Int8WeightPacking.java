package dev.jquant.kernels.qgemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packs a quantized int8 weight matrix into {@link PackedInt8Weights}, once per model load. Weights may
 * use the full range {@code [-128, 127]}: the kernels widen them to 16 bits, so nothing saturates.
 */
public final class Int8WeightPacking {

    private Int8WeightPacking() {
    }

    /**
     * Packs {@code W[K×N]} read as int8 from {@code weights} at {@code offsetBytes}: row-major {@code K×N}
     * (ONNX MatMul's B), or, when {@code transposed}, stored as {@code N×K} (one row per output column,
     * as Gemm with {@code transB=1} has it).
     *
     * @param scales the per-column scales, {@code N} finite values
     * @param arena  where the packed bytes live; they stay valid as long as it does
     */
    public static PackedInt8Weights pack(MemorySegment weights, long offsetBytes, int k, int n, boolean transposed,
            float[] scales, Arena arena) {
        if (k < 1 || n < 1) {
            throw new IllegalArgumentException("int8 weights must be at least 1×1, were K=" + k + " N=" + n);
        }
        long size = (long) k * n;
        if (offsetBytes < 0 || offsetBytes > weights.byteSize() - size) {
            throw new IllegalArgumentException("int8 weights of " + k + "×" + n + " = " + size + " bytes at offset "
                    + offsetBytes + " do not fit in a segment of " + weights.byteSize() + " bytes");
        }
        if (scales.length != n) {
            throw new IllegalArgumentException("expected one weight scale per output column (" + n + "), got "
                    + scales.length);
        }
        for (int j = 0; j < n; j++) {
            if (!Float.isFinite(scales[j])) {
                throw new IllegalArgumentException("weight scale of column " + j + " is not finite: " + scales[j]);
            }
        }
        int kPairs = (k + 1) / 2;
        int panels = (n + PackedInt8Weights.PANEL_COLUMNS - 1) / PackedInt8Weights.PANEL_COLUMNS;
        int padded = panels * PackedInt8Weights.PANEL_COLUMNS;
        MemorySegment data = arena.allocate((long) panels * kPairs * PackedInt8Weights.BLOCK_BYTES, 64);
        data.fill((byte) 0x80);
        int[] columnSums = new int[padded];
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < n; j++) {
                long from = offsetBytes + (transposed ? (long) j * k + kk : (long) kk * n + j);
                byte w = weights.get(ValueLayout.JAVA_BYTE, from);
                columnSums[j] += w;
                long to = (long) (j / PackedInt8Weights.PANEL_COLUMNS) * kPairs * PackedInt8Weights.BLOCK_BYTES
                        + (long) (kk / 2) * PackedInt8Weights.BLOCK_BYTES + 2 * (j % PackedInt8Weights.PANEL_COLUMNS)
                        + (kk & 1);
                data.set(ValueLayout.JAVA_BYTE, to, (byte) (w ^ 0x80));
            }
        }
        float[] paddedScales = new float[padded];
        System.arraycopy(scales, 0, paddedScales, 0, n);
        return new PackedInt8Weights(k, n, data, paddedScales, columnSums);
    }
}
