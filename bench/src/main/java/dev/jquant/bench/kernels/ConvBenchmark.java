package dev.jquant.bench.kernels;

import dev.jquant.kernels.KernelConfig;
import dev.jquant.kernels.conv.ConvGeometry;
import dev.jquant.kernels.conv.ConvKernel;
import dev.jquant.kernels.conv.Convolution;
import dev.jquant.kernels.conv.GemmConv;
import dev.jquant.kernels.conv.ScalarConv;
import dev.jquant.kernels.conv.Window;
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
 * Float32 2-D convolutions of a MobileNet-style CNN at 56×56 (batch 1, stride 1, with bias): a full
 * 3×3 convolution (32→64 channels, pad 1), a depthwise 3×3 (128 channels, 128 groups, pad 1) and a
 * pointwise 1×1 (128→128). Input, weights, bias, output and scratch are off-heap and 64-byte aligned.
 *
 * <p>How to read the results: the primary score is convolutions per second; the secondary
 * {@code ·flops} score (from {@link FlopCounter}, two per multiply-add:
 * {@code 2·outChannels·outputPixels·(inChannels/groups)·taps}) is FLOP/s — divide by 10⁹ for GFLOP/s.
 * Heap allocated per convolution is {@code ·gc.alloc.rate.norm} under {@code -prof gc}:
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ConvBenchmark -prof gc
 * </pre>
 * Only {@code VECTOR} runs by default: the scalar reference runs at about 0.15 GFLOP/s, a second per
 * full 3×3 or 1×1 layer; add {@code -p impl=VECTOR,SCALAR} to measure it too. {@code threads} is the kernel's
 * intra-op thread count ({@link WorkerPool}), not JMH's {@code -t}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {

    /** The convolution implementations that exist; a backend's kernel becomes one more constant here. */
    public enum Impl {
        /** im2col into scratch, then the Vector API GEMM at the width the runtime would pick. */
        VECTOR {
            @Override
            ConvKernel create() {
                VectorSupport.require();
                return new GemmConv(VectorGemm.forBits(VectorGemm.widthBits(KernelConfig.maxVectorBits())));
            }
        },
        /** The reference: every output element as its defining sum. */
        SCALAR {
            @Override
            ConvKernel create() {
                return ScalarConv.INSTANCE;
            }
        };

        abstract ConvKernel create();
    }

    /** One convolution layer: channels, groups, a square kernel and its padding, over a square image. */
    public enum Layer {
        CONV3X3_32TO64(32, 64, 1, 3, 1),
        DEPTHWISE3X3_128(128, 128, 128, 3, 1),
        POINTWISE1X1_128TO128(128, 128, 1, 1, 0);

        static final int IMAGE = 56;

        final int inChannels;
        final int outChannels;
        final int groups;
        final int kernel;
        final int pad;

        Layer(int inChannels, int outChannels, int groups, int kernel, int pad) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.groups = groups;
            this.kernel = kernel;
            this.pad = pad;
        }

        ConvGeometry geometry() {
            int out = IMAGE + 2 * pad - kernel + 1;
            Window window = Window.builder(IMAGE, IMAGE).output(out, out).kernel(kernel, kernel)
                    .pads(new int[] {pad, pad}, new int[] {pad, pad}).build();
            return new ConvGeometry(1, inChannels, outChannels, groups, window);
        }
    }

    @Param({"CONV3X3_32TO64", "DEPTHWISE3X3_128", "POINTWISE1X1_128TO128"})
    public Layer layer;

    @Param("VECTOR")
    public Impl impl;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private WorkerPool pool;
    private Convolution convolution;
    private MemorySegment input;
    private MemorySegment weight;
    private MemorySegment bias;
    private MemorySegment output;
    private MemorySegment scratch;
    private long flopsPerConv;

    @Setup(Level.Trial)
    public void setUp() {
        ConvGeometry g = layer.geometry();
        Window w = g.window();
        long weightCount = (long) g.outChannels() * g.inChannelsPerGroup() * w.kernelSize();
        flopsPerConv = 2L * g.batch() * w.outputSize() * weightCount;

        ConvKernel kernel = impl.create();
        convolution = kernel.forward(g);
        arena = Arena.ofShared();
        input = RandomFloats.uniform(arena, (long) g.batch() * g.inChannels() * w.inputSize(), 1f, 1);
        weight = RandomFloats.uniform(arena, weightCount, 1f, 2);
        bias = RandomFloats.uniform(arena, g.outChannels(), 1f, 3);
        output = RandomFloats.zeros(arena, (long) g.batch() * g.outChannels() * w.outputSize());
        scratch = arena.allocate(Math.max(1, convolution.scratchBytes()), 64);
        pool = new WorkerPool(threads);
        System.out.println("kernel " + kernel.name() + " on " + g);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment convolve(FlopCounter counter) {
        convolution.run(input, weight, bias, output, scratch, pool);
        counter.flops += flopsPerConv;
        return output;
    }
}
