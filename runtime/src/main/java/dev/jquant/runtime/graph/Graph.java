package dev.jquant.runtime.graph;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.DType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's computation: nodes in topological order over named values, the graph's inputs and outputs,
 * the named constant tensors (initializers) and free-form metadata. Immutable; passes build new graphs.
 *
 * @param opset the default-domain ONNX opset the node semantics follow
 */
public record Graph(String name, int opset, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Node> nodes,
        Map<String, Tensor> initializers, Map<String, String> metadata) {

    public Graph {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public Graph withNodes(List<Node> newNodes, Map<String, Tensor> newInitializers) {
        return new Graph(name, opset, inputs, outputs, newNodes, newInitializers, metadata);
    }

    /**
     * This graph with {@code names} (values it computes) appended to its outputs, FLOAT32 of a shape left to
     * the run: how calibration and accuracy checks look at intermediate values.
     */
    public Graph withExtraOutputs(Collection<String> names) {
        List<ValueInfo> all = new ArrayList<>(outputs);
        for (String name : names) {
            if (all.stream().noneMatch(v -> v.name().equals(name))) {
                all.add(new ValueInfo(name, DType.FLOAT32, List.of()));
            }
        }
        return new Graph(this.name, opset, inputs, all, nodes, initializers, metadata);
    }

    public Graph withMetadata(Map<String, String> newMetadata) {
        return new Graph(name, opset, inputs, outputs, nodes, initializers, newMetadata);
    }
}
