package dev.jquant.kernels.gemm;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on the Vector API, in the GotoBLAS/BLIS layout: C is cut into tiles of at most
 * {@code MC_MAX × NC_MAX} that the threads share out; per tile and per {@code KC} slice of K, op(A)
 * is packed into slivers of {@value #MR} rows and op(B) into slivers of two vectors' worth of columns,
 * and a register-tiled micro-kernel keeps a {@value #MR}×2-vector block of C in eight accumulators
 * while it streams both slivers with one FMA per multiply. Products with fewer than
 * {@value #SMALL_M} rows (one token, a GEMV) skip packing and stream B straight from its segment,
 * since packing would cost as much as the product.
 *
 * <p>Every accumulating loop ends by storing its accumulators into a per-thread float[] tile, and a
 * separate small method adds the tile into C. Vectors never cross a call: C2 stops inlining once a
 * method has about 18,000 nodes, and each Vector API store into a segment costs hundreds before it is
 * reduced, so a micro-kernel that stored its twelve accumulators itself had seven stores left as calls,
 * and to pass those accumulators C2 boxed them after every FMA (a {@code Float256Vector} and a
 * {@code float[]}, 3 MB per MiniLM run, at a fifth of the speed).
 *
 * <p>Pack buffers and tiles are {@code float[]}s reused per thread (a {@link ThreadLocal} per instance,
 * about 0.7 MB at 256 bits), and each calling thread reuses one {@code Call} as the task of its parallel
 * loops, so the hot path allocates nothing after a thread's first call.
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

    /**
     * Rows of the micro-kernel; with two vectors of columns this is 8 accumulators. Six rows (12
     * accumulators) would fit AVX2's 16 registers only if C2 loaded each broadcast just before its FMAs;
     * it hoists them, spills an accumulator, and the loop ran at 40 GFLOPS instead of 62 (Zen 3).
     */
    static final int MR = 4;
    /** Depth of one packed slice: a B sliver of KC×16 floats (16 KiB at 256 bits) stays in L1. */
    static final int KC = 256;
    /** Rows per tile: the packed A block (MC_MAX×KC, 144 KiB) stays in L2. */
    static final int MC_MAX = 144;
    /** Columns per tile, a multiple of every width's sliver (8, 16, 32). */
    static final int NC_MAX = 512;
    /** Below this many rows the product streams B instead of packing it. */
    static final int SMALL_M = 8;

    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(() -> new Buffers(species().length()));
    private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

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
        if (p.m() == 0 || p.n() == 0) {
            return;
        }
        if (p.k() == 0) {
            scaleOnly(p, c);
            return;
        }
        Call call = calls.get();
        try {
            call.run(p, a, b, c, parallel);
        } finally {
            call.clear();
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

    /** Which loop a {@link Call} runs. */
    private enum Path {
        /** Packed tiles: {@code m >= SMALL_M}, or both A and B transposed. */
        BLOCKED,
        /** {@code m < SMALL_M}, B untransposed: rows of C as sums of scaled rows of B. */
        ROWS,
        /** {@code m < SMALL_M}, B transposed and A not: dot products of contiguous rows. */
        DOTS
    }

    /**
     * One multiply's arguments and work split, the task of its parallel loop. Each calling thread reuses
     * its own (a kernel's {@code multiply} never runs inside one of its own loops), and workers only
     * read it between the publication and the end of the loop.
     */
    private final class Call implements Parallel.RangeTask {
        private Path path;
        private GemmProblem p;
        private MemorySegment a;
        private MemorySegment b;
        private MemorySegment c;
        /** BLOCKED: rows and columns per tile, tiles along M and along N. */
        private int mc;
        private int nc;
        private int mTiles;
        private int nTiles;
        /** ROWS and DOTS: columns per item and items per batch entry. */
        private int chunk;
        private int chunks;

        void run(GemmProblem p, MemorySegment a, MemorySegment b, MemorySegment c, Parallel parallel) {
            this.p = p;
            this.a = a;
            this.b = b;
            this.c = c;
            int items;
            if (p.m() < SMALL_M && (!p.transB() || !p.transA())) {
                path = p.transB() ? Path.DOTS : Path.ROWS;
                chunk = 12 * species().length();
                chunks = ceilDiv(p.n(), chunk);
                items = Math.multiplyExact(p.batchCount(), chunks);
            } else {
                path = Path.BLOCKED;
                items = splitTiles(parallel.threads());
            }
            parallel.forRange(items, 1, this);
        }

        /** Chooses the tiles of the blocked path and returns how many there are. */
        private int splitTiles(int threads) {
            int nr = 2 * species().length();
            int m = p.m();
            int n = p.n();
            mc = roundUp(ceilDiv(m, ceilDiv(m, MC_MAX)), MR);
            mTiles = ceilDiv(m, mc);
            int tilesN = ceilDiv(n, NC_MAX);
            // Enough tiles for every thread; splitting N keeps each thread's packed B disjoint.
            long perN = (long) p.batchCount() * mTiles;
            if (perN * tilesN < threads) {
                tilesN = Math.min(ceilDiv(n, nr), ceilDiv(threads, perN));
            }
            nc = roundUp(ceilDiv(n, tilesN), nr);
            nTiles = ceilDiv(n, nc);
            return Math.multiplyExact(Math.multiplyExact(p.batchCount(), mTiles), nTiles);
        }

        @Override
        public void run(int start, int end) {
            Buffers buf = buffers.get();
            switch (path) {
                case BLOCKED -> blocked(this, start, end, buf);
                case ROWS -> streamRows(this, start, end, buf);
                case DOTS -> streamDots(this, start, end, buf);
            }
        }

        /** Drops the references to the caller's segments. */
        void clear() {
            p = null;
            a = null;
            b = null;
            c = null;
        }
    }

    // ---------------------------------------------------------------- blocked path

    /** Tiles {@code [start, end)}, numbered batch-major, then by M tile, then by N tile. */
    private void blocked(Call call, int start, int end, Buffers buf) {
        GemmProblem p = call.p;
        // Consecutive items share (batch, mTile): pack each A slice once for all of their N tiles.
        int item = start;
        while (item < end) {
            int group = item / call.nTiles;
            int groupEnd = Math.min(end, (group + 1) * call.nTiles);
            int batch = group / call.mTiles;
            int i0 = (group % call.mTiles) * call.mc;
            int rows = Math.min(call.mc, p.m() - i0);
            for (int pc = 0; pc < p.k(); pc += KC) {
                int kc = Math.min(KC, p.k() - pc);
                packA(p, call.a, p.aOffset(batch), i0, rows, pc, kc, buf);
                float beta = pc == 0 ? p.beta() : 1f;
                for (int t = item; t < groupEnd; t++) {
                    int j0 = (t % call.nTiles) * call.nc;
                    int cols = Math.min(call.nc, p.n() - j0);
                    packB(p, call.b, p.bOffset(batch), j0, cols, pc, kc, buf);
                    computeTile(p, call.c, p.cOffset(batch) + (long) i0 * p.ldc() + j0, rows, cols, kc, beta, buf);
                }
            }
            item = groupEnd;
        }
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
                microKernel(kc, buf.a, ir * kc, buf.b, jr * kc, buf.tile);
                addTile(buf.tile, nr, c, cOrigin + (long) ir * p.ldc() + jr, p.ldc(), Math.min(MR, rows - ir),
                        Math.min(nr, cols - jr), p.alpha(), beta);
            }
        }
    }

    /** {@code tile[MR × 2 vectors] ← A sliver · B sliver}, row stride two vectors. */
    private void microKernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
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
            ao += MR;
            bo += 2 * lanes;
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
    }

    /**
     * {@code C ← alpha·tile + beta·C} over {@code rows × cols} from element {@code cIndex} of C (row stride
     * {@code ldc}); the tile's rows are {@code stride} floats apart. Whole vectors, then a scalar tail.
     */
    private void addTile(float[] tile, int stride, MemorySegment c, long cIndex, int ldc, int rows, int cols,
            float alpha, float beta) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        int whole = cols - cols % lanes;
        FloatVector betas = FloatVector.broadcast(species, beta);
        for (int r = 0; r < rows; r++) {
            long row = cIndex + (long) r * ldc;
            int j = 0;
            for (; j < whole; j += lanes) {
                long at = (row + j) * Float.BYTES;
                FloatVector v = FloatVector.fromArray(species, tile, r * stride + j).mul(alpha);
                if (beta != 0f) {
                    v = FloatVector.fromMemorySegment(species, c, at, LE).fma(betas, v);
                }
                v.intoMemorySegment(c, at, LE);
            }
            for (; j < cols; j++) {
                combine(c, row + j, tile[r * stride + j], alpha, beta);
            }
        }
    }

    private static void combine(MemorySegment c, long index, float sum, float alpha, float beta) {
        float v = alpha * sum;
        if (beta != 0f) {
            v += beta * c.getAtIndex(F32, index);
        }
        c.setAtIndex(F32, index, v);
    }

    // ---------------------------------------------------------------- few rows, B streamed

    /** Items {@code [start, end)} of the ROWS path: each row of C is a sum of rows of B scaled by A's entries. */
    private void streamRows(Call call, int start, int end, Buffers buf) {
        GemmProblem p = call.p;
        for (int item = start; item < end; item++) {
            int batch = item / call.chunks;
            int j0 = (item % call.chunks) * call.chunk;
            int j1 = Math.min(p.n(), j0 + call.chunk);
            int i = 0;
            for (; i + 4 <= p.m(); i += 4) {
                rows4(p, batch, i, j0, j1, call.a, call.b, call.c, buf.tile);
            }
            for (; i < p.m(); i++) {
                row1(p, batch, i, j0, j1, call.a, call.b, call.c, buf.tile);
            }
        }
    }

    private static long aIndex(GemmProblem p, long aOffset, int i, int q) {
        return p.transA() ? aOffset + (long) q * p.lda() + i : aOffset + (long) i * p.lda() + q;
    }

    /** Rows {@code [i, i+4)} of C over columns {@code [j0, j1)}: blocks of two vectors, then {@link #row1}. */
    private void rows4(GemmProblem p, int batch, int i, int j0, int j1, MemorySegment a, MemorySegment b,
            MemorySegment c, float[] tile) {
        int lanes = species().length();
        long cRow = p.cOffset(batch) + (long) i * p.ldc();
        int j = j0;
        for (; j + 2 * lanes <= j1; j += 2 * lanes) {
            rows4Block(p, batch, i, j, a, b, tile);
            addTile(tile, 2 * lanes, c, cRow + j, p.ldc(), 4, 2 * lanes, p.alpha(), p.beta());
        }
        for (int r = 0; r < 4; r++) {
            row1(p, batch, i + r, j, j1, a, b, c, tile);
        }
    }

    /** {@code tile[4 × 2 vectors] ←} rows {@code [i, i+4)} of op(A) times columns {@code [j, j+2 vectors)} of B. */
    private void rows4Block(GemmProblem p, int batch, int i, int j, MemorySegment a, MemorySegment b, float[] tile) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        long aOff = p.aOffset(batch);
        long bOff = p.bOffset(batch);
        FloatVector c00 = FloatVector.zero(species);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int q = 0; q < p.k(); q++) {
            long at = (bOff + (long) q * p.ldb() + j) * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(species, b, at, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(species, b, at + (long) lanes * Float.BYTES, LE);
            FloatVector av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i, q)));
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i + 1, q)));
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i + 2, q)));
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(species, a.getAtIndex(F32, aIndex(p, aOff, i + 3, q)));
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
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
    }

    /** One row of C over columns {@code [j0, j1)}: blocks of two vectors, then a scalar tail. */
    private void row1(GemmProblem p, int batch, int i, int j0, int j1, MemorySegment a, MemorySegment b,
            MemorySegment c, float[] tile) {
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
            c0.intoArray(tile, 0);
            c1.intoArray(tile, lanes);
            addTile(tile, 2 * lanes, c, cRow + j, p.ldc(), 1, 2 * lanes, p.alpha(), p.beta());
        }
        for (; j < j1; j++) {
            float sum = 0f;
            for (int q = 0; q < p.k(); q++) {
                sum += a.getAtIndex(F32, aIndex(p, aOff, i, q)) * b.getAtIndex(F32, bOff + (long) q * p.ldb() + j);
            }
            combine(c, cRow + j, sum, p.alpha(), p.beta());
        }
    }

    /** Items {@code [start, end)} of the DOTS path: every element of C is a dot product of two contiguous rows. */
    private void streamDots(Call call, int start, int end, Buffers buf) {
        GemmProblem p = call.p;
        for (int item = start; item < end; item++) {
            int batch = item / call.chunks;
            int j0 = (item % call.chunks) * call.chunk;
            int j1 = Math.min(p.n(), j0 + call.chunk);
            for (int i = 0; i < p.m(); i += 2) {
                dots(p, batch, i, Math.min(i + 1, p.m() - 1), j0, j1, call.a, call.b, call.c, buf.tile);
            }
        }
    }

    /** Rows {@code i0} and {@code i1} of C (equal when only one is left) over columns {@code [j0, j1)}. */
    private void dots(GemmProblem p, int batch, int i0, int i1, int j0, int j1, MemorySegment a, MemorySegment b,
            MemorySegment c, float[] tile) {
        int lanes = species().length();
        long a0 = (p.aOffset(batch) + (long) i0 * p.lda()) * Float.BYTES;
        long a1 = (p.aOffset(batch) + (long) i1 * p.lda()) * Float.BYTES;
        long bRows = (long) p.ldb() * Float.BYTES;
        long c0 = p.cOffset(batch) + (long) i0 * p.ldc();
        long c1 = p.cOffset(batch) + (long) i1 * p.ldc();
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            long b0 = (p.bOffset(batch) + (long) j * p.ldb()) * Float.BYTES;
            dots2x4(p.k(), a, a0, a1, b, b0, bRows, tile);
            for (int jj = 0; jj < 4; jj++) {
                long y = b0 + jj * bRows;
                finishDot(p, c, c0 + j + jj, tile, jj * lanes, a, a0, b, y);
                if (i1 != i0) {
                    finishDot(p, c, c1 + j + jj, tile, (4 + jj) * lanes, a, a1, b, y);
                }
            }
        }
        for (; j < j1; j++) {
            long y = (p.bOffset(batch) + (long) j * p.ldb()) * Float.BYTES;
            dots2x1(p.k(), a, a0, a1, b, y, tile);
            finishDot(p, c, c0 + j, tile, 0, a, a0, b, y);
            if (i1 != i0) {
                finishDot(p, c, c1 + j, tile, lanes, a, a1, b, y);
            }
        }
    }

    /**
     * Lane-wise partial sums of the dot products of the rows at byte offsets {@code x0} and {@code x1} of A
     * with the four rows from byte offset {@code y} of B ({@code yStride} bytes apart), over the whole
     * vectors of K: {@code tile[(4·r + jj) · lanes ...]} for A row {@code r}, B row {@code jj}.
     */
    private void dots2x4(int k, MemorySegment a, long x0, long x1, MemorySegment b, long y, long yStride,
            float[] tile) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        int kVec = k - k % lanes;
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
            FloatVector v0 = FloatVector.fromMemorySegment(species, a, x0 + qb, LE);
            FloatVector v1 = FloatVector.fromMemorySegment(species, a, x1 + qb, LE);
            FloatVector w = FloatVector.fromMemorySegment(species, b, y + qb, LE);
            s00 = v0.fma(w, s00);
            s10 = v1.fma(w, s10);
            w = FloatVector.fromMemorySegment(species, b, y + yStride + qb, LE);
            s01 = v0.fma(w, s01);
            s11 = v1.fma(w, s11);
            w = FloatVector.fromMemorySegment(species, b, y + 2 * yStride + qb, LE);
            s02 = v0.fma(w, s02);
            s12 = v1.fma(w, s12);
            w = FloatVector.fromMemorySegment(species, b, y + 3 * yStride + qb, LE);
            s03 = v0.fma(w, s03);
            s13 = v1.fma(w, s13);
        }
        s00.intoArray(tile, 0);
        s01.intoArray(tile, lanes);
        s02.intoArray(tile, 2 * lanes);
        s03.intoArray(tile, 3 * lanes);
        s10.intoArray(tile, 4 * lanes);
        s11.intoArray(tile, 5 * lanes);
        s12.intoArray(tile, 6 * lanes);
        s13.intoArray(tile, 7 * lanes);
    }

    /** As {@link #dots2x4} for one row of B: {@code tile[r · lanes ...]} for A row {@code r}. */
    private void dots2x1(int k, MemorySegment a, long x0, long x1, MemorySegment b, long y, float[] tile) {
        VectorSpecies<Float> species = species();
        int lanes = species.length();
        int kVec = k - k % lanes;
        FloatVector s0 = FloatVector.zero(species);
        FloatVector s1 = s0;
        for (int q = 0; q < kVec; q += lanes) {
            long qb = (long) q * Float.BYTES;
            FloatVector w = FloatVector.fromMemorySegment(species, b, y + qb, LE);
            s0 = FloatVector.fromMemorySegment(species, a, x0 + qb, LE).fma(w, s0);
            s1 = FloatVector.fromMemorySegment(species, a, x1 + qb, LE).fma(w, s1);
        }
        s0.intoArray(tile, 0);
        s1.intoArray(tile, lanes);
    }

    /**
     * Completes one dot product of rows at byte offsets {@code x} (in A) and {@code y} (in B): the lane-wise
     * partial sums at {@code tile[from ...]}, plus the elements past the last whole vector, stored to C at
     * element {@code index}.
     */
    private void finishDot(GemmProblem p, MemorySegment c, long index, float[] tile, int from, MemorySegment a,
            long x, MemorySegment b, long y) {
        int lanes = species().length();
        float sum = 0f;
        for (int l = 0; l < lanes; l++) {
            sum += tile[from + l];
        }
        int k = p.k();
        for (int q = k - k % lanes; q < k; q++) {
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

    /** One thread's pack buffers, and the tile that accumulators pass through on their way to C. */
    private static final class Buffers {
        final float[] a = new float[MC_MAX * KC];
        final float[] b;
        final float[] rows;
        /** One block of eight accumulators: {@code MR × 2} vectors, or {@code 2 × 4} in the dot products. */
        final float[] tile;

        Buffers(int lanes) {
            int nr = 2 * lanes;
            b = new float[KC * NC_MAX];
            rows = new float[Math.max(MR, nr) * KC];
            tile = new float[8 * lanes];
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
