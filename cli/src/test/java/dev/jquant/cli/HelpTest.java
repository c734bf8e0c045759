package dev.jquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpTest {

    @Test
    void topLevelHelpListsEveryCommandWithExamples() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: jquant [-h] [--verbose] COMMAND"), r.out());
        for (String command : new String[] {"compress", "run", "inspect", "backends", "demo"}) {
            assertTrue(r.out().contains("\n  " + command + " "), command + " missing from\n" + r.out());
        }
        assertTrue(r.out().contains("Examples:\n  jquant demo"), r.out());
        assertEquals("", r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"compress", "run", "inspect", "backends", "demo"})
    void everyCommandAnswersHelpWithItsOptionsAndExamples(String command) {
        for (String flag : new String[] {"--help", "-h"}) {
            CliRun r = CliRun.of(command, flag);
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().startsWith("Usage: jquant " + command + " "), r.out());
            assertTrue(r.out().contains("--verbose"), r.out());
            assertTrue(r.out().contains("Examples:\n  jquant " + command), r.out());
        }
    }

    @Test
    void helpExplainsTheChoicesUsersAskAbout() {
        String compress = CliRun.of("compress", "--help").out().replaceAll("\\s+", " "); // undo line wrapping
        assertTrue(compress.contains("fp32, fp16, bf16, int8 or int4"), compress);
        assertTrue(compress.contains("GPTQ error feedback"), compress);
        assertTrue(compress.contains("DIR/<sample>/<input name>.npy"), compress);
        String run = CliRun.of("run", "--help").out();
        assertTrue(run.contains("-i, --input=NAME=FILE.npy"), run);
        assertTrue(run.contains("--backend=NAME   auto (the best available)"), run);
        assertTrue(run.contains("replaced by '_'"), run);
        assertTrue(CliRun.of("inspect", "--help").out().contains("--no-verify"));
    }
}
