package dev.jquant.compressor.calibration;

import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * A fixed number of equal-width bins over the values of one tensor (or their magnitudes), built chunk by
 * chunk so that memory stays O(bins) however much data a calibration run pushes through it.
 *
 * <p>Bin edges sit on multiples of the bin width, which is a power of two. When new data falls outside
 * the bins, the width doubles and pairs of neighbouring bins merge, as often as needed: each old bin
 * lies inside exactly one new bin, so counts move without being split or estimated, and the edges stay
 * exact in double arithmetic. Each growth centres the bins on the data, so they stay about as fine as
 * bins fitted to all the data at once: at most twice as wide, plus the alignment to multiples of the
 * width. Non-finite values are skipped: NaN has no place on a grid and infinities saturate whatever the
 * range.
 */
final class Histogram {
    private final long[] counts;
    private final boolean magnitudes;
    /** Lower edge of bin 0; a multiple of {@link #width}. 0 for a histogram of magnitudes. */
    private double origin;
    /** Bin width, a power of two; 0 until the first finite value arrives. */
    private double width;
    private long total;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;

    /**
     * @param bins number of bins, even and at least 2
     * @param magnitudes true to count {@code |x|} instead of {@code x}
     */
    Histogram(int bins, boolean magnitudes) {
        if (bins < 2 || bins % 2 != 0) {
            throw new IllegalArgumentException("histogram bins must be even and at least 2, was " + bins);
        }
        this.counts = new long[bins];
        this.magnitudes = magnitudes;
    }

    /** Adds {@code count} little-endian floats from the start of {@code floats}. */
    void add(MemorySegment floats, long count) {
        float chunkMin = Float.POSITIVE_INFINITY;
        float chunkMax = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < count; i++) {
            float v = floats.getAtIndex(Tensor.F32, i);
            if (Float.isFinite(v)) {
                chunkMin = Math.min(chunkMin, v);
                chunkMax = Math.max(chunkMax, v);
            }
        }
        if (chunkMin > chunkMax) {
            return; // nothing finite
        }
        min = Math.min(min, chunkMin);
        max = Math.max(max, chunkMax);
        double lo = magnitudes ? 0 : min;
        double hi = magnitudes ? Math.max(-(double) min, max) : max;
        if (width == 0) {
            start(lo, hi);
        }
        while (lo < origin || hi > origin + counts.length * width) {
            grow(lo, hi);
        }
        int last = counts.length - 1;
        double perBin = 1 / width; // exact: the width is a power of two
        for (long i = 0; i < count; i++) {
            float v = floats.getAtIndex(Tensor.F32, i);
            if (Float.isFinite(v)) {
                double x = magnitudes ? Math.abs(v) : v;
                counts[Math.min((int) ((x - origin) * perBin), last)]++;
                total++;
            }
        }
    }

    /** The first bins: a power-of-two width fine enough that [lo, hi] spans at least half of them. */
    private void start(double lo, double hi) {
        double span = hi - lo;
        if (span == 0) {
            // A constant so far: any small width will do; later data grows it.
            span = Math.max(Math.abs(hi) * 0x1p-20, Double.MIN_NORMAL);
        }
        width = powerOfTwoAtLeast(span / (counts.length - 1));
        origin = Math.floor(lo / width) * width;
    }

    /**
     * Doubles the width, merging bin pairs, and centres the new bins on all data so far, [lo, hi], as far
     * as the old bins allow: growing only at one end would leave the new half of the bins on the side that
     * needs none, and data that widens on both sides would then double the width again and again.
     */
    private void grow(double lo, double hi) {
        double wider = 2 * width;
        double halfSpan = counts.length * width;
        // The new origin must stay a multiple of the new width and keep every old bin inside the new range.
        double lowest = Math.ceil((origin - halfSpan) / wider) * wider;
        double highest = Math.floor(origin / wider) * wider;
        double centred = Math.floor(((lo + hi) / 2 - halfSpan) / wider) * wider;
        double newOrigin = magnitudes ? 0 : Math.clamp(centred, lowest, highest); // magnitudes start at 0
        int shift = (int) Math.round((origin - newOrigin) / width); // old bins below the old origin, 0..bins
        long[] merged = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            merged[(i + shift) / 2] += counts[i];
        }
        System.arraycopy(merged, 0, counts, 0, counts.length);
        origin = newOrigin;
        width = wider;
    }

    private static double powerOfTwoAtLeast(double x) {
        double p = Math.scalb(1.0, Math.getExponent(x));
        return p < x ? 2 * p : p;
    }

    int bins() {
        return counts.length;
    }

    long count(int bin) {
        return counts[bin];
    }

    /** Finite values counted so far. */
    long total() {
        return total;
    }

    boolean isEmpty() {
        return total == 0;
    }

    double binWidth() {
        return width;
    }

    /** Lower edge of {@code bin}; {@code lowerEdge(bins())} is the upper edge of the last bin. */
    double lowerEdge(int bin) {
        return origin + bin * width;
    }

    /** The smallest and largest finite values seen (signed, also for a histogram of magnitudes). */
    Range observed() {
        requireData();
        return new Range(min, max);
    }

    /** The smallest value counted: the signed minimum, or the smallest magnitude. */
    double lowest() {
        requireData();
        if (!magnitudes) {
            return min;
        }
        return min <= 0 && max >= 0 ? 0 : Math.min(Math.abs((double) min), Math.abs((double) max));
    }

    /** The largest value counted: the signed maximum, or the largest magnitude. */
    double highest() {
        requireData();
        return magnitudes ? Math.max(Math.abs((double) min), Math.abs((double) max)) : max;
    }

    /**
     * The value below which a fraction {@code q} of the counted values lie, interpolating linearly inside
     * the bin where the fraction is reached and clamped to the values actually seen.
     */
    double quantile(double q) {
        requireData();
        double target = q * total;
        double below = 0;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] > 0 && below + counts[b] >= target) {
                double inside = Math.max(0, (target - below) / counts[b]);
                return Math.clamp(lowerEdge(b) + inside * width, lowest(), highest());
            }
            below += counts[b];
        }
        return highest();
    }

    private void requireData() {
        if (total == 0) {
            throw new IllegalStateException("no finite values observed");
        }
    }
}
