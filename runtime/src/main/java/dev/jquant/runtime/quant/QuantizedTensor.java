package dev.jquant.runtime.quant;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.format.QuantizationDescriptor.Scheme;
import dev.jquant.runtime.format.QuantizationDescriptor.Sparsity;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;

/**
 * A tensor stored as codes that decode to FLOAT32 values, as its {@link QuantizationDescriptor} says:
 * {@code value = (code − zeroPoint)·scale} (LINEAR) or {@code codebook[code]} (CODEBOOK), with scales
 * per tensor, per index of one axis, or per block along it. The tensors are views of the model file;
 * nothing is decoded until asked.
 *
 * @param name the stored tensor's name, which the graph refers to
 * @param codes the stored codes, packed LSB-first at {@code descriptor.bits()} bits each
 * @param scale LINEAR: the scales (FLOAT32, FLOAT16 or BFLOAT16); else null
 * @param zeroPoint LINEAR: the zero points, or null when symmetric
 * @param codebook CODEBOOK: the {@code 2^bits} values; else null
 */
public record QuantizedTensor(String name, QuantizationDescriptor descriptor, Tensor codes, Tensor scale,
        Tensor zeroPoint, Tensor codebook) {

    public QuantizedTensor {
        if (descriptor.sparsity().layout() != Sparsity.Layout.DENSE) {
            throw new IllegalArgumentException("tensor '" + name + "' is stored with the "
                    + descriptor.sparsity().layout() + " sparse layout, which this runtime reads and validates "
                    + "but cannot execute yet");
        }
        if (descriptor.scheme() == Scheme.NONE) {
            throw new IllegalArgumentException("tensor '" + name + "': scheme NONE has nothing to decode");
        }
    }

    /**
     * The quantized tensor {@code name} of a model whose initializers are {@code tensors}. The descriptor
     * is taken as already validated against them (the reader and the writer both do).
     */
    public static QuantizedTensor of(String name, QuantizationDescriptor descriptor, Map<String, Tensor> tensors) {
        return new QuantizedTensor(name, descriptor, tensors.get(name),
                descriptor.scale() == null ? null : tensors.get(descriptor.scale()),
                descriptor.zeroPoint() == null ? null : tensors.get(descriptor.zeroPoint()),
                descriptor.codebook() == null ? null : tensors.get(descriptor.codebook()));
    }

    public long[] logicalShape() {
        return descriptor.logicalShape();
    }

    public int bits() {
        return descriptor.bits();
    }

    public boolean signed() {
        return descriptor.signed();
    }

    /** True for LINEAR codes without zero points. */
    public boolean symmetric() {
        return descriptor.scheme() == Scheme.LINEAR && zeroPoint == null;
    }

    /** The code of logical element {@code i} (dense layout): sign-extended when the codes are signed. */
    public int code(long i) {
        int bits = descriptor.bits();
        MemorySegment data = codes.data();
        int raw;
        if (bits == 8) {
            raw = data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
        } else if (bits == 4) {
            int b = data.get(ValueLayout.JAVA_BYTE, i >>> 1);
            raw = (i & 1) == 0 ? b & 0xF : (b >>> 4) & 0xF;
        } else {
            long bit = i * bits;
            raw = 0;
            for (int k = 0; k < bits; k++, bit++) {
                raw |= ((data.get(ValueLayout.JAVA_BYTE, bit >>> 3) >>> (bit & 7)) & 1) << k;
            }
        }
        return descriptor.signed() ? raw << (32 - bits) >> (32 - bits) : raw;
    }

    /** Index into the scale (and zero-point) tensor of logical element {@code i}. */
    public long parameterIndex(long i) {
        return descriptor.parameterIndex(i);
    }

    /** The scale at index {@code p} of the scale tensor, as a float. */
    public float scaleAt(long p) {
        return readFloat(scale, p);
    }

    /** The zero point at index {@code p} of the zero-point tensor; 0 when symmetric. */
    public int zeroPointAt(long p) {
        return zeroPoint == null ? 0 : readInt(zeroPoint, p);
    }

    /** The decoded value of logical element {@code i}. */
    public float value(long i) {
        if (descriptor.scheme() == Scheme.CODEBOOK) {
            return readFloat(codebook, code(i));
        }
        long p = parameterIndex(i);
        return (code(i) - zeroPointAt(p)) * scaleAt(p);
    }

    /** Decodes {@code count} logical elements from {@code first} into floats at element {@code to} of {@code out}. */
    public void decode(long first, long count, MemorySegment out, long to) {
        if (count > 0 && sharesParameters(first, count) && descriptor.bits() == 8) {
            // One scale and zero point for the whole range (e.g. a row of a per-row embedding table).
            long p = parameterIndex(first);
            float s = scaleAt(p);
            int z = zeroPointAt(p);
            MemorySegment data = codes.data();
            boolean signed = descriptor.signed();
            for (long j = 0; j < count; j++) {
                byte b = data.get(ValueLayout.JAVA_BYTE, first + j);
                out.setAtIndex(Tensor.F32, to + j, ((signed ? b : b & 0xFF) - z) * s);
            }
            return;
        }
        for (long j = 0; j < count; j++) {
            out.setAtIndex(Tensor.F32, to + j, value(first + j));
        }
    }

    /** True when LINEAR elements {@code [first, first + count)} all use the same scale (outer axis or per tensor). */
    private boolean sharesParameters(long first, long count) {
        if (descriptor.scheme() != Scheme.LINEAR) {
            return false;
        }
        int axis = descriptor.axis();
        if (axis == QuantizationDescriptor.PER_TENSOR) {
            return true;
        }
        return axis == 0 && descriptor.groupSize() == 0 && parameterIndex(first) == parameterIndex(first + count - 1);
    }

    /** Every value, decoded into a new FLOAT32 tensor of the logical shape. */
    public Tensor decodeAll() {
        Tensor t = Tensor.allocate(DType.FLOAT32, descriptor.logicalShape());
        decode(0, t.elementCount(), t.data(), 0);
        return t;
    }

    /** Every scale as floats, in the scale tensor's order. */
    public float[] scales() {
        float[] s = new float[Math.toIntExact(scale.elementCount())];
        for (int i = 0; i < s.length; i++) {
            s[i] = readFloat(scale, i);
        }
        return s;
    }

    /** Every zero point, in the zero-point tensor's order; null when symmetric. */
    public int[] zeroPoints() {
        if (zeroPoint == null) {
            return null;
        }
        int[] z = new int[Math.toIntExact(zeroPoint.elementCount())];
        for (int i = 0; i < z.length; i++) {
            z[i] = readInt(zeroPoint, i);
        }
        return z;
    }

    static float readFloat(Tensor t, long i) {
        MemorySegment d = t.data();
        return switch (t.dtype()) {
            case FLOAT32 -> d.getAtIndex(Tensor.F32, i);
            case FLOAT16 -> Float.float16ToFloat(d.getAtIndex(Tensor.I16, i));
            case BFLOAT16 -> Float.intBitsToFloat((d.getAtIndex(Tensor.I16, i) & 0xFFFF) << 16);
            default -> throw new IllegalArgumentException("expected FLOAT32, FLOAT16 or BFLOAT16, got " + t.dtype());
        };
    }

    static int readInt(Tensor t, long i) {
        MemorySegment d = t.data();
        return switch (t.dtype()) {
            case INT8 -> d.get(ValueLayout.JAVA_BYTE, i);
            case UINT8 -> d.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            case INT16 -> d.getAtIndex(Tensor.I16, i);
            case UINT16 -> d.getAtIndex(Tensor.I16, i) & 0xFFFF;
            case INT32 -> d.getAtIndex(Tensor.I32, i);
            case INT4, UINT4 -> {
                int b = d.get(ValueLayout.JAVA_BYTE, i >>> 1);
                int nibble = (i & 1) == 0 ? b & 0xF : (b >>> 4) & 0xF;
                yield t.dtype() == DType.INT4 ? nibble << 28 >> 28 : nibble;
            }
            default -> throw new IllegalArgumentException("zero points must be a 4-, 8-, 16- or 32-bit integer type, got "
                    + t.dtype());
        };
    }

    @Override
    public String toString() {
        QuantizationDescriptor d = descriptor;
        return name + ": " + d.scheme() + " " + d.bits() + "-bit" + (d.signed() ? " signed" : "")
                + (d.axis() < 0 ? " per tensor" : " axis " + d.axis() + (d.groupSize() > 0 ? " group " + d.groupSize() : ""))
                + " " + Arrays.toString(d.logicalShape());
    }
}
