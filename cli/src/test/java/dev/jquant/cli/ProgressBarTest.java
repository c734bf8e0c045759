package dev.jquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintWriter out = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
    private long now;

    private String printed() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    private void advanceClock(double seconds) {
        now += (long) (seconds * 1e9);
    }

    @Test
    void terminalLineIsRedrawnInPlaceWithPercentEtaAndRate() {
        ProgressBar bar = new ProgressBar(out, true, () -> now);
        bar.begin("calibrating", 100, "samples");
        assertEquals("\rcalibrating [--------------------]   0%  0/100 samples  0:00 elapsed  ETA --:--  0.0 samples/s",
                printed());
        advanceClock(12);
        bar.advance(45);
        assertEquals("\rcalibrating [#########-----------]  45%  45/100 samples  0:12 elapsed  ETA 0:14  3.8 samples/s",
                printed());
        advanceClock(63);
        bar.advance(55);
        assertEquals("\rcalibrating [####################] 100%  100/100 samples  1:15 elapsed  ETA 0:00  1.3 samples/s",
                printed());
        bar.end();
        assertEquals("\rcalibrating [####################] 100%  100/100 samples  1:15 elapsed  ETA 0:00  1.3 samples/s\n",
                printed().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void redrawsAtMostTenTimesASecond() {
        ProgressBar bar = new ProgressBar(out, true, () -> now);
        bar.begin("quantizing", 1000, "tensors");
        printed();
        int draws = 0;
        for (int i = 0; i < 999; i++) {
            advanceClock(0.001);
            bar.advance(1);
            draws += printed().isEmpty() ? 0 : 1;
        }
        // 0.999 s of steps a millisecond apart: a redraw every 100 ms.
        assertEquals(9, draws);
        advanceClock(0.001);
        bar.advance(1);
        assertEquals(1, printed().chars().filter(c -> c == '\r').count(), "the last step is always drawn");
    }

    @Test
    void aShorterLineBlanksWhatIsLeftOfTheLongerOne() {
        ProgressBar bar = new ProgressBar(out, true, () -> now);
        bar.begin("choosing ranges", 0, "values");
        printed();
        advanceClock(1);
        bar.advance(1000);
        assertEquals("\rchoosing ranges 1000 values  0:01 elapsed  1000 values/s", printed());
        advanceClock(199);
        bar.advance(0);
        assertEquals("\rchoosing ranges 1000 values  3:20 elapsed  5.0 values/s ", printed());
    }

    @Test
    void withoutATerminalPrintsALinePerTenthAndASummary() {
        ProgressBar bar = new ProgressBar(out, false, () -> now);
        bar.begin("calibrating", 8, "samples");
        StringBuilder log = new StringBuilder(printed());
        for (int i = 0; i < 8; i++) {
            advanceClock(2);
            bar.advance(1);
            log.append(printed());
        }
        bar.end();
        log.append(printed());
        assertEquals("""
                calibrating: 12% (1/8 samples, 0:02 elapsed, ETA 0:14, 0.5 samples/s)
                calibrating: 25% (2/8 samples, 0:04 elapsed, ETA 0:12, 0.5 samples/s)
                calibrating: 37% (3/8 samples, 0:06 elapsed, ETA 0:10, 0.5 samples/s)
                calibrating: 50% (4/8 samples, 0:08 elapsed, ETA 0:08, 0.5 samples/s)
                calibrating: 62% (5/8 samples, 0:10 elapsed, ETA 0:06, 0.5 samples/s)
                calibrating: 75% (6/8 samples, 0:12 elapsed, ETA 0:04, 0.5 samples/s)
                calibrating: 87% (7/8 samples, 0:14 elapsed, ETA 0:02, 0.5 samples/s)
                calibrating: done, 8/8 samples in 0:16 (0.5 samples/s)
                """, log.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void withoutATerminalAQuickTaskGetsOnlyItsSummary() {
        ProgressBar bar = new ProgressBar(out, false, () -> now);
        bar.begin("choosing ranges", 100, "values");
        for (int i = 0; i < 100; i++) {
            advanceClock(0.001);
            bar.advance(1);
        }
        bar.end();
        assertEquals("choosing ranges: done, 100/100 values in 0:00 (1000 values/s)\n",
                printed().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void abandonedTaskSaysWhereItStopped() {
        ProgressBar bar = new ProgressBar(out, false, () -> now);
        bar.begin("calibrating", 1000, "samples");
        advanceClock(3725);
        bar.advance(3);
        bar.end();
        bar.end();
        assertEquals("calibrating: stopped at 3/1000 samples after 1:02:05 (0.0 samples/s)\n",
                printed().replace(System.lineSeparator(), "\n"));
    }
}
