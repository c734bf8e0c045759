package dev.jquant.cli.bench;

import dev.jquant.runtime.Backends;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.spi.BackendProbe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jquant bench}: latency of a {@code .jqm} model per backend, side by side with ONNX Runtime. */
@Command(name = "bench",
        description = {"Time a .jqm model on each jquant backend, and ONNX Runtime on the source .onnx in the same "
                + "process, on the same synthesized inputs with the same thread count, for every combination of "
                + "--batch, --seq and --threads.",
                "Each configuration gets warm-up runs, then timed runs in rounds: every engine once per round, so "
                        + "machine noise hits all alike. Prints median, p90, p99, min, mean, the spread (CV, "
                        + "p90/median; a warning when it is wide), throughput and each backend's median as a ratio "
                        + "to ONNX Runtime's; then load-to-first-result (open + session + first run), measured once "
                        + "per engine per thread count on fresh objects.",
                "Inputs: a rank-2 integer input is [batch, seq]; other symbolic dimensions bind by name (batch; "
                        + "seq, len, token). Integer inputs named *mask* are ones, *type*/*segment* zeros, "
                        + "*position* 0,1,2..., others random ids below the embedding table's row count; float "
                        + "inputs are standard normal. Fixed seed: every run of the command times the same inputs."},
        footerHeading = "%nExamples:%n",
        footer = {"  jquant bench minilm.jqm --onnx minilm.onnx --batch 1,8 --seq 16,128 --threads 1,2 \\",
                "      --json bench.json --chart bench.svg",
                "  jquant bench model.jqm --backends java --threads 1 --runs 50",
                "  jquant bench model.jqm --backends java --threads 1 --profile"})
public final class BenchCommand implements Callable<Integer> {

    /** Every invocation times the same inputs. */
    static final long SEED = 0x6a7175616e74L;
    /** Lines of a {@code --profile} table: op types, then the slowest nodes. */
    private static final int PROFILED_OP_TYPES = 25;
    private static final int PROFILED_NODES = 15;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.jqm", description = "The model to time.")
    Path modelFile;

    @Option(names = "--onnx", paramLabel = "SOURCE.onnx",
            description = "The .onnx the model was compressed from: ONNX Runtime runs it alongside, as the yardstick.")
    Path onnxFile;

    @Option(names = "--backends", paramLabel = "all|NAME[,NAME...]", split = ",", defaultValue = "all",
            description = "The jquant backends to time: all available ones, or names from 'jquant backends' "
                    + "(default: ${DEFAULT-VALUE}). Unavailable ones are skipped with the reason.")
    List<String> backendNames;

    @Option(names = "--batch", paramLabel = "N[,N...]", split = ",", defaultValue = "1",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--seq", paramLabel = "N[,N...]", split = ",", defaultValue = "128",
            description = "Sequence lengths (default: ${DEFAULT-VALUE}).")
    List<Integer> seqs;

    @Option(names = "--threads", paramLabel = "N[,N...]", split = ",",
            description = "Intra-op thread counts, the same for every engine (default: all available cores).")
    List<Integer> threadCounts;

    @Option(names = "--runs", paramLabel = "N",
            description = "Timed runs per engine and configuration (default: at least 20 and 2 s per engine, at most "
                    + "1000).")
    Integer runs;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Untimed runs per engine and configuration first (default: at least 5 and 1 s per "
                    + "engine, at most 500).")
    Integer warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results, raw samples included, as JSON.")
    Path jsonFile;

    @Option(names = "--chart", paramLabel = "FILE.svg", description = "Draw the median latencies as an SVG chart.")
    Path chartFile;

    @Option(names = "--profile",
            description = "After timing each configuration, time every node of each jquant backend over as many runs "
                    + "and print the op types and the nodes that take the most time.")
    boolean profile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Integer> threads = positive("--threads", threadCounts == null
                ? List.of(Runtime.getRuntime().availableProcessors()) : threadCounts, 1024);
        List<Integer> batchSizes = positive("--batch", batches, Integer.MAX_VALUE);
        List<Integer> seqLengths = positive("--seq", seqs, Integer.MAX_VALUE);
        RunPolicy timed = runs == null ? RunPolicy.TIMED : RunPolicy.exactly(atLeast("--runs", runs, 1));
        RunPolicy warm = warmup == null ? RunPolicy.WARMUP : RunPolicy.exactly(atLeast("--warmup", warmup, 0));
        List<String> backends = backends(err);

        InputSynthesizer synthesizer;
        try (Model model = Model.open(modelFile)) {
            synthesizer = new InputSynthesizer(model.graph());
        }
        if (!synthesizer.usesBatch()) {
            err.println("the model has no batch dimension: --batch is ignored");
            batchSizes = List.of(0);
        }
        if (!synthesizer.usesSequence()) {
            err.println("the model has no sequence dimension: --seq is ignored");
            seqLengths = List.of(0);
        }

