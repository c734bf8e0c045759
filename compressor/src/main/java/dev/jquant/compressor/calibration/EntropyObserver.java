package dev.jquant.compressor.calibration;


/**
 * Entropy (KL-divergence) calibration as TensorRT does it: over a histogram of magnitudes, each candidate
 * threshold (every bin edge from {@code levels} bins up) defines a reference distribution P, the bins
 * below the threshold with everything above it added to the last one, and its quantized version Q, the
 * same bins merged into {@code levels} groups and spread back evenly over each group's non-empty bins.
 * The threshold whose Q loses the least information about P, the smallest KL(P || Q), wins; on long
 * tails it clips well inside the largest value.
 *
 * <p>{@code levels} is the number of grid points on one side of zero: 128 for int8. For an asymmetric
 * scheme the threshold clips the observed range on both sides; data of one sign gets the whole grid
 * (256 levels for uint8), data of both signs half of it, as a symmetric grid would.
 */
public final class EntropyObserver extends HistogramObserver {
    /** Mass given to empty bins so that KL(P || Q) stays finite (the value TensorRT and MXNet use). */
    private static final double SMOOTHING = 1e-4;

    private final ActivationScheme scheme;

    /** Beyond this many bins the smoothing could take more than a whole count from a non-empty bin. */
    static final int MAX_BINS = 8192;

    /**
     * @param bins histogram bins, at least twice the scheme's levels (only the upper half of the bins is
     *        sure to hold data after the histogram has grown) and at most {@value #MAX_BINS}
     */
    public EntropyObserver(ActivationScheme scheme, int bins) {
        int levels = scheme.symmetric() ? 1 << (scheme.bits() - 1) : 1 << scheme.bits();
        if (bins < levels * 2 || bins > MAX_BINS) {
            throw new IllegalArgumentException("entropy calibration of " + scheme + " needs " + levels * 2 + " to "
                    + MAX_BINS + " histogram bins (at least twice the levels of the grid), was " + bins);
        }
        super(bins, true);
        this.scheme = scheme;
    }

    @Override
    public Range range() {
        Range observed = histogram.observed();
        boolean oneSigned = observed.min() >= 0 || observed.max() <= 0;
        int levels = scheme.symmetric() || !oneSigned ? 1 << (scheme.bits() - 1) : 1 << scheme.bits();
        float t = (float) Math.min(threshold(levels), histogram.highest());
        if (scheme.symmetric()) {
            return new Range(-t, t);
        }
        return new Range(Math.max(observed.min(), -t), Math.min(observed.max(), t));
    }

    /** The bin edge with the least KL divergence; the top of the data when it fills fewer bins than levels. */
    private double threshold(int levels) {
        Histogram h = histogram;
        int top = h.bins();
        while (h.count(top - 1) == 0) {
            top--;
        }
        if (top <= levels) {
            return h.highest();
        }
        long[] above = new long[top + 1];
        for (int b = top - 1; b >= 0; b--) {
            above[b] = above[b + 1] + h.count(b);
        }
        double[] p = new double[top];
        double[] q = new double[top];
        double best = Double.POSITIVE_INFINITY;
        int bestEdge = top;
        for (int edge = levels; edge <= top; edge++) {
            for (int b = 0; b < edge; b++) {
                p[b] = h.count(b);
            }
            p[edge - 1] += above[edge];
            for (int g = 0; g < levels; g++) {
                int start = (int) ((long) g * edge / levels);
                int end = (int) ((long) (g + 1) * edge / levels);
                double sum = 0;
                int nonEmpty = 0;
                for (int b = start; b < end; b++) {
                    sum += h.count(b);
                    nonEmpty += h.count(b) > 0 ? 1 : 0;
                }
                for (int b = start; b < end; b++) {
                    q[b] = h.count(b) > 0 ? sum / nonEmpty : 0;
                }
            }
            double kl = divergence(p, q, edge);
            if (kl < best) {
                best = kl;
                bestEdge = edge;
            }
        }
        return h.lowerEdge(bestEdge);
    }

    /** KL(P || Q) over the first {@code n} entries, both smoothed and normalized; infinite when one is all zero. */
    private static double divergence(double[] p, double[] q, int n) {
        if (!smooth(p, n) || !smooth(q, n)) {
            return Double.POSITIVE_INFINITY;
        }
        double pSum = 0;
        double qSum = 0;
        for (int i = 0; i < n; i++) {
            pSum += p[i];
            qSum += q[i];
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            double pi = p[i] / pSum;
            kl += pi * Math.log(pi / (q[i] / qSum));
        }
        return kl;
    }

    /** Moves a little mass from non-empty to empty entries (MXNet's _smooth_distribution); false when all are empty. */
    private static boolean smooth(double[] d, int n) {
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            zeros += d[i] == 0 ? 1 : 0;
        }
        if (zeros == n) {
            return false;
        }
        double taken = SMOOTHING * zeros / (n - zeros);
        for (int i = 0; i < n; i++) {
            d[i] = d[i] == 0 ? SMOOTHING : d[i] - taken;
        }
        return true;
    }
}
