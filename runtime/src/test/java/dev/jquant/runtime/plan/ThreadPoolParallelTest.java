package dev.jquant.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ThreadPoolParallelTest {

    @Test
    void everyIterationRunsExactlyOnceAcrossManyLoops() {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(3)) {
            for (int count : new int[] {1, 2, 3, 7, 100, 1001}) {
                for (int round = 0; round < 200; round++) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(count);
                    pool.forRange(count, 1, (start, end) -> {
                        for (int i = start; i < end; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, hits.get(i), "count " + count + " index " + i);
                    }
                }
            }
        }
    }

    @Test
    void aFailureInAWorkerReachesTheCallerAndThePoolStaysUsable() {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forRange(10, 1, (start, end) -> {
                if (start > 0) {
                    throw new IllegalStateException("chunk at " + start);
                }
            }));
            assertTrue(e.getMessage().startsWith("chunk at"), e.getMessage());
            int[] sum = new int[1];
            pool.forRange(4, 4, (start, end) -> sum[0] += end - start);
            assertEquals(4, sum[0]);
        }
    }

    @Test
    void aLoopInsideAChunkRunsSeriallyInsteadOfDeadlocking() {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(16);
            pool.forRange(4, 1, (start, end) -> {
                for (int outer = start; outer < end; outer++) {
                    int base = outer * 4;
                    pool.forRange(4, 1, (s, e) -> {
                        for (int i = s; i < e; i++) {
                            hits.incrementAndGet(base + i);
                        }
                    });
                }
            });
            for (int i = 0; i < 16; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }
}
