package dev.jquant.runtime.plan;

import dev.jquant.kernels.Parallel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A session's intra-op threads: {@code threads - 1} daemon workers plus the calling thread, which runs
 * the first chunk itself. Sized per session so that a server decides how many cores each request gets.
 */
public final class ThreadPoolParallel implements Parallel, AutoCloseable {

    private final int threads;
    private final ExecutorService workers;

    public ThreadPoolParallel(int threads) {
        if (threads < 2) {
            throw new IllegalArgumentException("a thread pool needs at least 2 threads, was " + threads);
        }
        this.threads = threads;
        this.workers = Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "jquant-intra-op");
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
        if (chunks <= 1) {
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
        try {
            task.run(0, (int) ((long) count / chunks));
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for intra-op threads", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
