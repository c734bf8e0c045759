package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.TestGraphs.graph;
import static dev.jquant.compressor.passes.TestGraphs.node;
import static dev.jquant.compressor.passes.TestGraphs.opTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityEliminationTest {

    private static final IdentityElimination PASS = new IdentityElimination();

    @Test
    void readersOfAnIdentityChainReadItsSource() {
        Graph g = graph(List.of("x"), List.of("y"), List.of(
                node("r", "Relu", List.of("x"), List.of("a")),
                node("i1", "Identity", List.of("a"), List.of("b")),
                node("i2", "Identity", List.of("b"), List.of("c")),
                node("s", "Sigmoid", List.of("c"), List.of("y"))), Map.of());

        Graph out = PASS.apply(g);

        assertEquals(List.of(node("r", "Relu", List.of("x"), List.of("a")),
                node("s", "Sigmoid", List.of("a"), List.of("y"))), out.nodes());
    }

    @Test
    void aGraphOutputKeepsItsNameByRenamingTheProducer() {
        Graph g = graph(List.of("x"), List.of("y", "z"), List.of(
                node("r", "Relu", List.of("x"), List.of("a")),
                node("i", "Identity", List.of("a"), List.of("b")),
                node("j", "Identity", List.of("b"), List.of("y")),
                node("sq", "Mul", List.of("a", "b"), List.of("z"))), Map.of());

        Graph out = PASS.apply(g);

        assertEquals(List.of(node("r", "Relu", List.of("x"), List.of("y")),
                node("sq", "Mul", List.of("y", "y"), List.of("z"))), out.nodes());
        assertEquals(g.outputs(), out.outputs());
    }

    @Test
    void identitiesThatCarryAGraphInterfaceNameStay() {
        Tensor w = Tensor.ofFloats(new float[] {1}, 1);
        Graph g = graph(List.of("x"), List.of("y", "v", "a", "a2"), List.of(
                node("fromInput", "Identity", List.of("x"), List.of("y")),
                node("fromInitializer", "Identity", List.of("w"), List.of("v")),
                node("r", "Relu", List.of("x"), List.of("t")),
                node("first", "Identity", List.of("t"), List.of("a")),
                node("second", "Identity", List.of("t"), List.of("a2"))), Map.of("w", w));

        Graph out = PASS.apply(g);

        assertEquals(List.of(node("fromInput", "Identity", List.of("x"), List.of("y")),
                node("fromInitializer", "Identity", List.of("w"), List.of("v")),
                node("r", "Relu", List.of("x"), List.of("a")),
                node("second", "Identity", List.of("a"), List.of("a2"))), out.nodes());
    }

    @Test
    void dropoutGoesOnlyInInference() {
        Tensor no = Tensor.allocate(DType.BOOL);
        Tensor yes = Tensor.allocate(DType.BOOL);
        yes.data().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1);
        Map<String, Tensor> constants = Map.of("no", no, "yes", yes);
        Graph g = graph(List.of("x", "mode"), List.of("y1", "y2", "y3", "y4", "y5", "mask5"), List.of(
                node("plain", "Dropout", List.of("x"), List.of("d1")),
                node("notTraining", "Dropout", List.of("x", "", "no"), List.of("d2", "unusedMask")),
                node("training", "Dropout", List.of("x", "", "yes"), List.of("d3")),
                node("runtimeMode", "Dropout", List.of("x", "", "mode"), List.of("d4")),
                node("maskWanted", "Dropout", List.of("x"), List.of("d5", "mask5")),
                node("o1", "Relu", List.of("d1"), List.of("y1")),
                node("o2", "Relu", List.of("d2"), List.of("y2")),
                node("o3", "Relu", List.of("d3"), List.of("y3")),
                node("o4", "Relu", List.of("d4"), List.of("y4")),
                node("o5", "Relu", List.of("d5"), List.of("y5"))), constants);

        Graph out = PASS.apply(g);

        assertEquals(List.of("training", "runtimeMode", "maskWanted"),
                out.nodes().stream().filter(n -> n.opType().equals("Dropout")).map(Node::name).toList());
        assertEquals(List.of("x"), out.nodes().stream().filter(n -> n.name().equals("o1")).findFirst().orElseThrow().inputs());
        assertEquals(List.of("x"), out.nodes().stream().filter(n -> n.name().equals("o2")).findFirst().orElseThrow().inputs());
        assertEquals(8, opTypes(out).size());
    }
}
