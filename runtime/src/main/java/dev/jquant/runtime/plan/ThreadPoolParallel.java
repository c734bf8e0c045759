package dev.jquant.runtime.plan;

import dev.jquant.kernels.Parallel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A session's intra-op threads: {@code threads - 1} daemon workers plus the calling thread, which runs
 * the first chunk itself. Sized per session so that a server decides how many cores each request gets.
 *
 * <p>A parallel loop allocates nothing: the caller publishes the task in fields and bumps a generation
 * counter; workers, parked between loops, wake, run their chunk and count down. A loop started from
 * inside a chunk runs serially on that thread.
 */
public final class ThreadPoolParallel implements Parallel, AutoCloseable {

    /** Spins before parking: back-to-back operators then hand over work without a park/unpark round trip. */
    private static final int SPINS = 1 << 12;
    private static final int YIELD_EVERY = 64;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile int generation;
    private volatile boolean closed;
    private RangeTask task;
    private int count;
    private int chunks;
    private Thread caller;
    /** True while the owning thread runs a loop: a loop started inside one of its chunks runs serially. */
    private boolean running;

    public ThreadPoolParallel(int threads) {
        if (threads < 2) {
            throw new IllegalArgumentException("a thread pool needs at least 2 threads, was " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
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
        if (chunks <= 1 || running || Thread.currentThread() instanceof Worker || closed) {
            task.run(0, count);
            return;
        }
        running = true;
        this.task = task;
        this.count = count;
        this.chunks = chunks;
        this.caller = Thread.currentThread();
        remaining.set(workers.length);
        generation++; // publishes the fields above to the workers
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
        runChunk(0);
        for (int spin = 0; remaining.get() > 0; spin++) {
            if (spin < SPINS) {
                idle(spin);
            } else {
                LockSupport.park(this);
            }
        }
        this.task = null;
        running = false;
        Throwable t = failure.getAndSet(null);
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
    }

    /**
     * One turn of a spin-wait. Every {@value #YIELD_EVERY}th turn yields the core: a thread that native code
     * wakes meanwhile (oneDNN's OpenMP workers, in a session on the oneDNN backend) gets it at once instead of
     * waiting for the spinner's time slice to end.
     */
    private static void idle(int spin) {
        if (spin % YIELD_EVERY == YIELD_EVERY - 1) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    private void runChunk(int chunk) {
        if (chunk >= chunks) {
            return;
        }
        int start = (int) ((long) count * chunk / chunks);
        int end = (int) ((long) count * (chunk + 1) / chunks);
        try {
            task.run(start, end);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** Stops the workers; idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private final class Worker extends Thread {
        private final int chunk;
        /** Read before start(): a loop published before the thread first runs must not be missed. */
        private final int initialGeneration;

        Worker(int chunk) {
            super("jquant-intra-op-" + chunk);
            this.chunk = chunk;
            this.initialGeneration = generation;
            setDaemon(true);
        }

        @Override
        public void run() {
            int seen = initialGeneration;
            while (true) {
                for (int spin = 0; generation == seen && !closed; spin++) {
                    if (spin < SPINS) {
                        idle(spin);
                    } else {
                        LockSupport.park(ThreadPoolParallel.this);
                    }
                }
                if (closed) {
                    return;
                }
                seen = generation;
                runChunk(chunk);
                if (remaining.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
