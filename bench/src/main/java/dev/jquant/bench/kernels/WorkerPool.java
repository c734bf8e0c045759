package dev.jquant.bench.kernels;

import dev.jquant.kernels.Parallel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The intra-op threads of a benchmark: {@code threads - 1} daemon workers plus the calling thread, which
 * runs the first chunk itself, splitting a range as the runtime's session pool does (it is not exported
 * by the runtime module). With one thread everything runs on the caller and nothing is allocated.
 */
final class WorkerPool implements Parallel, AutoCloseable {

    private final int threads;
    private final ExecutorService workers;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "bench-intra-op");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void forRange(int count, int grain, RangeTask task) {
        if (count <= 0) {
            return;
        }
        int chunks = (int) Math.min(threads, Math.max(1, count / (long) Math.max(1, grain)));
        if (chunks == 1) {
            task.run(0, count);
            return;
        }
        CountDownLatch done = new CountDownLatch(chunks - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 1; c < chunks; c++) {
            int start = (int) ((long) count * c / chunks);
            int end = (int) ((long) count * (c + 1) / chunks);
            workers.execute(() -> {
                try {
                    task.run(start, end);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        task.run(0, count / chunks);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the benchmark's worker threads", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a worker thread failed", failure.get());
        }
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