        Machine machine = Machine.describe();
        List<LoadToFirstResult> loads = new ArrayList<>();
        List<ConfigurationResult> results = new ArrayList<>();
        Set<String> loadedKinds = new HashSet<>();
        StringBuilder profiles = new StringBuilder();
        for (int t : threads) {
            Configuration first = new Configuration(batchSizes.getFirst(), seqLengths.getFirst(), t);
            Map<String, Tensor> firstInputs = synthesizer.inputs(first.batch(), first.seq(), SEED);
            List<Engine> engines = new ArrayList<>();
            try {
                for (String backend : backends) {
                    engines.add(load(() -> JquantEngine.open(modelFile, backend, t), first, firstInputs, loadedKinds,
                            loads));
                }
                if (onnxFile != null) {
                    engines.add(load(() -> OrtEngine.open(onnxFile, t), first, firstInputs, loadedKinds, loads));
                }
                for (int batch : batchSizes) {
                    for (int seq : seqLengths) {
                        Configuration c = new Configuration(batch, seq, t);
                        ConfigurationResult r = measure(c, engines, synthesizer.inputs(batch, seq, SEED), warm, timed,
                                err);
                        results.add(r);
                        if (profile) {
                            profiles.append(profiles(c, engines, r.engines().getFirst().samplesNanos().length));
                        }
                    }
                }
            } finally {
                closeAll(engines);
            }
        }

        BenchResult result = new BenchResult(modelFile.getFileName().toString(),
                onnxFile == null ? null : onnxFile.getFileName().toString(), machine, timed.describe(), warm.describe(),
                loads, results);
        out.println();
        ResultTable.print(out, result);
        out.print(profiles);
        out.flush();
        if (jsonFile != null) {
            JsonReport.write(jsonFile, result);
            err.println("wrote " + jsonFile);
        }
        if (chartFile != null) {
            SvgChart.write(chartFile, result);
            err.println("wrote " + chartFile);
        }
        err.flush();
        return 0;
    }

    /** Opens an engine for load-to-first-result. */
    private interface Opener {
        Engine open() throws Exception;
    }

    /** Opens an engine and runs it once, timing both; the engine stays open for the timed configurations. */
    private static Engine load(Opener opener, Configuration shape, Map<String, Tensor> inputs, Set<String> loadedKinds,
            List<LoadToFirstResult> loads) throws Exception {
        long t0 = System.nanoTime();
        Engine engine = opener.open();
        long openNanos = System.nanoTime() - t0;
        try {
            engine.use(inputs);
            long t1 = System.nanoTime();
            engine.run();
            long firstRunNanos = System.nanoTime() - t1;
            loads.add(new LoadToFirstResult(engine.key(), engine.name(), shape, openNanos, firstRunNanos,
                    loadedKinds.add(engine.key())));
            return engine;
        } catch (Exception | Error e) {
            try {
                engine.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static ConfigurationResult measure(Configuration c, List<Engine> engines, Map<String, Tensor> inputs,
            RunPolicy warm, RunPolicy timed, PrintWriter err) throws Exception {
        err.printf("timing %s...", c.label());
        err.flush();
        long start = System.nanoTime();
        for (Engine e : engines) {
            e.use(inputs);
        }
        long[][] samples = InterleavedRunner.measure(engines, warm, timed);
        List<EngineSamples> measured = new ArrayList<>();
        for (int e = 0; e < engines.size(); e++) {
            measured.add(EngineSamples.of(engines.get(e), samples[e]));
        }
        err.printf(Locale.ROOT, " %d runs per engine, %.1f s%n", samples[0].length, (System.nanoTime() - start) / 1e9);
        err.flush();
        return new ConfigurationResult(c, measured);
    }

    /** Where each jquant engine's time goes in configuration {@code c}, over {@code runs} runs. */
    private static String profiles(Configuration c, List<Engine> engines, int runs) {
        StringBuilder sb = new StringBuilder();
        for (Engine e : engines) {
            if (e instanceof JquantEngine jquant) {
                sb.append(String.format(Locale.ROOT, "%nprofile  %s, %s: ", e.name(), c.label()));
                sb.append(jquant.profile(runs).format(PROFILED_OP_TYPES, PROFILED_NODES));
            }
        }
        return sb.toString();
    }

    /** The backends to time: all available ones, or the named ones; an unavailable one is skipped, saying why. */
    private List<String> backends(PrintWriter err) {
        List<BackendProbe> probes = Backends.probe();
        List<String> known = probes.stream().map(BackendProbe::name).toList();
        boolean all = backendNames.size() == 1 && backendNames.getFirst().equalsIgnoreCase("all");
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : all ? known : backendNames) {
            BackendProbe probe = probes.stream().filter(p -> p.name().equalsIgnoreCase(name.strip())).findFirst()
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "unknown backend '" + name
                            + "', expected all or one of " + known));
            if (probe.available()) {
                chosen.add(probe.name());
            } else {
                err.println("skipping backend " + probe.name() + ": unavailable: " + probe.reason());
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalStateException("no available backend to time among " + (all ? known : backendNames)
                    + "; 'jquant backends' says why each is unavailable");
        }
        return List.copyOf(chosen);
    }

    private List<Integer> positive(String option, List<Integer> values, int max) {
        List<Integer> distinct = List.copyOf(new LinkedHashSet<>(values));
        for (int v : distinct) {
            if (v < 1 || v > max) {
                throw new ParameterException(spec.commandLine(), option + " values must be in [1, " + max + "], was " + v);
            }
        }
        return distinct;
    }

    private int atLeast(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    private static void closeAll(List<Engine> engines) throws Exception {
        Exception failure = null;
        for (Engine e : engines) {
            try {
                e.close();
            } catch (Exception ex) {
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
