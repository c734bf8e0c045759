package dev.jquant.bench.kernels;

import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.kernels.elementwise.ScalarElementwise;
import dev.jquant.kernels.elementwise.UnaryOp;
import dev.jquant.kernels.elementwise.VectorElementwise;
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
 * The elementwise hot spots of a BERT-style transformer at 128 tokens, as all-MiniLM-L6-v2's graph
 * spells them: the bias add after each projection ({@code [128,384] + [384]}, the bias broadcast along
 * the rows), GELU in the feed-forward layer ({@code [128,1536]}, exported as
 * {@code x·0.5·(1 + erf(x/√2))}: five kernel passes), erf alone at that shape, and the exponential of
 * the attention scores ({@code [12,128,128]}). Rows are split over the intra-op threads as the
 * runtime's operators split them.
 *
 * <p>How to read the results: the primary score is passes over the whole tensor per second; the
 * secondary {@code ·elements} score (from {@link ElementCounter}) is output elements per second —
 * divide by 10⁹ for G elements/s (for the bias add, one FLOP per element, so also GFLOP/s). Heap
 * allocated per pass is {@code ·gc.alloc.rate.norm} under {@code -prof gc}:
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ElementwiseBenchmark -prof gc
 * </pre>
 * {@code threads} is the intra-op thread count ({@link WorkerPool}), not JMH's {@code -t}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// The vector erf is slow to reach C2 on two cores: with 2 warm-up seconds, GELU at 2 threads still ran at
// 0.0, 0.11, 0.20, 0.26, 0.27 G elements/s in its five measured seconds (2-core EPYC, JDK 25).
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {

    /** The elementwise implementations that exist. */
    public enum Impl {
        VECTOR {
            @Override
            FloatElementwise create() {
                VectorSupport.require();
                return new VectorElementwise();
            }
        },
        SCALAR {
            @Override
            FloatElementwise create() {
                return new ScalarElementwise();
            }
        };

        abstract FloatElementwise create();
    }

    /** One elementwise step over a {@code rows × columns} tensor; {@link #run} does rows {@code [from, to)}. */
    public enum Case {
        /** {@code y = x + bias}, the bias one row of 384 broadcast over 128 rows. */
        BIAS_ADD_128x384(128, 384) {
            @Override
            void run(FloatElementwise k, MemorySegment x, MemorySegment bias, MemorySegment y, int from, int to) {
                for (int r = from; r < to; r++) {
                    long at = (long) r * columns;
                    k.binary(BinaryOp.ADD, x, at, bias, 0, y, at, columns);
                }
            }
        },
        /** {@code y = x·0.5·(1 + erf(x/√2))} in the exported graph's order, one pass per node. */
        GELU_128x1536(128, 1536) {
            @Override
            void run(FloatElementwise k, MemorySegment x, MemorySegment bias, MemorySegment y, int from, int to) {
                long at = (long) from * columns;
                int count = (to - from) * columns;
                k.binaryScalarRight(BinaryOp.DIV, x, at, (float) Math.sqrt(2), y, at, count);
                k.unary(UnaryOp.ERF, 0f, 0f, y, at, y, at, count);
                k.binaryScalarRight(BinaryOp.ADD, y, at, 1f, y, at, count);
                k.binary(BinaryOp.MUL, x, at, y, at, y, at, count);
                k.binaryScalarRight(BinaryOp.MUL, y, at, 0.5f, y, at, count);
            }
        },
        ERF_128x1536(128, 1536) {
            @Override
            void run(FloatElementwise k, MemorySegment x, MemorySegment bias, MemorySegment y, int from, int to) {
                long at = (long) from * columns;
                k.unary(UnaryOp.ERF, 0f, 0f, x, at, y, at, (to - from) * columns);
            }
        },
        /** The exponentials of Softmax over the 12 heads' 128×128 attention scores. */
        EXP_12x128x128(12 * 128, 128) {
            @Override
            void run(FloatElementwise k, MemorySegment x, MemorySegment bias, MemorySegment y, int from, int to) {
                long at = (long) from * columns;
                k.unary(UnaryOp.EXP, 0f, 0f, x, at, y, at, (to - from) * columns);
            }
        };

        final int rows;
        final int columns;

        Case(int rows, int columns) {
            this.rows = rows;
            this.columns = columns;
        }

        abstract void run(FloatElementwise k, MemorySegment x, MemorySegment bias, MemorySegment y, int from, int to);
    }

    @Param
    public Case op;

    @Param
    public Impl impl;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private WorkerPool pool;
    private FloatElementwise kernels;
    private MemorySegment x;
    private MemorySegment bias;
    private MemorySegment y;
    private long elementsPerPass;
    /** Built once so that a pass allocates nothing of the benchmark's own. */
    private WorkerPool.RangeTask pass;

    @Setup(Level.Trial)
    public void setUp() {
        elementsPerPass = (long) op.rows * op.columns;
        arena = Arena.ofShared();
        // Within erf's and exp's interesting range, and far from overflow.
        x = RandomFloats.uniform(arena, elementsPerPass, 4f, 1);
        bias = RandomFloats.uniform(arena, op.columns, 1f, 2);
        y = RandomFloats.zeros(arena, elementsPerPass);
        pool = new WorkerPool(threads);
        kernels = impl.create();
        pass = (from, to) -> op.run(kernels, x, bias, y, from, to);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment apply(ElementCounter counter) {
        pool.forRange(op.rows, 1, pass);
        counter.elements += elementsPerPass;
        return y;
    }
}
