package dev.jquant.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ActivationQuantizer} on the Vector API: a min/max pass and a quantize pass per row, whole
 * vectors here and the tail of each row through {@link Quantization}'s scalar formula. Division (not a
 * reciprocal), the clamp to ±2^22 and rounding by adding and subtracting 1.5·2^23 reproduce the scalar
 * {@code rint(x / scale)} exactly, so both write the same bytes. One subclass per width keeps the
 * species a constant (see {@link VectorQuantizedGemm}).
 */
public abstract sealed class VectorActivationQuantizer implements ActivationQuantizer
        permits VectorActivationQuantizer.Bits128, VectorActivationQuantizer.Bits256,
        VectorActivationQuantizer.Bits512 {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    abstract VectorSpecies<Float> floats();

    /** A byte species with at least as many lanes as {@link #floats()}. */
    abstract VectorSpecies<Byte> narrow();

    /** The first {@code floats().length()} lanes of {@link #narrow()}. */
    abstract VectorMask<Byte> narrowMask();

    /** The quantizer at {@code bits} = 128, 256 or 512. */
    public static VectorActivationQuantizer forBits(int bits) {
        return switch (bits) {
            case 128 -> new Bits128();
            case 256 -> new Bits256();
            case 512 -> new Bits512();
            default -> throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, was " + bits);
        };
    }

    @Override
    public String name() {
        return "vector-" + floats().vectorBitSize();
    }

    @Override
    public void quantizeDynamic(MemorySegment x, int xRowStride, int rows, int columns, boolean signed, boolean perRow,
            MemorySegment q, int qRowStride, float[] scales, int[] zeroPoints) {
        QuantizerArguments.check(x, xRowStride, rows, columns, perRow, q, qRowStride, scales, zeroPoints);
        float[] range = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int r = 0; r < rows; r++) {
            if (perRow) {
                range[0] = Float.POSITIVE_INFINITY;
                range[1] = Float.NEGATIVE_INFINITY;
            }
            extremes(x, (long) r * xRowStride, columns, range);
            if (perRow) {
                scales[r] = Quantization.dynamicScale(range[0], range[1], signed);
                zeroPoints[r] = Quantization.dynamicZeroPoint(range[0], scales[r], signed);
            }
        }
        if (!perRow) {
            scales[0] = Quantization.dynamicScale(range[0], range[1], signed);
            zeroPoints[0] = Quantization.dynamicZeroPoint(range[0], scales[0], signed);
        }
        for (int r = 0; r < rows; r++) {
            int p = perRow ? r : 0;
            quantize(x, (long) r * xRowStride, columns, scales[p], zeroPoints[p], signed, q, (long) r * qRowStride);
        }
    }

    /** Folds the minimum and maximum of {@code count} floats from element {@code index} into {@code range}. */
    private void extremes(MemorySegment x, long index, int count, float[] range) {
        VectorSpecies<Float> species = floats();
        int lanes = species.length();
        float lo = range[0];
        float hi = range[1];
        int i = 0;
        if (count >= lanes) {
            FloatVector vlo = FloatVector.broadcast(species, lo);
            FloatVector vhi = FloatVector.broadcast(species, hi);
            for (; i + lanes <= count; i += lanes) {
                FloatVector v = FloatVector.fromMemorySegment(species, x, (index + i) * Float.BYTES, LE);
                vlo = vlo.min(v);
                vhi = vhi.max(v);
            }
            lo = vlo.reduceLanes(VectorOperators.MIN);
            hi = vhi.reduceLanes(VectorOperators.MAX);
        }
        for (; i < count; i++) {
            float v = x.getAtIndex(ScalarQuantizedGemm.F32, index + i);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        range[0] = lo;
        range[1] = hi;
    }

    @Override
    public void quantize(MemorySegment x, long xIndex, int count, float scale, int zeroPoint, boolean signed,
            MemorySegment q, long qOffset) {
        VectorSpecies<Float> species = floats();
        int lanes = species.length();
        float lowest = Quantization.lowest(signed);
        float highest = Quantization.highest(signed);
        float zero = zeroPoint;
        VectorMask<Byte> mask = narrowMask();
        int i = 0;
        for (; i + lanes <= count; i += lanes) {
            FloatVector y = FloatVector.fromMemorySegment(species, x, (xIndex + i) * Float.BYTES, LE).div(scale)
                    .max(-Quantization.QUOTIENT_LIMIT).min(Quantization.QUOTIENT_LIMIT);
            y = y.add(Quantization.ROUNDING_MAGIC).sub(Quantization.ROUNDING_MAGIC).add(zero).max(lowest).min(highest);
            ByteVector b = (ByteVector) y.convert(VectorOperators.F2I, 0).convertShape(VectorOperators.I2B, narrow(), 0);
            if (mask.allTrue()) {
                b.intoMemorySegment(q, qOffset + i, LE);
            } else {
                b.intoMemorySegment(q, qOffset + i, LE, mask);
            }
        }
        for (; i < count; i++) {
            float v = x.getAtIndex(ScalarQuantizedGemm.F32, xIndex + i);
            q.set(ValueLayout.JAVA_BYTE, qOffset + i,
                    (byte) Quantization.quantize(v, scale, zeroPoint, signed));
        }
    }

    static final class Bits128 extends VectorActivationQuantizer {
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_128;
        private static final VectorSpecies<Byte> NARROW = ByteVector.SPECIES_64;
        private static final VectorMask<Byte> MASK = NARROW.indexInRange(0, FLOATS.length());

        @Override
        VectorSpecies<Float> floats() {
            return FLOATS;
        }

        @Override
        VectorSpecies<Byte> narrow() {
            return NARROW;
        }

        @Override
        VectorMask<Byte> narrowMask() {
            return MASK;
        }
    }

    static final class Bits256 extends VectorActivationQuantizer {
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
        private static final VectorSpecies<Byte> NARROW = ByteVector.SPECIES_64;
        private static final VectorMask<Byte> MASK = NARROW.indexInRange(0, FLOATS.length());

        @Override
        VectorSpecies<Float> floats() {
            return FLOATS;
        }

        @Override
        VectorSpecies<Byte> narrow() {
            return NARROW;
        }

        @Override
        VectorMask<Byte> narrowMask() {
            return MASK;
        }
    }

    static final class Bits512 extends VectorActivationQuantizer {
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
        private static final VectorSpecies<Byte> NARROW = ByteVector.SPECIES_128;
        private static final VectorMask<Byte> MASK = NARROW.indexInRange(0, FLOATS.length());

        @Override
        VectorSpecies<Float> floats() {
            return FLOATS;
        }

        @Override
        VectorSpecies<Byte> narrow() {
            return NARROW;
        }

        @Override
        VectorMask<Byte> narrowMask() {
            return MASK;
        }
    }
}
