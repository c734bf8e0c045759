package dev.jquant.compressor.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The four calibration methods on data whose right answer follows from how it was drawn. */
class ObserversTest {
    static final int BINS = 2048;

    private static float maxAbs(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static float[] with(float[] values, float... extra) {
        float[] all = Arrays.copyOf(values, values.length + extra.length);
        System.arraycopy(extra, 0, all, values.length, extra.length);
        return all;
    }

    /** 1M standard normal values plus five outliers at ±20 (one in 200 000). */
    private static float[] gaussianWithOutliers() {
        return with(TestData.gaussian(1_000_000, 11), 20f, -20f, 20f, -19f, 20f);
    }

    @Test
    void minMaxIsExactAndChunkingChangesNothing() {
        float[] values = with(TestData.uniform(10_000, -3f, 5f, 1), Float.NaN, 7.25f, Float.NEGATIVE_INFINITY, -3.5f);
        MinMaxObserver once = new MinMaxObserver();
        TestData.observe(once, values);
        MinMaxObserver chunked = new MinMaxObserver();
        TestData.observeInChunks(chunked, values, 333);
        assertEquals(new Range(-3.5f, 7.25f), once.range());
        assertEquals(once.range(), chunked.range());
        assertEquals(once.range(), once.observed());
    }

    @Test
    void nothingObservedIsAnError() {
        for (RangeObserver o : new RangeObserver[] {new MinMaxObserver(), new PercentileObserver(99, true, BINS),
                new MseObserver(ActivationScheme.INT8, BINS), new EntropyObserver(ActivationScheme.INT8, BINS)}) {
            TestData.observe(o, Float.NaN);
            assertThrows(IllegalStateException.class, o::range, o.getClass().getSimpleName());
        }
    }

    @Test
    void percentileOfAUniformRamp() {
        float[] ramp = TestData.ramp(1_000_001, -2f, 2f);
        PercentileObserver symmetric = new PercentileObserver(99, true, BINS);
        TestData.observe(symmetric, ramp);
        // |x| is uniform on [0, 2]: 99% of it lies below 1.98.
        assertEquals(1.98, symmetric.range().max(), 2.0 / BINS * 2);
        assertEquals(-symmetric.range().max(), symmetric.range().min());

        PercentileObserver asymmetric = new PercentileObserver(99.5, false, BINS);
        TestData.observe(asymmetric, ramp);
        // Each tail loses 0.5% of [-2, 2]: 0.02.
        assertEquals(-1.98, asymmetric.range().min(), 4.0 / BINS * 2);
        assertEquals(1.98, asymmetric.range().max(), 4.0 / BINS * 2);

        PercentileObserver all = new PercentileObserver(100, false, BINS);
        TestData.observe(all, ramp);
        assertEquals(new Range(-2f, 2f), all.range());
        assertThrows(IllegalArgumentException.class, () -> new PercentileObserver(50, true, BINS));
    }

    @Test
    void mseKeepsTheFullRangeOfUniformData() {
        float[] values = TestData.uniform(1_000_000, -3f, 3f, 5);
        MseObserver symmetric = new MseObserver(ActivationScheme.INT8, BINS);
        TestData.observe(symmetric, values);
        float max = maxAbs(values);
        // The optimum clips about max/255 (see MseObserver); within a bin of that.
        assertEquals(max * (1 - 1 / 255.0), symmetric.range().max(), 2 * max / BINS);

        float[] positive = TestData.uniform(1_000_000, 0f, 4f, 6);
        MseObserver asymmetric = new MseObserver(ActivationScheme.UINT8, BINS);
        TestData.observe(asymmetric, positive);
        assertTrue(asymmetric.range().min() < 4f / BINS * 2, asymmetric.range().toString());
        assertEquals(4 * (1 - 1 / 510.0), asymmetric.range().max(), 4.0 / BINS * 2);
    }

    @Test
    void mseClipsFarOutliersAndLowersTheRealError() {
        float[] values = gaussianWithOutliers();
        for (ActivationScheme scheme : new ActivationScheme[] {ActivationScheme.INT8, ActivationScheme.UINT8}) {
            MseObserver mse = new MseObserver(scheme, BINS);
            TestData.observe(mse, values);
            Range clip = mse.range();
            assertTrue(clip.max() > 3 && clip.max() < 15, scheme + " clipped to " + clip);
            assertTrue(clip.min() < -3 && clip.min() > -15, scheme + " clipped to " + clip);
            double clipped = TestData.quantizationMse(values, ActivationQuantization.of(clip, scheme));
            double full = TestData.quantizationMse(values, ActivationQuantization.of(mse.observed(), scheme));
            assertTrue(clipped < 0.5 * full, "clipped " + clipped + ", min-max " + full);
        }
    }

    @Test
    void mseIsTheBestOfItsCandidatesOnRealError() {
        // Within a few percent of the true optimum, found by scanning thresholds with real quantization.
        float[] values = TestData.laplace(200_000, 8);
        MseObserver mse = new MseObserver(ActivationScheme.INT8, BINS);
        TestData.observe(mse, values);
        double chosen = TestData.quantizationMse(values, ActivationQuantization.of(mse.range(), ActivationScheme.INT8));
        double best = Double.POSITIVE_INFINITY;
        float max = maxAbs(values);
        for (int i = 1; i <= 200; i++) {
            float t = max * i / 200;
            best = Math.min(best, TestData.quantizationMse(values,
                    ActivationQuantization.of(new Range(-t, t), ActivationScheme.INT8)));
        }
        assertTrue(chosen < best * 1.05, "chosen " + chosen + ", best scanned " + best);
    }

    @Test
    void entropyClipsALongTail() {
        float[] values = TestData.lognormal(1_000_000, 9);
        float max = maxAbs(values);
        float p999 = (float) Math.exp(3.0902); // the 99.9th percentile of exp(N(0, 1))
        for (ActivationScheme scheme : new ActivationScheme[] {ActivationScheme.INT8, ActivationScheme.UINT8}) {
            EntropyObserver entropy = new EntropyObserver(scheme, BINS);
            TestData.observe(entropy, values);
            Range clip = entropy.range();
            assertTrue(clip.max() < 0.5 * max, scheme + ": threshold " + clip + " of max " + max);
            // ... but not into the body.
            assertTrue(clip.max() > p999, scheme + ": threshold " + clip + " below the 99.9th percentile " + p999);
            assertEquals(scheme.symmetric() ? -clip.max() : entropy.observed().min(), clip.min(), scheme.toString());
        }
    }

    @Test
    void entropyKeepsAShortTail() {
        float[] values = TestData.uniform(1_000_000, -1f, 1f, 12);
        EntropyObserver entropy = new EntropyObserver(ActivationScheme.INT8, BINS);
        TestData.observe(entropy, values);
        assertTrue(entropy.range().max() > 0.95f, entropy.range().toString());
    }

    private static CalibrationOptions options(CalibrationMethod method, ActivationScheme scheme) {
        return CalibrationOptions.builder().method(method).scheme(scheme).percentile(99.9).build();
    }

    @Test
    void chunksWithinTheFirstChunksRangeGiveTheSameRanges() {
        float[] values = TestData.laplace(300_000, 10);
        float[] extremesFirst = values.clone();
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < values.length; i++) {
            lo = values[i] < values[lo] ? i : lo;
            hi = values[i] > values[hi] ? i : hi;
        }
        extremesFirst[lo] = values[0];
        extremesFirst[0] = values[lo];
        extremesFirst[hi] = extremesFirst[1];
        extremesFirst[1] = values[hi];
        for (CalibrationMethod method : CalibrationMethod.values()) {
            for (ActivationScheme scheme : new ActivationScheme[] {ActivationScheme.INT8, ActivationScheme.UINT8}) {
                RangeObserver once = options(method, scheme).newObserver();
                TestData.observe(once, values);
                RangeObserver chunked = options(method, scheme).newObserver();
                TestData.observeInChunks(chunked, extremesFirst, 777);
                assertEquals(once.range(), chunked.range(), method + " " + scheme);
            }
        }
    }

