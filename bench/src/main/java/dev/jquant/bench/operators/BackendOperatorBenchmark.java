package dev.jquant.bench.operators;

import dev.jquant.bench.kernels.FlopCounter;
import dev.jquant.runtime.Backends;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.spi.BackendProbe;
import java.util.List;
import java.util.Map;
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
 * One operator run through a {@link Session} on each backend, at the shapes of the kernel benchmarks:
 * all-MiniLM-L6-v2's GEMMs for 128 tokens and their one-token GEMV forms (MatMul with the weight an
 * initializer), and a MobileNet-style CNN's full and depthwise 3×3 convolutions at 56×56 (Conv with
 * weight and bias initializers; the full one also as an int8 QLinearConv, ONNX Runtime's quantized form). Each run writes into a caller-owned output ({@link Session#run(Map, Map)}),
 * so what allocates per run is the runtime's doing.
 *
 * <p>How to read the results: the primary score is runs per second; the secondary {@code ·flops} score
 * (from {@link FlopCounter}) is FLOP/s — divide by 10⁹ for GFLOP/s. Heap allocated per run is
 * {@code ·gc.alloc.rate.norm} under {@code -prof gc}:
 * <pre>
 * java -jar bench/target/benchmarks.jar BackendOperatorBenchmark -prof gc
 * </pre>
 * A backend that is not available here (say oneDNN without its natives) fails its setup with the probe's
 * reason and is skipped; the others still run. {@code threads} is the session's intra-op thread count.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BackendOperatorBenchmark {

    /** The operators measured: MatMul as {@code M×K×N}, Conv and QLinearConv as channels at 56×56. */
    public enum Workload {
        MATMUL_128X384X384 {
            @Override
            OneNodeGraph build() {
                return OneNodeGraph.matMul(128, 384, 384);
            }
        },
        MATMUL_128X384X1536 {
            @Override
            OneNodeGraph build() {
                return OneNodeGraph.matMul(128, 384, 1536);
            }
        },
        MATMUL_128X1536X384 {
            @Override
            OneNodeGraph build() {
                return OneNodeGraph.matMul(128, 1536, 384);
            }
        },
        MATMUL_1X384X384 {
            @Override
            OneNodeGraph build() {
                return OneNodeGraph.matMul(1, 384, 384);
            }
        },
        MATMUL_1X384X1536 {
            @Override
            OneNodeGraph build() {
                return OneNodeGraph.matMul(1, 384, 1536);
            }
        },
        CONV3X3_32TO64 {
            @Override
            OneNodeGraph build() {
                return OneNodeGraph.conv3x3(32, 64, 1, 56);
            }
        },
        DEPTHWISE3X3_128 {
            @Override
            OneNodeGraph build() {
                return OneNodeGraph.conv3x3(128, 128, 128, 56);
            }
        },
        QLINEARCONV3X3_32TO64 {
            @Override
            OneNodeGraph build() {
                return OneNodeGraph.qlinearConv3x3(32, 64, 56);
            }
        };

        abstract OneNodeGraph build();
    }

    @Param
    public Workload workload;

    /** A backend name as {@link Backends#probe()} reports it. */
    @Param({"java", "onednn"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private Model model;
    private Session session;
    private Map<String, Tensor> inputs;
    private Map<String, Tensor> outputs;
    private Tensor output;
    private long flopsPerRun;

    @Setup(Level.Trial)
    public void setUp() throws UnsupportedOperatorException {
        BackendProbe probe = requireAvailable(backend);
        OneNodeGraph oneNode = workload.build();
        flopsPerRun = oneNode.flops();
        model = Model.of(oneNode.graph());
        session = model.newSession(SessionOptions.builder().backend(probe.name()).threads(threads).build());
        inputs = Map.of(OneNodeGraph.INPUT, oneNode.input());
        output = session.outputShapes(inputs).get(OneNodeGraph.OUTPUT);
        outputs = Map.of(OneNodeGraph.OUTPUT, output);
        String plan = session.describePlan(inputs);
        requireRunsOn(plan, probe.name());
        System.out.println(probe.name() + " (" + probe.device() + ", " + probe.isa() + "), " + threads
                + " thread(s):\n" + plan);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (session != null) {
            session.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Benchmark
    public Tensor run(FlopCounter counter) {
        session.run(inputs, outputs);
        counter.flops += flopsPerRun;
        return output;
    }

    /** The probe of {@code name}, or a failed setup that says why this backend is skipped. */
    private static BackendProbe requireAvailable(String name) {
        List<BackendProbe> probes = Backends.probe();
        BackendProbe probe = probes.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("backend=" + name + " skipped: no such backend on the "
                        + "class path; found " + probes.stream().map(BackendProbe::name).toList()));
        if (!probe.available()) {
            throw new IllegalStateException("backend=" + name + " skipped: unavailable here: " + probe.reason());
        }
        return probe;
    }

    /**
     * Fails unless the plan runs the one node on {@code backend}: a backend may hand a node it cannot run
     * to Java, and that run must not be reported as the backend's.
     */
    private static void requireRunsOn(String plan, String backend) {
        // Plan.describe(): one "<step> <opType> <backend> <node>  -> <outputs>" line per executed node, then totals.
        List<String> steps = plan.lines().filter(l -> l.strip().matches("\\d+\\s+\\S+\\s+\\S+\\s+\\S+\\s+->.*")).toList();
        if (steps.size() != 1 || !steps.getFirst().strip().split("\\s+")[2].equals(backend)) {
            throw new IllegalStateException("expected node '" + OneNodeGraph.NODE + "' to run on backend " + backend
                    + " as the plan's only step, but the plan is:\n" + plan);
        }
    }
}
