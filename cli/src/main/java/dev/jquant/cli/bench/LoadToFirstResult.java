package dev.jquant.cli.bench;

/**
 * Load-to-first-result of one engine at one thread count, measured once on fresh objects: opening the model and
 * creating the session, then the first run (which plans, allocates and, in the JVM, runs cold code).
 *
 * @param firstInProcess whether this was the engine kind's first load in this process, which also pays for
 *     loading classes (jquant) or the native library (ONNX Runtime)
 */
public record LoadToFirstResult(String key, String name, Configuration configuration, long openNanos,
        long firstRunNanos, boolean firstInProcess) {

    public long totalNanos() {
        return openNanos + firstRunNanos;
    }
}
