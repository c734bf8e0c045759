package dev.jquant.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The outputs of one run, by name, in the model's output order. */
public final class Result implements AutoCloseable {
    private final Map<String, Tensor> outputs;

    public Result(Map<String, Tensor> outputs) {
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** The output called {@code name}; an {@link IllegalArgumentException} lists the valid names otherwise. */
    public Tensor get(String name) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new IllegalArgumentException("unknown output '" + name + "', expected one of " + outputs.keySet());
        }
        return t;
    }

    public Set<String> names() {
        return outputs.keySet();
    }

    public Map<String, Tensor> asMap() {
        return outputs;
    }

    /** Idempotent; the heap tensors need no release today, the method keeps the door open for native outputs. */
    @Override
    public void close() {
    }
}
