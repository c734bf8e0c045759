package dev.jquant.kernels.qgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jquant.kernels.ChunkedParallel;
import dev.jquant.kernels.KernelConfig;
import dev.jquant.kernels.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector quantized GEMM against the scalar reference, compared byte for byte over the whole output
 * buffer: int32 accumulators, floats, requantized bytes, and the padding between rows, which neither may
 * touch. Exact equality is the contract for every output kind, GELU included (both run the same float
 * operations in the same order, and the elementwise GELU passes see each element at the same position
 * within a vector because work chunks are multiples of 16 columns). Every width runs (a width the
 * machine lacks runs in the Vector API's software fallback), over sizes around the vector width, the
 * micro-kernels' rows, the panels and groups, on both paths (integer below
 * {@link VectorQuantizedGemm#FMA_MIN_ROWS} rows, FMA from there), with every kind of activation scheme,
 * output and work split.
 *
 * <p>A separate test bounds the distance to a plain dequantize-then-multiply reference in double.
 */
class QuantizedGemmTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** How C is asked for; the {@code Int32} kind only exists for int8 weights. */
    private enum Kind { INT32, FLOAT, FLOAT_BIAS_RELU, FLOAT_GELU, REQUANTIZED, REQUANTIZED_SIGNED_GELU }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void int8SmallShapesMatchTheReference(int bits) {
        VectorQuantizedGemm kernel = VectorQuantizedGemm.forBits(bits);
        int lanes = bits / 32;
        long seed = 1;
        for (int m : new int[] {1, 2, 5, 6, 7, VectorQuantizedGemm.FMA_MIN_ROWS, 13}) {
            for (int n : new int[] {1, lanes - 1, lanes + 1, 16, 17, 33}) {
                for (int k : new int[] {1, 2, 3, 2 * lanes - 1, 2 * lanes + 1, 33, 64}) {
                    Operands o = Operands.int8(m, k, n, seed++, 0);
                    check(kernel, o, Kind.values()[(int) (seed % Kind.values().length)], Parallel.SERIAL);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void int4SmallShapesMatchTheReference(int bits) {
        VectorQuantizedGemm kernel = VectorQuantizedGemm.forBits(bits);
        int lanes = bits / 32;
        int[] groupSizes = {16, 32, 64, 128, 48};
        long seed = 1000;
        for (int m : new int[] {1, 3, 4, 5, VectorQuantizedGemm.FMA_MIN_ROWS, 9}) {
            for (int n : new int[] {1, lanes - 1, lanes + 1, 17, 33}) {
                for (int k : new int[] {1, 15, 16, 33, 64, 100, 130}) {
                    Operands o = Operands.int4(m, k, n, groupSizes[(int) (seed % groupSizes.length)], seed, 0);
                    check(kernel, o, Kind.values()[1 + (int) (seed % (Kind.values().length - 1))], Parallel.SERIAL);
                    seed++;
                }
            }
        }
    }

    @Test
    void everyOutputKindAndSchemeMatchesTheReference() {
        VectorQuantizedGemm kernel = VectorQuantizedGemm.forBits(256);
        long seed = 2000;
        for (Kind kind : Kind.values()) {
            for (int scheme = 0; scheme < 4; scheme++) {
                check(kernel, Operands.int8(19, 37, 41, seed++, scheme), kind, Parallel.SERIAL);
                if (kind != Kind.INT32) {
                    check(kernel, Operands.int4(11, 70, 41, 32, seed++, scheme), kind, Parallel.SERIAL);
                }
            }
        }
    }

    @Test
    void workSplitsMatchTheReference() {
        VectorQuantizedGemm kernel = VectorQuantizedGemm.forBits(256);
        long seed = 3000;
        for (int threads : new int[] {2, 3, 7}) {
            Parallel parallel = new ChunkedParallel(threads);
            // Each at least 7·MIN_OPS_PER_THREAD operations, so that every thread count takes effect.
            check(kernel, Operands.int8(37, 300, 170, seed++, 1), Kind.FLOAT_GELU, parallel);
            check(kernel, Operands.int8(128, 160, 96, seed++, 2), Kind.REQUANTIZED, parallel);
            check(kernel, Operands.int8(2, 1400, 700, seed++, 3), Kind.INT32, parallel);
            check(kernel, Operands.int4(37, 320, 170, 32, seed++, 1), Kind.FLOAT_BIAS_RELU, parallel);
            check(kernel, Operands.int4(9, 256, 800, 64, seed++, 2), Kind.REQUANTIZED_SIGNED_GELU, parallel);
        }
    }

    /**
     * The worst magnitudes, on both paths (rows below and above {@link VectorQuantizedGemm#FMA_MIN_ROWS}):
     * {@code |a − zeroPoint| = 255} against int8 weights of -128 and some -127 (so that the sums are not
     * all multiples of 128, which float would hold exactly anyway) over K = 3·KC + 1 (every float slice of
     * the FMA path near its largest sum, 512·255·128), and against uint4 weights 15 − 0 over one group of
     * {@link VectorQuantizedGemm#FMA_MAX_GROUP} (4096·255·15), and one group larger, which takes the
     * integer path.
     */
    @Test
    void extremeValuesStayExact() {
        for (QuantizedGemm kernel : new QuantizedGemm[] {VectorQuantizedGemm.forBits(128), VectorQuantizedGemm.forBits(256)}) {
            for (int m : new int[] {VectorQuantizedGemm.FMA_MIN_ROWS - 1, VectorQuantizedGemm.FMA_MIN_ROWS + 1}) {
                for (int fill : new int[] {0, 1}) {
                    Operands o = Operands.int8(m, 3 * VectorQuantizedGemm.KC + 1, 19, 1, 0);
                    o.a.data().fill((byte) (fill == 0 ? 0xFF : 0x00));
                    o.a.zeroPoints()[0] = fill == 0 ? 0 : 255;
                    for (long i = 0; i < o.weights.byteSize(); i++) {
                        o.weights.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 3 == 0 ? -127 : -128));
                    }
                    check(kernel, o.repacked(), Kind.INT32, Parallel.SERIAL);
                }
                for (int group : new int[] {VectorQuantizedGemm.FMA_MAX_GROUP, VectorQuantizedGemm.FMA_MAX_GROUP + 16}) {
                    Operands f = Operands.int4(m, group, 19, group, 2, 1);
                    f.a.data().fill((byte) 0xFF);
                    Arrays.fill(f.a.zeroPoints(), 0);
                    f.weights.fill((byte) 0xFF);
                    Arrays.fill(f.weightZeros, 0);
                    check(kernel, f.repacked(), Kind.FLOAT, Parallel.SERIAL);
                }
            }
        }
    }

    @Test
    void miniLmShapesMatchTheReference() {
        QuantizedGemm[] kernels = {VectorQuantizedGemm.forBits(128), VectorQuantizedGemm.forBits(256),
            QuantizedKernels.gemm()};
        int[][] shapes = {{128, 384, 384}, {128, 384, 1536}, {128, 1536, 384}};
        long seed = 4000;
        for (int[] s : shapes) {
            check(kernels, Operands.int8(s[0], s[1], s[2], seed++, 0), Kind.FLOAT_BIAS_RELU, Parallel.SERIAL);
        }
        check(kernels, Operands.int4(128, 384, 384, 32, seed++, 2), Kind.FLOAT, Parallel.SERIAL);
        check(kernels, Operands.int4(128, 1536, 384, 128, seed, 1), Kind.FLOAT_BIAS_RELU, Parallel.SERIAL);
    }

    /**
     * Against {@code Σ_k ((a − za)·sa)·(w·sw) + bias} in double. The accumulators are exact, so the only
     * error is the float epilogue's: int8 rounds {@code acc·sw} and one fma, so each element is within
     * {@code 2⁻²³·(|acc·sw·sa| + |bias|)}; int4 adds one fma per group, within
     * {@code 2⁻²³·((groups + 1)·Σ_g|acc_g·sw_g|·|sa| + |bias|)}.
     */
    @Test
    void resultsMatchDequantizedFloatMath() {
        for (QuantizedGemm kernel : new QuantizedGemm[] {ScalarQuantizedGemm.INSTANCE, QuantizedKernels.gemm()}) {
            for (int scheme = 0; scheme < 4; scheme++) {
                Operands o = Operands.int8(20, 100, 50, 7 + scheme, scheme);
                Operands f = Operands.int4(20, 100, 50, 32, 11 + scheme, scheme);
                for (Operands x : new Operands[] {o, f}) {
                    MemorySegment c = Arena.ofAuto().allocate(20L * 50 * Float.BYTES);
                    multiplyAny(kernel, x, new GemmOutput.Float32(c, 50, x.bias, Activation.NONE), Parallel.SERIAL);
                    for (int i = 0; i < 20; i++) {
                        for (int j = 0; j < 50; j++) {
                            double want = x.bias[j];
                            double magnitude = 0;
                            int group = x.int8 != null ? 100 : 32;
                            for (int k0 = 0; k0 < 100; k0 += group) {
                                double part = 0;
                                for (int k = k0; k < Math.min(100, k0 + group); k++) {
                                    part += (x.a.value(i, k) - x.a.zeroPoint(i)) * (double) x.weight(k, j);
                                }
                                double scaled = part * x.weightScale(k0 / group, j) * x.a.scale(i);
                                want += scaled;
                                magnitude += Math.abs(scaled);
                            }
                            int groups = x.int8 != null ? 1 : 4;
                            double tolerance = 0x1p-23 * ((groups + 1) * magnitude + Math.abs(x.bias[j])) + 1e-30;
                            float got = c.getAtIndex(F32, (long) i * 50 + j);
                            if (!(Math.abs(got - want) <= tolerance)) {
                                fail(kernel.name() + " scheme " + scheme + (x.int8 != null ? " int8" : " int4") + ": C["
                                        + i + "][" + j + "] = " + got + ", expected " + want + " ± " + tolerance);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void oneKernelServesConcurrentCallers() throws Exception {
        VectorQuantizedGemm kernel = VectorQuantizedGemm.forBits(256);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = 5000 + t;
                runs.add(pool.submit(() -> {
                    check(kernel, Operands.int8(30 + (int) seed % 7, 200, 70, seed, (int) seed % 4), Kind.FLOAT_GELU,
                            Parallel.SERIAL);
                    check(kernel, Operands.int4(30 + (int) seed % 5, 128, 70, 64, seed, (int) seed % 4),
                            Kind.REQUANTIZED, Parallel.SERIAL);
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void argumentsAreChecked() {
        Operands o = Operands.int8(4, 8, 5, 1, 0);
        for (QuantizedGemm kernel : new QuantizedGemm[] {ScalarQuantizedGemm.INSTANCE, VectorQuantizedGemm.forBits(256)}) {
            MemorySegment small = Arena.ofAuto().allocate(16 * Float.BYTES);
            assertEquals("output of 4×5 with row stride 5 needs 80 bytes, the segment has 64",
                    assertThrows(IllegalArgumentException.class, () -> kernel.multiply(o.a, o.int8,
                            new GemmOutput.Float32(small, 5, null, Activation.NONE), Parallel.SERIAL)).getMessage());
            MemorySegment c = Arena.ofAuto().allocate(20 * Float.BYTES);
            assertEquals("expected one bias per output column (5), got 4",
                    assertThrows(IllegalArgumentException.class, () -> kernel.multiply(o.a, o.int8,
                            new GemmOutput.Float32(c, 5, new float[4], Activation.NONE), Parallel.SERIAL)).getMessage());
            assertEquals("output row stride must be at least N=5, was 4",
                    assertThrows(IllegalArgumentException.class, () -> kernel.multiply(o.a, o.int8,
                            new GemmOutput.Int32(c, 4), Parallel.SERIAL)).getMessage());
            Operands f = Operands.int4(4, 16, 5, 16, 1, 0);
            assertEquals("int4 weights have a scale per group; ask for Float32 or Requantized output",
                    assertThrows(IllegalArgumentException.class, () -> kernel.multiply(f.a, f.int4,
                            new GemmOutput.Int32(c, 5), Parallel.SERIAL)).getMessage());
            assertEquals("activations have 16 columns but the weights have K=8 rows",
                    assertThrows(IllegalArgumentException.class, () -> kernel.multiply(f.a, o.int8,
                            new GemmOutput.Int32(c, 5), Parallel.SERIAL)).getMessage());
        }
        assertEquals("output zero point 300 is outside [0, 255]", assertThrows(IllegalArgumentException.class,
                () -> new GemmOutput.Requantized(o.a.data(), 5, null, Activation.NONE, 1f, 300, false)).getMessage());
        assertEquals("output scale must be positive and finite, was 0.0", assertThrows(IllegalArgumentException.class,
                () -> new GemmOutput.Requantized(o.a.data(), 5, null, Activation.NONE, 0f, 0, true)).getMessage());
        assertEquals("activation row stride must be at least the row length 8, was 7",
                assertThrows(IllegalArgumentException.class, () -> new QuantizedActivations(o.a.data(), 4, 8, 7, false,
                        new float[1], new int[1])).getMessage());
        assertEquals("expected 1 activation scale (per tensor) or 4 (per row), got 2",
                assertThrows(IllegalArgumentException.class, () -> new QuantizedActivations(o.a.data(), 4, 8, 8, false,
                        new float[2], new int[2])).getMessage());
    }

    @Test
    void holderHonoursTheConfiguration() {
        int bits = KernelConfig.useVector() ? QuantizedKernels.widthBits(KernelConfig.maxVectorBits()) : 0;
        String expected = bits == 0 ? "scalar" : "vector-" + bits;
        assertEquals(expected, QuantizedKernels.gemm().name());
        assertEquals(expected, QuantizedKernels.quantizer().name());
    }

    // ---------------------------------------------------------------- helpers

    private static void check(QuantizedGemm kernel, Operands o, Kind kind, Parallel parallel) {
        check(new QuantizedGemm[] {kernel}, o, kind, parallel);
    }

    /** Runs the reference once and every kernel once, and compares whole output buffers byte for byte. */
    private static void check(QuantizedGemm[] kernels, Operands o, Kind kind, Parallel parallel) {
        int m = o.a.rows();
        int n = o.n;
        int ldc = n + 3;
        int bytes = switch (kind) {
            case INT32 -> Integer.BYTES;
            case FLOAT, FLOAT_BIAS_RELU, FLOAT_GELU -> Float.BYTES;
            case REQUANTIZED, REQUANTIZED_SIGNED_GELU -> 1;
        };
        long size = ((long) m * ldc + 5) * bytes;
        MemorySegment expected = Arena.ofAuto().allocate(size);
        expected.fill((byte) 0x5A);
        multiplyAny(ScalarQuantizedGemm.INSTANCE, o, output(kind, expected, ldc, o), Parallel.SERIAL);
        for (QuantizedGemm kernel : kernels) {
            MemorySegment actual = Arena.ofAuto().allocate(size);
            actual.fill((byte) 0x5A);
            multiplyAny(kernel, o, output(kind, actual, ldc, o), parallel);
            long at = expected.mismatch(actual);
            if (at >= 0) {
                long element = at / bytes;
                fail(kernel.name() + " " + o + " " + kind + " threads=" + parallel.threads() + ": differs at C["
                        + element / ldc + "][" + element % ldc + "]: " + describe(expected, element, kind) + " expected, "
                        + describe(actual, element, kind) + " actual");
            }
        }
    }

    private static String describe(MemorySegment c, long element, Kind kind) {
        return switch (kind) {
            case INT32 -> Integer.toString(c.getAtIndex(I32, element));
            case FLOAT, FLOAT_BIAS_RELU, FLOAT_GELU -> Float.toString(c.getAtIndex(F32, element));
            case REQUANTIZED, REQUANTIZED_SIGNED_GELU -> Byte.toString(c.get(ValueLayout.JAVA_BYTE, element));
        };
    }

    private static GemmOutput output(Kind kind, MemorySegment c, int ldc, Operands o) {
        return switch (kind) {
            case INT32 -> new GemmOutput.Int32(c, ldc);
            case FLOAT -> new GemmOutput.Float32(c, ldc, null, Activation.NONE);
            case FLOAT_BIAS_RELU -> new GemmOutput.Float32(c, ldc, o.bias, Activation.RELU);
            case FLOAT_GELU -> new GemmOutput.Float32(c, ldc, o.bias, Activation.GELU);
            case REQUANTIZED -> new GemmOutput.Requantized(c, ldc, o.bias, Activation.NONE, o.outScale, 7, false);
            case REQUANTIZED_SIGNED_GELU -> new GemmOutput.Requantized(c, ldc, o.bias, Activation.GELU, o.outScale, -5, true);
        };
    }

    /** Dispatches to the overload of whichever weights are present. */
    private static void multiplyAny(QuantizedGemm kernel, Operands o, GemmOutput out, Parallel parallel) {
        if (o.int8 != null) {
            kernel.multiply(o.a, o.int8, out, parallel);
        } else {
            kernel.multiply(o.a, o.int4, out, parallel);
        }
    }
}
