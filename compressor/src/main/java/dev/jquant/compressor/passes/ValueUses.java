package dev.jquant.compressor.passes;

import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Who writes and who reads each value of a graph, as the graph was when this index was built. */
final class ValueUses {
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Set<String> graphOutputs;

    ValueUses(Graph graph) {
        for (Node n : graph.nodes()) {
            for (String out : n.outputs()) {
                if (!out.isEmpty()) {
                    producers.put(out, n);
                }
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        graphOutputs = graph.outputs().stream().map(v -> v.name()).collect(Collectors.toUnmodifiableSet());
    }

    /** The node that writes {@code value}, or null for initializers and graph inputs. */
    Node producer(String value) {
        return producers.get(value);
    }

    /** The nodes that read {@code value}, once per input slot that reads it. */
    List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }

    /** True when a node reads {@code value} or the graph returns it. */
    boolean isUsed(String value) {
        return isGraphOutput(value) || consumers.containsKey(value);
    }
}