    /**
     * Chunks sorted by magnitude, so that nearly every one grows the histogram (which keeps every count, see
     * HistogramTest): all methods agree with the histogram built at once to within one bin of it. Growth may
     * leave bins up to twice as wide as fitted ones; min-max and percentile would still agree to a bin, while
     * MSE and entropy, which minimize functions that are flat near their minimum, could move further.
     */
    @Test
    void chunksThatGrowTheHistogramGiveTheSameRangesWithinABin() {
        float[] values = TestData.laplace(300_000, 10);
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        Arrays.sort(boxed, (a, b) -> Float.compare(Math.abs(a), Math.abs(b)));
        float[] sorted = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            sorted[i] = boxed[i];
        }
        double bin = 2 * maxAbs(values) / BINS;
        for (CalibrationMethod method : CalibrationMethod.values()) {
            for (ActivationScheme scheme : new ActivationScheme[] {ActivationScheme.INT8, ActivationScheme.UINT8}) {
                RangeObserver once = options(method, scheme).newObserver();
                TestData.observe(once, values);
                RangeObserver chunked = options(method, scheme).newObserver();
                TestData.observeInChunks(chunked, sorted, 1000);
                String what = method + " " + scheme + ": at once " + once.range() + ", in chunks " + chunked.range();
                assertEquals(once.range().min(), chunked.range().min(), bin, what);
                assertEquals(once.range().max(), chunked.range().max(), bin, what);
            }
        }
    }

    @Test
    void entropyNeedsMoreBinsThanLevels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EntropyObserver(new ActivationScheme(11, false), BINS));
        assertEquals("entropy calibration of uint11 asymmetric needs 4096 to 8192 histogram bins (at least twice "
                + "the levels of the grid), was 2048", e.getMessage());
    }
}
