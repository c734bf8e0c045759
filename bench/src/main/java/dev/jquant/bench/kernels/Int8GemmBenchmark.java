package dev.jquant.bench.kernels;

import dev.jquant.kernels.KernelConfig;
import dev.jquant.kernels.gemm.GemmKernel;
import dev.jquant.kernels.gemm.GemmProblem;
import dev.jquant.kernels.gemm.VectorGemm;
import dev.jquant.kernels.qgemm.Activation;
import dev.jquant.kernels.qgemm.ActivationQuantizer;
import dev.jquant.kernels.qgemm.GemmOutput;
import dev.jquant.kernels.qgemm.Int4WeightPacking;
import dev.jquant.kernels.qgemm.Int8WeightPacking;
import dev.jquant.kernels.qgemm.PackedInt4Weights;
import dev.jquant.kernels.qgemm.PackedInt8Weights;
import dev.jquant.kernels.qgemm.QuantizedActivations;
import dev.jquant.kernels.qgemm.QuantizedGemm;
import dev.jquant.kernels.qgemm.QuantizedKernels;
import dev.jquant.kernels.qgemm.ScalarActivationQuantizer;
import dev.jquant.kernels.qgemm.ScalarQuantizedGemm;
import dev.jquant.kernels.qgemm.VectorActivationQuantizer;
import dev.jquant.kernels.qgemm.VectorQuantizedGemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Quantized GEMM {@code C[M×N] = A[M×K]·W[K×N]} at all-MiniLM-L6-v2's shapes for 128 tokens (attention
 * projections 128×384×384, feed-forward 128×384×1536 and 128×1536×384) and their one-token GEMV forms
 * (M = 1): uint8 activations with per-row scales and zero points (dynamic quantization) times int8 weights
 * per output channel or symmetric int4 weights per group of 32 or 128, float output with bias.
 *
 * <p>{@code multiply} times the GEMM alone; {@code quantizeAndMultiply} adds the dynamic quantization of
 * the float activations that precedes it in a dynamically quantized MatMul, which is what competes with
 * the fp32 GEMM; {@link Quantizer} times that quantization alone. {@code impl=FP32_DEQUANTIZED} is the fp32
 * competitor: {@link VectorGemm} on float activations and weights dequantized ahead of time.
 *
 * <p>How to read the results: the secondary {@code ·ops} score is operations per second, {@code 2·M·N·K}
 * per product (a multiply-add counts two, as FLOP/s do for the fp32 GEMM) — divide by 10⁹ for GOP/s;
 * {@code ·gc.alloc.rate.norm} under {@code -prof gc} is the heap allocated per product:
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Int8Gemm -f 1 -wi 3 -i 5 -t 1 -prof gc
 * </pre>
 * {@code threads} is the kernel's intra-op thread count ({@link WorkerPool}, which itself allocates per
 * parallel loop when {@code threads > 1}), not JMH's {@code -t}. Other implementations by
 * {@code -p impl=VECTOR_128,FP32_DEQUANTIZED} ({@code SCALAR} takes seconds per product).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Int8GemmBenchmark {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The implementations compared. */
    public enum Impl {
        /** The Vector API kernels at the width the runtime would pick. */
        VECTOR,
        /** The Vector API kernels at 128 bits, to compare with the preferred width. */
        VECTOR_128,
        /** The scalar references (slow: seconds per product at these shapes). */
        SCALAR,
        /** The fp32 GEMM on float activations and pre-dequantized weights. */
        FP32_DEQUANTIZED
    }

    /** How the weights are quantized. */
    public enum Weights {
        INT8,
        INT4_G32,
        INT4_G128
    }

    /** Multiply-adds counted twice, as FLOP/s count them; read by JMH by reflection. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class OpCounter {
        public long ops;

        @Setup(Level.Iteration)
        public void reset() {
            ops = 0;
        }
    }

    /** {@code MxKxN}. */
    @Param({"128x384x384", "128x384x1536", "128x1536x384", "1x384x384", "1x384x1536", "1x1536x384"})
    public String shape;

    @Param({"VECTOR"})
    public Impl impl;

    @Param({"INT8", "INT4_G32", "INT4_G128"})
    public Weights weights;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private WorkerPool pool;
    private QuantizedGemm gemm;
    private ActivationQuantizer quantizer;
    private GemmKernel floatGemm;
    private GemmProblem floatProblem;
    private MemorySegment x;
    private MemorySegment dequantized;
    private QuantizedActivations a;
    private PackedInt8Weights int8;
    private PackedInt4Weights int4;
    private GemmOutput out;
    private MemorySegment c;
    private int m;
    private int k;
    private long opsPerProduct;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException("shape must be MxKxN, was '" + shape + "'");
        }
        m = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        opsPerProduct = 2L * m * n * k;
        arena = Arena.ofShared();
        pool = new WorkerPool(threads);
        SplittableRandom random = new SplittableRandom(1);

        x = arena.allocate((long) m * k * Float.BYTES, 64);
        for (long i = 0; i < (long) m * k; i++) {
            x.setAtIndex(F32, i, (float) random.nextGaussian());
        }
        a = new QuantizedActivations(arena.allocate((long) m * k, 64), m, k, k, false, new float[m], new int[m]);
        float[] bias = new float[n];
        for (int j = 0; j < n; j++) {
            bias[j] = (float) random.nextGaussian();
        }
        c = arena.allocate((long) m * n * Float.BYTES, 64);
        out = new GemmOutput.Float32(c, n, bias, Activation.NONE);
        dequantized = arena.allocate((long) k * n * Float.BYTES, 64);
        if (weights == Weights.INT8) {
            MemorySegment w = arena.allocate((long) k * n);
            float[] scales = new float[n];
            for (int j = 0; j < n; j++) {
                scales[j] = 0.001f + (float) random.nextDouble() * 0.001f;
            }
            for (long i = 0; i < (long) k * n; i++) {
                w.set(ValueLayout.JAVA_BYTE, i, (byte) (random.nextInt(255) - 127));
            }
            int8 = Int8WeightPacking.pack(w, 0, k, n, false, scales, arena);
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < n; j++) {
                    dequantized.setAtIndex(F32, (long) kk * n + j, int8.weight(kk, j) * int8.scale(j));
                }
            }
        } else {
            int groupSize = weights == Weights.INT4_G32 ? 32 : 128;
            int groups = (k + groupSize - 1) / groupSize;
            MemorySegment w = arena.allocate(((long) k * n + 1) / 2);
            for (long i = 0; i < w.byteSize(); i++) {
                w.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
            }
            float[] scales = new float[groups * n];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = 0.01f + (float) random.nextDouble() * 0.01f;
            }
            int4 = Int4WeightPacking.pack(w, 0, k, n, false, true, groupSize, scales, null, arena);
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < n; j++) {
                    dequantized.setAtIndex(F32, (long) kk * n + j, int4.weight(kk, j) * int4.scale(kk / groupSize, j));
                }
            }
        }
        switch (impl) {
            case VECTOR -> {
                VectorSupport.require();
                gemm = QuantizedKernels.gemm();
                quantizer = QuantizedKernels.quantizer();
            }
            case VECTOR_128 -> {
                VectorSupport.require();
                gemm = VectorQuantizedGemm.forBits(128);
                quantizer = VectorActivationQuantizer.forBits(128);
            }
            case SCALAR -> {
                gemm = ScalarQuantizedGemm.INSTANCE;
                quantizer = ScalarActivationQuantizer.INSTANCE;
            }
            case FP32_DEQUANTIZED -> {
                VectorSupport.require();
                floatGemm = VectorGemm.forBits(VectorGemm.widthBits(KernelConfig.maxVectorBits()));
                floatProblem = GemmProblem.builder(m, n, k).build();
            }
        }
        quantize();
        System.out.println("kernel " + (gemm != null ? gemm.name() : floatGemm.name() + " fp32") + ", " + weights
                + " " + shape);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    /** The GEMM alone, on activations quantized once in setup. */
    @Benchmark
    public MemorySegment multiply(OpCounter counter) {
        product();
        counter.ops += opsPerProduct;
        return c;
    }

    /** Dynamic per-row quantization of the float activations, then the GEMM. */
    @Benchmark
    public MemorySegment quantizeAndMultiply(OpCounter counter) {
        quantize();
        product();
        counter.ops += opsPerProduct;
        return c;
    }

    private void quantize() {
        if (quantizer != null) {
            quantizer.quantizeDynamic(x, k, m, k, false, true, a.data(), k, a.scales(), a.zeroPoints());
        }
    }

    private void product() {
        if (floatGemm != null) {
            floatGemm.multiply(floatProblem, x, dequantized, c, pool);
        } else if (int8 != null) {
            gemm.multiply(a, int8, out, pool);
        } else {
            gemm.multiply(a, int4, out, pool);
        }
    }

    /**
     * The dynamic per-row uint8 quantization of float activations alone ({@code quantizeDynamic}, ONNX
     * DynamicQuantizeLinear per row), at the GEMMs' input shapes. The secondary {@code ·elements} score is
     * floats quantized per second.
     */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
    public static class Quantizer {

        /** {@code MxK}. */
        @Param({"128x384", "128x1536", "1x384"})
        public String shape;

        /** {@code VECTOR} or {@code SCALAR}. */
        @Param({"VECTOR", "SCALAR"})
        public String impl;

        private Arena arena;
        private ActivationQuantizer quantizer;
        private MemorySegment x;
        private MemorySegment q;
        private float[] scales;
        private int[] zeroPoints;
        private int m;
        private int k;

        @Setup(Level.Trial)
        public void setUp() {
            String[] dims = shape.split("x");
            if (dims.length != 2) {
                throw new IllegalArgumentException("shape must be MxK, was '" + shape + "'");
            }
            m = Integer.parseInt(dims[0]);
            k = Integer.parseInt(dims[1]);
            quantizer = switch (impl) {
                case "VECTOR" -> {
                    VectorSupport.require();
                    yield QuantizedKernels.quantizer();
                }
                case "SCALAR" -> ScalarActivationQuantizer.INSTANCE;
                default -> throw new IllegalArgumentException("impl must be VECTOR or SCALAR, was '" + impl + "'");
            };
            arena = Arena.ofShared();
            SplittableRandom random = new SplittableRandom(1);
            x = arena.allocate((long) m * k * Float.BYTES, 64);
            for (long i = 0; i < (long) m * k; i++) {
                x.setAtIndex(F32, i, (float) random.nextGaussian());
            }
            q = arena.allocate((long) m * k, 64);
            scales = new float[m];
            zeroPoints = new int[m];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }

        @Benchmark
        public MemorySegment quantize(ElementCounter counter) {
            quantizer.quantizeDynamic(x, k, m, k, false, true, q, k, scales, zeroPoints);
            counter.elements += (long) m * k;
            return q;
        }
    }
}
