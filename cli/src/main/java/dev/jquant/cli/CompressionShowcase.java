package dev.jquant.cli;

import dev.jquant.compressor.CompressionOptions;
import dev.jquant.compressor.Progress;
import dev.jquant.compressor.quantize.Precision;
import dev.jquant.compressor.quantize.WeightQuantization;
import dev.jquant.compressor.text.BatchEncoding;
import dev.jquant.compressor.text.ProseCorpus;
import dev.jquant.compressor.text.SentenceEmbeddings;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.RunProfile;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The demo's second table: what compression buys on the bundled model — fp32, int8 and int4 {@code .jqm}
 * files side by side (and ONNX Runtime's own int8 model when its artifact is on the class path), each with
 * its file size, its agreement with the fp32 model on the demo sentences, and its latency on them.
 */
final class CompressionShowcase {

    static final String ORT_INT8_RESOURCE = "all-minilm-l6-v2-q.onnx";
    /** Calibration sentences for the 4-bit error correction; the demo sentences are not among them. */
    private static final int CALIBRATION_SENTENCES = 32;

    /** One model variant's measurements. */
    private record Row(String name, long bytes, double meanCosine, double minCosine, long medianNanos, String runsOn) {
        Row withRunsOn(String where) {
            return new Row(name, bytes, meanCosine, minCosine, medianNanos, where);
        }
    }

    private final Path dir;
    private final SessionOptions options;
    private final int runs;
    private final PrintWriter err;

    CompressionShowcase(Path dir, SessionOptions options, int runs, PrintWriter err) {
        this.dir = dir;
        this.options = options;
        this.runs = runs;
        this.err = err;
    }

    /**
     * @param fp32 the embeddings of the fp32 {@code .jqm} on {@code batch}: what every variant is compared with
     */
    void print(PrintWriter out, Path onnx, Path fp32Jqm, Path tokenizer, Map<String, Tensor> batch,
            BatchEncoding encoding, String hidden, float[][] fp32) throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(measureJqm("jquant fp32", fp32Jqm, batch, encoding, hidden, fp32));
        Path int8 = dir.resolve("all-minilm-l6-v2-int8.jqm");
        Compression.run(onnx, int8, CompressionOptions.of(Precision.INT8), null, null, null, err, Progress.NONE);
        rows.add(measureJqm("jquant int8 (dynamic activations)", int8, batch, encoding, hidden, fp32));
        // Codes within ±64: what oneDNN multiplies exactly on x86 without VNNI (with auto, this row shows it).
        Path int8Reduced = dir.resolve("all-minilm-l6-v2-int8-reduced.jqm");
        Compression.run(onnx, int8Reduced, CompressionOptions.of(Precision.INT8)
                .withWeights(WeightQuantization.of(Precision.INT8).withReducedRange(true)), null, null, null, err,
                Progress.NONE);
        rows.add(measureJqm("jquant int8 ±64 (--int8-reduced-range)", int8Reduced, batch, encoding, hidden, fp32));
        Path int4 = dir.resolve("all-minilm-l6-v2-int4.jqm");
        Path sentences = calibrationSentences();
        Compression.run(onnx, int4, CompressionOptions.of(Precision.INT4), sentences, tokenizer, null, err,
                ProgressBar.on(err));
        rows.add(measureJqm("jquant int4 g32" + (sentences != null ? " gptq" : "") + " (dynamic int8 activations)",
                int4, batch, encoding, hidden, fp32));
        Path ortInt8 = extractOrtInt8();
        if (ortInt8 != null) {
            rows.add(measureOnnxRuntime(ortInt8, batch, encoding, fp32));
        }
        out.printf("what compression buys: %d sentences padded to %d tokens, %s; agreement = cosine of mean-pooled "
                + "embeddings with jquant fp32%n", encoding.batchSize(), encoding.sequenceLength(),
                options.threads() == 1 ? "1 thread" : options.threads() + " threads");
        int width = rows.stream().mapToInt(r -> r.name().length()).max().orElse(5);
        out.printf("%-" + width + "s %10s %8s %14s %14s %12s  %s%n", "model", "file", "vs fp32", "mean agreement",
                "min agreement", "median", "time spent on");
        long fp32Bytes = rows.getFirst().bytes();
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-" + width + "s %10s %7.1f%% %14.5f %14.5f %12s  %s%n", r.name(),
                    Units.bytes(r.bytes()), 100.0 * r.bytes() / fp32Bytes, r.meanCosine(), r.minCosine(),
                    Units.millis(r.medianNanos()), r.runsOn());
        }
        if (sentences == null) {
            out.println("(int4 rounded to nearest: no calibration sentences found under " + ProseCorpus.DEBIAN_LICENSES
                    + ", so no GPTQ error correction)");
        }
    }

    private Row measureJqm(String name, Path jqm, Map<String, Tensor> batch, BatchEncoding encoding, String hidden,
            float[][] fp32) throws Exception {
        err.printf("timing %s...%n", name);
        err.flush();
        try (Model model = Model.open(jqm); Session session = model.newSession(options)) {
            Row row = measure(name, Files.size(jqm), in -> {
                try (Result r = session.run(in)) {
                    return r.get(hidden).copy();
                }
            }, batch, encoding, fp32);
            return row.withRunsOn(backendShares(session.profile(batch, 3)));
        }
    }

    private Row measureOnnxRuntime(Path onnx, Map<String, Tensor> batch, BatchEncoding encoding, float[][] fp32) throws Exception {
        String name = OnnxRuntimeReference.name() + " int8 (its own model)";
        err.printf("timing %s...%n", name);
        err.flush();
        try (OnnxRuntimeReference ort = OnnxRuntimeReference.open(onnx, options.threads())) {
            // Its output names differ from the fp32 export's: take the last hidden state by rank.
            return measure(name, Files.size(onnx), in -> ort.run(in).values().stream().filter(t -> t.rank() == 3)
                    .findFirst().orElseThrow(), batch, encoding, fp32);
        }
    }

    /**
     * Each backend's share of a run's node time, e.g. {@code onednn 64%, java 36%}: with {@code auto}, fp32
     * MatMuls go to oneDNN while quantized ones stay on the Java kernels, so the rows differ in more than bits.
     */
    private static String backendShares(RunProfile profile) {
        Map<String, Long> byBackend = new TreeMap<>();
        for (RunProfile.NodeTime n : profile.nodes()) {
            byBackend.merge(n.backend(), n.nanos(), Long::sum);
        }
        double total = Math.max(1, profile.nodeNanos());
        return byBackend.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() >= total / 200) // below 0.5%: a Cast or two, noise in this column
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100 * e.getValue() / total))
                .collect(Collectors.joining(", "));
    }

    private interface Run {
        Tensor hiddenState(Map<String, Tensor> inputs) throws Exception;
    }

    private Row measure(String name, long bytes, Run run, Map<String, Tensor> batch, BatchEncoding encoding,
            float[][] fp32) throws Exception {
        Tensor hidden = run.hiddenState(batch);
        long median = WarmMedian.nanos(() -> run.hiddenState(batch), runs, WarmMedian.WARM_UP_NANOS);
        float[][] pooled = SentenceEmbeddings.meanPooled(hidden, encoding.attentionMask());
        double sum = 0;
        double min = 1;
        for (int i = 0; i < pooled.length; i++) {
            double c = SentenceEmbeddings.cosine(fp32[i], pooled[i]);
            sum += c;
            min = Math.min(min, c);
        }
        return new Row(name, bytes, sum / pooled.length, min, median, "its own");
    }

    /** Sentences from the machine's license texts, one per line, or null where there are none. */
    private Path calibrationSentences() throws Exception {
        Path licenses = Path.of(ProseCorpus.DEBIAN_LICENSES);
        if (!Files.isDirectory(licenses)) {
            return null;
        }
        List<String> sentences = ProseCorpus.sentences(licenses, CALIBRATION_SENTENCES);
        Path file = dir.resolve("calibration-sentences.txt");
        Files.write(file, sentences);
        return file;
    }

    private Path extractOrtInt8() throws Exception {
        URL url = CompressionShowcase.class.getClassLoader().getResource(ORT_INT8_RESOURCE);
        if (url == null) {
            return null;
        }
        Path target = dir.resolve(ORT_INT8_RESOURCE);
        if (!Files.exists(target) || Files.size(target) != url.openConnection().getContentLengthLong()) {
            try (InputStream in = url.openStream()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }
}
