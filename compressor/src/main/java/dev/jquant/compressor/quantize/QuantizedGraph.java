package dev.jquant.compressor.quantize;

import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Graph;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph whose weights are stored compressed: the initializers named in {@code descriptors} hold codes.
 *
 * @param layers one entry per weight that changed precision, in graph order
 */
public record QuantizedGraph(Graph graph, Map<String, QuantizationDescriptor> descriptors, List<LayerReport> layers) {

    public QuantizedGraph {
        descriptors = Collections.unmodifiableMap(new LinkedHashMap<>(descriptors)); // file order stays reproducible
        layers = List.copyOf(layers);
    }
}
