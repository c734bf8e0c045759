package dev.jquant.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jquant bench} through picocli on the tiny token model, with ONNX Runtime; never asserts a timing. */
class BenchCommandTest {

    @TempDir
    Path dir;
    Path onnx;
    Path jqm;

    @BeforeEach
    void compress() throws Exception {
        onnx = TokenModel.write(dir);
        jqm = dir.resolve("tokens.jqm");
        BenchRun r = BenchRun.of("compress", onnx.toString(), "-o", jqm.toString());
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void timesEveryConfigurationAgainstOnnxRuntimeAndWritesJsonAndChart() throws Exception {
        Path json = dir.resolve("out/bench.json");
        Path svg = dir.resolve("out/bench.svg");
        BenchRun r = BenchRun.of("bench", jqm.toString(), "--onnx", onnx.toString(), "--backends", "java",
                "--batch", "1,2", "--seq", "3", "--threads", "1,2", "--runs", "3", "--warmup", "1", "--json", json.toString(), "--chart", svg.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("\nmodel     tokens.jqm (peer: tokens.onnx)\n"), out);
        assertTrue(Pattern.compile("\nthreads +batch +seq +engine +runs +median +p90 +p99 +min +mean +CV +p90/med "
                + "+items/s +vs ORT\n").matcher(out).find(), out);
        String[] rows = Arrays.stream(out.split("\n")).filter(l -> l.matches(" *[12] +[12] +3 +.*")).toArray(String[]::new);
        assertEquals(8, rows.length, "2 batches x 2 thread counts x 2 engines:\n" + out);
        assertTrue(rows[0].matches(" *1 +1 +3 +jquant java +3 +.* [\\d.]+$"), rows[0]);
        assertTrue(rows[1].matches(" *1 +1 +3 +ONNX Runtime \\S+ +3 +.* 1\\.00$"), rows[1]);
        assertTrue(out.contains("\nload to first result: "), out);
        assertTrue(Pattern.compile("\n +1 +jquant java \\* +[\\d.]+ ms +[\\d.]+ ms +[\\d.]+ ms\n").matcher(out).find(), out);
        assertTrue(Pattern.compile("\n +2 +ONNX Runtime \\S+ +[\\d.]+ ms").matcher(out).find(), out);
        assertTrue(r.err().contains("timing batch 2, seq 3, 2 threads... 3 runs per engine"), r.err());

        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(4, root.getAsJsonArray("configurations").size());
        assertEquals(4, root.getAsJsonArray("load_to_first_result").size());
        JsonObject last = root.getAsJsonArray("configurations").get(3).getAsJsonObject();
        assertEquals(2, last.get("batch").getAsInt());
        assertEquals(2, last.get("threads").getAsInt());
        assertEquals(3, last.getAsJsonArray("engines").get(1).getAsJsonObject().getAsJsonArray("samples_ms").size());
        assertTrue(last.getAsJsonObject("ratio_to_onnxruntime").get("java").getAsDouble() > 0);
        String chart = Files.readString(svg);
        assertEquals(4, chart.split("<g class=\"configuration\"", -1).length - 1);
    }

    @Test
    void runsWithoutAPeer() {
        BenchRun r = BenchRun.of("bench", jqm.toString(), "--backends", "java", "--seq", "4", "--threads", "1",
                "--runs", "2", "--warmup", "0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\nmodel     tokens.jqm\n"), r.out());
        assertTrue(!r.out().contains("vs ORT") && !r.out().contains("ONNX Runtime"), r.out());
        assertTrue(r.out().matches("(?s).*\n +1 +1 +4 +jquant java +2 +.*"), r.out());
    }

    @Test
    void profilesEachJquantBackendAfterTimingIt() {
        BenchRun r = BenchRun.of("bench", jqm.toString(), "--onnx", onnx.toString(), "--backends", "java",
                "--seq", "3,4", "--threads", "1", "--runs", "2", "--warmup", "1", "--profile");
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        String[] profiles = out.split("\nprofile  ", -1);
        assertEquals(3, profiles.length, "one profile per configuration, none for ONNX Runtime:\n" + out);
        assertTrue(profiles[1].startsWith("jquant java, batch 1, seq 3, 1 thread: 2 runs: "), profiles[1]);
        assertTrue(profiles[2].startsWith("jquant java, batch 1, seq 4, 1 thread: 2 runs: "), profiles[2]);
        assertTrue(Pattern.compile("\nop type +nodes +ms/run +%\n").matcher(profiles[1]).find(), profiles[1]);
        assertTrue(Pattern.compile("\n +step +node +op type +backend +ms/run +%\n +\\d+  \\S+ +\\S+ +java ")
                .matcher(profiles[1]).find(), profiles[1]);
    }

    @Test
    void misuseIsOneLineNamingTheChoices() {
        BenchRun r = BenchRun.of("bench", jqm.toString(), "--backends", "tpu");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().matches("jquant: unknown backend 'tpu', expected all or one of \\[.*java.*] "
                + "\\(see 'jquant bench --help'\\)\n"), r.err());
        r = BenchRun.of("bench", jqm.toString(), "--batch", "1,0");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("jquant: --batch values must be in [1, 2147483647], was 0"), r.err());
        r = BenchRun.of("bench", jqm.toString(), "--runs", "0");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("jquant: --runs must be at least 1, was 0"), r.err());

    }

    @Test
    void aPeerModelWithOtherInputsIsRefused() throws Exception {
        Path other = TokenModel.writeOther(dir.resolve("other.onnx"));
        BenchRun r = BenchRun.of("bench", jqm.toString(), "--onnx", other.toString(), "--threads", "1", "--runs", "1");
        assertEquals(1, r.exitCode());
        assertEquals("jquant: the ONNX model's inputs [z] are not the .jqm model's [attention_mask, input_ids, "
                + "position_ids, token_type_ids, x]; --onnx must name the file the .jqm was compressed from",
                r.err().lines().filter(l -> l.startsWith("jquant: ")).findFirst().orElse(r.err()));
    }

    @Test
    void helpShowsExamples() {
        BenchRun r = BenchRun.of("bench", "--help");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: jquant bench "), r.out());
        assertTrue(r.out().contains("Examples:\n  jquant bench "), r.out());
    }
}
