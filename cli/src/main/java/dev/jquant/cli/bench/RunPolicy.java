package dev.jquant.cli.bench;

/**
 * How many rounds to run: at least {@code minRounds}, and until each engine has run for at least
 * {@code minNanosPerEngine} in total, but never more than {@code maxRounds}. A round runs every engine once.
 */
record RunPolicy(int minRounds, long minNanosPerEngine, int maxRounds) {

    /** Timed runs by default: enough for a stable median even on a fast model (20 runs or 2 s, at most 1000). */
    static final RunPolicy TIMED = new RunPolicy(20, 2_000_000_000L, 1000);
    /**
     * Warm-up by default: each engine plans the new shapes, and the JIT compiles the hot kernels, which on a
     * transformer takes a second or more of running (C2 compiles in the background, competing for the cores).
     */
    static final RunPolicy WARMUP = new RunPolicy(5, 1_000_000_000L, 500);

    RunPolicy {
        if (minRounds < 0 || maxRounds < minRounds || minNanosPerEngine < 0) {
            throw new IllegalArgumentException("bad run policy " + minRounds + ".." + maxRounds + " rounds, "
                    + minNanosPerEngine + " ns");
        }
    }

    /** Exactly {@code rounds} rounds, however long they take. */
    static RunPolicy exactly(int rounds) {
        return new RunPolicy(rounds, 0, rounds);
    }

    boolean done(int rounds, long elapsedNanos, int engines) {
        return rounds >= maxRounds || rounds >= minRounds && elapsedNanos >= minNanosPerEngine * engines;
    }

    /** e.g. {@code 10} or {@code at least 20 and 2.0 s per engine, at most 1000}. */
    String describe() {
        return minRounds == maxRounds ? Integer.toString(minRounds)
                : String.format(java.util.Locale.ROOT, "at least %d and %.1f s per engine, at most %d", minRounds,
                        minNanosPerEngine / 1e9, maxRounds);
    }
}
