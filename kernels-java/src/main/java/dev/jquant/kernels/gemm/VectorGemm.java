package dev.jquant.kernels.gemm;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on the Vector API, in the GotoBLAS/BLIS layout: C is cut into tiles of at most
 * {@code MC_MAX × NC_MAX} that the threads share out; per tile and per {@code KC} slice of K, op(A)
 * is packed into slivers of {@value #MR} rows and op(B) into slivers of two vectors' worth of columns,
 * and a register-tiled micro-kernel keeps a {@value #MR}×2-vector block of C in twelve accumulators
 * while it streams both slivers with one FMA per multiply. Products with fewer than
 * {@value #SMALL_M} rows (one token, a GEMV) skip packing and stream B straight from its segment,
 * since packing would cost as much as the product.
 *
 * <p>Pack buffers are {@code float[]}s reused per thread (a {@link ThreadLocal} per instance, about
 * 0.7 MB at 256 bits), so the hot path allocates nothing after a thread's first call.
 *
 * <p>The species is a constant per subclass ({@link #species()} returns a {@code static final}):
 * with the species in an instance field C2 cannot intrinsify the vector operations, and the
 * micro-kernel ran at 1.4 GFLOPS instead of 41 (Zen 3, AVX2, JDK 25). A JVM that mixes widths (as the
 * tests do) makes the call site polymorphic and runs correctly but slowly; production picks one width.
 */
public abstract sealed class VectorGemm implements GemmKernel permits VectorGemm.Bits128, VectorGemm.Bits256,
        VectorGemm.Bits512 {

    private static final ValueLayout.OfFloat F32 = ScalarGemm.F32;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Rows of the micro-kernel; with two vectors of columns this is 12 accumulators (AVX2 has 16 registers). */
    static final int MR = 6;
    /** Depth of one packed slice: a B sliver of KC×16 floats (16 KiB at 256 bits) stays in L1. */
    static final int KC = 256;
    /** Rows per tile: the packed A block (MC_MAX×KC, 144 KiB) stays in L2. */
    static final int MC_MAX = 144;
    /** Columns per tile, a multiple of every width's sliver (8, 16, 32). */
    static final int NC_MAX = 512;
    /** Below this many rows the product streams B instead of packing it. */
    static final int SMALL_M = 8;

    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(() -> new Buffers(species().length()));

    /** The float species this kernel runs at; each subclass returns a {@code static final} constant. */
    abstract VectorSpecies<Float> species();

    /**
     * The vector width in bits to use under a cap of {@code maxBits} (0: no cap): the machine's preferred
     * width, lowered to the widest of 512, 256 and 128 that fits the cap, or 0 when none does.
     */
    public static int widthBits(int maxBits) {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = maxBits > 0 ? Math.min(maxBits, preferred) : preferred;
        return bits >= 512 ? 512 : bits >= 256 ? 256 : bits >= 128 ? 128 : 0;
    }

    /** The kernel at {@code bits} = 128, 256 or 512 (a width the machine lacks runs, slowly, in software). */
    public static VectorGemm forBits(int bits) {
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
    public void multiply(GemmProblem p, MemorySegment a, MemorySegment b, MemorySegment c, Parallel parallel) {
        int m = p.m();
        int n = p.n();
        if (m == 0 || n == 0) {
            return;
        }
        if (p.k() == 0) {
            scaleOnly(p, c);
        } else if (m < SMALL_M && !p.transB()) {
            streamRows(p, a, b, c, parallel);
        } else if (m < SMALL_M && !p.transA()) {
            streamDots(p, a, b, c, parallel);
        } else {
            blocked(p, a, b, c, parallel);
        }
    }

    /** {@code C ← beta·C} for an empty inner dimension. */
    private static void scaleOnly(GemmProblem p, MemorySegment c) {
        for (int batch = 0; batch < p.batchCount(); batch++) {
            for (int i = 0; i < p.m(); i++) {
                long row = p.cOffset(batch) + (long) i * p.ldc();
                for (int j = 0; j < p.n(); j++) {
                    c.setAtIndex(F32, row + j, p.beta() == 0f ? 0f : p.beta() * c.getAtIndex(F32, row + j));
                }
            }
        }
    }

    // ---------------------------------------------------------------- blocked path

    private void blocked(GemmProblem p, MemorySegment a, MemorySegment b, MemorySegment c, Parallel parallel) {
        int nr = 2 * species().length();
        int m = p.m();
        int n = p.n();
        int batches = p.batchCount();
        int mc = roundUp(ceilDiv(m, ceilDiv(m, MC_MAX)), MR);
        int mTiles = ceilDiv(m, mc);
        int nTiles = ceilDiv(n, NC_MAX);
        // Enough tiles for every thread; splitting N keeps each thread's packed B disjoint.
        long perN = (long) batches * mTiles;
        if (perN * nTiles < parallel.threads()) {
            nTiles = (int) Math.min(ceilDiv(n, nr), ceilDiv(parallel.threads(), perN));
        }
        int nc = roundUp(ceilDiv(n, nTiles), nr);
        int nTileCount = ceilDiv(n, nc);
        int items = Math.multiplyExact(Math.multiplyExact(batches, mTiles), nTileCount);
        parallel.forRange(items, 1, (start, end) -> {
            Buffers buf = buffers.get();
            // Consecutive items share (batch, mTile): pack each A slice once for all of their N tiles.
            int item = start;
            while (item < end) {
                int group = item / nTileCount;
                int groupEnd = Math.min(end, (group + 1) * nTileCount);
                int batch = group / mTiles;
                int i0 = (group % mTiles) * mc;
                int rows = Math.min(mc, m - i0);
                for (int pc = 0; pc < p.k(); pc += KC) {
                    int kc = Math.min(KC, p.k() - pc);
                    packA(p, a, p.aOffset(batch), i0, rows, pc, kc, buf);
                    float beta = pc == 0 ? p.beta() : 1f;
                    for (int t = item; t < groupEnd; t++) {
                        int j0 = (t % nTileCount) * nc;
                        int cols = Math.min(nc, n - j0);
                        packB(p, b, p.bOffset(batch), j0, cols, pc, kc, buf);
                        computeTile(p, c, p.cOffset(batch) + (long) i0 * p.ldc() + j0, rows, cols, kc, beta, buf);
                    }
                }
                item = groupEnd;
            }
        });
    }

    /** Packs rows {@code [i0, i0+rows)} × depth {@code [pc, pc+kc)} of op(A) into MR-row slivers, p-major. */
    private static void packA(GemmProblem p, MemorySegment a, long aOffset, int i0, int rows, int pc, int kc, Buffers buf) {
        float[] ap = buf.a;
        float[] tmp = buf.rows;
        for (int s = 0; s < rows; s += MR) {
            int base = s * kc;
            int r = Math.min(MR, rows - s);
            if (p.transA()) {
                // op(A) row i is column i of A: the MR values of one p are adjacent.
                for (int q = 0; q < kc; q++) {
                    long src = aOffset + (long) (pc + q) * p.lda() + i0 + s;
                    MemorySegment.copy(a, F32, src * Float.BYTES, ap, base + q * MR, r);
                    for (int rr = r; rr < MR; rr++) {
                        ap[base + q * MR + rr] = 0f;
                    }
                }
            } else {
                for (int rr = 0; rr < r; rr++) {
                    long src = aOffset + (long) (i0 + s + rr) * p.lda() + pc;
                    MemorySegment.copy(a, F32, src * Float.BYTES, tmp, rr * kc, kc);
                }
                for (int q = 0; q < kc; q++) {
                    int dst = base + q * MR;
                    for (int rr = 0; rr < r; rr++) {
                        ap[dst + rr] = tmp[rr * kc + q];
                    }
                    for (int rr = r; rr < MR; rr++) {
                        ap[dst + rr] = 0f;
                    }
                }
            }
        }
    }

    /** Packs depth {@code [pc, pc+kc)} × columns {@code [j0, j0+cols)} of op(B) into slivers of two vectors, p-major. */
    private void packB(GemmProblem p, MemorySegment b, long bOffset, int j0, int cols, int pc, int kc, Buffers buf) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        int nr = 2 * lanes;
        float[] bp = buf.b;
        float[] tmp = buf.rows;
        for (int s = 0; s < cols; s += nr) {
            int base = s * kc;
            int w = Math.min(nr, cols - s);
            if (p.transB()) {
                // op(B) column j is row j of B: copy rows out, then interleave.
                for (int jj = 0; jj < w; jj++) {
                    long src = bOffset + (long) (j0 + s + jj) * p.ldb() + pc;
                    MemorySegment.copy(b, F32, src * Float.BYTES, tmp, jj * kc, kc);
                }
                for (int q = 0; q < kc; q++) {
                    int dst = base + q * nr;
                    for (int jj = 0; jj < w; jj++) {
                        bp[dst + jj] = tmp[jj * kc + q];
                    }
                    for (int jj = w; jj < nr; jj++) {
                        bp[dst + jj] = 0f;
                    }
                }
            } else if (w == nr) {
                for (int q = 0; q < kc; q++) {
                    long src = (bOffset + (long) (pc + q) * p.ldb() + j0 + s) * Float.BYTES;
                    FloatVector.fromMemorySegment(species, b, src, LE).intoArray(bp, base + q * nr);
                    FloatVector.fromMemorySegment(species, b, src + (long) lanes * Float.BYTES, LE)
                            .intoArray(bp, base + q * nr + lanes);
                }
            } else {
                for (int q = 0; q < kc; q++) {
                    long src = bOffset + (long) (pc + q) * p.ldb() + j0 + s;
                    MemorySegment.copy(b, F32, src * Float.BYTES, bp, base + q * nr, w);
                    for (int jj = w; jj < nr; jj++) {
                        bp[base + q * nr + jj] = 0f;
                    }
                }
            }
        }
    }

    private void computeTile(GemmProblem p, MemorySegment c, long cOrigin, int rows, int cols, int kc, float beta,
            Buffers buf) {
        int nr = 2 * species().length();
        for (int jr = 0; jr < cols; jr += nr) {
            for (int ir = 0; ir < rows; ir += MR) {
                microKernel(kc, buf.a, ir * kc, buf.b, jr * kc, c, cOrigin + (long) ir * p.ldc() + jr, p.ldc(),
                        Math.min(MR, rows - ir), Math.min(nr, cols - jr), p.alpha(), beta, buf.tile);
            }
        }
    }

    /**
     * {@code C[MR × 2 vectors] ← alpha·(A sliver · B sliver) + beta·C}. Full blocks store straight into C;
     * edge blocks ({@code rows < MR} or {@code cols < 2 vectors}) go through {@code tile}.
     */
    private void microKernel(int kc, float[] ap, int ao, float[] bp, int bo, MemorySegment c, long cIndex, int ldc,
            int rows, int cols, float alpha, float beta, float[] tile) {
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
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int q = 0; q < kc; q++) {
            FloatVector b0 = FloatVector.fromArray(species, bp, bo);
            FloatVector b1 = FloatVector.fromArray(species, bp, bo + lanes);
            FloatVector av = FloatVector.broadcast(species, ap[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(species, ap[ao + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(species, ap[ao + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(species, ap[ao + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(species, ap[ao + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(species, ap[ao + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            ao += MR;
            bo += 2 * lanes;
        }
        if (rows == MR && cols == 2 * lanes) {
            long stride = (long) ldc * Float.BYTES;
            long at = cIndex * Float.BYTES;
            long second = (long) lanes * Float.BYTES;
            store(c, at, c00, alpha, beta);
            store(c, at + second, c01, alpha, beta);
            store(c, at += stride, c10, alpha, beta);
            store(c, at + second, c11, alpha, beta);
            store(c, at += stride, c20, alpha, beta);
            store(c, at + second, c21, alpha, beta);
            store(c, at += stride, c30, alpha, beta);
            store(c, at + second, c31, alpha, beta);
            store(c, at += stride, c40, alpha, beta);
            store(c, at + second, c41, alpha, beta);
            store(c, at += stride, c50, alpha, beta);
            store(c, at + second, c51, alpha, beta);
            return;
        }
        int nr = 2 * lanes;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, lanes);
        c10.intoArray(tile, nr);
        c11.intoArray(tile, nr + lanes);
        c20.intoArray(tile, 2 * nr);
        c21.intoArray(tile, 2 * nr + lanes);
        c30.intoArray(tile, 3 * nr);
        c31.intoArray(tile, 3 * nr + lanes);
        c40.intoArray(tile, 4 * nr);
        c41.intoArray(tile, 4 * nr + lanes);
        c50.intoArray(tile, 5 * nr);
        c51.intoArray(tile, 5 * nr + lanes);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                combine(c, cIndex + (long) r * ldc + j, tile[r * nr + j], alpha, beta);
            }
        }
    }

    /** Stores {@code alpha·acc + beta·C} at byte offset {@code at}. */
    private void store(MemorySegment c, long at, FloatVector acc, float alpha, float beta) {
        FloatVector v = acc.mul(alpha);
        if (beta != 0f) {
            v = FloatVector.fromMemorySegment(species(), c, at, LE).fma(FloatVector.broadcast(species(), beta), v);
        }
        v.intoMemorySegment(c, at, LE);
    }

    private static void combine(MemorySegment c, long index, float sum, float alpha, float beta) {
        float v = alpha * sum;
        if (beta != 0f) {
            v += beta * c.getAtIndex(F32, index);
        }
        c.setAtIndex(F32, index, v);
    }

    // ---------------------------------------------------------------- few rows, B streamed

    /** Columns per parallel item in the streaming paths. */
    private int streamChunk() {
        return 12 * species().length();
    }

    /** {@code m < SMALL_M}, B untransposed: each row of C is a sum of rows of B scaled by A's entries. */
    private void streamRows(GemmProblem p, MemorySegment a, MemorySegment b, MemorySegment c, Parallel parallel) {
        int chunk = streamChunk();
        int chunks = ceilDiv(p.n(), chunk);
        parallel.forRange(Math.multiplyExact(p.batchCount(), chunks), 1, (start, end) -> {
            for (int item = start; item < end; item++) {
                int batch = item / chunks;
                int j0 = (item % chunks) * chunk;
                int j1 = Math.min(p.n(), j0 + chunk);
                int i = 0;
                for (; i + 4 <= p.m(); i += 4) {
                    rows4(p, batch, i, j0, j1, a, b, c);
                }
                for (; i < p.m(); i++) {
                    row1(p, batch, i, j0, j1, a, b, c);
                }
            }
        });
    }

    private static long aIndex(GemmProblem p, long aOffset, int i, int q) {
        return p.transA() ? aOffset + (long) q * p.lda() + i : aOffset + (long) i * p.lda() + q;
    }

    private void rows4(GemmProblem p, int batch, int i, int j0, int j1, MemorySegment a, MemorySegment b,
            MemorySegment c) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        long aOff = p.aOffset(batch);
        long bOff = p.bOffset(batch);
        long cRow = p.cOffset(batch) + (long) i * p.ldc();
        long ldcBytes = (long) p.ldc() * Float.BYTES;
        float alpha = p.alpha();
        float beta = p.beta();
        int j = j0;
        for (; j + 3 * lanes <= j1; j += 3 * lanes) {
            FloatVector c00 = FloatVector.zero(species);
            FloatVector c01 = c00;
            FloatVector c02 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c12 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c22 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            FloatVector c32 = c00;
            for (int q = 0; q < p.k(); q++) {
                long at = (bOff + (long) q * p.ldb() + j) * Float.BYTES;
                FloatVector b0 = FloatVector.fromMemorySegment(species, b, at, LE);
                FloatVector b1 = FloatVector.fromMemorySegment(species, b, at + (long) lanes * Float.BYTES, LE);
                FloatVector b2 = FloatVector.fromMemorySegment(species, b, at + 2L * lanes * Float.BYTES, LE);
                FloatVector av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i, q)));
                c00 = av.fma(b0, c00);
                c01 = av.fma(b1, c01);
                c02 = av.fma(b2, c02);
                av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i + 1, q)));
                c10 = av.fma(b0, c10);
                c11 = av.fma(b1, c11);
                c12 = av.fma(b2, c12);
                av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i + 2, q)));
                c20 = av.fma(b0, c20);
                c21 = av.fma(b1, c21);
                c22 = av.fma(b2, c22);
                av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i + 3, q)));
                c30 = av.fma(b0, c30);
                c31 = av.fma(b1, c31);
                c32 = av.fma(b2, c32);
            }
            long at = (cRow + j) * Float.BYTES;
            long v1 = (long) lanes * Float.BYTES;
            long v2 = 2 * v1;
            store(c, at, c00, alpha, beta);
            store(c, at + v1, c01, alpha, beta);
            store(c, at + v2, c02, alpha, beta);
            store(c, at += ldcBytes, c10, alpha, beta);
            store(c, at + v1, c11, alpha, beta);
            store(c, at + v2, c12, alpha, beta);
            store(c, at += ldcBytes, c20, alpha, beta);
            store(c, at + v1, c21, alpha, beta);
            store(c, at + v2, c22, alpha, beta);
            store(c, at += ldcBytes, c30, alpha, beta);
            store(c, at + v1, c31, alpha, beta);
            store(c, at + v2, c32, alpha, beta);
        }
        for (int r = 0; r < 4; r++) {
            row1(p, batch, i + r, j, j1, a, b, c);
        }
    }

    /** One row of C over columns {@code [j0, j1)}: whole vectors, then a scalar tail. */
    private void row1(GemmProblem p, int batch, int i, int j0, int j1, MemorySegment a, MemorySegment b,
            MemorySegment c) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        long aOff = p.aOffset(batch);
        long bOff = p.bOffset(batch);
        long cRow = p.cOffset(batch) + (long) i * p.ldc();
        int j = j0;
        for (; j + 2 * lanes <= j1; j += 2 * lanes) {
            FloatVector c0 = FloatVector.zero(species);
            FloatVector c1 = c0;
            for (int q = 0; q < p.k(); q++) {
                long at = (bOff + (long) q * p.ldb() + j) * Float.BYTES;
                FloatVector av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i, q)));
                c0 = av.fma(FloatVector.fromMemorySegment(species, b, at, LE), c0);
                c1 = av.fma(FloatVector.fromMemorySegment(species, b, at + (long) lanes * Float.BYTES, LE), c1);
            }
            store(c, (cRow + j) * Float.BYTES, c0, p.alpha(), p.beta());
            store(c, (cRow + j + lanes) * Float.BYTES, c1, p.alpha(), p.beta());
        }
        for (; j < j1; j++) {
            float sum = 0f;
            for (int q = 0; q < p.k(); q++) {
                sum += a.getAtIndex(F32, aIndex(p, aOff, i, q)) * b.getAtIndex(F32, bOff + (long) q * p.ldb() + j);
            }
            combine(c, cRow + j, sum, p.alpha(), p.beta());
        }
    }

    /** {@code m < SMALL_M}, B transposed, A not: every element of C is a dot product of two contiguous rows. */
    private void streamDots(GemmProblem p, MemorySegment a, MemorySegment b, MemorySegment c, Parallel parallel) {
        int chunk = streamChunk();
        int chunks = ceilDiv(p.n(), chunk);
        parallel.forRange(Math.multiplyExact(p.batchCount(), chunks), 1, (start, end) -> {
            for (int item = start; item < end; item++) {
                int batch = item / chunks;
                int j0 = (item % chunks) * chunk;
                int j1 = Math.min(p.n(), j0 + chunk);
                for (int i = 0; i < p.m(); i += 2) {
                    dots(p, batch, i, Math.min(i + 1, p.m() - 1), j0, j1, a, b, c);
                }
            }
        });
    }

    /** Rows {@code i0} and {@code i1} of C (equal when only one is left) over columns {@code [j0, j1)}. */
    private void dots(GemmProblem p, int batch, int i0, int i1, int j0, int j1, MemorySegment a, MemorySegment b,
            MemorySegment c) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        int k = p.k();
        int kVec = k - k % lanes;
        long a0 = (p.aOffset(batch) + (long) i0 * p.lda()) * Float.BYTES;
        long a1 = (p.aOffset(batch) + (long) i1 * p.lda()) * Float.BYTES;
        long bRows = (long) p.ldb() * Float.BYTES;
        long c0 = p.cOffset(batch) + (long) i0 * p.ldc();
        long c1 = p.cOffset(batch) + (long) i1 * p.ldc();
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            long b0 = (p.bOffset(batch) + (long) j * p.ldb()) * Float.BYTES;
            FloatVector s00 = FloatVector.zero(species);
            FloatVector s01 = s00;
            FloatVector s02 = s00;
            FloatVector s03 = s00;
            FloatVector s10 = s00;
            FloatVector s11 = s00;
            FloatVector s12 = s00;
            FloatVector s13 = s00;
            for (int q = 0; q < kVec; q += lanes) {
                long qb = (long) q * Float.BYTES;
                FloatVector x0 = FloatVector.fromMemorySegment(species, a, a0 + qb, LE);
                FloatVector x1 = FloatVector.fromMemorySegment(species, a, a1 + qb, LE);
                FloatVector y = FloatVector.fromMemorySegment(species, b, b0 + qb, LE);
                s00 = x0.fma(y, s00);
                s10 = x1.fma(y, s10);
                y = FloatVector.fromMemorySegment(species, b, b0 + bRows + qb, LE);
                s01 = x0.fma(y, s01);
                s11 = x1.fma(y, s11);
                y = FloatVector.fromMemorySegment(species, b, b0 + 2 * bRows + qb, LE);
                s02 = x0.fma(y, s02);
                s12 = x1.fma(y, s12);
                y = FloatVector.fromMemorySegment(species, b, b0 + 3 * bRows + qb, LE);
                s03 = x0.fma(y, s03);
                s13 = x1.fma(y, s13);
            }
            finishDot(p, c, c0 + j, s00, a, a0, b, b0);
            finishDot(p, c, c0 + j + 1, s01, a, a0, b, b0 + bRows);
            finishDot(p, c, c0 + j + 2, s02, a, a0, b, b0 + 2 * bRows);
            finishDot(p, c, c0 + j + 3, s03, a, a0, b, b0 + 3 * bRows);
            if (i1 != i0) {
                finishDot(p, c, c1 + j, s10, a, a1, b, b0);
                finishDot(p, c, c1 + j + 1, s11, a, a1, b, b0 + bRows);
                finishDot(p, c, c1 + j + 2, s12, a, a1, b, b0 + 2 * bRows);
                finishDot(p, c, c1 + j + 3, s13, a, a1, b, b0 + 3 * bRows);
            }
        }
        for (; j < j1; j++) {
            long bRow = (p.bOffset(batch) + (long) j * p.ldb()) * Float.BYTES;
            FloatVector s0 = FloatVector.zero(species);
            FloatVector s1 = s0;
            for (int q = 0; q < kVec; q += lanes) {
                long qb = (long) q * Float.BYTES;
                FloatVector y = FloatVector.fromMemorySegment(species, b, bRow + qb, LE);
                s0 = FloatVector.fromMemorySegment(species, a, a0 + qb, LE).fma(y, s0);
                s1 = FloatVector.fromMemorySegment(species, a, a1 + qb, LE).fma(y, s1);
            }
            finishDot(p, c, c0 + j, s0, a, a0, b, bRow);
            if (i1 != i0) {
                finishDot(p, c, c1 + j, s1, a, a1, b, bRow);
            }
        }
    }

    /**
     * Completes one dot product of rows at byte offsets {@code x} (in A) and {@code y} (in B): the vector
     * partial sums, plus the elements past the last whole vector, stored to C at element {@code index}.
     */
    private void finishDot(GemmProblem p, MemorySegment c, long index, FloatVector partial, MemorySegment a, long x,
            MemorySegment b, long y) {
        int k = p.k();
        float sum = partial.reduceLanes(VectorOperators.ADD);
        for (int q = k - k % species().length(); q < k; q++) {
            sum += a.get(F32, x + (long) q * Float.BYTES) * b.get(F32, y + (long) q * Float.BYTES);
        }
        combine(c, index, sum, p.alpha(), p.beta());
    }

    private static int ceilDiv(long x, long y) {
        return (int) ((x + y - 1) / y);
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }

    /** One thread's pack buffers. */
    private static final class Buffers {
        final float[] a = new float[MC_MAX * KC];
        final float[] b;
        final float[] rows;
        final float[] tile;

        Buffers(int lanes) {
            int nr = 2 * lanes;
            b = new float[KC * NC_MAX];
            rows = new float[Math.max(MR, nr) * KC];
            tile = new float[MR * nr];
        }
    }

    static final class Bits128 extends VectorGemm {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_128;

        @Override
        VectorSpecies<Float> species() {
            return SPECIES;
        }
    }

    static final class Bits256 extends VectorGemm {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256;

        @Override
        VectorSpecies<Float> species() {
            return SPECIES;
        }
    }

    static final class Bits512 extends VectorGemm {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_512;

        @Override
        VectorSpecies<Float> species() {
            return SPECIES;
        }
    }
}
