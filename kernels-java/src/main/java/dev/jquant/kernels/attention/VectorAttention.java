package dev.jquant.kernels.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link AttentionKernel}: register tiles of four rows by two vectors (eight accumulators),
 * with no packing beyond what each product needs. For the scores, the head's keys are transposed once into
 * a thread-local array (D rows of keys, padded to whole tiles), so that a tile reads two vectors of keys
 * and four broadcast query values per step of the head dimension; the query rows go to an array first.
 * For the mix, V's rows are read in place (a head's values are contiguous) and four rows of probabilities
 * are copied out for broadcasting. A 128-token MiniLM head this way skips the GEMM's packing of both
 * operands and its tile buffer, which cost about as much as the multiply-adds at a head size of 32.
 *
 * <p>As in {@link dev.jquant.kernels.gemm.VectorGemm}, the species is a constant per subclass: held in an
 * instance field, C2 cannot intrinsify the vector operations (MiniLM at 1 × 128 took 202 ms instead of about 50).
 */
public abstract sealed class VectorAttention implements AttentionKernel permits VectorAttention.Bits128,
        VectorAttention.Bits256, VectorAttention.Bits512 {

    private static final ValueLayout.OfFloat F32 = ScalarAttention.F32;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int MR = 4;

    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

    /** Per thread: transposed keys, and the current tile's rows of Q or P. */
    private static final class Buffers {
        float[] keys = new float[0];
        float[] rows = new float[0];
    }

    abstract VectorSpecies<Float> species();

    /** The kernel over vectors of {@code bits} bits: 128, 256 or 512 (a width the machine lacks runs, slowly, in software). */
    public static VectorAttention forBits(int bits) {
        return switch (bits) {
            case 128 -> new Bits128();
            case 256 -> new Bits256();
            case 512 -> new Bits512();
            default -> throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, was " + bits);
        };
    }

    @Override
    public String name() {
        return "vector-" + species().vectorBitSize();
    }

    @Override
    public int scoreStride(int keys) {
        int tile = 2 * species().length();
        return (keys + tile - 1) / tile * tile;
    }

    @Override
    public void scores(MemorySegment q, long qOffset, int ldq, MemorySegment k, long kOffset, int ldk, int queries,
            int keys, int headSize, float scale, MemorySegment s, long sOffset, int lds) {
        int stride = scoreStride(keys);
        if (lds < stride) {
            throw new IllegalArgumentException("score row stride " + lds + " is below scoreStride(" + keys + ") = " + stride);
        }
        Buffers buf = buffers.get();
        float[] kt = transposedKeys(buf, k, kOffset, ldk, keys, headSize, stride);
        float[] rows = rows(buf, MR * headSize);
        for (int i0 = 0; i0 < queries; i0 += MR) {
            int count = Math.min(MR, queries - i0);
            for (int r = 0; r < MR; r++) {
                // Missing rows of the last tile repeat its last row; their results are not stored.
                long src = qOffset + (long) (i0 + Math.min(r, count - 1)) * ldq;
                MemorySegment.copy(q, F32, src * Float.BYTES, rows, r * headSize, headSize);
            }
            for (int j0 = 0; j0 < stride; j0 += 2 * species().length()) {
                scoreTile(rows, headSize, kt, stride, j0, scale, s, sOffset + (long) i0 * lds + j0, lds, count);
            }
        }
    }

    /** K's first {@code keys} rows transposed: element {@code (c, j)} at {@code c·stride + j}, zeros past {@code keys}. */
    private static float[] transposedKeys(Buffers buf, MemorySegment k, long kOffset, int ldk, int keys, int headSize,
            int stride) {
        int size = headSize * stride;
        if (buf.keys.length < size) {
            buf.keys = new float[size];
        }
        float[] kt = buf.keys;
        for (int j = 0; j < keys; j++) {
            long row = kOffset + (long) j * ldk;
            for (int c = 0; c < headSize; c++) {
                kt[c * stride + j] = k.getAtIndex(F32, row + c);
            }
        }
        for (int c = 0; c < headSize; c++) {
            java.util.Arrays.fill(kt, c * stride + keys, (c + 1) * stride, 0f);
        }
        return kt;
    }

    private static float[] rows(Buffers buf, int size) {
        if (buf.rows.length < size) {
            buf.rows = new float[size];
        }
        return buf.rows;
    }

    private void scoreTile(float[] rows, int d, float[] kt, int stride, int j0, float scale, MemorySegment s,
            long sIndex, int lds, int count) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        FloatVector c00 = FloatVector.zero(species);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int c = 0; c < d; c++) {
            int at = c * stride + j0;
            FloatVector b0 = FloatVector.fromArray(species, kt, at);
            FloatVector b1 = FloatVector.fromArray(species, kt, at + lanes);
            FloatVector a = FloatVector.broadcast(species, rows[c]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(species, rows[d + c]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(species, rows[2 * d + c]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(species, rows[3 * d + c]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        store(c00.mul(scale), c01.mul(scale), s, sIndex);
        if (count > 1) {
            store(c10.mul(scale), c11.mul(scale), s, sIndex + lds);
        }
        if (count > 2) {
            store(c20.mul(scale), c21.mul(scale), s, sIndex + 2L * lds);
        }
        if (count > 3) {
            store(c30.mul(scale), c31.mul(scale), s, sIndex + 3L * lds);
        }
    }

    private void store(FloatVector v0, FloatVector v1, MemorySegment m, long index) {
        int lanes = species().length();
        v0.intoMemorySegment(m, index * Float.BYTES, LE);
        v1.intoMemorySegment(m, (index + lanes) * Float.BYTES, LE);
    }

    @Override
    public void mix(MemorySegment p, long pOffset, int ldp, MemorySegment v, long vOffset, int ldv, int queries,
            int keys, int valueSize, MemorySegment y, long yOffset, int ldy) {
        float[] rows = rows(buffers.get(), MR * keys);
        int tile = 2 * species().length();
        for (int i0 = 0; i0 < queries; i0 += MR) {
            int count = Math.min(MR, queries - i0);
            for (int r = 0; r < MR; r++) {
                long src = pOffset + (long) (i0 + Math.min(r, count - 1)) * ldp;
                MemorySegment.copy(p, F32, src * Float.BYTES, rows, r * keys, keys);
            }
            long yRow = yOffset + (long) i0 * ldy;
            int e = 0;
            for (; e + tile <= valueSize; e += tile) {
                mixTile(rows, keys, v, vOffset + e, ldv, y, yRow + e, ldy, count);
            }
            for (; e < valueSize; e++) {
                mixColumn(rows, keys, v, vOffset + e, ldv, y, yRow + e, ldy, count);
            }
        }
    }

    private void mixTile(float[] rows, int keys, MemorySegment v, long vIndex, int ldv, MemorySegment y, long yIndex,
            int ldy, int count) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        FloatVector c00 = FloatVector.zero(species);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int j = 0; j < keys; j++) {
            long at = (vIndex + (long) j * ldv) * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(species, v, at, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(species, v, at + (long) lanes * Float.BYTES, LE);
            FloatVector a = FloatVector.broadcast(species, rows[j]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(species, rows[keys + j]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(species, rows[2 * keys + j]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(species, rows[3 * keys + j]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        store(c00, c01, y, yIndex);
        if (count > 1) {
            store(c10, c11, y, yIndex + ldy);
        }
        if (count > 2) {
            store(c20, c21, y, yIndex + 2L * ldy);
        }
        if (count > 3) {
            store(c30, c31, y, yIndex + 3L * ldy);
        }
    }

    /** One column of values for the tile's rows, as the scalar kernel sums it (a head size not a multiple of 2 vectors). */
    private static void mixColumn(float[] rows, int keys, MemorySegment v, long vIndex, int ldv, MemorySegment y,
            long yIndex, int ldy, int count) {
        for (int r = 0; r < count; r++) {
            float acc = 0f;
            for (int j = 0; j < keys; j++) {
                acc = Math.fma(rows[r * keys + j], v.getAtIndex(F32, vIndex + (long) j * ldv), acc);
            }
            y.setAtIndex(F32, yIndex + (long) r * ldy, acc);
        }
    }

    static final class Bits128 extends VectorAttention {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_128;

        @Override
        VectorSpecies<Float> species() {
            return SPECIES;
        }
    }

    static final class Bits256 extends VectorAttention {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256;

        @Override
        VectorSpecies<Float> species() {
            return SPECIES;
        }
    }

    static final class Bits512 extends VectorAttention {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_512;

        @Override
        VectorSpecies<Float> species() {
            return SPECIES;
        }
    }
}
