package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The session's thread count governs oneDNN's OpenMP team. OpenMP workers are native threads created by
 * the thread that starts a parallel region, and Linux gives a new thread its creator's name; so the
 * threads named after a uniquely named session thread are that thread plus its OpenMP workers.
 */
class OneDnnThreadsTest {

    @BeforeAll
    static void requireOneDnn() {
        OneDnnTesting.assumeAvailable();
    }

    @Test
    void oneThreadStartsNoWorkers() throws Exception {
        assertEquals(1, threadsOfSessionThread("jq-omp-one", 1));
    }

    @Test
    void twoThreadsStartOneWorker() throws Exception {
        assertEquals(2, threadsOfSessionThread("jq-omp-two", 2));
    }

    /** Runs a MatMul large enough to parallelize on a thread called {@code name}; counts the native threads so named. */
    private static long threadsOfSessionThread(String name, int threads) throws Exception {
        Random random = new Random(3);
        OneNodeModel model = OneNodeModel.of("MatMul", Map.of(),
                new Tensor[] {OneNodeModel.random(random, 256, 512), OneNodeModel.random(random, 512, 512)}, 1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread session = new Thread(() -> {
            try {
                model.run(OneDnnBackendProvider.NAME, threads);
                outcome.set(countThreadsNamed(name));
            } catch (Exception | AssertionError e) {
                outcome.set(e);
            }
        }, name);
        session.start();
        session.join();
        if (outcome.get() instanceof Throwable t) {
            throw new AssertionError(t);
        }
        return (Long) outcome.get();
    }

    private static long countThreadsNamed(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(task -> {
                try {
                    return Files.readString(task.resolve("comm")).trim().equals(name);
                } catch (IOException e) {
                    return false; // the thread ended meanwhile
                }
            }).count();
        }
    }
}
