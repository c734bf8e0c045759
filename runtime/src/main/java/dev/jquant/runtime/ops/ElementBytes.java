package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Moving single elements by their width in bytes, whatever their type: data-movement operators copy bit
 * patterns, so one code path serves every byte-aligned type. Elements are read and written with the same
 * layout, so byte order is preserved.
 */
final class ElementBytes {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private ElementBytes() {
    }

    /** Bytes per element of {@code dtype}; refuses packed sub-byte types, whose elements have no byte offset. */
    static int of(DType dtype) {
        int bytes = dtype.byteSize();
        if (bytes == 0) {
            throw new IllegalArgumentException("element type " + dtype + " packs " + (8 / dtype.bits())
                    + " values per byte and cannot be moved element by element; unpack it to INT8/UINT8 first");
        }
        return bytes;
    }

    /** The element at {@code offsetBytes} as raw bits in the low {@code bytes} bytes of a long. */
    static long read(MemorySegment segment, long offsetBytes, int bytes) {
        return switch (bytes) {
            case 1 -> segment.get(ValueLayout.JAVA_BYTE, offsetBytes);
            case 2 -> segment.get(SHORT, offsetBytes);
            case 4 -> segment.get(INT, offsetBytes);
            default -> segment.get(LONG, offsetBytes);
        };
    }

    static void write(MemorySegment segment, long offsetBytes, int bytes, long bits) {
        switch (bytes) {
            case 1 -> segment.set(ValueLayout.JAVA_BYTE, offsetBytes, (byte) bits);
            case 2 -> segment.set(SHORT, offsetBytes, (short) bits);
            case 4 -> segment.set(INT, offsetBytes, (int) bits);
            default -> segment.set(LONG, offsetBytes, bits);
        }
    }

    static void copy(MemorySegment src, long srcOffsetBytes, MemorySegment dst, long dstOffsetBytes, int bytes) {
        write(dst, dstOffsetBytes, bytes, read(src, srcOffsetBytes, bytes));
    }

    /** Writes {@code count} copies of the element {@code bits} starting at {@code offsetBytes}. */
    static void fill(MemorySegment segment, long offsetBytes, long count, int bytes, long bits) {
        for (long i = 0; i < count; i++) {
            write(segment, offsetBytes + i * bytes, bytes, bits);
        }
    }

    /**
     * The bit pattern of {@code value} as an element of {@code dtype} (floats rounded to nearest, integers
     * truncated toward zero as a C cast would); used for fill values given as float attributes.
     */
    static long bitsOf(DType dtype, double value) {
        return switch (dtype) {
            case FLOAT32 -> Float.floatToRawIntBits((float) value);
            case FLOAT64 -> Double.doubleToRawLongBits(value);
            case FLOAT16 -> Float.floatToFloat16((float) value);
            case BFLOAT16 -> bfloat16((float) value);
            case BOOL -> value != 0 ? 1 : 0;
            case UINT64 -> value >= 0x1p63 ? (long) (value - 0x1p63) ^ Long.MIN_VALUE : (long) value;
            case INT4, UINT4 -> throw new IllegalArgumentException("no single-element bit pattern for packed type " + dtype);
            default -> (long) value;
        };
    }

    /** Rounds to nearest even, keeping NaN a NaN. */
    private static long bfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (bits >>> 16) | 0x40;
        }
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }
}
