package dev.jquant.compressor.passes;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes nodes that pass their input through unchanged: Identity, and Dropout in inference (its mask
 * unused, {@code training_mode} absent or a constant false). Readers of the output read the input instead.
 * When the output is a graph output, the input's producer writes the graph output's name instead, so graph
 * output names never change; where that cannot be done (the input is a graph input, an initializer or
 * another graph output) the node stays.
 */
public final class IdentityElimination implements GraphPass {

    public IdentityElimination() {
        // stateless: one instance can serve any number of graphs
    }

    @Override
    public Graph apply(Graph graph) {
        ValueUses uses = new ValueUses(graph);
        Map<String, String> rename = new HashMap<>();
        List<Node> kept = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!isPassThrough(n, graph, uses)) {
                kept.add(n);
                continue;
            }
            String in = resolve(rename, n.input(0));
            String out = n.output(0);
            if (!uses.isGraphOutput(out)) {
                rename.put(out, in);
            } else if (uses.producer(in) != null && !uses.isGraphOutput(in)) {
                rename.put(in, out);
            } else {
                kept.add(n);
            }
        }
        List<Node> nodes = new ArrayList<>(kept.size());
        for (Node n : kept) {
            nodes.add(new Node(n.name(), n.opType(), n.domain(), n.inputs().stream().map(v -> resolve(rename, v)).toList(),
                    n.outputs().stream().map(v -> resolve(rename, v)).toList(), n.attributes()));
        }
        return graph.withNodes(nodes, graph.initializers());
    }

    private static boolean isPassThrough(Node n, Graph graph, ValueUses uses) {
        if (!n.domain().isEmpty() || !n.hasInput(0) || n.outputs().isEmpty() || n.output(0).isEmpty()) {
            return false;
        }
        return switch (n.opType()) {
            case "Identity" -> true;
            case "Dropout" -> (n.outputs().size() < 2 || n.output(1).isEmpty() || !uses.isUsed(n.output(1)))
                    && (!n.hasInput(2) || isConstantFalse(graph.initializers().get(n.input(2))));
            default -> false;
        };
    }

    private static boolean isConstantFalse(Tensor t) {
        return t != null && t.elementCount() == 1 && t.toLongArrayWidening()[0] == 0;
    }

    /** The name that {@code value} finally goes by; renames form chains, never cycles. */
    private static String resolve(Map<String, String> rename, String value) {
        String v = value;
        for (String next = rename.get(v); next != null; next = rename.get(v)) {
            v = next;
        }
        return v;
    }
}
