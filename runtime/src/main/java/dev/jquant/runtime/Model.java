package dev.jquant.runtime;

import dev.jquant.runtime.format.JqmFile;
import dev.jquant.runtime.format.JqmReader;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.Operators;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded model: immutable and thread-safe; every session shares its weights, which stay in the
 * memory-mapped file. Close it after its sessions; closing unmaps the file, after which sessions fail
 * with an {@link IllegalStateException} rather than touching freed memory.
 */
public final class Model implements AutoCloseable {
    private final Graph graph;
    private final AutoCloseable owner;
    private volatile boolean closed;

    private Model(Graph graph, AutoCloseable owner) {
        this.graph = graph;
        this.owner = owner;
    }

    /** Opens and verifies a {@code .jqm} file, mapping it into memory. */
    public static Model open(Path path) throws IOException, UnsupportedOperatorException {
        return open(path, JqmReader.Options.defaults());
    }

    /** Opens a {@code .jqm} file with explicit reader options (e.g. a trusted public key for signatures). */
    public static Model open(Path path, JqmReader.Options options) throws IOException, UnsupportedOperatorException {
        JqmFile file = JqmReader.open(path, options);
        try {
            checkSupported(file.graph());
            return new Model(file.graph(), file);
        } catch (UnsupportedOperatorException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Wraps an in-memory graph (e.g. fresh from the compressor) without writing a file. */
    public static Model of(Graph graph) throws UnsupportedOperatorException {
        checkSupported(graph);
        return new Model(graph, null);
    }

    private static void checkSupported(Graph graph) throws UnsupportedOperatorException {
        for (Node node : graph.nodes()) {
            if (!Operators.isSupported(node)) {
                Operators.create(node, graph.opset()); // throws, naming the op, the node and what is supported
            }
        }
    }

    public Graph graph() {
        return graph;
    }

    public List<ValueInfo> inputs() {
        return graph.inputs();
    }

    public List<ValueInfo> outputs() {
        return graph.outputs();
    }

    public Map<String, String> metadata() {
        return graph.metadata();
    }

    public Session newSession(SessionOptions options) {
        ensureOpen();
        return new Session(this, options);
    }

    public Session newSession() {
        return newSession(SessionOptions.defaults());
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model is closed");
        }
    }

    /** Unmaps the file; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (owner != null) {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the model file failed", e);
            }
        }
    }
}
