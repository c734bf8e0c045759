package dev.jquant.compressor.passes;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drops nodes whose outputs reach no graph output and initializers that no remaining node or graph output
 * uses. Graph inputs stay, used or not: they are the model's interface.
 */
public final class DeadNodeElimination implements GraphPass {

    public DeadNodeElimination() {
        // stateless: one instance can serve any number of graphs
    }

    @Override
    public Graph apply(Graph graph) {
        Set<String> live = new HashSet<>();
        graph.outputs().stream().map(ValueInfo::name).forEach(live::add);
        List<Node> kept = new ArrayList<>();
        // Backwards over a topological order: every reader of a value is seen before its writer.
        for (Node n : graph.nodes().reversed()) {
            if (n.outputs().stream().anyMatch(live::contains)) {
                kept.add(n);
                live.addAll(n.inputs());
            }
        }
        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        initializers.keySet().retainAll(live);
        return graph.withNodes(kept.reversed(), initializers);
    }
}
