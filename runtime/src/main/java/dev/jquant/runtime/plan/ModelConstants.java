package dev.jquant.runtime.plan;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a model computes once from its weights and shares across every plan and session: quantized
 * weights decoded to floats (for operators without a quantized kernel), weights repacked for a kernel,
 * and sub-graphs of initializers folded to their values (e.g. an fp16 weight cast to float). Each entry
 * is computed on first request, by one thread, and lives as long as the model. Thread-safe.
 */
public final class ModelConstants {

    private final Map<String, QuantizedTensor> quantized;
    private final ConcurrentHashMap<String, Lazy> cache = new ConcurrentHashMap<>();

    private ModelConstants(Map<String, QuantizedTensor> quantized) {
        this.quantized = quantized;
    }

    /**
     * The constants of {@code graph}, whose initializers named in {@code descriptors} hold codes.
     *
     * @throws IllegalArgumentException when a quantized tensor uses a layout the runtime cannot execute
     */
    public static ModelConstants of(Graph graph, Map<String, QuantizationDescriptor> descriptors) {
        Map<String, QuantizedTensor> quantized = new LinkedHashMap<>();
        descriptors.forEach((name, d) -> quantized.put(name, QuantizedTensor.of(name, d, graph.initializers())));
        return new ModelConstants(Collections.unmodifiableMap(quantized));
    }

    /** The quantized initializer {@code name}, or null when it is plain (or not an initializer). */
    public QuantizedTensor quantized(String name) {
        return quantized.get(name);
    }

    /** Every quantized initializer, by name. */
    public Map<String, QuantizedTensor> quantizedTensors() {
        return quantized;
    }

    /** The float values of quantized initializer {@code name}, decoded on first request. */
    Tensor decoded(String name) {
        QuantizedTensor q = quantized.get(name);
        return derived("decoded\0" + name, q::decodeAll);
    }

    /**
     * The value stored under {@code key}, computed by {@code compute} on first request. The key must name
     * everything the value depends on (the constants it is made from and how).
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(String key, Supplier<T> compute) {
        return (T) cache.computeIfAbsent(key, k -> new Lazy(compute)).get();
    }

    /** Computed once, outside the map, so that computing one entry may ask for another. */
    private static final class Lazy {
        private Supplier<?> compute;
        private Object value;

        Lazy(Supplier<?> compute) {
            this.compute = compute;
        }

        synchronized Object get() {
            if (value == null) {
                value = compute.get();
                compute = null;
            }
            return value;
        }
    }
}
