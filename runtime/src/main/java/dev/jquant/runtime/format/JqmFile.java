package dev.jquant.runtime.format;

import dev.jquant.runtime.graph.Graph;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An opened, validated {@code .jqm} file. Its graph's initializers (and TENSOR attributes) are views of
 * the read-only mapping: they become invalid when the file is closed, after which any access to their
 * memory throws {@link IllegalStateException}. Thread-safe; {@link #close()} is idempotent.
 */
public final class JqmFile implements AutoCloseable {

    private final Path path;
    private final long fileSize;
    private final int majorVersion;
    private final int minorVersion;
    private final List<SectionInfo> sections;
    private final SignatureStatus signature;
    private final Graph graph;
    private final Map<String, QuantizationDescriptor> quantization;
    private final Arena arena;
    private boolean closed;

    JqmFile(Path path, long fileSize, int majorVersion, int minorVersion, List<SectionInfo> sections,
            SignatureStatus signature, Graph graph, Map<String, QuantizationDescriptor> quantization, Arena arena) {
        this.path = path;
        this.fileSize = fileSize;
        this.majorVersion = majorVersion;
        this.minorVersion = minorVersion;
        this.sections = List.copyOf(sections);
        this.signature = signature;
        this.graph = graph;
        this.quantization = Collections.unmodifiableMap(new LinkedHashMap<>(quantization));
        this.arena = arena;
    }

    /** The graph; its initializers are zero-copy views of the file, valid until {@link #close()}. */
    public Graph graph() {
        return graph;
    }

    /** The METADATA section, equal to {@code graph().metadata()}. */
    public Map<String, String> metadata() {
        return graph.metadata();
    }

    public int majorVersion() {
        return majorVersion;
    }

    public int minorVersion() {
        return minorVersion;
    }

    /** The section table, in file order of its entries. */
    public List<SectionInfo> sections() {
        return sections;
    }

    public SignatureStatus signature() {
        return signature;
    }

    /**
     * The quantization descriptor of an initializer, empty for a plain tensor.
     *
     * @throws IllegalArgumentException if the file has no tensor of that name
     */
    public Optional<QuantizationDescriptor> quantization(String tensorName) {
        if (!graph.initializers().containsKey(tensorName)) {
            throw new IllegalArgumentException("no tensor '" + tensorName + "' in " + path + "; it has "
                    + graph.initializers().size() + " tensors: " + graph.initializers().keySet());
        }
        return Optional.ofNullable(quantization.get(tensorName));
    }

    /** The descriptors of every tensor that has one, by tensor name. */
    public Map<String, QuantizationDescriptor> quantizedTensors() {
        return quantization;
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return fileSize;
    }

    /** Unmaps the file; the graph's tensors are invalid afterwards. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return path + " (.jqm " + majorVersion + "." + minorVersion + ", " + fileSize + " bytes, "
                + graph.initializers().size() + " tensors, " + graph.nodes().size() + " nodes, signature " + signature + ")";
    }
}
