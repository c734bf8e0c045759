package dev.jquant.kernels;

/**
 * A {@link Parallel} for tests: splits the range into {@code threads} contiguous chunks as a thread pool
 * would, but runs them one after another on the calling thread, so that the work split is exercised
 * deterministically.
 */
public record ChunkedParallel(int threads) implements Parallel {

    @Override
    public void forRange(int count, int grain, RangeTask task) {
        int chunks = (int) Math.min(threads, Math.max(1, count / (long) Math.max(1, grain)));
        for (int c = chunks - 1; c >= 0; c--) {
            int start = (int) ((long) count * c / chunks);
            int end = (int) ((long) count * (c + 1) / chunks);
            if (start < end) {
                task.run(start, end);
            }
        }
    }
}
