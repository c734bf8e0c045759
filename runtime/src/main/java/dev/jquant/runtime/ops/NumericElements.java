package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Single elements of any byte-aligned type read and written as double or long: the path for the
 * types that have no dedicated kernel (everything but FLOAT32). Writing converts as a C cast does:
 * floats round to nearest, floats to integers truncate toward zero, integers wrap to the type's width,
 * anything non-zero becomes BOOL true.
 */
final class NumericElements {

    private static final double TWO_POW_63 = 0x1p63;

    private NumericElements() {
    }

    static double getDouble(DType t, MemorySegment m, long i) {
        return switch (t) {
            case FLOAT32 -> m.getAtIndex(Tensor.F32, i);
            case FLOAT64 -> m.getAtIndex(Tensor.F64, i);
            case FLOAT16 -> Float.float16ToFloat(m.getAtIndex(Tensor.I16, i));
            case BFLOAT16 -> Float.intBitsToFloat(m.getAtIndex(Tensor.I16, i) << 16);
            case UINT64 -> unsignedToDouble(m.getAtIndex(Tensor.I64, i));
            default -> getLong(t, m, i);
        };
    }

    /** Integer (and BOOL) elements as long, zero-extended for unsigned types; floats truncated. */
    static long getLong(DType t, MemorySegment m, long i) {
        return switch (t) {
            case INT8 -> m.get(ValueLayout.JAVA_BYTE, i);
            case UINT8, BOOL -> Byte.toUnsignedInt(m.get(ValueLayout.JAVA_BYTE, i));
            case INT16 -> m.getAtIndex(Tensor.I16, i);
            case UINT16 -> Short.toUnsignedInt(m.getAtIndex(Tensor.I16, i));
            case INT32 -> m.getAtIndex(Tensor.I32, i);
            case UINT32 -> Integer.toUnsignedLong(m.getAtIndex(Tensor.I32, i));
            case INT64, UINT64 -> m.getAtIndex(Tensor.I64, i);
            case FLOAT32, FLOAT64, FLOAT16, BFLOAT16 -> (long) getDouble(t, m, i);
            case INT4, UINT4 -> throw packed(t);
        };
    }

    static void setDouble(DType t, MemorySegment m, long i, double v) {
        switch (t) {
            case FLOAT32 -> m.setAtIndex(Tensor.F32, i, (float) v);
            case FLOAT64 -> m.setAtIndex(Tensor.F64, i, v);
            case FLOAT16 -> m.setAtIndex(Tensor.I16, i, Float.floatToFloat16((float) v));
            case BFLOAT16 -> m.setAtIndex(Tensor.I16, i, bfloat16RoundedToNearest((float) v));
            case BOOL -> m.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            case UINT64 -> m.setAtIndex(Tensor.I64, i, v >= TWO_POW_63 ? (long) (v - TWO_POW_63) ^ Long.MIN_VALUE : (long) v);
            default -> setLong(t, m, i, (long) v);
        }
    }

    static void setLong(DType t, MemorySegment m, long i, long v) {
        switch (t) {
            case INT8, UINT8 -> m.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            case BOOL -> m.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            case INT16, UINT16 -> m.setAtIndex(Tensor.I16, i, (short) v);
            case INT32, UINT32 -> m.setAtIndex(Tensor.I32, i, (int) v);
            case INT64, UINT64 -> m.setAtIndex(Tensor.I64, i, v);
            // one rounding from long, not two through double
            case FLOAT32 -> m.setAtIndex(Tensor.F32, i, (float) v);
            case FLOAT64, FLOAT16, BFLOAT16 -> setDouble(t, m, i, v);
            case INT4, UINT4 -> throw packed(t);
        }
    }

    /** A long holding UINT64 bits, as the unsigned value it stands for. */
    static double unsignedToDouble(long bits) {
        return bits >= 0 ? bits : ((bits >>> 1) | (bits & 1)) * 2.0;
    }

    /** Rounds to nearest even, keeping NaN a NaN. */
    static short bfloat16RoundedToNearest(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    private static IllegalStateException packed(DType t) {
        return new IllegalStateException(t + " is packed below a byte; the elementwise operators reject it in prepare");
    }
}
