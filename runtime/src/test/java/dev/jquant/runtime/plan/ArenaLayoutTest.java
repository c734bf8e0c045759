package dev.jquant.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArenaLayoutTest {

    @Test
    void valuesAliveAtTheSameTimeNeverShareBytes() {
        Random random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(40);
            List<ArenaLayout.Request> requests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int first = random.nextInt(30);
                requests.add(new ArenaLayout.Request(random.nextInt(5000), first, first + random.nextInt(10)));
            }
            long[] offsets = ArenaLayout.assign(requests);
            long total = offsets[n];
            long peakLive = 0;
            for (int step = 0; step < 40; step++) {
                long live = 0;
                for (ArenaLayout.Request r : requests) {
                    if (r.firstStep() <= step && step <= r.lastStep()) {
                        live += ArenaLayout.align(r.bytes());
                    }
                }
                peakLive = Math.max(peakLive, live);
            }
            for (int i = 0; i < n; i++) {
                ArenaLayout.Request a = requests.get(i);
                assertEquals(0, offsets[i] % ArenaLayout.ALIGNMENT, "offset alignment");
                assertTrue(offsets[i] + a.bytes() <= total, "inside the arena");
                for (int j = i + 1; j < n; j++) {
                    ArenaLayout.Request b = requests.get(j);
                    boolean liveTogether = a.firstStep() <= b.lastStep() && b.firstStep() <= a.lastStep();
                    boolean overlapBytes = offsets[i] < offsets[j] + b.bytes() && offsets[j] < offsets[i] + a.bytes()
                            && a.bytes() > 0 && b.bytes() > 0;
                    assertFalse(liveTogether && overlapBytes, "values " + i + " and " + j + " overlap while both live");
                }
            }
            assertTrue(total >= peakLive, "the arena holds at least the peak of live bytes");
        }
    }

    @Test
    void sequentialChainReusesMemory() {
        // a -> b -> c -> d, each read only by the next: two buffers suffice.
        List<ArenaLayout.Request> chain = List.of(
                new ArenaLayout.Request(1024, 0, 1), new ArenaLayout.Request(1024, 1, 2),
                new ArenaLayout.Request(1024, 2, 3), new ArenaLayout.Request(1024, 3, 4));
        assertEquals(2048, ArenaLayout.assign(chain)[4]);
    }
}
