package dev.jquant.kernels.qgemm;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The quantized GEMM on the Vector API, with two paths that compute the same exact integer sums.
 *
 * <p><b>FMA path</b> (from {@value #FMA_MIN_ROWS} rows on): A is converted once per call to floats
 * {@code a − zeroPoint} (integers in {@code [-255, 255]}), and each sliver of weights (2 vectors of
 * columns × up to {@value #KC} rows of K) to floats {@code w} (int8) or {@code u − z} (int4) in a
 * per-thread buffer that stays in L1, amortized over all the rows; a 4-row × 2-vector FMA micro-kernel
 * then sweeps it. Every product and partial sum is an integer below 2^24, so the float sums are exact:
 * int8 sums over {@value #KC} rows are at most {@code 512·255·128 < 2^24} and are added up in int32
 * across slices; int4 sums over one group (at most {@value #FMA_MAX_GROUP} rows of 255·15) are scaled
 * into the float result after each group with the same fma as the reference.
 *
 * <p><b>Integer path</b> (GEMV and a few rows, where converting the weights would cost more than the
 * product): A is widened to unsigned 16-bit pairs. int8: an int lane holds two 16-bit products
 * {@code a·w'} of a K-pair ({@code a} and {@code w' = w + 128} both in {@code [0, 255]}, so each product
 * is below 2^16); the kernel adds the lane to one accumulator and its high half ({@code >>> 16}) to
 * another, and {@code X − 65535·H} is the sum of both products, exact in int32; {@code 128·Σa} and
 * {@code zeroPoint·Σw} come off afterwards. int4: products {@code a·u ≤ 255·15} add up in the 16-bit
 * lanes for 16 K-pairs before widening, and each group is corrected for both zero points.
 *
 * <p>Measured single-threaded (Zen 3, AVX2, 256-bit, JDK 25; micro-kernels on cached data; the whole
 * GEMM's numbers are in docs/benchmarks.md): the 4×2 FMA tile on converted weights 97 GOP/s, at the
 * FMAs' peak (two per cycle); the same tile converting int8 to float inside its loop 58; 6×2 and 4×3 FMA
 * tiles and a 4×2 tile unrolled over two rows of K spill (16–43); the integer pair scheme 63 with 6 rows
 * and 57 with 4; summing two products of signed operands in 16 bits before widening (7 instead of 8
 * instructions per 64 operations) 48; an integer column vector mixed into the FMA tile 47–70, as the
 * 16-bit multiplies and the shifts compete with the FMAs for their ports (4 {@code vpmullw} next to 8 FMAs
 * cost 31% more time, 4 shifts 44%; 4 integer adds are free). Without VNNI or a Vector API
 * {@code vpmaddwd}, 100 GOP/s is out of reach on this machine.
 *
 * <p>Each calling thread reuses one {@link Call} as the task of its parallel loop and per-thread
 * {@link Buffers}, so a steady state allocates nothing. Vectors never cross a call that C2 might not
 * inline (it would box them, see {@link dev.jquant.kernels.gemm.VectorGemm}): each micro-kernel keeps
 * its accumulators in locals and stores them into arrays itself. The species are constants per
 * subclass, as in {@code VectorGemm}: species held in instance fields leave the vector operations
 * unintrinsified.
 */
public abstract sealed class VectorQuantizedGemm implements QuantizedGemm
        permits VectorQuantizedGemm.Bits128, VectorQuantizedGemm.Bits256, VectorQuantizedGemm.Bits512 {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** From this many rows of A on, converting the weights to float pays for itself. */
    static final int FMA_MIN_ROWS = 8;
    /** Rows of the FMA micro-kernel: with two vectors of columns, 8 accumulators (4×3 and 6×2 spill on AVX2). */
    static final int FMA_ROWS = 4;
    /**
     * Rows of K per float weight sliver: at most 514 keeps the int8 float sums exact. 512 (a 32 KiB sliver
     * at 256 bits) and 256 measured the same; the larger one flushes to int32 half as often.
     */
    static final int KC = 512;
    /** Columns per block: the block's sums ({@value #MC}×{@value #NC} ints) stay in L2 with its slice of A. */
    static final int NC = 128;
    /** Rows per block at most: more are cut into equal blocks. */
    static final int MC = 128;
    /** Largest int4 group the FMA path sums exactly in float ({@code 4096·255·15 < 2^24}). */
    static final int FMA_MAX_GROUP = 4096;
    /**
     * Operations (two per multiply-add) below which a thread is not worth waking: a 1×384×384 GEMV (0.3 M,
     * 8 µs) ran at 15 GOP/s on two threads and 37 on one; a 1×384×1536 int4 one (1.2 M) gained 17%.
     */
    static final long MIN_OPS_PER_THREAD = 1L << 19;
    /** Column items are cut at multiples of this: whole panels and whole FMA slivers at every width. */
    private static final int COLUMN_UNIT = 32;
    /** Rows of the integer int8 micro-kernel: 12 accumulators, the packed weights and the broadcast fit 16 registers. */
    static final int INT8_ROWS = 6;
    /** Rows of the integer int4 micro-kernel: 16-bit, int32 and float accumulators per row. */
    static final int INT4_ROWS = 4;
    /**
     * From this many rows of a sliver on, the full-height micro-kernel runs over it (zero rows padding it),
     * below it the one-row kernel runs per row: 6 rows cost the 6-row int8 kernel about as much as 2.7 rows
     * the one-row kernel, and 4 rows the int4 one as 1.8.
     */
    static final int INT8_TILE_MIN_ROWS = 3;
    /** Where {@link #int8Row2} puts its second vector's rows in the tile (below it, fewer rows than this). */
    static final int INT8_ROW2_SECOND = INT8_TILE_MIN_ROWS;
    static final int INT4_TILE_MIN_ROWS = 2;
    /** int4: K-pairs whose 16-bit products can be summed before widening ({@code 16·255·15 < 2^16}). */
    static final int INT4_SHORT_PAIRS = 16;

    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);
    private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

    abstract VectorSpecies<Integer> ints();

    abstract VectorSpecies<Short> shorts();

    /** Bytes of half the vector width: as many as the 16-bit lanes of {@link #shorts()}. */
    abstract VectorSpecies<Byte> halfBytes();

    /** Shorts of half the vector width: as many as the lanes of {@link #floats()}. */
    abstract VectorSpecies<Short> halfShorts();

    /** Bytes that convert to one float vector ({@code parts} of it for 128 bits, where no 32-bit species exists). */
    abstract VectorSpecies<Byte> floatBytes();

    /** Shorts with as many lanes as {@link #floatBytes()}. */
    abstract VectorSpecies<Short> floatRowShorts();

    abstract VectorSpecies<Float> floats();

    /** The same width's quantizer, for requantized output. */
    abstract VectorActivationQuantizer quantizer();

    /** The kernel at {@code bits} = 128, 256 or 512 (a width the machine lacks runs, slowly, in software). */
    public static VectorQuantizedGemm forBits(int bits) {
        return switch (bits) {
            case 128 -> new Bits128();
            case 256 -> new Bits256();
            case 512 -> new Bits512();
            default -> throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, was " + bits);
        };
    }

    @Override
    public String name() {
        return "vector-" + ints().vectorBitSize();
    }

    // ---------------------------------------------------------------- drivers

    @Override
    public void multiply(QuantizedActivations a, PackedInt8Weights w, GemmOutput out, Parallel parallel) {
        GemmArguments.check(a, w.k(), w.n(), out);
        if (a.rows() == 0) {
            return;
        }
        Call call = calls.get();
        call.start(a, w, null, out, a.rows() >= FMA_MIN_ROWS);
        run(call, parallel);
    }

    @Override
    public void multiply(QuantizedActivations a, PackedInt4Weights w, GemmOutput out, Parallel parallel) {
        GemmArguments.check(a, w.k(), w.n(), out);
        if (out instanceof GemmOutput.Int32) {
            throw new IllegalArgumentException("int4 weights have a scale per group; ask for Float32 or Requantized output");
        }
        if (a.rows() == 0) {
            return;
        }
        Call call = calls.get();
        call.start(a, null, w, out, a.rows() >= FMA_MIN_ROWS && w.groupSize() <= FMA_MAX_GROUP);
        run(call, parallel);
    }

    /**
     * Cuts C into as many column items (whole {@value #COLUMN_UNIT}-column units) as there are threads,
     * so that each thread converts only its own weights, and into row items only when the columns do not
     * give every thread work. A thread is only worth waking for {@value #MIN_OPS_PER_THREAD} operations.
     */
    private static void run(Call call, Parallel parallel) {
        int units = ceilDiv(call.n, COLUMN_UNIT);
        long ops = 2L * call.m * call.n * (call.w8 != null ? call.w8.k() : call.w4.k());
        int threads = (int) Math.min(parallel.threads(), Math.max(1, ops / MIN_OPS_PER_THREAD));
        call.itemColumns = ceilDiv(units, Math.min(units, threads)) * COLUMN_UNIT;
        call.columnItems = ceilDiv(call.n, call.itemColumns);
        int rowTiles = ceilDiv(call.m, call.tileRows);
        int rowItems = Math.min(rowTiles, ceilDiv(threads, call.columnItems));
        call.itemRows = ceilDiv(rowTiles, rowItems) * call.tileRows;
        try {
            parallel.forRange(ceilDiv(call.m, call.itemRows) * call.columnItems, 1, call);
        } finally {
            call.finish();
        }
    }

    /**
     * One product in flight: its operands, how C is cut, and the calling thread's buffers that hold the
     * converted A, which every thread reads. Reused per calling thread, so that the parallel loop's task
     * is not allocated per call.
     */
    private final class Call implements Parallel.RangeTask {
        QuantizedActivations a;
        PackedInt8Weights w8;
        PackedInt4Weights w4;
        GemmOutput out;
        Buffers shared;
        boolean fma;
        int m;
        int n;
        int tileRows;
        /** Floats per row of the converted A (FMA path). */
        int lda;
        int itemRows;
        int itemColumns;
        int columnItems;

        void start(QuantizedActivations a, PackedInt8Weights w8, PackedInt4Weights w4, GemmOutput out, boolean fma) {
            this.a = a;
            this.w8 = w8;
            this.w4 = w4;
            this.out = out;
            this.fma = fma;
            this.m = a.rows();
            this.n = w8 != null ? w8.n() : w4.n();
            this.shared = buffers.get();
            if (fma) {
                tileRows = FMA_ROWS;
                lda = w8 != null ? w8.k() : w4.paddedK();
                floatRows(a, lda, shared);
            } else if (w8 != null) {
                tileRows = INT8_ROWS;
                packRows(a, w8.kPairs(), w8.k(), INT8_ROWS, shared);
            } else {
                tileRows = INT4_ROWS;
                packRows(a, w4.paddedK() / 2, w4.groupSize(), INT4_ROWS, shared);
            }
        }

        /** Drops the operands, so that a pooled thread does not keep them reachable. */
        void finish() {
            a = null;
            w8 = null;
            w4 = null;
            out = null;
            shared = null;
        }

        @Override
        public void run(int start, int end) {
            for (int t = start; t < end; t++) {
                int i0 = (t / columnItems) * itemRows;
                int j0 = (t % columnItems) * itemColumns;
                item(this, i0, Math.min(m, i0 + itemRows), j0, Math.min(n, j0 + itemColumns));
            }
        }
    }

    /** Rows {@code [i0, i1)} × columns {@code [j0, j1)} of C, block by block. */
    private void item(Call call, int i0, int i1, int j0, int j1) {
        Buffers local = buffers.get();
        int blockRows = ceilDiv(ceilDiv(i1 - i0, ceilDiv(i1 - i0, MC)), call.tileRows) * call.tileRows;
        local.reserveBlock(blockRows, call.w4 != null ? Math.max(KC, call.w4.groupSize()) : KC, floats().length());
        for (int ib = i0; ib < i1; ib += blockRows) {
            int ie = Math.min(i1, ib + blockRows);
            for (int jc = j0; jc < j1; jc += NC) {
                int je = Math.min(j1, jc + NC);
                if (call.fma) {
                    if (call.w8 != null) {
                        fmaInt8Block(call, local, ib, ie, jc, je);
                    } else {
                        fmaInt4Block(call, local, ib, ie, jc, je);
                    }
                } else if (call.w8 != null) {
                    integerInt8Block(call, local, ib, ie, jc, je);
                } else {
                    integerInt4Block(call, local, ib, ie, jc, je);
                }
                finishBlock(call, local, ib, ie, jc, je);
            }
        }
    }

    // ---------------------------------------------------------------- FMA path

    /**
     * Converts A to floats {@code a − zeroPoint} in slivers of {@value #FMA_ROWS} rows with the rows
     * interleaved, row {@code i + r} column {@code k} at {@code i·lda + 4k + r}, so that the micro-kernel
     * reads one stream (four row streams cost it two registers, and the int4 kernel then spilled). Zeros
     * past K and in the rows up to a whole sliver.
     */
    private void floatRows(QuantizedActivations a, int lda, Buffers buf) {
        int m = a.rows();
        int k = a.columns();
        int rows = ceilDiv(m, FMA_ROWS) * FMA_ROWS;
        buf.reserveFloatRows(rows, lda);
        float[] af = buf.af;
        VectorSpecies<Byte> bs = floatBytes();
        VectorSpecies<Short> ss = floatRowShorts();
        VectorSpecies<Integer> is = ints();
        VectorSpecies<Float> fs = floats();
        int step = bs.length();
        int lanes = fs.length();
        boolean twoParts = step > lanes;
        long stride = a.rowStrideBytes();
        for (int i = 0; i < rows; i += FMA_ROWS) {
            int base = i * lda;
            int kk = 0;
            if (i + FMA_ROWS <= m) {
                for (int r = 0; r < FMA_ROWS; r++) {
                    // uint8 is read as the signed byte b − 128, so that one sign-extending conversion serves both.
                    float shift = (a.signed() ? 0 : 128) - a.zeroPoint(i + r);
                    for (int l = r; l < lanes; l += FMA_ROWS) {
                        buf.shifts[l] = shift;
                    }
                }
                FloatVector shift = FloatVector.fromArray(fs, buf.shifts, 0);
                long r0 = i * stride;
                for (; kk + step <= k; kk += step) {
                    ShortVector z0 = (ShortVector) ByteVector.fromMemorySegment(bs, a.data(), r0 + kk, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
                    ShortVector z1 = (ShortVector) ByteVector.fromMemorySegment(bs, a.data(), r0 + stride + kk, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
                    ShortVector z2 = (ShortVector) ByteVector.fromMemorySegment(bs, a.data(), r0 + 2 * stride + kk, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
                    ShortVector z3 = (ShortVector) ByteVector.fromMemorySegment(bs, a.data(), r0 + 3 * stride + kk, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
                    ShortVector z01 = z0.or(z1.lanewise(VectorOperators.LSHL, 8));
                    ShortVector z23 = z2.or(z3.lanewise(VectorOperators.LSHL, 8));
                    // Each int holds the four rows' bytes of one column k.
                    int at = base + 4 * kk;
                    ByteVector q = ((IntVector) z01.convertShape(VectorOperators.ZERO_EXTEND_S2I, is, 0))
                            .or(((IntVector) z23.convertShape(VectorOperators.ZERO_EXTEND_S2I, is, 0))
                                    .lanewise(VectorOperators.LSHL, 16)).reinterpretAsBytes();
                    if (!a.signed()) {
                        q = q.lanewise(VectorOperators.XOR, (byte) 0x80);
                    }
                    ((FloatVector) q.convertShape(VectorOperators.B2F, fs, 0)).add(shift).intoArray(af, at);
                    ((FloatVector) q.convertShape(VectorOperators.B2F, fs, 1)).add(shift).intoArray(af, at + lanes);
                    ((FloatVector) q.convertShape(VectorOperators.B2F, fs, 2)).add(shift).intoArray(af, at + 2 * lanes);
                    ((FloatVector) q.convertShape(VectorOperators.B2F, fs, 3)).add(shift).intoArray(af, at + 3 * lanes);
                    if (twoParts) {
                        at += 4 * lanes;
                        q = ((IntVector) z01.convertShape(VectorOperators.ZERO_EXTEND_S2I, is, 1))
                                .or(((IntVector) z23.convertShape(VectorOperators.ZERO_EXTEND_S2I, is, 1))
                                        .lanewise(VectorOperators.LSHL, 16)).reinterpretAsBytes();
                        if (!a.signed()) {
                            q = q.lanewise(VectorOperators.XOR, (byte) 0x80);
                        }
                        ((FloatVector) q.convertShape(VectorOperators.B2F, fs, 0)).add(shift).intoArray(af, at);
                        ((FloatVector) q.convertShape(VectorOperators.B2F, fs, 1)).add(shift).intoArray(af, at + lanes);
                        ((FloatVector) q.convertShape(VectorOperators.B2F, fs, 2)).add(shift).intoArray(af, at + 2 * lanes);
                        ((FloatVector) q.convertShape(VectorOperators.B2F, fs, 3)).add(shift).intoArray(af, at + 3 * lanes);
                    }
                }
            }
            for (; kk < lda; kk++) {
                for (int r = 0; r < FMA_ROWS; r++) {
                    int row = i + r;
                    af[base + 4 * kk + r] = row < m && kk < k ? a.value(row, kk) - a.zeroPoint(row) : 0f;
                }
            }
        }
    }

    private void fmaInt8Block(Call call, Buffers local, int ib, int ie, int jc, int je) {
        PackedInt8Weights w = call.w8;
        int sliver = 2 * floats().length();
        int rows = ceilDiv(ie - ib, FMA_ROWS) * FMA_ROWS;
        for (int kb = 0; kb < call.lda; kb += KC) {
            int kc = Math.min(KC, call.lda - kb);
            for (int j = jc; j < je; j += sliver) {
                int8Sliver(w, kb, kc, j, local.wf);
                for (int i = ib; i < ib + rows; i += FMA_ROWS) {
                    fmaInt8Tile(call.shared.af, i * call.lda + 4 * kb, kc, local.wf, kb > 0, local.sums,
                            (i - ib) * NC + j - jc);
                }
            }
        }
    }

    private void fmaInt4Block(Call call, Buffers local, int ib, int ie, int jc, int je) {
        PackedInt4Weights w = call.w4;
        int sliver = 2 * floats().length();
        int rows = ceilDiv(ie - ib, FMA_ROWS) * FMA_ROWS;
        int g = w.groupSize();
        int depth = Math.max(1, KC / g) * g;
        Arrays.fill(local.floatSums, 0, rows * NC, 0f);
        for (int kb = 0; kb < w.paddedK(); kb += depth) {
            int kc = Math.min(depth, w.paddedK() - kb);
            for (int j = jc; j < je; j += sliver) {
                int4Sliver(w, kb, kc, j, local.wf);
                int scales = kb / g * w.paddedColumns() + j;
                for (int i = ib; i < ib + rows; i += FMA_ROWS) {
                    fmaInt4Tile(call.shared.af, i * call.lda + 4 * kb, kc, g, local.wf, w.paddedScales(), scales,
                            w.paddedColumns(), local.floatSums, (i - ib) * NC + j - jc);
                }
            }
        }
    }

    /**
     * Writes rows {@code [kb, kb+kc)} of int8 columns {@code [j, j + 2·lanes)} as floats to
     * {@code wf[(k − kb)·2·lanes + c]} (one more row when {@code kc} is odd; zeros past the panels).
     */
    private void int8Sliver(PackedInt8Weights w, int kb, int kc, int j, float[] wf) {
        VectorSpecies<Float> fs = floats();
        VectorSpecies<Short> ss = halfShorts();
        int lanes = fs.length();
        int sliver = 2 * lanes;
        int q0 = kb / 2;
        int q1 = (kb + kc + 1) / 2;
        for (int v = 0; v < 2; v++) {
            int col = j + v * lanes;
            if (col >= w.panels() * PackedInt8Weights.PANEL_COLUMNS) {
                zeroColumns(wf, v * lanes, 2 * (q1 - q0), lanes, sliver);
                continue;
            }
            long base = w.panelOffset(col / PackedInt8Weights.PANEL_COLUMNS) + 2L * (col % PackedInt8Weights.PANEL_COLUMNS);
            for (int q = q0, at = v * lanes; q < q1; q++, at += 2 * sliver) {
                // Lane c holds column c's bytes of rows 2q (low) and 2q+1 (high), each stored as w + 128.
                ShortVector x = ShortVector.fromMemorySegment(ss, w.data(), base + (long) q * PackedInt8Weights.BLOCK_BYTES, LE)
                        .lanewise(VectorOperators.XOR, (short) 0x8080);
                ((FloatVector) x.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8)
                        .convertShape(VectorOperators.S2F, fs, 0)).intoArray(wf, at);
                ((FloatVector) x.lanewise(VectorOperators.ASHR, 8).convertShape(VectorOperators.S2F, fs, 0))
                        .intoArray(wf, at + sliver);
            }
        }
    }

    /** As {@link #int8Sliver} for int4 columns, as {@code u − z}; {@code kb} and {@code kc} are whole groups. */
    private void int4Sliver(PackedInt4Weights w, int kb, int kc, int j, float[] wf) {
        VectorSpecies<Float> fs = floats();
        VectorSpecies<Short> ss = halfShorts();
        int lanes = fs.length();
        int sliver = 2 * lanes;
        int g = w.groupSize();
        int blocksPerGroup = g / PackedInt4Weights.BLOCK_ROWS;
        for (int v = 0; v < 2; v++) {
            int col = j + v * lanes;
            if (col >= w.paddedColumns()) {
                zeroColumns(wf, v * lanes, kc, lanes, sliver);
                continue;
            }
            long base = w.panelOffset(col / PackedInt8Weights.PANEL_COLUMNS) + 2L * (col % PackedInt8Weights.PANEL_COLUMNS);
            int at = v * lanes;
            for (int k0 = kb; k0 < kb + kc; k0 += g) {
                FloatVector z = (FloatVector) IntVector.fromArray(ints(), w.paddedZeros(), k0 / g * w.paddedColumns() + col).convert(VectorOperators.I2F, 0);
                for (int t = k0 / PackedInt4Weights.BLOCK_ROWS, tEnd = t + blocksPerGroup; t < tEnd; t++, at += 4 * sliver) {
                    // Lane c: rows 4t, 4t+2 in the low byte's nibbles, 4t+1, 4t+3 in the high byte's.
                    ShortVector x = ShortVector.fromMemorySegment(ss, w.data(),
                            base + (long) t * PackedInt4Weights.BLOCK_BYTES, LE);
                    ((FloatVector) x.and((short) 0x0F).convertShape(VectorOperators.S2F, fs, 0)).sub(z).intoArray(wf, at);
                    ((FloatVector) x.lanewise(VectorOperators.LSHR, 8).and((short) 0x0F)
                            .convertShape(VectorOperators.S2F, fs, 0)).sub(z).intoArray(wf, at + sliver);
                    ((FloatVector) x.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F)
                            .convertShape(VectorOperators.S2F, fs, 0)).sub(z).intoArray(wf, at + 2 * sliver);
                    ((FloatVector) x.lanewise(VectorOperators.LSHR, 12).convertShape(VectorOperators.S2F, fs, 0))
                            .sub(z).intoArray(wf, at + 3 * sliver);
                }
            }
        }
    }

    private static void zeroColumns(float[] wf, int from, int rows, int lanes, int stride) {
        for (int r = 0, at = from; r < rows; r++, at += stride) {
            Arrays.fill(wf, at, at + lanes, 0f);
        }
    }

    /**
     * The A sliver from float {@code a0} (4 interleaved rows) times the {@code kc} weight sliver rows,
     * stored to (or with {@code add}, added to) the int sums of 4 rows × 2 vectors at {@code c0}
     * ({@value #NC} apart).
     */
    private void fmaInt8Tile(float[] af, int a0, int kc, float[] wf, boolean add, int[] c, int c0) {
        VectorSpecies<Float> fs = floats();
        int lanes = fs.length();
        int sliver = 2 * lanes;
        FloatVector c00 = FloatVector.zero(fs);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int at = a0, end = a0 + 4 * kc, b = 0; at < end; at += 4, b += sliver) {
            FloatVector b0 = FloatVector.fromArray(fs, wf, b);
            FloatVector b1 = FloatVector.fromArray(fs, wf, b + lanes);
            FloatVector av = FloatVector.broadcast(fs, af[at]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(fs, af[at + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(fs, af[at + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(fs, af[at + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        VectorSpecies<Integer> is = ints();
        IntVector s00 = (IntVector) c00.convert(VectorOperators.F2I, 0);
        IntVector s01 = (IntVector) c01.convert(VectorOperators.F2I, 0);
        IntVector s10 = (IntVector) c10.convert(VectorOperators.F2I, 0);
        IntVector s11 = (IntVector) c11.convert(VectorOperators.F2I, 0);
        IntVector s20 = (IntVector) c20.convert(VectorOperators.F2I, 0);
        IntVector s21 = (IntVector) c21.convert(VectorOperators.F2I, 0);
        IntVector s30 = (IntVector) c30.convert(VectorOperators.F2I, 0);
        IntVector s31 = (IntVector) c31.convert(VectorOperators.F2I, 0);
        int c1 = c0 + NC;
        int c2 = c1 + NC;
        int c3 = c2 + NC;
        if (add) {
            s00 = s00.add(IntVector.fromArray(is, c, c0));
            s01 = s01.add(IntVector.fromArray(is, c, c0 + lanes));
            s10 = s10.add(IntVector.fromArray(is, c, c1));
            s11 = s11.add(IntVector.fromArray(is, c, c1 + lanes));
            s20 = s20.add(IntVector.fromArray(is, c, c2));
            s21 = s21.add(IntVector.fromArray(is, c, c2 + lanes));
            s30 = s30.add(IntVector.fromArray(is, c, c3));
            s31 = s31.add(IntVector.fromArray(is, c, c3 + lanes));
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + lanes);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + lanes);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + lanes);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + lanes);
    }

    /**
     * As {@link #fmaInt8Tile} for int4 sliver rows, group by group: each group's exact sums are scaled into
     * the float sums of 4 rows × 2 vectors at {@code c0}, {@code c = fma(sum_g, scale_g, c)}, the scales of
     * the first group at {@code s0} and each next {@code scaleStride} further. (Storing the group sums and
     * scaling them in a second pass ran 12% slower at groups of 32.)
     */
    private void fmaInt4Tile(float[] af, int a0, int kc, int groupSize, float[] wf, float[] scales, int s0,
            int scaleStride, float[] c, int c0) {
        VectorSpecies<Float> fs = floats();
        int lanes = fs.length();
        int sliver = 2 * lanes;
        for (int k0 = 0, s = s0; k0 < kc; k0 += groupSize, s += scaleStride) {
            FloatVector c00 = FloatVector.zero(fs);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            for (int at = a0 + 4 * k0, end = at + 4 * groupSize, b = k0 * sliver; at < end; at += 4, b += sliver) {
                FloatVector w0 = FloatVector.fromArray(fs, wf, b);
                FloatVector w1 = FloatVector.fromArray(fs, wf, b + lanes);
                FloatVector av = FloatVector.broadcast(fs, af[at]);
                c00 = av.fma(w0, c00);
                c01 = av.fma(w1, c01);
                av = FloatVector.broadcast(fs, af[at + 1]);
                c10 = av.fma(w0, c10);
                c11 = av.fma(w1, c11);
                av = FloatVector.broadcast(fs, af[at + 2]);
                c20 = av.fma(w0, c20);
                c21 = av.fma(w1, c21);
                av = FloatVector.broadcast(fs, af[at + 3]);
                c30 = av.fma(w0, c30);
                c31 = av.fma(w1, c31);
            }
            FloatVector w0 = FloatVector.fromArray(fs, scales, s);
            FloatVector w1 = FloatVector.fromArray(fs, scales, s + lanes);
            c00.fma(w0, FloatVector.fromArray(fs, c, c0)).intoArray(c, c0);
            c01.fma(w1, FloatVector.fromArray(fs, c, c0 + lanes)).intoArray(c, c0 + lanes);
            int at = c0 + NC;
            c10.fma(w0, FloatVector.fromArray(fs, c, at)).intoArray(c, at);
            c11.fma(w1, FloatVector.fromArray(fs, c, at + lanes)).intoArray(c, at + lanes);
            at += NC;
            c20.fma(w0, FloatVector.fromArray(fs, c, at)).intoArray(c, at);
            c21.fma(w1, FloatVector.fromArray(fs, c, at + lanes)).intoArray(c, at + lanes);
            at += NC;
            c30.fma(w0, FloatVector.fromArray(fs, c, at)).intoArray(c, at);
            c31.fma(w1, FloatVector.fromArray(fs, c, at + lanes)).intoArray(c, at + lanes);
        }
    }

    // ---------------------------------------------------------------- integer path

    /**
     * Widens every row of A to unsigned 16-bit values, two per int ({@code rowInts} ints per row, zeros
     * past K), interleaved by slivers of {@code tileRows} rows: int {@code q} of row {@code r} is at
     * {@code (r / tileRows)·tileRows·rowInts + q·tileRows + r % tileRows}, so that a micro-kernel reads
     * one sequential stream. Also stores per row its unsigned zero point and the sums of its unsigned
     * values over each group of {@code groupSize} (one sum per row when {@code groupSize} is K).
     */
    private void packRows(QuantizedActivations a, int rowInts, int groupSize, int tileRows, Buffers buf) {
        int m = a.rows();
        int k = a.columns();
        int groups = ceilDiv(k, groupSize);
        buf.reserveRows(ceilDiv(m, tileRows) * tileRows, rowInts, groups);
        VectorSpecies<Byte> bytes = halfBytes();
        int step = bytes.length();
        int[] row = buf.row;
        int[] packed = buf.a;
        int bias = a.signed() ? 128 : 0;
        for (int r = 0; r < m; r++) {
            long from = (long) r * a.rowStrideBytes();
            Arrays.fill(row, k / 2, rowInts, 0);
            for (int g = 0; g < groups; g++) {
                int k0 = g * groupSize;
                int k1 = Math.min(k, k0 + groupSize);
                int kk = k0;
                int sum = 0;
                if (k1 - k0 >= step) {
                    IntVector sums = IntVector.zero(ints());
                    for (; kk + step <= k1; kk += step) {
                        ByteVector v = ByteVector.fromMemorySegment(bytes, a.data(), from + kk, LE);
                        if (bias != 0) {
                            v = v.lanewise(VectorOperators.XOR, (byte) 0x80);
                        }
                        IntVector pairs = ((ShortVector) v.convertShape(VectorOperators.ZERO_EXTEND_B2S, shorts(), 0))
                                .reinterpretAsInts();
                        pairs.intoArray(row, kk / 2);
                        sums = sums.add(pairs.and(0xFFFF)).add(pairs.lanewise(VectorOperators.LSHR, 16));
                    }
                    sum = sums.reduceLanes(VectorOperators.ADD);
                }
                for (; kk < k1; kk++) {
                    int u = a.value(r, kk) + bias;
                    sum += u;
                    row[kk / 2] = (kk & 1) == 0 ? u : row[kk / 2] | u << 16;
                }
                buf.rowSums[r * groups + g] = sum;
            }
            for (int q = 0, to = (r / tileRows) * tileRows * rowInts + r % tileRows; q < rowInts; q++, to += tileRows) {
                packed[to] = row[q];
            }
            buf.zeros[r] = a.zeroPoint(r) + bias;
        }
        // Zero rows up to a whole sliver, so that a full-height micro-kernel can run over a partial one.
        int rows = ceilDiv(m, tileRows) * tileRows;
        if (rows > m) {
            int sliver = (m / tileRows) * tileRows * rowInts;
            for (int q = 0; q < rowInts; q++) {
                Arrays.fill(packed, sliver + q * tileRows + m % tileRows, sliver + (q + 1) * tileRows, 0);
            }
            Arrays.fill(buf.rowSums, m * groups, rows * groups, 0);
            Arrays.fill(buf.zeros, m, rows, 0);
        }
    }

    private void integerInt8Block(Call call, Buffers local, int ib, int ie, int jc, int je) {
        PackedInt8Weights w = call.w8;
        int lanes = ints().length();
        int[] a = call.shared.a;
        for (int i = ib; i < ie; i += INT8_ROWS) {
            int rows = Math.min(INT8_ROWS, ie - i);
            int c0 = (i - ib) * NC - jc;
            if (rows >= INT8_TILE_MIN_ROWS) {
                for (int j = jc; j < je; j += lanes) {
                    int8Tile6(a, i * w.kPairs(), w.kPairs(), w.data(), int8Column(w, j), local);
                    int8Sums(w, call.shared, local, i, rows, 0, j, c0 + j);
                }
                continue;
            }
            for (int j = jc; j < je; j += 2 * lanes) {
                boolean two = j + lanes < je;
                for (int r = 0; r < rows; r++) {
                    if (two) {
                        int8Row2(a, i * w.kPairs() + r, w.kPairs(), w.data(), int8Column(w, j), int8Column(w, j + lanes),
                                local, r);
                    } else {
                        int8Tile1(a, i * w.kPairs() + r, w.kPairs(), w.data(), int8Column(w, j), local, r);
                    }
                }
                int8Sums(w, call.shared, local, i, rows, 0, j, c0 + j);
                if (two) {
                    int8Sums(w, call.shared, local, i, rows, INT8_ROW2_SECOND, j + lanes, c0 + j + lanes);
                }
            }
        }
    }

    /** The byte offset of packed int8 column {@code j}'s first K-pair. */
    private static long int8Column(PackedInt8Weights w, int j) {
        return w.panelOffset(j / PackedInt8Weights.PANEL_COLUMNS) + 2L * (j % PackedInt8Weights.PANEL_COLUMNS);
    }

    private void integerInt4Block(Call call, Buffers local, int ib, int ie, int jc, int je) {
        PackedInt4Weights w = call.w4;
        int lanes = ints().length();
        int rowInts = w.paddedK() / 2;
        for (int i = ib; i < ie; i += INT4_ROWS) {
            int rows = Math.min(INT4_ROWS, ie - i);
            int c0 = (i - ib) * NC - jc;
            if (rows >= INT4_TILE_MIN_ROWS) {
                for (int j = jc; j < je; j += lanes) {
                    int4Tile4(call.shared, i, rowInts, w, int4Column(w, j), j, local.floatSums, c0 + j);
                }
                continue;
            }
            for (int j = jc; j < je; j += 2 * lanes) {
                if (j + lanes < je) {
                    int4Row2(call.shared, i, rowInts, w, int4Column(w, j), int4Column(w, j + lanes), j, local.floatSums,
                            c0 + j);
                } else {
                    int4Tile1(call.shared, i, 0, rowInts, w, int4Column(w, j), j, local.floatSums, c0 + j);
                }
            }
        }
    }

    /** The byte offset of packed int4 column {@code j}'s first block. */
    private static long int4Column(PackedInt4Weights w, int j) {
        return w.panelOffset(j / PackedInt8Weights.PANEL_COLUMNS) + 2L * (j % PackedInt8Weights.PANEL_COLUMNS);
    }

    /** The six rows of the A sliver at int {@code a0} times one vector of packed columns at byte {@code b}. */
    private void int8Tile6(int[] a, int a0, int kPairs, MemorySegment w, long b, Buffers out) {
        VectorSpecies<Integer> is = ints();
        VectorSpecies<Short> ss = shorts();
        VectorSpecies<Byte> bs = halfBytes();
        IntVector x0 = IntVector.zero(is);
        IntVector x1 = x0;
        IntVector x2 = x0;
        IntVector x3 = x0;
        IntVector x4 = x0;
        IntVector x5 = x0;
        IntVector h0 = x0;
        IntVector h1 = x0;
        IntVector h2 = x0;
        IntVector h3 = x0;
        IntVector h4 = x0;
        IntVector h5 = x0;
        for (int q = 0, at = a0; q < kPairs; q++, at += INT8_ROWS) {
            ShortVector wq = (ShortVector) ByteVector.fromMemorySegment(bs, w, b + (long) q * PackedInt8Weights.BLOCK_BYTES, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
            IntVector p = IntVector.broadcast(is, a[at]).reinterpretAsShorts().mul(wq).reinterpretAsInts();
            x0 = x0.add(p);
            h0 = h0.add(p.lanewise(VectorOperators.LSHR, 16));
            p = IntVector.broadcast(is, a[at + 1]).reinterpretAsShorts().mul(wq).reinterpretAsInts();
            x1 = x1.add(p);
            h1 = h1.add(p.lanewise(VectorOperators.LSHR, 16));
            p = IntVector.broadcast(is, a[at + 2]).reinterpretAsShorts().mul(wq).reinterpretAsInts();
            x2 = x2.add(p);
            h2 = h2.add(p.lanewise(VectorOperators.LSHR, 16));
            p = IntVector.broadcast(is, a[at + 3]).reinterpretAsShorts().mul(wq).reinterpretAsInts();
            x3 = x3.add(p);
            h3 = h3.add(p.lanewise(VectorOperators.LSHR, 16));
            p = IntVector.broadcast(is, a[at + 4]).reinterpretAsShorts().mul(wq).reinterpretAsInts();
            x4 = x4.add(p);
            h4 = h4.add(p.lanewise(VectorOperators.LSHR, 16));
            p = IntVector.broadcast(is, a[at + 5]).reinterpretAsShorts().mul(wq).reinterpretAsInts();
            x5 = x5.add(p);
            h5 = h5.add(p.lanewise(VectorOperators.LSHR, 16));
        }
        int lanes = is.length();
        x0.intoArray(out.tileX, 0);
        x1.intoArray(out.tileX, lanes);
        x2.intoArray(out.tileX, 2 * lanes);
        x3.intoArray(out.tileX, 3 * lanes);
        x4.intoArray(out.tileX, 4 * lanes);
        x5.intoArray(out.tileX, 5 * lanes);
        h0.intoArray(out.tileH, 0);
        h1.intoArray(out.tileH, lanes);
        h2.intoArray(out.tileH, 2 * lanes);
        h3.intoArray(out.tileH, 3 * lanes);
        h4.intoArray(out.tileH, 4 * lanes);
        h5.intoArray(out.tileH, 5 * lanes);
    }

    /** One row of A, its ints from {@code a0} every {@value #INT8_ROWS}th, times one vector of packed columns, into tile row {@code r}. */
    private void int8Tile1(int[] a, int a0, int kPairs, MemorySegment w, long b, Buffers out, int r) {
        VectorSpecies<Integer> is = ints();
        IntVector x = IntVector.zero(is);
        IntVector h = x;
        for (int q = 0, at = a0; q < kPairs; q++, at += INT8_ROWS) {
            ShortVector wq = (ShortVector) ByteVector.fromMemorySegment(halfBytes(), w, b + (long) q * PackedInt8Weights.BLOCK_BYTES, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, shorts(), 0);
            IntVector p = IntVector.broadcast(is, a[at]).reinterpretAsShorts().mul(wq).reinterpretAsInts();
            x = x.add(p);
            h = h.add(p.lanewise(VectorOperators.LSHR, 16));
        }
        x.intoArray(out.tileX, r * is.length());
        h.intoArray(out.tileH, r * is.length());
    }

    /**
     * As {@link #int8Tile1} for two vectors of columns (at bytes {@code b} and {@code b2}), into tile rows
     * {@code r} and {@code r + }{@value #INT8_ROW2_SECOND}: a GEMV shares each broadcast and loop step
     * between them (50 GOP/s on cached weights instead of 32).
     */
    private void int8Row2(int[] a, int a0, int kPairs, MemorySegment w, long b, long b2, Buffers out, int r) {
        VectorSpecies<Integer> is = ints();
        VectorSpecies<Short> ss = shorts();
        VectorSpecies<Byte> bs = halfBytes();
        IntVector x0 = IntVector.zero(is);
        IntVector h0 = x0;
        IntVector x1 = x0;
        IntVector h1 = x0;
        for (int q = 0, at = a0; q < kPairs; q++, at += INT8_ROWS) {
            long offset = (long) q * PackedInt8Weights.BLOCK_BYTES;
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(bs, w, b + offset, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(bs, w, b2 + offset, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
            ShortVector av = IntVector.broadcast(is, a[at]).reinterpretAsShorts();
            IntVector p = av.mul(w0).reinterpretAsInts();
            x0 = x0.add(p);
            h0 = h0.add(p.lanewise(VectorOperators.LSHR, 16));
            p = av.mul(w1).reinterpretAsInts();
            x1 = x1.add(p);
            h1 = h1.add(p.lanewise(VectorOperators.LSHR, 16));
        }
        int lanes = is.length();
        x0.intoArray(out.tileX, r * lanes);
        h0.intoArray(out.tileH, r * lanes);
        x1.intoArray(out.tileX, (r + INT8_ROW2_SECOND) * lanes);
        h1.intoArray(out.tileH, (r + INT8_ROW2_SECOND) * lanes);
    }

    /**
     * Turns the pair sums of tile rows {@code [tileRow, tileRow + rows)} into exact accumulators,
     * {@code X − 65535·H − 128·Σa − zeroPoint·Σw}, for rows {@code [i, i+rows)} of A and the vector of columns
     * from {@code j}, stored at {@code c0} of the block.
     */
    private void int8Sums(PackedInt8Weights w, Buffers shared, Buffers local, int i, int rows, int tileRow, int j,
            int c0) {
        VectorSpecies<Integer> is = ints();
        int lanes = is.length();
        IntVector columnSums = IntVector.fromArray(is, w.paddedColumnSums(), j);
        for (int r = 0; r < rows; r++) {
            IntVector x = IntVector.fromArray(is, local.tileX, (tileRow + r) * lanes);
            IntVector h = IntVector.fromArray(is, local.tileH, (tileRow + r) * lanes);
            x.sub(h.lanewise(VectorOperators.LSHL, 16)).add(h).sub(shared.rowSums[i + r] << 7)
                    .sub(columnSums.mul(shared.zeros[i + r])).intoArray(local.sums, c0 + r * NC);
        }
    }

    /** Rows {@code [i, i+4)} of A times one vector of packed int4 columns at byte {@code b}, column {@code j}. */
    private void int4Tile4(Buffers shared, int i, int rowInts, PackedInt4Weights w, long b, int j, float[] c, int c0) {
        VectorSpecies<Integer> is = ints();
        VectorSpecies<Short> ss = shorts();
        VectorSpecies<Byte> bs = halfBytes();
        int[] a = shared.a;
        int a0 = i * rowInts;
        int groups = w.groups();
        int blocksPerGroup = w.groupSize() / PackedInt4Weights.BLOCK_ROWS;
        int subBlocks = INT4_SHORT_PAIRS / 2;
        int columns = w.paddedColumns();
        int z0 = shared.zeros[i];
        int z1 = shared.zeros[i + 1];
        int z2 = shared.zeros[i + 2];
        int z3 = shared.zeros[i + 3];
        FloatVector f0 = FloatVector.zero(floats());
        FloatVector f1 = f0;
        FloatVector f2 = f0;
        FloatVector f3 = f0;
        for (int g = 0; g < groups; g++) {
            IntVector i0 = IntVector.zero(is);
            IntVector i1 = i0;
            IntVector i2 = i0;
            IntVector i3 = i0;
            int tEnd = (g + 1) * blocksPerGroup;
            for (int t0 = g * blocksPerGroup; t0 < tEnd; t0 += subBlocks) {
                ShortVector s0 = ShortVector.zero(ss);
                ShortVector s1 = s0;
                ShortVector s2 = s0;
                ShortVector s3 = s0;
                int t1 = Math.min(tEnd, t0 + subBlocks);
                for (int t = t0; t < t1; t++) {
                    ShortVector bytes = (ShortVector) ByteVector.fromMemorySegment(bs, w.data(),
                            b + (long) t * PackedInt4Weights.BLOCK_BYTES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
                    ShortVector lo = bytes.and((short) 0x0F);
                    ShortVector hi = bytes.lanewise(VectorOperators.LSHR, 4);
                    // K-pairs 2t (low nibbles) and 2t+1 (high nibbles) of the four rows, interleaved.
                    int at = a0 + 2 * t * INT4_ROWS;
                    s0 = s0.add(IntVector.broadcast(is, a[at]).reinterpretAsShorts().mul(lo))
                            .add(IntVector.broadcast(is, a[at + 4]).reinterpretAsShorts().mul(hi));
                    s1 = s1.add(IntVector.broadcast(is, a[at + 1]).reinterpretAsShorts().mul(lo))
                            .add(IntVector.broadcast(is, a[at + 5]).reinterpretAsShorts().mul(hi));
                    s2 = s2.add(IntVector.broadcast(is, a[at + 2]).reinterpretAsShorts().mul(lo))
                            .add(IntVector.broadcast(is, a[at + 6]).reinterpretAsShorts().mul(hi));
                    s3 = s3.add(IntVector.broadcast(is, a[at + 3]).reinterpretAsShorts().mul(lo))
                            .add(IntVector.broadcast(is, a[at + 7]).reinterpretAsShorts().mul(hi));
                }
                // Each int lane holds two 16-bit sums: add both halves (helpers taking vectors would not inline here).
                IntVector x = s0.reinterpretAsInts();
                i0 = i0.add(x.and(0xFFFF)).add(x.lanewise(VectorOperators.LSHR, 16));
                x = s1.reinterpretAsInts();
                i1 = i1.add(x.and(0xFFFF)).add(x.lanewise(VectorOperators.LSHR, 16));
                x = s2.reinterpretAsInts();
                i2 = i2.add(x.and(0xFFFF)).add(x.lanewise(VectorOperators.LSHR, 16));
                x = s3.reinterpretAsInts();
                i3 = i3.add(x.and(0xFFFF)).add(x.lanewise(VectorOperators.LSHR, 16));
            }
            int meta = g * columns + j;
            IntVector zw = IntVector.fromArray(is, w.paddedZeros(), meta);
            IntVector dw = IntVector.fromArray(is, w.paddedGroupSums(), meta);
            FloatVector sw = FloatVector.fromArray(floats(), w.paddedScales(), meta);
            // The group's exact accumulator Σ(a − za)(u − zw) = Σa·u − zw·Σa − za·Σ(u − zw), scaled into the sum.
            f0 = ((FloatVector) i0.sub(zw.mul(shared.rowSums[i * groups + g])).sub(dw.mul(z0))
                    .convert(VectorOperators.I2F, 0)).fma(sw, f0);
            f1 = ((FloatVector) i1.sub(zw.mul(shared.rowSums[(i + 1) * groups + g])).sub(dw.mul(z1))
                    .convert(VectorOperators.I2F, 0)).fma(sw, f1);
            f2 = ((FloatVector) i2.sub(zw.mul(shared.rowSums[(i + 2) * groups + g])).sub(dw.mul(z2))
                    .convert(VectorOperators.I2F, 0)).fma(sw, f2);
            f3 = ((FloatVector) i3.sub(zw.mul(shared.rowSums[(i + 3) * groups + g])).sub(dw.mul(z3))
                    .convert(VectorOperators.I2F, 0)).fma(sw, f3);
        }
        f0.intoArray(c, c0);
        f1.intoArray(c, c0 + NC);
        f2.intoArray(c, c0 + 2 * NC);
        f3.intoArray(c, c0 + 3 * NC);
    }

    /** Row {@code i + r} of A (in the sliver from row {@code i}) times one vector of packed int4 columns, into {@code c[c0]}. */
    private void int4Tile1(Buffers shared, int i, int r, int rowInts, PackedInt4Weights w, long b, int j, float[] c,
            int c0) {
        VectorSpecies<Integer> is = ints();
        VectorSpecies<Short> ss = shorts();
        int[] a = shared.a;
        int row = i + r;
        int a0 = i * rowInts + r;
        int groups = w.groups();
        int blocksPerGroup = w.groupSize() / PackedInt4Weights.BLOCK_ROWS;
        int subBlocks = INT4_SHORT_PAIRS / 2;
        FloatVector f = FloatVector.zero(floats());
        for (int g = 0; g < groups; g++) {
            IntVector acc = IntVector.zero(is);
            int tEnd = (g + 1) * blocksPerGroup;
            for (int t0 = g * blocksPerGroup; t0 < tEnd; t0 += subBlocks) {
                ShortVector s = ShortVector.zero(ss);
                int t1 = Math.min(tEnd, t0 + subBlocks);
                for (int t = t0; t < t1; t++) {
                    ShortVector bytes = (ShortVector) ByteVector.fromMemorySegment(halfBytes(), w.data(),
                            b + (long) t * PackedInt4Weights.BLOCK_BYTES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
                    int at = a0 + 2 * t * INT4_ROWS;
                    s = s.add(IntVector.broadcast(is, a[at]).reinterpretAsShorts().mul(bytes.and((short) 0x0F)))
                            .add(IntVector.broadcast(is, a[at + INT4_ROWS]).reinterpretAsShorts()
                                    .mul(bytes.lanewise(VectorOperators.LSHR, 4)));
                }
                IntVector x = s.reinterpretAsInts();
                acc = acc.add(x.and(0xFFFF)).add(x.lanewise(VectorOperators.LSHR, 16));
            }
            int meta = g * w.paddedColumns() + j;
            IntVector zw = IntVector.fromArray(is, w.paddedZeros(), meta);
            IntVector dw = IntVector.fromArray(is, w.paddedGroupSums(), meta);
            f = ((FloatVector) acc.sub(zw.mul(shared.rowSums[row * groups + g])).sub(dw.mul(shared.zeros[row]))
                    .convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(floats(), w.paddedScales(), meta), f);
        }
        f.intoArray(c, c0);
    }

    /**
     * As {@link #int4Tile1} for row {@code i} (the first of its sliver) and two vectors of columns, from
     * {@code j} at byte {@code b} and from {@code j + lanes} at {@code b2}, into {@code c[c0]} and
     * {@code c[c0 + lanes]}: a GEMV shares each broadcast and loop step between them.
     */
    private void int4Row2(Buffers shared, int i, int rowInts, PackedInt4Weights w, long b, long b2, int j, float[] c,
            int c0) {
        VectorSpecies<Integer> is = ints();
        VectorSpecies<Short> ss = shorts();
        VectorSpecies<Byte> bs = halfBytes();
        int lanes = is.length();
        int[] a = shared.a;
        int a0 = i * rowInts;
        int groups = w.groups();
        int blocksPerGroup = w.groupSize() / PackedInt4Weights.BLOCK_ROWS;
        int subBlocks = INT4_SHORT_PAIRS / 2;
        int za = shared.zeros[i];
        FloatVector f0 = FloatVector.zero(floats());
        FloatVector f1 = f0;
        for (int g = 0; g < groups; g++) {
            IntVector acc0 = IntVector.zero(is);
            IntVector acc1 = acc0;
            int tEnd = (g + 1) * blocksPerGroup;
            for (int t0 = g * blocksPerGroup; t0 < tEnd; t0 += subBlocks) {
                ShortVector s0 = ShortVector.zero(ss);
                ShortVector s1 = s0;
                int t1 = Math.min(tEnd, t0 + subBlocks);
                for (int t = t0; t < t1; t++) {
                    long offset = (long) t * PackedInt4Weights.BLOCK_BYTES;
                    ShortVector u0 = (ShortVector) ByteVector.fromMemorySegment(bs, w.data(), b + offset, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
                    ShortVector u1 = (ShortVector) ByteVector.fromMemorySegment(bs, w.data(), b2 + offset, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, ss, 0);
                    int at = a0 + 2 * t * INT4_ROWS;
                    ShortVector lo = IntVector.broadcast(is, a[at]).reinterpretAsShorts();
                    ShortVector hi = IntVector.broadcast(is, a[at + INT4_ROWS]).reinterpretAsShorts();
                    s0 = s0.add(lo.mul(u0.and((short) 0x0F))).add(hi.mul(u0.lanewise(VectorOperators.LSHR, 4)));
                    s1 = s1.add(lo.mul(u1.and((short) 0x0F))).add(hi.mul(u1.lanewise(VectorOperators.LSHR, 4)));
                }
                IntVector x = s0.reinterpretAsInts();
                acc0 = acc0.add(x.and(0xFFFF)).add(x.lanewise(VectorOperators.LSHR, 16));
                x = s1.reinterpretAsInts();
                acc1 = acc1.add(x.and(0xFFFF)).add(x.lanewise(VectorOperators.LSHR, 16));
            }
            int meta = g * w.paddedColumns() + j;
            int rowSum = shared.rowSums[i * groups + g];
            IntVector zw = IntVector.fromArray(is, w.paddedZeros(), meta);
            IntVector dw = IntVector.fromArray(is, w.paddedGroupSums(), meta);
            f0 = ((FloatVector) acc0.sub(zw.mul(rowSum)).sub(dw.mul(za)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(floats(), w.paddedScales(), meta), f0);
            zw = IntVector.fromArray(is, w.paddedZeros(), meta + lanes);
            dw = IntVector.fromArray(is, w.paddedGroupSums(), meta + lanes);
            f1 = ((FloatVector) acc1.sub(zw.mul(rowSum)).sub(dw.mul(za)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(floats(), w.paddedScales(), meta + lanes), f1);
        }
        f0.intoArray(c, c0);
        f1.intoArray(c, c0 + lanes);
    }

    // ---------------------------------------------------------------- epilogue

    /**
     * Writes rows {@code [ib, ie)} × columns {@code [jc, je)} (clipped to M×N) of C from the block's sums:
     * int32 accumulators ({@code sums}, int8) or the group-scaled float sums ({@code floatSums}, int4).
     * {@code v = fma(acc·wScale, aScale, bias)} (int4: {@code fma(sum, aScale, bias)}), ReLU, then to C;
     * GELU and requantization run per row over the block's columns, which start at a multiple of 16, so
     * that the elementwise GELU sees every element at the same vector position as the reference does.
     */
    private void finishBlock(Call call, Buffers local, int ib, int ie, int jc, int je) {
        GemmOutput out = call.out;
        VectorSpecies<Float> fs = floats();
        VectorSpecies<Integer> is = ints();
        int lanes = fs.length();
        int rowsEnd = Math.min(ie, call.m);
        int count = je - jc;
        float[] wScales = call.w8 != null ? call.w8.paddedScales() : null;
        float[] bias = switch (out) {
            case GemmOutput.Int32 c -> null;
            case GemmOutput.Float32 f -> f.bias();
            case GemmOutput.Requantized r -> r.bias();
        };
        Activation activation = switch (out) {
            case GemmOutput.Int32 c -> Activation.NONE;
            case GemmOutput.Float32 f -> f.activation();
            case GemmOutput.Requantized r -> r.activation();
        };
        for (int r = ib; r < rowsEnd; r++) {
            int row = (r - ib) * NC - jc;
            long cRow = (long) r * out.rowStride();
            FloatVector aScale = FloatVector.broadcast(fs, call.a.scale(r));
            for (int j = jc; j < je; j += lanes) {
                boolean whole = je - j >= lanes;
                if (out instanceof GemmOutput.Int32 c) {
                    IntVector acc = IntVector.fromArray(is, local.sums, row + j);
                    if (whole) {
                        acc.intoMemorySegment(c.data(), (cRow + j) * Integer.BYTES, LE);
                    } else {
                        acc.intoMemorySegment(c.data(), (cRow + j) * Integer.BYTES, LE, is.indexInRange(j, je));
                    }
                    continue;
                }
                FloatVector s = wScales != null
                        ? ((FloatVector) IntVector.fromArray(is, local.sums, row + j).convert(VectorOperators.I2F, 0))
                                .mul(FloatVector.fromArray(fs, wScales, j))
                        : FloatVector.fromArray(fs, local.floatSums, row + j);
                VectorMask<Float> mask = whole ? null : fs.indexInRange(j, je);
                FloatVector b = bias == null ? FloatVector.zero(fs)
                        : whole ? FloatVector.fromArray(fs, bias, j) : FloatVector.fromArray(fs, bias, j, mask);
                FloatVector v = s.fma(aScale, b);
                if (activation == Activation.RELU) {
                    v = v.max(0f);
                }
                if (out instanceof GemmOutput.Float32 c) {
                    if (whole) {
                        v.intoMemorySegment(c.data(), (cRow + j) * Float.BYTES, LE);
                    } else {
                        v.intoMemorySegment(c.data(), (cRow + j) * Float.BYTES, LE, mask);
                    }
                } else {
                    v.intoArray(local.strip, j - jc);
                }
            }
            if (out instanceof GemmOutput.Float32 c && activation == Activation.GELU) {
                Gelu.apply(c.data(), cRow + jc, count, local.geluScratch);
            } else if (out instanceof GemmOutput.Requantized q) {
                if (activation == Activation.GELU) {
                    Gelu.apply(local.stripSegment, 0, count, local.geluScratch);
                }
                quantizer().quantize(local.stripSegment, 0, count, q.scale(), q.zeroPoint(), q.signed(), q.data(), cRow + jc);
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /**
     * One thread's scratch, grown on demand and then reused: A as packed pairs or floats with its row data
     * (used by the calling thread's products), and the block sums, weight sliver and tiles of the items it runs.
     */
    private static final class Buffers {
        int[] a = new int[0];
        int[] row = new int[0];
        int[] rowSums = new int[0];
        int[] zeros = new int[0];
        float[] af = new float[0];
        int[] tileX = new int[INT8_ROWS * 16];
        int[] tileH = new int[INT8_ROWS * 16];
        int[] sums = new int[0];
        float[] floatSums = new float[0];
        float[] wf = new float[0];
        /** The float conversion's per-lane shifts: four rows' {@code −zeroPoint} (+128 for uint8), repeated. */
        float[] shifts = new float[16];
        float[] strip = new float[NC];
        MemorySegment stripSegment = MemorySegment.ofArray(strip);
        MemorySegment geluScratch = MemorySegment.ofArray(new float[NC]);

        void reserveRows(int m, int rowInts, int groups) {
            if (a.length < (long) m * rowInts) {
                a = new int[Math.multiplyExact(m, rowInts)];
            }
            if (row.length < rowInts) {
                row = new int[rowInts];
            }
            if (rowSums.length < (long) m * groups) {
                rowSums = new int[Math.multiplyExact(m, groups)];
            }
            if (zeros.length < m) {
                zeros = new int[m];
            }
        }

        void reserveFloatRows(int m, int lda) {
            if (af.length < (long) m * lda) {
                af = new float[Math.multiplyExact(m, lda)];
            }
        }

        /** Sums for {@code rows}×{@value #NC} and a weight sliver of {@code depth} (+1) rows of two vectors. */
        void reserveBlock(int rows, int depth, int lanes) {
            if (sums.length < rows * NC) {
                sums = new int[rows * NC];
                floatSums = new float[rows * NC];
            }
            if (wf.length < (depth + 1) * 2 * lanes) {
                wf = new float[(depth + 1) * 2 * lanes];
            }
        }
    }

    static final class Bits128 extends VectorQuantizedGemm {
        private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_128;
        private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_128;
        private static final VectorSpecies<Byte> HALF_BYTES = ByteVector.SPECIES_64;
        private static final VectorSpecies<Short> HALF_SHORTS = ShortVector.SPECIES_64;
        private static final VectorSpecies<Byte> FLOAT_BYTES = ByteVector.SPECIES_64;
        private static final VectorSpecies<Short> FLOAT_ROW_SHORTS = ShortVector.SPECIES_128;
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_128;
        private final VectorActivationQuantizer quantizer = VectorActivationQuantizer.forBits(128);

        @Override
        VectorSpecies<Integer> ints() {
            return INTS;
        }

        @Override
        VectorSpecies<Short> shorts() {
            return SHORTS;
        }

        @Override
        VectorSpecies<Byte> halfBytes() {
            return HALF_BYTES;
        }

        @Override
        VectorSpecies<Short> halfShorts() {
            return HALF_SHORTS;
        }

        @Override
        VectorSpecies<Byte> floatBytes() {
            return FLOAT_BYTES;
        }

        @Override
        VectorSpecies<Short> floatRowShorts() {
            return FLOAT_ROW_SHORTS;
        }

        @Override
        VectorSpecies<Float> floats() {
            return FLOATS;
        }

        @Override
        VectorActivationQuantizer quantizer() {
            return quantizer;
        }
    }

    static final class Bits256 extends VectorQuantizedGemm {
        private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
        private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_256;
        private static final VectorSpecies<Byte> HALF_BYTES = ByteVector.SPECIES_128;
        private static final VectorSpecies<Short> HALF_SHORTS = ShortVector.SPECIES_128;
        private static final VectorSpecies<Byte> FLOAT_BYTES = ByteVector.SPECIES_64;
        private static final VectorSpecies<Short> FLOAT_ROW_SHORTS = ShortVector.SPECIES_128;
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
        private final VectorActivationQuantizer quantizer = VectorActivationQuantizer.forBits(256);

        @Override
        VectorSpecies<Integer> ints() {
            return INTS;
        }

        @Override
        VectorSpecies<Short> shorts() {
            return SHORTS;
        }

        @Override
        VectorSpecies<Byte> halfBytes() {
            return HALF_BYTES;
        }

        @Override
        VectorSpecies<Short> halfShorts() {
            return HALF_SHORTS;
        }

        @Override
        VectorSpecies<Byte> floatBytes() {
            return FLOAT_BYTES;
        }

        @Override
        VectorSpecies<Short> floatRowShorts() {
            return FLOAT_ROW_SHORTS;
        }

        @Override
        VectorSpecies<Float> floats() {
            return FLOATS;
        }

        @Override
        VectorActivationQuantizer quantizer() {
            return quantizer;
        }
    }

    static final class Bits512 extends VectorQuantizedGemm {
        private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;
        private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_512;
        private static final VectorSpecies<Byte> HALF_BYTES = ByteVector.SPECIES_256;
        private static final VectorSpecies<Short> HALF_SHORTS = ShortVector.SPECIES_256;
        private static final VectorSpecies<Byte> FLOAT_BYTES = ByteVector.SPECIES_128;
        private static final VectorSpecies<Short> FLOAT_ROW_SHORTS = ShortVector.SPECIES_256;
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
        private final VectorActivationQuantizer quantizer = VectorActivationQuantizer.forBits(512);

        @Override
        VectorSpecies<Integer> ints() {
            return INTS;
        }

        @Override
        VectorSpecies<Short> shorts() {
            return SHORTS;
        }

        @Override
        VectorSpecies<Byte> halfBytes() {
            return HALF_BYTES;
        }

        @Override
        VectorSpecies<Short> halfShorts() {
            return HALF_SHORTS;
        }

        @Override
        VectorSpecies<Byte> floatBytes() {
            return FLOAT_BYTES;
        }

        @Override
        VectorSpecies<Short> floatRowShorts() {
            return FLOAT_ROW_SHORTS;
        }

        @Override
        VectorSpecies<Float> floats() {
            return FLOATS;
        }

        @Override
        VectorActivationQuantizer quantizer() {
            return quantizer;
        }
    }
}
