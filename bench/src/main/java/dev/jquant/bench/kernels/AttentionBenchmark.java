package dev.jquant.bench.kernels;

import dev.jquant.kernels.KernelConfig;
import dev.jquant.kernels.attention.AttentionKernel;
import dev.jquant.kernels.attention.ScalarAttention;
import dev.jquant.kernels.attention.VectorAttention;
import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
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
 * One all-MiniLM-L6-v2 attention layer at 128 tokens, as the runtime's fused Attention operator runs it,
 * step by step over its 12 heads of 32: {@code SCORES} ({@code scale·Q·Kᵀ}, 12·128·128·32 multiply-adds),
 * {@code SOFTMAX} (max, exp-and-sum and scale of each of the 12·128 score rows), {@code MIX} ({@code P·V},
 * as many multiply-adds as the scores), and {@code LAYER}, all three in the operator's order. Q, K and V are
 * {@code [128, 384]} with the heads side by side, as the projections write them; one thread.
 *
 * <p>The score is the average time per layer (all 12 heads):
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar AttentionBenchmark -p impl=VECTOR
 * </pre>
 * GFLOP/s of a product step: 12.6 MFLOP ({@code 2·12·128·128·32}) divided by its time. {@code SOFTMAX} runs the
 * runtime's elementwise kernels whichever {@code impl} is chosen (it is not part of the attention kernel).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBenchmark {

    private static final int TOKENS = 128;
    private static final int HEADS = 12;
    private static final int HEAD_SIZE = 32;
    private static final int WIDTH = HEADS * HEAD_SIZE;

    /** The attention kernels that exist. */
    public enum Impl {
        VECTOR,
        SCALAR
    }

    /** What one benchmark call does, for all 12 heads. */
    public enum Step {
        SCORES,
        SOFTMAX,
        MIX,
        LAYER
    }

    @Param({"VECTOR", "SCALAR"})
    public Impl impl;

    @Param({"SCORES", "SOFTMAX", "MIX", "LAYER"})
    public Step step;

    private Arena arena;
    private AttentionKernel kernel;
    private FloatElementwise elementwise;
    private MemorySegment q;
    private MemorySegment k;
    private MemorySegment v;
    private MemorySegment y;
    private MemorySegment scores;
    private int stride;

    @Setup(Level.Trial)
    public void setUp() {
        if (impl == Impl.VECTOR) {
            VectorSupport.require();
            kernel = VectorAttention.forBits(VectorGemm.widthBits(KernelConfig.maxVectorBits()));
        } else {
            kernel = ScalarAttention.INSTANCE;
        }
        elementwise = ElementwiseKernels.floats();
        arena = Arena.ofConfined();
        q = RandomFloats.uniform(arena, (long) TOKENS * WIDTH, 1f, 1);
        k = RandomFloats.uniform(arena, (long) TOKENS * WIDTH, 1f, 2);
        v = RandomFloats.uniform(arena, (long) TOKENS * WIDTH, 1f, 3);
        y = RandomFloats.zeros(arena, (long) TOKENS * WIDTH);
        stride = kernel.scoreStride(TOKENS);
        scores = RandomFloats.uniform(arena, (long) HEADS * TOKENS * stride, 4f, 4);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment layer() {
        for (int h = 0; h < HEADS; h++) {
            long s = (long) h * TOKENS * stride;
            if (step == Step.SCORES || step == Step.LAYER) {
                kernel.scores(q, (long) h * HEAD_SIZE, WIDTH, k, (long) h * HEAD_SIZE, WIDTH, TOKENS, TOKENS, HEAD_SIZE,
                        0.17677669f, scores, s, stride);
            }
            if (step == Step.SOFTMAX || step == Step.LAYER) {
                // As the operator does it (no mask here); SOFTMAX alone rewrites probabilities: the values stay
                // in [0, 1], which times the exp exactly as scores would.
                for (int i = 0; i < TOKENS; i++) {
                    long row = s + (long) i * stride;
                    float max = elementwise.max(scores, row, TOKENS);
                    float sum = elementwise.expShifted(scores, row, max, scores, row, TOKENS);
                    elementwise.binaryScalarRight(BinaryOp.MUL, scores, row, 1f / sum, scores, row, TOKENS);
                }
            }
            if (step == Step.MIX || step == Step.LAYER) {
                kernel.mix(scores, s, stride, v, (long) h * HEAD_SIZE, WIDTH, TOKENS, TOKENS, HEAD_SIZE, y,
                        (long) h * HEAD_SIZE, WIDTH);
            }
        }
        return y;
    }
}
