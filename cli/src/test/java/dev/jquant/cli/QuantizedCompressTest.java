package dev.jquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.text.ProseCorpus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code jquant compress --precision …} on the real MiniLM, from the class path, with and without calibration. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuantizedCompressTest {

    @TempDir
    static Path dir;
    private Path onnx;
    private Path tokenizer;

    @BeforeAll
    void extract() throws Exception {
        onnx = copy(DemoCommand.MODEL_RESOURCE);
        tokenizer = copy(DemoCommand.TOKENIZER_RESOURCE);
    }

    private Path copy(String resource) throws Exception {
        try (InputStream in = QuantizedCompressTest.class.getClassLoader().getResourceAsStream(resource)) {
            Path out = dir.resolve(resource);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        }
    }

    @Test
    void int8WithoutCalibrationReportsTheWorstWeights() throws Exception {
        Path jqm = dir.resolve("int8.jqm");
        CliRun r = CliRun.of("compress", onnx.toString(), "-o", jqm.toString(), "--precision", "int8");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("(.jqm, int8 weights, dynamic uint8 activations, "), r.out());
        assertTrue(r.out().contains("worst weights (SQNR of the stored weights; give --calibration"), r.out());
        assertTrue(Files.size(jqm) < Files.size(onnx) * 0.26, "int8 file is " + Files.size(jqm) + " bytes");
    }

    @Test
    void staticInt8FromSentencesWritesAReportWithTheLayerChart() throws Exception {
        Path sentences = Files.write(dir.resolve("sentences.txt"),
                ProseCorpus.sentences(Path.of(ProseCorpus.DEBIAN_LICENSES), 12));
        Path jqm = dir.resolve("static.jqm");
        Path report = dir.resolve("report.html");
        CliRun r = CliRun.of("compress", onnx.toString(), "-o", jqm.toString(), "--precision", "int8",
                "--activations", "static", "--method", "percentile", "--calibration", sentences.toString(),
                "--tokenizer", tokenizer.toString(), "--report", report.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("(.jqm, int8 weights, static uint8 activations (percentile), "), r.out());
        assertTrue(r.out().contains("worst layers (output SQNR vs fp32 on the calibration samples):"), r.out());
        assertTrue(r.err().contains("calibrating"), r.err());
        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("Output SQNR per layer"), html);
        assertTrue(html.contains("/encoder/layer.0/attention/self/query/MatMul"), "one row per layer");
    }
}
