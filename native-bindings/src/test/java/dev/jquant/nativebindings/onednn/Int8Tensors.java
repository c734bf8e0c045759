package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** 8-bit test operands for ONNX's integer operators, and the checks their oneDNN tests share. */
final class Int8Tensors {

    private final Random random;

    Int8Tensors(Random random) {
        this.random = random;
    }

    /** Random bytes over the whole range of {@code type} (UINT8 or INT8). */
    Tensor bytes(DType type, long... shape) {
        Tensor t = Tensor.allocate(type, shape);
        for (long i = 0; i < t.elementCount(); i++) {
            t.data().set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
        }
        return t;
    }

    /** Random int8 codes within ±{@code limit}. */
    Tensor codes(int limit, long... shape) {
        Tensor t = Tensor.allocate(DType.INT8, shape);
        for (long i = 0; i < t.elementCount(); i++) {
            t.data().set(ValueLayout.JAVA_BYTE, i, (byte) (random.nextInt(2 * limit + 1) - limit));
        }
        return t;
    }

    static Tensor scalar(DType type, int value) {
        Tensor t = Tensor.allocate(type);
        t.data().set(ValueLayout.JAVA_BYTE, 0, (byte) value);
        return t;
    }

    static int[] ints(Tensor t) {
        return t.data().toArray(ValueLayout.JAVA_INT);
    }

    /**
     * Requantized 8-bit outputs of {@code type} that agree to within one step, and differ at all in under 1% of
     * the elements: a difference happens only where a scaled sum lies within float rounding of a half.
     */
    static void assertWithinOne(Tensor expected, Tensor actual, DType type) {
        assertTrue(expected.elementCount() == actual.elementCount(), "element counts differ");
        int offByOne = 0;
        for (long i = 0; i < expected.elementCount(); i++) {
            int e = eightBit(expected, i, type);
            int a = eightBit(actual, i, type);
            assertTrue(Math.abs(e - a) <= 1, "element " + i + ": java " + e + ", onednn " + a);
            offByOne += e == a ? 0 : 1;
        }
        assertTrue(offByOne * 100 < expected.elementCount(), offByOne + " of " + expected.elementCount() + " differ by one");
    }

    private static int eightBit(Tensor t, long i, DType type) {
        byte b = t.data().get(ValueLayout.JAVA_BYTE, i);
        return type == DType.INT8 ? b : b & 0xFF;
    }
}
