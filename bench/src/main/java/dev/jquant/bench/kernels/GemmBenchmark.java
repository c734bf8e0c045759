package dev.jquant.bench.kernels;

import dev.jquant.kernels.KernelConfig;
import dev.jquant.kernels.gemm.GemmKernel;
import dev.jquant.kernels.gemm.GemmProblem;
import dev.jquant.kernels.gemm.ScalarGemm;
import dev.jquant.kernels.gemm.VectorGemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
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
 * Single-precision GEMM {@code C[M×N] = A[M×K]·B[K×N]} at all-MiniLM-L6-v2's shapes for 128 tokens:
 * the attention projections (128×384×384), the feed-forward up and down projections (128×384×1536,
 * 128×1536×384), their one-token GEMV forms (M = 1), and the per-head attention products, batched over
 * the 12 heads (scores Q·Kᵀ, 12×128×32×128, and context P·V, 12×128×128×32). All matrices are
 * off-heap, 64-byte aligned, as the runtime holds weights (B) and activations.
 *
 * <p>How to read the results: the primary score is GEMMs per second; the secondary {@code ·flops}
 * score (from {@link FlopCounter}, {@code 2·M·N·K} per product) is FLOP/s — divide by 10⁹ for GFLOP/s.
 * Heap allocated per GEMM is {@code ·gc.alloc.rate.norm} under {@code -prof gc}:
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GemmBenchmark -prof gc
 * </pre>
 * {@code threads} is the kernel's intra-op thread count ({@link WorkerPool}), not JMH's {@code -t}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** The GEMM implementations that exist; a backend's kernel becomes one more constant here. */
    public enum Impl {
        /** The cache-blocked Vector API kernel at the width the runtime would pick. */
        VECTOR {
            @Override
            GemmKernel create() {
                VectorSupport.require();
                return VectorGemm.forBits(VectorGemm.widthBits(KernelConfig.maxVectorBits()));
            }
        },
        /** The reference: one in-order dot product per element. */
        SCALAR {
            @Override
            GemmKernel create() {
                return ScalarGemm.INSTANCE;
            }
        };

        abstract GemmKernel create();
    }

    /** {@code MxKxN}, or {@code BATCH*MxKxN} for that many independent products of one shape. */
    @Param({"128x384x384", "128x384x1536", "128x1536x384", "1x384x384", "1x384x1536", "12*128x32x128",
            "12*128x128x32"})
    public String shape;

    @Param
    public Impl impl;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private WorkerPool pool;
    private GemmKernel kernel;
    private GemmProblem problem;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private long flopsPerGemm;

    @Setup(Level.Trial)
    public void setUp() {
        String[] batchAndDims = shape.split("\\*");
        int batch = batchAndDims.length == 2 ? Integer.parseInt(batchAndDims[0]) : 1;
        String[] dims = batchAndDims[batchAndDims.length - 1].split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException("shape must be MxKxN or BATCH*MxKxN, was '" + shape + "'");
        }
        int m = Integer.parseInt(dims[0]);
        int k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        long[] aOffsets = new long[batch];
        long[] bOffsets = new long[batch];
        long[] cOffsets = new long[batch];
        for (int i = 0; i < batch; i++) {
            aOffsets[i] = (long) i * m * k;
            bOffsets[i] = (long) i * k * n;
            cOffsets[i] = (long) i * m * n;
        }
        problem = GemmProblem.builder(m, n, k).batches(aOffsets, bOffsets, cOffsets).build();
        flopsPerGemm = 2L * batch * m * n * k;

        arena = Arena.ofShared();
        a = RandomFloats.uniform(arena, (long) batch * m * k, 1f, 1);
        b = RandomFloats.uniform(arena, (long) batch * k * n, 1f, 2);
        c = RandomFloats.zeros(arena, (long) batch * m * n);
        pool = new WorkerPool(threads);
        kernel = impl.create();
        System.out.println("kernel " + kernel.name() + " on " + problem);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment multiply(FlopCounter counter) {
        kernel.multiply(problem, a, b, c, pool);
        counter.flops += flopsPerGemm;
        return c;
    }
}
