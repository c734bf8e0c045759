package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the quantized operators share: single elements of the integer types quantized tensors use, the
 * packed 4-bit ones included (element {@code i} in byte {@code i/2}, the low nibble first), the ranges
 * quantization saturates to, the two rounding formulas, and the checks of their operands.
 */
final class QuantizedElements {

    /** What QuantizeLinear writes and DequantizeLinear reads (opset 21 added the 16- and 4-bit types). */
    static final Set<DType> QUANTIZED = Collections.unmodifiableSet(
            EnumSet.of(DType.UINT8, DType.INT8, DType.UINT16, DType.INT16, DType.UINT4, DType.INT4));
    /** The operands of the integer products (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv). */
    static final Set<DType> EIGHT_BIT = Collections.unmodifiableSet(EnumSet.of(DType.UINT8, DType.INT8));
    /** The types scales come in (FLOAT16 and BFLOAT16 from opset 19); computation is in float32 throughout. */
    static final Set<DType> SCALES = Collections.unmodifiableSet(
            EnumSet.of(DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16));

    /** 2^22: quotients beyond it saturate every type here, and below it a float holds every half-integer. */
    private static final float QUOTIENT_LIMIT = 0x1p22f;

    private QuantizedElements() {
    }

    /** Element {@code i} of an integer tensor of type {@code t} (at most 32 bits wide). */
    static long get(DType t, MemorySegment m, long i) {
        return switch (t) {
            case INT4 -> (byte) (nibble(m, i) << 4) >> 4;
            case UINT4 -> nibble(m, i);
            default -> NumericElements.getLong(t, m, i);
        };
    }

    /** Element {@code i} of a UINT8 tensor, or an INT8 one when {@code signed}. */
    static int eightBit(MemorySegment segment, long i, boolean signed) {
        byte v = segment.get(ValueLayout.JAVA_BYTE, i);
        return signed ? v : v & 0xFF;
    }

    /** Stores {@code v}, already within {@code t}'s range, as element {@code i}. */
    static void set(DType t, MemorySegment m, long i, int v) {
        switch (t) {
            case INT4, UINT4 -> {
                long at = i >>> 1;
                int old = m.get(ValueLayout.JAVA_BYTE, at);
                int shift = (int) (i & 1) * 4;
                m.set(ValueLayout.JAVA_BYTE, at, (byte) ((old & ~(0xF << shift)) | ((v & 0xF) << shift)));
            }
            default -> NumericElements.setLong(t, m, i, v);
        }
    }

    private static int nibble(MemorySegment m, long i) {
        return (m.get(ValueLayout.JAVA_BYTE, i >>> 1) >> ((int) (i & 1) * 4)) & 0xF;
    }

    static int lowest(DType t) {
        return switch (t) {
            case INT4 -> -8;
            case UINT4 -> 0;
            default -> (int) ElementTypes.lowest(t);
        };
    }

    static int highest(DType t) {
        return switch (t) {
            case INT4 -> 7;
            case UINT4 -> 15;
            default -> (int) ElementTypes.highest(t);
        };
    }

    /** Element {@code i} of a scale tensor (FLOAT32, FLOAT16 or BFLOAT16) as a float. */
    static float scale(DType t, MemorySegment m, long i) {
        return t == DType.FLOAT32 ? m.getAtIndex(Tensor.F32, i) : (float) NumericElements.getDouble(t, m, i);
    }

    /**
     * ONNX QuantizeLinear of one value: {@code saturate(rint(x / scale) + zeroPoint)}, the quotient in
     * float32 and ties to even. Quotients are clamped to ±2^22 first, where every type here saturates
     * anyway, and NaN gives 0: the same arithmetic as the 8-bit kernels of {@code kernels-java}.
     */
    static int quantize(float x, float scale, int zeroPoint, int lowest, int highest) {
        float y = Math.min(Math.max(x / scale, -QUOTIENT_LIMIT), QUOTIENT_LIMIT);
        return (int) Math.min(Math.max(Math.rint(y) + zeroPoint, lowest), highest);
    }

    /**
     * The requantization that ends QLinearMatMul and QLinearConv: {@code saturate(rint(acc · multiplier) +
     * zeroPoint)} with {@code multiplier = inputScale · weightScale / outputScale}, in float32 as ONNX Runtime
     * computes it.
     */
    static int requantize(int acc, float multiplier, int zeroPoint, int lowest, int highest) {
        return (int) Math.min(Math.max(Math.rint(acc * multiplier) + zeroPoint, lowest), highest);
    }

    /** Throws unless input {@code i} has one of the {@code allowed} types. */
    static DType require(PrepareContext ctx, int i, String operand, Set<DType> allowed) {
        DType t = ctx.inputType(i);
        ElementTypes.require(operand, t, allowed);
        return t;
    }

    /** Throws unless input {@code i} holds exactly one value (a per-tensor scale or zero point). */
    static void requireOneValue(PrepareContext ctx, int i, String operand) {
        if (Tensor.elementCount(ctx.inputShape(i)) != 1) {
            throw new IllegalArgumentException(operand + " must hold one value (per-tensor quantization), has shape "
                    + ShapeOperands.show(ctx.inputShape(i)));
        }
    }

    /** Reads the first {@code into.length} values of a scale tensor of type {@code type}. */
    static void readScales(Tensor scale, DType type, float[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = scale(type, scale.data(), i);
        }
    }
}
