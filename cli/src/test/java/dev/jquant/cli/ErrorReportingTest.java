package dev.jquant.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors are one line on standard error: exit 2 for misuse, 1 for failures; stack traces only with --verbose. */
class ErrorReportingTest {

    @TempDir
    Path dir;

    private static void assertOneLine(CliRun r, int exitCode, String line) {
        assertEquals(exitCode, r.exitCode(), r.err());
        assertArrayEquals(new String[] {line}, r.errLines(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void noCommand() {
        assertOneLine(CliRun.of(), 2,
                "jquant: no command given; choose one of compress, run, inspect, backends, demo, bench (see 'jquant --help')");
    }

    @Test
    void missingFilesAreFailures() {
        Path missing = dir.resolve("missing.jqm");
        assertOneLine(CliRun.of("run", missing.toString()), 1, "jquant: no such file: " + missing);
        assertOneLine(CliRun.of("inspect", missing.toString()), 1, "jquant: no such file: " + missing);
        Path onnx = dir.resolve("missing.onnx");
        assertOneLine(CliRun.of("compress", onnx.toString(), "-o", dir.resolve("x.jqm").toString()), 1,
                "jquant: no such file: " + onnx);
    }

    @Test
    void verboseAddsTheStackTrace() {
        Path missing = dir.resolve("missing.jqm");
        CliRun r = CliRun.of("run", missing.toString(), "--verbose");
        assertEquals(1, r.exitCode());
        assertEquals("jquant: no such file: " + missing, r.errLines()[0]);
        assertTrue(r.errLines().length > 3, r.err());
        assertTrue(r.errLines()[1].startsWith("java.nio.file.NoSuchFileException"), r.err());
    }

    @Test
    void badInputSyntaxIsMisuse() {
        assertOneLine(CliRun.of("run", "m.jqm", "--input", "ids.npy"), 2,
                "jquant: Invalid value for option '--input' (NAME=FILE.npy): expected NAME=FILE.npy, "
                        + "e.g. input_ids=ids.npy, but got 'ids.npy' (see 'jquant run --help')");
        assertOneLine(CliRun.of("run", "m.jqm", "-i", "ids="), 2,
                "jquant: Invalid value for option '--input' (NAME=FILE.npy): expected NAME=FILE.npy, "
                        + "e.g. input_ids=ids.npy, but got 'ids=' (see 'jquant run --help')");
        assertOneLine(CliRun.of("run", "m.jqm", "-i", "a=1.npy", "-i", "a=2.npy"), 2,
                "jquant: input 'a' is given twice (see 'jquant run --help')");
    }

    @Test
    void unknownBackendIsMisuseAndListsTheChoices() {
        CliRun r = CliRun.of("run", "m.jqm", "--backend", "tpu");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.errLines()[0].startsWith("jquant: unknown backend 'tpu', expected auto or one of ["), r.err());
        assertTrue(r.errLines()[0].contains("java"), r.err());
    }

    @Test
    void threadCountOutOfRangeIsMisuse() {
        assertOneLine(CliRun.of("run", "m.jqm", "--threads", "0"), 2,
                "jquant: threads must be in [1, 1024], was 0 (see 'jquant run --help')");
    }

    @Test
    void badCompressionSettingsAreMisuseNamingTheChoices() {
        assertOneLine(CliRun.of("compress", "m.onnx", "--precision", "fp33"), 2,
                "jquant: --precision: unknown precision 'fp33'; expected one of fp32, fp16, bf16, int8, int4 "
                        + "(see 'jquant compress --help')");
        assertOneLine(CliRun.of("compress", "m.onnx", "--precision", "int8", "--activations", "static"), 2,
                "jquant: --activations static needs --calibration samples (see 'jquant compress --help')");
        assertOneLine(CliRun.of("compress", "m.onnx", "--precision", "int8", "--method", "guess"), 2,
                "jquant: invalid --method: expected one of minmax, percentile, mse, entropy "
                        + "(see 'jquant compress --help')");
        assertOneLine(CliRun.of("compress", "m.onnx", "--precision", "int4", "--group-size", "20"), 2,
                "jquant: --group-size: group size must be a positive multiple of 16 (e.g. 32, 64, 128), was 20 "
                        + "(see 'jquant compress --help')");
    }

    @Test
    void unknownOptionsAndCommandsAreMisuse() {
        CliRun r = CliRun.of("inspect", "m.jqm", "--colour");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.errLines()[0].startsWith("jquant: Unknown option: '--colour'"), r.err());
        r = CliRun.of("compres");
        assertEquals(2, r.exitCode());
        assertTrue(r.errLines()[0].startsWith("jquant: "), r.err());
    }

    @Test
    void demoArgumentsAreChecked() {
        assertOneLine(CliRun.of("demo", "--sentences", "1"), 2,
                "jquant: --sentences must be in [2, 12], was 1 (see 'jquant demo --help')");
    }

    @Test
    void describesFileErrorsForPeople() {
        assertEquals("no such file: a.npy", ErrorReporter.describe(new java.nio.file.NoSuchFileException("a.npy")));
        assertEquals("permission denied: b", ErrorReporter.describe(new java.nio.file.AccessDeniedException("b")));
        assertEquals("IllegalStateException", ErrorReporter.describe(new IllegalStateException()));
    }
}
