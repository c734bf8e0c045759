package dev.jquant.compressor.calibration;


/**
 * Percentile calibration: clips the rarest values. Symmetric: {@code t} is the given percentile of
 * {@code |x|} and the range is {@code [-t, t]}. Asymmetric: each tail loses {@code 100 - percentile}
 * percent, the range being {@code [P(100 - p), P(p)]} of the signed values. Exact up to one histogram bin.
 */
public final class PercentileObserver extends HistogramObserver {
    private final double percentile;
    private final boolean symmetric;

    /**
     * @param percentile in (50, 100], e.g. 99.99
     * @param symmetric true to take the percentile of magnitudes
     * @param bins histogram bins, even
     */
    public PercentileObserver(double percentile, boolean symmetric, int bins) {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], was " + percentile);
        }
        super(bins, symmetric);
        this.percentile = percentile;
        this.symmetric = symmetric;
    }

    @Override
    public Range range() {
        double q = percentile / 100;
        if (symmetric) {
            float t = (float) histogram.quantile(q);
            return new Range(-t, t);
        }
        return new Range((float) histogram.quantile(1 - q), (float) histogram.quantile(q));
    }
}
