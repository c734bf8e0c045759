package dev.jquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end on two sentences: the real MiniLM, compressed, run by jquant and ONNX Runtime. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void demoAgreesWithOnnxRuntime() {
        CliRun r = CliRun.of("demo", "--dir", dir.toString(), "--sentences", "2", "--runs", "1", "--threads", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("all-minilm-l6-v2.jqm")));
        String out = r.out();
        assertTrue(out.contains("\nmodel file "), out);
        assertTrue(out.contains("2 sentences, padded to "), out);
        Matcher m = Pattern.compile("max \\|diff\\| of (\\S+) (\\S+); cosine of mean-pooled embeddings, lowest of 2: (\\S+)")
                .matcher(out);
        assertTrue(m.find(), out);
        assertEquals("output_0", m.group(1));
        assertTrue(Double.parseDouble(m.group(2)) < 1e-3, out);
        assertTrue(Double.parseDouble(m.group(3)) > 0.9999, out);
        assertTrue(out.contains("closest pair of sentences (cosine "), out);
        // What compression buys: every variant's row, its agreement with fp32 and where its time went.
        Matcher int8 = Pattern.compile("\njquant int8 \\(dynamic activations\\) +\\S+ MiB +25\\.\\d% +(\\S+) .*  (java|onednn) \\d+%")
                .matcher(out);
        assertTrue(int8.find(), out);
        assertTrue(Double.parseDouble(int8.group(1)) > 0.995, out);
        assertTrue(out.contains("\njquant int8 ±64 (--int8-reduced-range) "), out);
        assertTrue(out.contains("\njquant int4 g32"), out);
    }
}
