package dev.jquant.runtime;

import dev.jquant.runtime.format.JqmFile;
import dev.jquant.runtime.format.JqmReader;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.Operators;
import dev.jquant.runtime.plan.ModelConstants;
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
    private final ModelConstants constants;
    private final AutoCloseable owner;
    private volatile boolean closed;

    private Model(Graph graph, ModelConstants constants, AutoCloseable owner) {
        this.graph = graph;
        this.constants = constants;
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
            return new Model(file.graph(), ModelConstants.of(file.graph(), file.quantizedTensors()), file);
        } catch (UnsupportedOperatorException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Wraps an in-memory graph (e.g. fresh from the compressor) without writing a file. */
    public static Model of(Graph graph) throws UnsupportedOperatorException {
        return of(graph, Map.of());
    }

    /**
     * Wraps an in-memory graph whose initializers named in {@code quantization} hold codes, as a {@code .jqm}
     * file would store them.
     *
     * @throws IllegalArgumentException when a descriptor does not fit its tensors
     */
    public static Model of(Graph graph, Map<String, QuantizationDescriptor> quantization)
            throws UnsupportedOperatorException {
        quantization.forEach((name, d) -> d.validate(name, graph.initializers(), quantization.keySet()));
        checkSupported(graph);
        return new Model(graph, ModelConstants.of(graph, quantization), null);
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

    /** Weights-derived data shared by the model's sessions, and its quantized weights. */
    ModelConstants constants() {
        return constants;
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
