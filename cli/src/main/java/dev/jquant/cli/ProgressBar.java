package dev.jquant.cli;

import dev.jquant.compressor.Progress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Draws the compressor's {@link Progress} on a terminal: one line, redrawn in place with {@code \r},
 * at most ten times a second:
 * <pre>
 * calibrating [#########-----------]  45%  45/100 samples  0:12 elapsed  ETA 0:15  3.7 samples/s
 * </pre>
 * When the stream is not a terminal (a log file, CI), a line each time another tenth is done, at most
 * one a second (a task over in a moment gets none), and one at the end, so logs stay readable.
 */
public final class ProgressBar implements Progress {
    static final long REDRAW_NANOS = 100_000_000L;
    static final long LOG_LINE_NANOS = 1_000_000_000L;
    private static final int BAR_CELLS = 20;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoClock;

    private String task;
    private String unit;
    private long total;
    private long done;
    private long startNanos;
    /** When the last line was drawn (terminal) or printed (log). */
    private long drawnNanos;
    private int tenthsReported;
    private int drawnLength;

    /**
     * @param terminal true to redraw one line in place, false to print a line per tenth
     * @param nanoClock the time source, {@link System#nanoTime} outside tests
     */
    public ProgressBar(PrintWriter out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /**
     * A bar on a command's error stream (standard error), redrawn in place when the JVM runs in a terminal.
     * {@code System.console()} speaks for standard input and output, which is the best the JDK can tell
     * about standard error.
     */
    public static ProgressBar on(PrintWriter err) {
        java.io.Console console = System.console();
        return new ProgressBar(err, console != null && console.isTerminal(), System::nanoTime);
    }

    @Override
    public synchronized void begin(String task, long total, String unit) {
        end();
        this.task = task;
        this.unit = unit;
        this.total = Math.max(total, 0);
        this.done = 0;
        this.startNanos = nanoClock.getAsLong();
        this.tenthsReported = 0;
        this.drawnLength = 0;
        this.drawnNanos = startNanos;
        if (terminal) {
            draw(startNanos);
        }
    }

    @Override
    public synchronized void advance(long steps) {
        if (task == null) {
            return;
        }
        done += steps;
        long now = nanoClock.getAsLong();
        if (terminal) {
            if (now - drawnNanos >= REDRAW_NANOS || (total > 0 && done >= total)) {
                draw(now);
            }
        } else if (total > 0) {
            int tenths = (int) Math.min(10, done * 10 / total);
            if (tenths > tenthsReported && tenths < 10 && now - drawnNanos >= LOG_LINE_NANOS) {
                tenthsReported = tenths;
                drawnNanos = now;
                out.println(task + ": " + percent() + "% (" + counts() + ", " + timing(now, ", ") + ")");
            }
        }
    }

    @Override
    public synchronized void end() {
        if (task == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (terminal) {
            draw(now);
            out.println();
        } else {
            long elapsed = now - startNanos;
            String how = total > 0 && done < total ? "stopped at " + counts() + " after " : "done, " + counts() + " in ";
            out.println(task + ": " + how + clock(elapsed) + " (" + rate(elapsed) + ")");
        }
        out.flush();
        task = null;
    }

    private void draw(long now) {
        StringBuilder line = new StringBuilder(task).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(BAR_CELLS, done * BAR_CELLS / total);
            line.append('[').append("#".repeat(filled)).append("-".repeat(BAR_CELLS - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%", percent())).append("  ");
        }
        line.append(counts()).append("  ").append(timing(now, "  "));
        int length = line.length();
        // Blank out what is left of a longer previous line.
        line.append(" ".repeat(Math.max(0, drawnLength - length)));
        out.print("\r" + line);
        out.flush();
        drawnLength = length;
        drawnNanos = now;
    }

    private int percent() {
        return (int) Math.min(100, done * 100 / total);
    }

    /** e.g. {@code 45/100 samples}, or {@code 45 samples} when the total is unknown. */
    private String counts() {
        return (total > 0 ? done + "/" + total : Long.toString(done)) + (unit.isEmpty() ? "" : " " + unit);
    }

    /** e.g. {@code 0:12 elapsed, ETA 0:15, 3.7 samples/s}; no ETA without a total, "--:--" before the first step. */
    private String timing(long now, String separator) {
        long elapsed = now - startNanos;
        String eta = "";
        if (total > 0) {
            long remaining = Math.max(0, total - done);
            eta = separator + "ETA " + (done == 0 ? "--:--" : clock((long) ((double) elapsed * remaining / done)));
        }
        return clock(elapsed) + " elapsed" + eta + separator + rate(elapsed);
    }

    private String rate(long elapsedNanos) {
        double perSecond = elapsedNanos == 0 ? 0 : done * 1e9 / elapsedNanos;
        String perUnit = (unit.isEmpty() ? "" : " " + unit) + "/s";
        return String.format(Locale.ROOT, perSecond < 100 ? "%.1f%s" : "%.0f%s", perSecond, perUnit);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String clock(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
