package dev.jquant.compressor.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistogramTest {

    /** Every value must sit in the bin that the final edges assign it to: growth moved counts, never guessed them. */
    private static void assertBinsHoldExactly(Histogram h, List<float[]> chunks, boolean magnitudes) {
        long[] expected = new long[h.bins()];
        long total = 0;
        for (float[] chunk : chunks) {
            for (float v : chunk) {
                if (!Float.isFinite(v)) {
                    continue;
                }
                double x = magnitudes ? Math.abs(v) : v;
                assertTrue(x >= h.lowerEdge(0) && x <= h.lowerEdge(h.bins()), x + " outside the bins");
                expected[Math.min((int) Math.floor((x - h.lowerEdge(0)) / h.binWidth()), h.bins() - 1)]++;
                total++;
            }
        }
        for (int b = 0; b < h.bins(); b++) {
            assertEquals(expected[b], h.count(b), "bin " + b);
        }
        assertEquals(total, h.total());
    }

    private static Histogram fill(int bins, boolean magnitudes, List<float[]> chunks) {
        Histogram h = new Histogram(bins, magnitudes);
        chunks.forEach(c -> h.add(TestData.segment(c), c.length));
        return h;
    }

    @Test
    void growingInBothDirectionsKeepsEveryCount() {
        List<float[]> chunks = new ArrayList<>();
        chunks.add(TestData.uniform(1000, 0.25f, 0.5f, 1));
        chunks.add(TestData.uniform(1000, -3f, 0.1f, 2));
        chunks.add(new float[] {1000f, 7f});
        chunks.add(TestData.uniform(1000, -0.01f, 0.01f, 3));
        chunks.add(new float[] {-40000f});
        Histogram h = fill(64, false, chunks);
        assertBinsHoldExactly(h, chunks, false);
        assertEquals(3003, h.total());
        assertEquals(new Range(-40000f, 1000f), h.observed());
        // The bins cover [-40000, 1000] at least half as finely as bins fitted to that range.
        assertTrue(h.binWidth() <= 2 * 41000.0 / 63, "width " + h.binWidth());
    }

    @Test
    void magnitudesFoldNegativeValuesOntoPositiveBins() {
        List<float[]> chunks = List.of(new float[] {-1f, 0.5f}, TestData.gaussian(5000, 4), new float[] {-9f});
        Histogram h = fill(128, true, chunks);
        assertBinsHoldExactly(h, chunks, true);
        assertEquals(0.0, h.lowerEdge(0));
        assertEquals(9.0, h.highest());
        assertEquals(new Range(-9f, h.observed().max()), h.observed());
    }

    @Test
    void aConstantFirstChunkStillGrows() {
        List<float[]> chunks = List.of(new float[] {5f, 5f, 5f}, new float[] {5f}, new float[] {-2f, 12f});
        Histogram h = fill(16, false, chunks);
        assertBinsHoldExactly(h, chunks, false);
        assertEquals(5.0, h.quantile(0.5), h.binWidth());
    }

    @Test
    void nonFiniteValuesAreSkipped() {
        Histogram h = new Histogram(32, false);
        float[] values = {Float.NaN, 1f, Float.POSITIVE_INFINITY, 2f, Float.NEGATIVE_INFINITY};
        h.add(TestData.segment(values), values.length);
        assertEquals(2, h.total());
        assertEquals(new Range(1f, 2f), h.observed());
    }

    @Test
    void quantileOfARampIsExactToABin() {
        Histogram h = new Histogram(2048, false);
        float[] ramp = TestData.ramp(1_000_001, -1f, 3f);
        h.add(TestData.segment(ramp), ramp.length);
        for (double q : new double[] {0.001, 0.1, 0.5, 0.9, 0.999}) {
            assertEquals(-1 + 4 * q, h.quantile(q), h.binWidth(), "quantile " + q);
        }
        assertEquals(-1.0, h.quantile(0), 0.0);
        assertEquals(3.0, h.quantile(1), 0.0);
    }

    @Test
    void emptyHistogramHasNoRange() {
        Histogram h = new Histogram(8, false);
        h.add(TestData.segment(Float.NaN), 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, h::observed);
        assertEquals("no finite values observed", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Histogram(7, false));
    }
}
