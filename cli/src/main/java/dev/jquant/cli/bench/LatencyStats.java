package dev.jquant.cli.bench;

import java.util.Arrays;

/**
 * The summary of one engine's timed runs in one configuration. Percentiles interpolate linearly between
 * the two closest ranks (numpy's default), so p50 of an even count is the mean of the middle two.
 *
 * @param runs how many samples
 * @param cv coefficient of variation, stddev / mean
 */
public record LatencyStats(int runs, double medianNanos, double p10Nanos, double p90Nanos, double p99Nanos,
        double minNanos, double maxNanos, double meanNanos, double stddevNanos, double cv) {

    /** Above this coefficient of variation the spread says the machine was noisy. */
    static final double NOISY_CV = 0.10;
    /** Above this p90/median the slow tail says the machine was noisy. */
    static final double NOISY_TAIL = 1.3;

    public static LatencyStats of(long[] samplesNanos) {
        if (samplesNanos.length == 0) {
            throw new IllegalArgumentException("no samples to summarize");
        }
        long[] sorted = samplesNanos.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long s : sorted) {
            sum += s;
        }
        double mean = sum / sorted.length;
        double squares = 0;
        for (long s : sorted) {
            squares += (s - mean) * (s - mean);
        }
        // The sample standard deviation (n - 1): the runs are a sample of what the machine does.
        double stddev = sorted.length > 1 ? Math.sqrt(squares / (sorted.length - 1)) : 0;
        return new LatencyStats(sorted.length, percentile(sorted, 50), percentile(sorted, 10), percentile(sorted, 90),
                percentile(sorted, 99), sorted[0], sorted[sorted.length - 1], mean, stddev, mean == 0 ? 0 : stddev / mean);
    }

    /** The {@code p}-th percentile (0..100) of ascending {@code sorted}, interpolated between closest ranks. */
    static double percentile(long[] sorted, double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in [0, 100], was " + p);
        }
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /** p90 / median: how much slower the slow tenth of the runs was. */
    public double tailRatio() {
        return medianNanos == 0 ? 1 : p90Nanos / medianNanos;
    }

    /** True when the spread is too wide for the median (and ratios built on it) to be trusted closely. */
    public boolean noisy() {
        return cv > NOISY_CV || tailRatio() > NOISY_TAIL;
    }

    /** Items per second at the median latency, for a run that processes {@code batch} items. */
    public double throughput(int batch) {
        return batch * 1e9 / medianNanos;
    }
}
