package dev.jquant.nativebindings.onednn;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The int8 weights oneDNN multiplies for an ONNX integer operator (ConvInteger, QLinearConv, MatMulInteger,
 * QLinearMatMul): {@code w − w_zero_point} of a constant uint8 or int8 W, since oneDNN's int8 primitives take
 * signed weights without zero points. Holds W's own memory when it is int8 with zero points of 0.
 *
 * @param codes the int8 codes, or null where some {@code w − w_zero_point} leaves int8
 * @param largest the largest magnitude among them (the first one out of range when {@code codes} is null)
 */
record Int8Weights(MemorySegment codes, int largest) {

    /**
     * @param zeroPoints W's zero points, or null; one value, or one per output channel
     * @param inner how many consecutive elements of W share a zero point (W's elements per output channel
     *     for a Conv {@code [M, ...]}, 1 for a MatMul B {@code [K, N]} whose zero points go by column)
     */
    static Int8Weights of(Tensor w, Tensor zeroPoints, long inner) {
        int[] zeros = values(zeroPoints);
        boolean signed = w.dtype() == DType.INT8;
        boolean unchanged = signed && Arrays.stream(zeros).allMatch(z -> z == 0);
        long count = w.elementCount();
        MemorySegment codes = unchanged ? w.data() : Arena.ofAuto().allocate(Math.max(count, 1));
        int largest = 0;
        for (long i = 0; i < count; i++) {
            int v = eightBit(w.data(), i, signed) - zeros[(int) (i / inner % zeros.length)];
            largest = Math.max(largest, Math.abs(v));
            if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
                return new Int8Weights(null, Math.abs(v));
            }
            if (!unchanged) {
                codes.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            }
        }
        return new Int8Weights(codes, largest);
    }

    /** A key for {@code PrepareContext.derivedFromInput}: these weights depend on the zero points too. */
    static String kind(Tensor zeroPoints) {
        return "onednn-int8-weights" + Arrays.toString(values(zeroPoints));
    }

    /** Why {@code library} cannot multiply these weights exactly, or null when it can. */
    String whyNot(OneDnnLibrary library) {
        if (codes == null) {
            return "w − w_zero_point leaves int8 (reaches " + largest + ")";
        }
        return library.int8SumsExact(largest) ? null : "int8 weights up to ±" + largest + ": without VNNI oneDNN's "
                + "sums saturate beyond ±" + OneDnnLibrary.SATURATION_FREE_CODE;
    }

    /** Element {@code i} of 8-bit data as an int: {@code -128..127} when signed, else {@code 0..255}. */
    static int eightBit(MemorySegment data, long i, boolean signed) {
        byte b = data.get(ValueLayout.JAVA_BYTE, i);
        return signed ? b : b & 0xFF;
    }

    private static int[] values(Tensor zeroPoints) {
        if (zeroPoints == null) {
            return new int[1];
        }
        int[] zeros = new int[Math.toIntExact(zeroPoints.elementCount())];
        for (int i = 0; i < zeros.length; i++) {
            zeros[i] = eightBit(zeroPoints.data(), i, zeroPoints.dtype() == DType.INT8);
        }
        return zeros;
    }
}
