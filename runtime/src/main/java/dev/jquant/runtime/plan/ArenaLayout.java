package dev.jquant.runtime.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Assigns arena offsets to values so that two values share bytes only when their lifetimes do not
 * overlap. Greedy by size (largest first), each value at the lowest 64-byte-aligned offset that is free
 * during its whole lifetime — the classic offset-assignment heuristic for static memory planning, which
 * for transformer and CNN graphs lands close to the peak of simultaneously live bytes.
 */
final class ArenaLayout {

    static final int ALIGNMENT = 64;

    /** A value to place: bytes, first step that writes it and last step that reads it (inclusive). */
    record Request(long bytes, int firstStep, int lastStep) {
    }

    private ArenaLayout() {
    }

    /** Offsets for each request (same order), and the total arena size as the last element. */
    static long[] assign(List<Request> requests) {
        int n = requests.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingLong((Integer i) -> -requests.get(i).bytes()).thenComparingInt(i -> i));
        long[] offsets = new long[n + 1];
        List<Integer> placed = new ArrayList<>();
        long total = 0;
        for (int idx : order) {
            Request r = requests.get(idx);
            long size = align(r.bytes());
            // Intervals of already placed values whose lifetimes overlap this one, sorted by offset.
            List<long[]> busy = new ArrayList<>();
            for (int p : placed) {
                Request q = requests.get(p);
                if (q.firstStep() <= r.lastStep() && r.firstStep() <= q.lastStep()) {
                    busy.add(new long[] {offsets[p], offsets[p] + align(q.bytes())});
                }
            }
            busy.sort(Comparator.comparingLong(a -> a[0]));
            long candidate = 0;
            for (long[] b : busy) {
                if (candidate + size <= b[0]) {
                    break;
                }
                candidate = Math.max(candidate, b[1]);
            }
            offsets[idx] = candidate;
            total = Math.max(total, candidate + size);
            placed.add(idx);
        }
        offsets[n] = total;
        return offsets;
    }

    static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
