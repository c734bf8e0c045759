package dev.jquant.runtime;

import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded model: immutable and thread-safe; every session shares its (memory-mapped) weights. Close
 * it after its sessions.
 */
public final class Model implements AutoCloseable {
    // IMPLEMENTATION IN PROGRESS (owner: core). Signatures are stable.

    /** Opens and verifies a {@code .jqm} file, mapping it into memory. */
    public static Model open(Path path) throws IOException, UnsupportedOperatorException {
        throw new UnsupportedOperationException("in progress");
    }

    /** Wraps an in-memory graph (e.g. fresh from the compressor) without writing a file. */
    public static Model of(Graph graph) throws UnsupportedOperatorException {
        throw new UnsupportedOperationException("in progress");
    }

    public Graph graph() {
        throw new UnsupportedOperationException("in progress");
    }

    public List<ValueInfo> inputs() {
        throw new UnsupportedOperationException("in progress");
    }

    public List<ValueInfo> outputs() {
        throw new UnsupportedOperationException("in progress");
    }

    public Map<String, String> metadata() {
        throw new UnsupportedOperationException("in progress");
    }

    public Session newSession(SessionOptions options) {
        throw new UnsupportedOperationException("in progress");
    }

    public Session newSession() {
        return newSession(SessionOptions.defaults());
    }

    @Override
    public void close() {
    }
}
