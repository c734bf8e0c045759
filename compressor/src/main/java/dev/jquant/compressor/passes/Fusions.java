package dev.jquant.compressor.passes;

import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rewrites a fusion pass has found: groups of nodes, each replaced by one node. Applying them keeps the
 * order of the other nodes and puts each fused node where the group's last node was, which is topological
 * when the fused node reads only values that existed before the group.
 */
final class Fusions {
    private final Map<Node, Node> replacements = new IdentityHashMap<>();
    private final Set<Node> fused = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<String> nodeNames = new HashSet<>();

    Fusions(Graph graph) {
        graph.nodes().forEach(n -> nodeNames.add(n.name()));
    }

    /** True when {@code n} already belongs to a fused group. */
    boolean taken(Node n) {
        return fused.contains(n);
    }

    /** Replaces {@code group}, whose last node comes last in the graph and writes the result, with {@code replacement}. */
    void replace(List<Node> group, Node replacement) {
        fused.addAll(group);
        replacements.put(group.getLast(), replacement);
    }

    /** {@code base}, or {@code base_<k>} when a node has that name; reserves the name returned. */
    String freshNodeName(String base) {
        String name = base;
        for (int k = 1; nodeNames.contains(name); k++) {
            name = base + "_" + k;
        }
        nodeNames.add(name);
        return name;
    }

    Graph apply(Graph graph) {
        if (fused.isEmpty()) {
            return graph;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            Node replacement = replacements.get(n);
            if (replacement != null) {
                nodes.add(replacement);
            } else if (!fused.contains(n)) {
                nodes.add(n);
            }
        }
        return graph.withNodes(nodes, graph.initializers());
    }
}
