package dev.jquant.runtime.spi;

import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.Operator;

/** An opened backend: creates operators for the nodes it can run. */
public interface Backend extends AutoCloseable {

    String name();

    /**
     * Why this backend cannot run {@code node}, or null when it can. A node it cannot run falls back to
     * the Java backend, and the plan records this reason.
     */
    String whyUnsupported(Node node, int opset);

    /**
     * Whether this backend's operators run on quantized weights ({@code PrepareContext#quantizedInput}). A
     * backend that does not gets no node that reads one: those run on the Java backend's quantized kernels
     * rather than on decoded float weights, which would undo what quantization saved.
     */
    default boolean runsQuantizedWeights() {
        return false;
    }

    /** The operator for a node this backend supports. */
    Operator createOperator(Node node, int opset);

    /** Releases native resources; idempotent. */
    @Override
    void close();
}
