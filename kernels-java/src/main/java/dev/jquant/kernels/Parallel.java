package dev.jquant.kernels;

/**
 * Splits a loop of {@code count} independent iterations across the caller's threads. Kernels take one
 * of these instead of owning threads, so the runtime decides how many cores a session may use.
 */
public interface Parallel {

    /** The body of a parallel loop: iterations {@code [start, end)}. */
    @FunctionalInterface
    interface RangeTask {
        void run(int start, int end);
    }

    /** Number of threads this instance may use; 1 means everything runs on the calling thread. */
    int threads();

    /**
     * Runs {@code task} over {@code [0, count)} in contiguous chunks of at least {@code grain}
     * iterations and returns when all chunks are done.
     */
    void forRange(int count, int grain, RangeTask task);

    /** Runs everything on the calling thread. */
    Parallel SERIAL = new Parallel() {
        @Override
        public int threads() {
            return 1;
        }

        @Override
        public void forRange(int count, int grain, RangeTask task) {
            if (count > 0) {
                task.run(0, count);
            }
        }
    };
}
