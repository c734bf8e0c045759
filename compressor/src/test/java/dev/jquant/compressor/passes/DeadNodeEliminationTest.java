package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.TestGraphs.graph;
import static dev.jquant.compressor.passes.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeadNodeEliminationTest {

    @Test
    void dropsWhatNoOutputNeeds() {
        Tensor one = Tensor.ofFloats(new float[] {1}, 1);
        Graph g = graph(List.of("x", "unused"), List.of("y"), List.of(
                node("a", "Relu", List.of("x"), List.of("a")),
                node("dead", "Mul", List.of("a", "v"), List.of("d")),
                node("deadToo", "Relu", List.of("d"), List.of("e")),
                node("c", "Add", List.of("a", "w"), List.of("y"))),
                Map.of("w", one, "v", one, "u", one));

        Graph out = new DeadNodeElimination().apply(g);

        assertEquals(List.of("a", "c"), out.nodes().stream().map(Node::name).toList());
        assertEquals(Set.of("w"), out.initializers().keySet());
        assertEquals(g.inputs(), out.inputs(), "graph inputs stay, used or not");
        assertEquals(g.outputs(), out.outputs());
    }

    @Test
    void keepsInitializersReturnedAsGraphOutputsAndNodesWithOneLiveOutput() {
        Tensor one = Tensor.ofFloats(new float[] {1}, 1);
        Graph g = graph(List.of("x"), List.of("w", "second"), List.of(
                node("split", "Split", List.of("x"), List.of("first", "second"))), Map.of("w", one));

        Graph out = new DeadNodeElimination().apply(g);

        assertEquals(1, out.nodes().size());
        assertEquals(Set.of("w"), out.initializers().keySet());
    }
}
