package dev.jquant.cli;

import dev.jquant.compressor.ActivationMode;
import dev.jquant.compressor.Compressed;
import dev.jquant.compressor.CompressionOptions;
import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.Progress;
import dev.jquant.compressor.calibration.NpySamples;
import dev.jquant.compressor.calibration.SampleSource;
import dev.jquant.compressor.calibration.TextSamples;
import dev.jquant.compressor.onnx.OnnxImporter;
import dev.jquant.compressor.passes.Passes;
import dev.jquant.compressor.quantize.LayerAccuracy;
import dev.jquant.compressor.quantize.LayerReport;
import dev.jquant.compressor.quantize.Precision;
import dev.jquant.compressor.report.CompressionReport;
import dev.jquant.compressor.text.WordPieceTokenizer;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** ONNX import, the standard graph passes, compression, {@code .jqm} writing: what {@code compress} and {@code demo} share. */
final class Compression {

    /** Sizes, node counts, what compression did and the time each step took. */
    record Summary(long onnxBytes, int opset, int importedNodes, long jqmBytes, int nodes, int tensors,
            String settings, List<LayerReport> layers, List<LayerAccuracy> accuracy, long importNanos,
            long passNanos, long compressNanos, long writeNanos) {

        long totalNanos() {
            return importNanos + passNanos + compressNanos + writeNanos;
        }
    }

    private Compression() {
    }

    /** Compresses {@code onnx} into {@code jqm} at fp32, reporting each step on {@code progress}. */
    static Summary fp32(Path onnx, Path jqm, PrintWriter progress) throws IOException, UnsupportedOperatorException {
        return run(onnx, jqm, CompressionOptions.of(Precision.FP32), null, null, null, progress, Progress.NONE);
    }

    /**
     * Compresses {@code onnx} into {@code jqm}.
     *
     * @param calibration a directory of .npy samples or a text file of sentences, or null
     * @param tokenizer for sentences: the model's tokenizer.json, or null to look next to the model
     * @param report where to write the HTML report, or null
     * @param log one line per step
     * @param bar progress of the long steps (calibration, error correction, accuracy)
     */
    static Summary run(Path onnx, Path jqm, CompressionOptions options, Path calibration, Path tokenizer, Path report,
            PrintWriter log, Progress bar) throws IOException, UnsupportedOperatorException {
        if (Files.exists(jqm) && Files.isSameFile(onnx, jqm)) {
            throw new IllegalArgumentException("the output " + jqm + " is the input model; choose another file with -o");
        }
        long onnxBytes = Files.size(onnx);
        log.printf("importing %s (%s)...%n", onnx, Units.bytes(onnxBytes));
        log.flush();
        long t0 = System.nanoTime();
        Graph imported = OnnxImporter.importModel(onnx);
        long t1 = System.nanoTime();
        log.printf("  opset %d, %d nodes, %d tensors (%s); running graph passes...%n", imported.opset(),
                imported.nodes().size(), imported.initializers().size(), Units.millis(t1 - t0));
        log.flush();
        Graph graph = Passes.standard().apply(imported);
        long t2 = System.nanoTime();
        String settings = describe(options, calibration);
        log.printf("  %d nodes after passes (%s); compressing: %s...%n", graph.nodes().size(), Units.millis(t2 - t1),
                settings);
        log.flush();
        SampleSource samples = calibration == null ? null : samples(calibration, tokenizer, onnx, graph);
        Compressed compressed = Compressor.compress(graph, options, samples, bar);
        long t3 = System.nanoTime();
        log.printf("  compressed (%s); writing %s...%n", Units.millis(t3 - t2), jqm);
        log.flush();
        Compressor.write(compressed.model(), jqm);
        long t4 = System.nanoTime();
        log.printf("  written (%s)%n", Units.millis(t4 - t3));
        log.flush();
        long jqmBytes = Files.size(jqm);
        if (report != null) {
            long floatBytes = compressed.model().layers().stream().mapToLong(l -> l.bytesBefore() - l.bytesAfter())
                    .sum() + jqmBytes;
            Files.writeString(report, CompressionReport.html(onnx.getFileName().toString(), floatBytes, jqmBytes,
                    settings, compressed));
        }
        Graph written = compressed.model().graph();
        return new Summary(onnxBytes, imported.opset(), imported.nodes().size(), jqmBytes, written.nodes().size(),
                written.initializers().size(), settings, compressed.model().layers(), compressed.accuracy(), t1 - t0,
                t2 - t1, t3 - t2, t4 - t3);
    }

    private static String describe(CompressionOptions o, Path calibration) {
        Precision p = o.weights().precision();
        if (p == Precision.FP32 && o.weights().byOpType().isEmpty()) {
            return "fp32";
        }
        String weights = p == Precision.INT4 ? (o.weights().symmetric() ? "int4" : "uint4") + " g"
                + o.weights().groupSize() + (calibration != null ? " gptq" : "") : p.label();
        boolean quantizedActivations = p == Precision.INT8 || p == Precision.INT4;
        String activations = !quantizedActivations ? "" : o.activations() == ActivationMode.STATIC
                ? ", static uint8 activations (" + o.calibration().method().name().toLowerCase() + ")"
                : ", dynamic uint8 activations";
        return weights + " weights" + activations;
    }

    private static SampleSource samples(Path calibration, Path tokenizer, Path onnx, Graph graph) throws IOException {
        if (Files.isDirectory(calibration)) {
            return NpySamples.open(calibration, graph.inputs());
        }
        Path tokenizerFile = tokenizer != null ? tokenizer : findTokenizer(onnx);
        return TextSamples.fromFile(calibration, WordPieceTokenizer.load(tokenizerFile), graph.inputs());
    }

    private static Path findTokenizer(Path onnx) {
        String name = onnx.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        for (Path candidate : List.of(onnx.resolveSibling(stem + "-tokenizer.json"), onnx.resolveSibling("tokenizer.json"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("sentence calibration data needs the model's tokenizer: pass --tokenizer, "
                + "or put tokenizer.json or " + stem + "-tokenizer.json next to " + onnx);
    }
}
