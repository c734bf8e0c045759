package dev.jquant.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by the {@link ActivationQuantizer} implementations. */
final class QuantizerArguments {

    private QuantizerArguments() {
    }

    static void check(MemorySegment x, int xRowStride, int rows, int columns, boolean perRow, MemorySegment q,
            int qRowStride, float[] scales, int[] zeroPoints) {
        if (rows < 0 || columns < 0) {
            throw new IllegalArgumentException("rows and columns must be >= 0, were " + rows + "×" + columns);
        }
        if (xRowStride < columns || qRowStride < columns) {
            throw new IllegalArgumentException("row strides must be at least the row length " + columns + ", were "
                    + xRowStride + " (floats) and " + qRowStride + " (bytes)");
        }
        if (rows > 0 && ((long) (rows - 1) * xRowStride + columns) * Float.BYTES > x.byteSize()) {
            throw new IllegalArgumentException(rows + " float rows of " + columns + " with stride " + xRowStride
                    + " do not fit in a segment of " + x.byteSize() + " bytes");
        }
        if (rows > 0 && (long) (rows - 1) * qRowStride + columns > q.byteSize()) {
            throw new IllegalArgumentException(rows + " quantized rows of " + columns + " with stride " + qRowStride
                    + " do not fit in a segment of " + q.byteSize() + " bytes");
        }
        int needed = perRow ? rows : 1;
        if (scales.length < needed || zeroPoints.length < needed) {
            throw new IllegalArgumentException("need room for " + needed + (perRow ? " per-row" : " per-tensor")
                    + " scales and zero points, got " + scales.length + " and " + zeroPoints.length);
        }
    }
}
