package dev.jquant.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void percentilesInterpolateBetweenClosestRanks() {
        // Shuffled 1..10: order must not matter.
        LatencyStats s = LatencyStats.of(new long[] {7, 3, 10, 1, 5, 9, 2, 8, 4, 6});
        assertEquals(10, s.runs());
        assertEquals(5.5, s.medianNanos(), 1e-12);
        assertEquals(1.9, s.p10Nanos(), 1e-12);
        assertEquals(9.1, s.p90Nanos(), 1e-12);
        assertEquals(9.91, s.p99Nanos(), 1e-12);
        assertEquals(1, s.minNanos());
        assertEquals(10, s.maxNanos());
        assertEquals(5.5, s.meanNanos(), 1e-12);
        assertEquals(Math.sqrt(82.5 / 9), s.stddevNanos(), 1e-12);
        assertEquals(Math.sqrt(82.5 / 9) / 5.5, s.cv(), 1e-12);
        assertEquals(9.1 / 5.5, s.tailRatio(), 1e-12);
    }

    @Test
    void anOddCountHasItsMiddleSampleAsMedian() {
        LatencyStats s = LatencyStats.of(new long[] {30, 10, 20});
        assertEquals(20, s.medianNanos());
        assertEquals(12, s.p10Nanos(), 1e-12);
        assertEquals(29.8, s.p99Nanos(), 1e-12);
    }

    @Test
    void oneSampleHasNoSpread() {
        LatencyStats s = LatencyStats.of(new long[] {42});
        assertEquals(42, s.medianNanos());
        assertEquals(42, s.p99Nanos());
        assertEquals(0, s.stddevNanos());
        assertEquals(0, s.cv());
        assertFalse(s.noisy());
    }

    @Test
    void noisyWhenTheCoefficientOfVariationOrTheTailIsWide() {
        long[] steady = new long[100];
        for (int i = 0; i < steady.length; i++) {
            steady[i] = 1_000_000 + i * 1_000;
        }
        assertFalse(LatencyStats.of(steady).noisy(), "a 10% range is steady");

        long[] slowTail = steady.clone();
        for (int i = 80; i < 100; i++) {
            slowTail[i] = 1_500_000;
        }
        LatencyStats tail = LatencyStats.of(slowTail);
        assertTrue(tail.tailRatio() > LatencyStats.NOISY_TAIL, "p90/median " + tail.tailRatio());
        assertTrue(tail.noisy());

        long[] spikes = steady.clone();
        spikes[0] = 5_000_000;
        spikes[1] = 5_000_000;
        LatencyStats cv = LatencyStats.of(spikes);
        assertTrue(cv.tailRatio() < LatencyStats.NOISY_TAIL && cv.cv() > LatencyStats.NOISY_CV, "cv " + cv.cv());
        assertTrue(cv.noisy());
    }

    @Test
    void throughputIsItemsPerSecondAtTheMedian() {
        LatencyStats s = LatencyStats.of(new long[] {2_000_000, 2_000_000, 2_000_000});
        assertEquals(4000, s.throughput(8), 1e-9);
        assertEquals(500, s.throughput(1), 1e-9);
    }

    @Test
    void noSamplesIsAnError() {
        assertEquals("no samples to summarize",
                assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(new long[0])).getMessage());
    }
}
