package dev.jquant.nativebindings.onednn;

/**
 * How long a primitive would take on one thread, roughly, to decide whether it is worth waking OpenMP's other
 * threads. A parallel oneDNN call pays a fork and join: with {@code OMP_WAIT_POLICY=PASSIVE} (jquant's default,
 * so idle workers do not spin on the cores the session's Java operators need) the sleeping workers take tens of
 * microseconds to wake. Measured on MiniLM at 1 × 16 tokens, 2 threads: each LayerNormalization took 65 µs
 * instead of 6, and the whole run 6.4 ms instead of 4.4 on one thread. A primitive estimated below
 * {@link #PARALLEL_NANOS} runs on one thread.
 */
final class WorkEstimate {

    /** Below this estimated single-thread time a primitive runs on one thread. */
    static final long PARALLEL_NANOS = 100_000;

    /** About 80 G multiply-adds per second on one core (oneDNN's int8 and fp32 products here). */
    private static final double NANOS_PER_MULTIPLY_ADD = 0.0125;
    /** Normalization, softmax, GELU: a few passes with an exp or erf per element. */
    private static final double NANOS_PER_ELEMENT = 0.5;
    /** A reorder moves each element once. */
    private static final double NANOS_PER_COPIED_ELEMENT = 0.1;

    private WorkEstimate() {
    }

    static long multiplyAdds(long count) {
        return (long) (count * NANOS_PER_MULTIPLY_ADD);
    }

    static long elementwise(long elements) {
        return (long) (elements * NANOS_PER_ELEMENT);
    }

    static long copy(long elements) {
        return (long) (elements * NANOS_PER_COPIED_ELEMENT);
    }

    /** The OpenMP threads for a primitive of {@code nanos} estimated work in a session of {@code threads}. */
    static int threads(long nanos, int threads) {
        return nanos < PARALLEL_NANOS ? 1 : threads;
    }
}
