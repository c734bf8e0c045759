package dev.jquant.compressor.calibration;

import java.lang.foreign.MemorySegment;

/** An observer that keeps one incrementally grown {@link Histogram} and chooses its range from it. */
abstract sealed class HistogramObserver implements RangeObserver
        permits EntropyObserver, MseObserver, PercentileObserver {

    final Histogram histogram;

    HistogramObserver(int bins, boolean magnitudes) {
        this.histogram = new Histogram(bins, magnitudes);
    }

    @Override
    public final void observe(MemorySegment floats, long count) {
        histogram.add(floats, count);
    }

    @Override
    public final Range observed() {
        return histogram.observed();
    }
}
