package dev.jquant.nativebindings.onednn;

import java.lang.foreign.Arena;

/**
 * The scratch memory every primitive of one session uses (oneDNN's user-managed scratchpad). A session
 * runs one primitive at a time, so one buffer, as large as the largest need, serves them all; it grows
 * when a primitive is built and never during a run. Operators pass its current address on every run.
 */
final class Scratchpad implements AutoCloseable {

    private static final long ALIGNMENT = 64;

    private Arena arena;
    private long address;
    private long capacity;

    void reserve(long bytes) {
        if (bytes <= capacity) {
            return;
        }
        Arena bigger = Arena.ofShared();
        address = bigger.allocate(bytes, ALIGNMENT).address();
        close();
        arena = bigger;
        capacity = bytes;
    }

    long address() {
        return address;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            capacity = 0;
        }
    }
}
