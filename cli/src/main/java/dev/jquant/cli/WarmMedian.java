package dev.jquant.cli;

import java.util.Arrays;

/**
 * The demo's latency figure: the median of a few runs taken after the engine has warmed up. Without the
 * warm-up, the first engine of a kind is timed while C2 is still compiling its kernels (the int8 model came
 * out slower than fp32 in the demo's table, at 79 against 48 ms, while {@code jquant bench} measured it
 * faster). {@code jquant bench} has the full method; this is the short one for the demo.
 */
final class WarmMedian {

    /** How long an engine runs before its timed runs, at least once. */
    static final long WARM_UP_NANOS = 1_500_000_000L;

    /** One run of the engine under test. */
    @FunctionalInterface
    interface Run {
        void run() throws Exception;
    }

    private WarmMedian() {
    }

    /** Runs {@code run} for {@code warmUpNanos} (at least once), then {@code runs} times; the median of those. */
    static long nanos(Run run, int runs, long warmUpNanos) throws Exception {
        long end = System.nanoTime() + warmUpNanos;
        do {
            run.run();
        } while (System.nanoTime() < end);
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            run.run();
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        return times[runs / 2];
    }
}
