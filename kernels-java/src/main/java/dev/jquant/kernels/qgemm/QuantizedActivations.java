package dev.jquant.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The left operand of a quantized GEMM: {@code A[M×K]} of uint8 (or int8 when {@code signed}) with an
 * affine scheme per row or for the whole tensor, {@code A_real[m][k] = (a[m][k] − zeroPoint[m])·scale[m]}.
 * Row {@code m} starts at byte {@code m·rowStrideBytes} of {@code data}.
 *
 * <p>{@code scales} and {@code zeroPoints} have one entry per row, or one for the whole tensor. The
 * arrays are held, not copied: a caller that quantizes every run may refill them in place.
 */
public record QuantizedActivations(MemorySegment data, int rows, int columns, int rowStrideBytes, boolean signed,
        float[] scales, int[] zeroPoints) {

    public QuantizedActivations {
        if (rows < 0 || columns < 1) {
            throw new IllegalArgumentException("activations must have rows >= 0 and columns >= 1, were " + rows + "×"
                    + columns);
        }
        if (rowStrideBytes < columns) {
            throw new IllegalArgumentException("activation row stride must be at least the row length " + columns
                    + ", was " + rowStrideBytes);
        }
        if (rows > 0 && (long) (rows - 1) * rowStrideBytes + columns > data.byteSize()) {
            throw new IllegalArgumentException(rows + " activation rows of " + columns + " bytes with stride "
                    + rowStrideBytes + " do not fit in a segment of " + data.byteSize() + " bytes");
        }
        if (scales.length != 1 && scales.length != rows) {
            throw new IllegalArgumentException("expected 1 activation scale (per tensor) or " + rows
                    + " (per row), got " + scales.length);
        }
        if (zeroPoints.length != scales.length) {
            throw new IllegalArgumentException("expected as many activation zero points as scales (" + scales.length
                    + "), got " + zeroPoints.length);
        }
    }

    /** Per-tensor uint8 (or int8) activations in contiguous rows. */
    public static QuantizedActivations perTensor(MemorySegment data, int rows, int columns, boolean signed, float scale,
            int zeroPoint) {
        return new QuantizedActivations(data, rows, columns, columns, signed, new float[] {scale},
                new int[] {zeroPoint});
    }

    /** True when every row has its own scale and zero point. */
    public boolean perRow() {
        return scales.length == rows && rows != 1;
    }

    public float scale(int row) {
        return scales[scales.length == 1 ? 0 : row];
    }

    public int zeroPoint(int row) {
        return zeroPoints[zeroPoints.length == 1 ? 0 : row];
    }

    /** The stored integer at {@code (row, column)}: {@code [0, 255]}, or {@code [-128, 127]} when signed. */
    public int value(int row, int column) {
        byte b = data.get(ValueLayout.JAVA_BYTE, (long) row * rowStrideBytes + column);
        return signed ? b : b & 0xFF;
    }
}
