package dev.jquant.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jquant.kernels.ChunkedParallel;
import dev.jquant.kernels.KernelConfig;
import dev.jquant.kernels.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The vector GEMM against the scalar reference at every width (widths the machine lacks run in the
 * Vector API's software fallback, which still exercises their blocking), over sizes around the vector
 * width, the micro-kernel's rows, the small-M cut-over and the cache blocks, with all transposes,
 * strides, scales, batches and work splits.
 *
 * <p>Tolerance: both sides sum K products in float in different orders, so each element may differ by
 * {@code 2(K+1)·2⁻²⁴·(|alpha|·Σ|a·b| + |beta·c|)} (the standard forward error bound of a dot product).
 */
class VectorGemmTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Case(int m, int n, int k, boolean transA, boolean transB, int pad, float alpha, float beta,
            int batches, boolean sharedB) {
        Case(int m, int n, int k, boolean transA, boolean transB) {
            this(m, n, k, transA, transB, 0, 1f, 0f, 1, false);
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void smallShapesMatchTheReference(int bits) {
        VectorGemm kernel = VectorGemm.forBits(bits);
        int lanes = bits / 32;
        int[] ms = {0, 1, 3, 4, 5, 6, 7, 8, 9, 13};
        int[] ns = {1, lanes - 1, lanes, lanes + 1, 2 * lanes - 1, 2 * lanes + 1, 3 * lanes + 1, 12 * lanes + 5};
        int[] ks = {0, 1, lanes - 1, lanes + 1, 33};
        long seed = 1;
        for (int m : ms) {
            for (int n : ns) {
                for (int k : ks) {
                    for (int t = 0; t < 4; t++) {
                        check(kernel, new Case(m, n, k, (t & 1) != 0, (t & 2) != 0), Parallel.SERIAL, seed++);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void cacheBlockBoundariesMatchTheReference(int bits) {
        VectorGemm kernel = VectorGemm.forBits(bits);
        long seed = 100;
        int[][] shapes = {
            {VectorGemm.MC_MAX - 1, VectorGemm.NC_MAX - 1, VectorGemm.KC - 1},
            {VectorGemm.MC_MAX, VectorGemm.NC_MAX, VectorGemm.KC},
            {VectorGemm.MC_MAX + 1, VectorGemm.NC_MAX + 1, VectorGemm.KC + 1},
            {2 * VectorGemm.MC_MAX + 5, 70, 2 * VectorGemm.KC + 3},
        };
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                check(kernel, new Case(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 3, 0.75f, 0.5f, 1, false),
                        Parallel.SERIAL, seed++);
            }
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void stridesScalesBatchesAndSplitsMatchTheReference(int bits) {
        VectorGemm kernel = VectorGemm.forBits(bits);
        long seed = 200;
        float[][] scales = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}};
        for (int threads : new int[] {1, 2, 3, 7}) {
            Parallel parallel = new ChunkedParallel(threads);
            for (float[] s : scales) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    check(kernel, new Case(37, 45, 29, ta, tb, 5, s[0], s[1], 3, false), parallel, seed++);
                    check(kernel, new Case(20, 33, 17, ta, tb, 2, s[0], s[1], 4, true), parallel, seed++);
                    check(kernel, new Case(3, 70, 41, ta, tb, 1, s[0], s[1], 2, true), parallel, seed++);
                    check(kernel, new Case(128, 96, 40, ta, tb, 0, s[0], s[1], 1, false), parallel, seed++);
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        for (GemmKernel kernel : new GemmKernel[] {ScalarGemm.INSTANCE, VectorGemm.forBits(256)}) {
            for (int m : new int[] {1, 20}) {
                int n = 19;
                int k = 11;
                MemorySegment a = random(m * k, new Random(m));
                MemorySegment b = random(k * n, new Random(m + 1));
                MemorySegment c = Arena.ofAuto().allocate((long) m * n * Float.BYTES);
                for (long i = 0; i < (long) m * n; i++) {
                    c.setAtIndex(F32, i, Float.NaN);
                }
                kernel.multiply(GemmProblem.builder(m, n, k).build(), a, b, c, Parallel.SERIAL);
                for (long i = 0; i < (long) m * n; i++) {
                    assertTrue(Float.isFinite(c.getAtIndex(F32, i)), kernel.name() + " left NaN at " + i);
                }
            }
        }
    }

    @Test
    void oneKernelServesConcurrentCallers() throws Exception {
        VectorGemm kernel = VectorGemm.forBits(256);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = 300 + t;
                runs.add(pool.submit(() -> check(kernel, new Case(40 + (int) seed % 7, 70, 300, false, (seed & 1) == 0),
                        Parallel.SERIAL, seed)));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void problemRejectsShortStridesAndNegativeSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GemmProblem.builder(4, 5, 6).strides(5, 5, 5).build());
        assertEquals("lda must be at least the row length 6, was 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GemmProblem.builder(4, 5, 6).transposeB(true).strides(6, 5, 5).build());
        assertEquals("ldb must be at least the row length 6, was 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GemmProblem.builder(4, -1, 6));
        assertEquals("matrix dimensions must be >= 0, were M=4 N=-1 K=6", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GemmProblem.builder(1, 1, 1).batches(new long[2], new long[2], new long[1]));
        assertEquals("batch offset arrays differ in length: 2, 2, 1", e.getMessage());
    }

    @Test
    void holderHonoursTheConfiguration() {
        String name = GemmKernels.get().name();
        if (!KernelConfig.useVector() || VectorGemm.widthBits(KernelConfig.maxVectorBits()) == 0) {
            assertEquals("scalar", name);
        } else {
            assertEquals("vector-" + VectorGemm.widthBits(KernelConfig.maxVectorBits()), name);
        }
        assertEquals(128, VectorGemm.widthBits(128));
        assertEquals(128, VectorGemm.widthBits(200));
        assertEquals(0, VectorGemm.widthBits(64));
    }

    private static void check(GemmKernel kernel, Case t, Parallel parallel, long seed) {
        Random random = new Random(seed);
        int lda = Math.max(1, t.transA ? t.m : t.k) + t.pad;
        int ldb = Math.max(1, t.transB ? t.k : t.n) + t.pad;
        int ldc = Math.max(1, t.n) + t.pad;
        long aSize = (long) (t.transA ? t.k : t.m) * lda;
        long bSize = (long) (t.transB ? t.n : t.k) * ldb;
        long cSize = (long) t.m * ldc;
        long[] aOff = new long[t.batches];
        long[] bOff = new long[t.batches];
        long[] cOff = new long[t.batches];
        for (int i = 0; i < t.batches; i++) {
            aOff[i] = i * (aSize + 1);
            bOff[i] = t.sharedB ? 0 : i * (bSize + 2);
            cOff[i] = i * (cSize + 3);
        }
        MemorySegment a = random(t.batches * (aSize + 1), random);
        MemorySegment b = random(t.batches * (bSize + 2), random);
        MemorySegment c0 = random(t.batches * (cSize + 3), random);
        GemmProblem p = GemmProblem.builder(t.m, t.n, t.k).transposeA(t.transA).transposeB(t.transB)
                .strides(lda, ldb, ldc).scale(t.alpha, t.beta).batches(aOff, bOff, cOff).build();
        MemorySegment expected = copy(c0);
        MemorySegment actual = copy(c0);
        ScalarGemm.INSTANCE.multiply(p, a, b, expected, Parallel.SERIAL);
        kernel.multiply(p, a, b, actual, parallel);
        for (int batch = 0; batch < t.batches; batch++) {
            for (int i = 0; i < t.m; i++) {
                for (int j = 0; j < t.n; j++) {
                    double magnitude = 0;
                    for (int q = 0; q < t.k; q++) {
                        float x = a.getAtIndex(F32, aOff[batch] + (t.transA ? (long) q * lda + i : (long) i * lda + q));
                        float y = b.getAtIndex(F32, bOff[batch] + (t.transB ? (long) j * ldb + q : (long) q * ldb + j));
                        magnitude += Math.abs((double) x * y);
                    }
                    long at = cOff[batch] + (long) i * ldc + j;
                    double tolerance = 2.0 * (t.k + 1) * 0x1p-24
                            * (Math.abs(t.alpha) * magnitude + Math.abs(t.beta * c0.getAtIndex(F32, at))) + 1e-30;
                    float want = expected.getAtIndex(F32, at);
                    float got = actual.getAtIndex(F32, at);
                    if (!(Math.abs(want - got) <= tolerance)) {
                        fail(kernel.name() + " " + t + " threads=" + parallel.threads() + ": C[" + batch + "][" + i
                                + "][" + j + "] = " + got + ", reference " + want + " (tolerance " + tolerance + ")");
                    }
                }
            }
        }
        // Padding between rows and batches is not C's to write.
        for (long at = 0; at < c0.byteSize() / Float.BYTES; at++) {
            if (!isInC(at, cOff, t.m, t.n, ldc)) {
                assertEquals(c0.getAtIndex(F32, at), actual.getAtIndex(F32, at), "wrote outside C at " + at);
            }
        }
    }

    private static boolean isInC(long at, long[] cOff, int m, int n, int ldc) {
        for (long base : cOff) {
            long rel = at - base;
            if (rel >= 0 && rel < (long) m * ldc && rel % ldc < n) {
                return true;
            }
        }
        return false;
    }

    private static MemorySegment random(long count, Random random) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, count) * Float.BYTES, 64);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(F32, i, random.nextFloat() * 2 - 1);
        }
        return s;
    }

    private static MemorySegment copy(MemorySegment s) {
        MemorySegment c = Arena.ofAuto().allocate(s.byteSize(), 64);
        c.copyFrom(s);
        return c;
    }
}
