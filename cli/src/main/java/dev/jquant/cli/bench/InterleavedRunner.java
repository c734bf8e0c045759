package dev.jquant.cli.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Times engines in rounds, one run of each engine per round, so that whatever else the machine does at a
 * moment hits every engine alike. The order within a round rotates, so no engine always runs right after the
 * same neighbour (whose caches and threads it would inherit).
 */
final class InterleavedRunner {

    private InterleavedRunner() {
    }

    /** Runs warm-up rounds untimed, then timed rounds; returns each engine's samples in nanoseconds. */
    static long[][] measure(List<Engine> engines, RunPolicy warmup, RunPolicy timed) throws Exception {
        rounds(engines, warmup, null);
        long[][] samples = new long[engines.size()][timed.maxRounds()];
        int rounds = rounds(engines, timed, samples);
        long[][] trimmed = new long[engines.size()][];
        for (int e = 0; e < engines.size(); e++) {
            trimmed[e] = Arrays.copyOf(samples[e], rounds);
        }
        return trimmed;
    }

    private static int rounds(List<Engine> engines, RunPolicy policy, long[][] samples) throws Exception {
        int n = engines.size();
        long start = System.nanoTime();
        int round = 0;
        while (!policy.done(round, System.nanoTime() - start, n)) {
            for (int i = 0; i < n; i++) {
                int e = (round + i) % n;
                long t0 = System.nanoTime();
                engines.get(e).run();
                long t1 = System.nanoTime();
                if (samples != null) {
                    samples[e][round] = t1 - t0;
                }
            }
            round++;
        }
        return round;
    }
}
