package dev.jquant.runtime;

import java.util.Map;

/** Per-thread inference state over a shared {@link Model}: cached plans and activation arenas. */
public final class Session implements AutoCloseable {
    // IMPLEMENTATION IN PROGRESS (owner: core). Signatures are stable.

    /** Runs the model; the result's tensors live on the heap and stay valid after the session moves on. */
    public Result run(Map<String, Tensor> inputs) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Name of the backend this session runs on (after AUTO resolution). */
    public String backendName() {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public void close() {
    }
}
