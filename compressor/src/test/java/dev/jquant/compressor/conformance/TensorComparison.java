package dev.jquant.compressor.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;

/** numpy's {@code assert_allclose} for jquant tensors: floats within tolerance, everything else exact. */
public final class TensorComparison {
    private TensorComparison() {
    }

    public static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        long n = expected.elementCount();
        for (long i = 0; i < n; i++) {
            double e = read(expected, i);
            double a = read(actual, i);
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : e == a || Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok || (!expected.dtype().isFloatingPoint() && e != a)) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (rtol " + rtol + ", atol " + atol + ")");
            }
        }
    }

    /** The largest absolute difference between two float32 tensors of one shape. */
    public static double maxAbsDiff(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        double max = 0;
        for (long i = 0; i < expected.elementCount(); i++) {
            max = Math.max(max, Math.abs(read(expected, i) - read(actual, i)));
        }
        return max;
    }

    static double read(Tensor t, long i) {
        var d = t.data();
        return switch (t.dtype()) {
            case FLOAT32 -> d.getAtIndex(Tensor.F32, i);
            case FLOAT64 -> d.getAtIndex(Tensor.F64, i);
            case FLOAT16 -> Float.float16ToFloat(d.getAtIndex(Tensor.I16, i));
            case BFLOAT16 -> Float.intBitsToFloat(d.getAtIndex(Tensor.I16, i) << 16);
            case INT64, UINT64 -> d.getAtIndex(Tensor.I64, i);
            case INT32 -> d.getAtIndex(Tensor.I32, i);
            case UINT32 -> Integer.toUnsignedLong(d.getAtIndex(Tensor.I32, i));
            case INT16 -> d.getAtIndex(Tensor.I16, i);
            case UINT16 -> Short.toUnsignedInt(d.getAtIndex(Tensor.I16, i));
            case INT8 -> d.get(ValueLayout.JAVA_BYTE, i);
            case UINT8, BOOL -> Byte.toUnsignedInt(d.get(ValueLayout.JAVA_BYTE, i));
            default -> throw new IllegalArgumentException("cannot compare " + t.dtype());
        };
    }

}
