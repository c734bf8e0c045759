package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.NodePatterns.is;
import static dev.jquant.compressor.passes.NodePatterns.isFloatScalar;
import static dev.jquant.compressor.passes.NodePatterns.onlyReader;
import static dev.jquant.compressor.passes.NodePatterns.otherInput;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces the exact (erf) GELU spelled out in five nodes, as PyTorch exports it,
 * <pre>
 *   y = 0.5 · x · (1 + Erf(x / √2))
 * </pre>
 * ({@code Div(x, √2)} or {@code Mul(x, 1/√2)}; the two multiplications in any grouping and operand order)
 * with one ONNX Gelu (opset 20, {@code approximate="none"}), which the runtime computes in one pass instead
 * of five. The node keeps the graph's opset: the runtime's Gelu does not depend on it. The constants must be
 * float32 scalars within a relative 1e-6 of √2 (or 1/√2), 1 and 0.5, and every intermediate value read only
 * inside the pattern.
 */
public final class GeluFusion implements GraphPass {

    private static final double SQRT2 = Math.sqrt(2);

    public GeluFusion() {
        // stateless: one instance can serve any number of graphs
    }

    @Override
    public Graph apply(Graph graph) {
        ValueUses uses = new ValueUses(graph);
        Fusions fusions = new Fusions(graph);
        for (Node n : graph.nodes()) {
            if (is(n, "Erf") && !fusions.taken(n)) {
                match(n, graph.initializers(), uses, fusions);
            }
        }
        return fusions.apply(graph);
    }

    /** Records the fusion around {@code erf}, if the pattern is all there. */
    private static void match(Node erf, Map<String, Tensor> constants, ValueUses uses, Fusions fusions) {
        Node scaled = uses.producer(erf.input(0));
        String x = scaled == null || onlyReader(uses, erf.input(0)) != erf ? null : scaledInput(scaled, constants);
        if (x == null) {
            return;
        }
        Node plusOne = onlyReader(uses, erf.output(0));
        String one = is(plusOne, "Add") ? otherInput(plusOne, erf.output(0)) : null;
        if (one == null || !isFloatScalar(constants, one, 1)) {
            return;
        }
        Node times = onlyReader(uses, plusOne.output(0));
        String other = is(times, "Mul") ? otherInput(times, plusOne.output(0)) : null;
        if (other == null) {
            return;
        }
        List<Node> group = new ArrayList<>(List.of(scaled, erf, plusOne));
        if (other.equals(x) || isFloatScalar(constants, other, 0.5)) {
            // (x · (1 + erf)) · 0.5, or x · ((1 + erf) · 0.5): the last Mul brings what the first lacked.
            Node last = onlyReader(uses, times.output(0));
            String lastOperand = is(last, "Mul") ? otherInput(last, times.output(0)) : null;
            boolean completes = lastOperand != null && (other.equals(x) ? isFloatScalar(constants, lastOperand, 0.5)
                    : lastOperand.equals(x));
            if (!completes) {
                return;
            }
            group.add(times);
            group.add(last);
        } else {
            // (x · 0.5) · (1 + erf)
            Node half = uses.producer(other);
            String halfOperand = is(half, "Mul") && onlyReader(uses, other) == times ? otherInput(half, x) : null;
            if (halfOperand == null || !isFloatScalar(constants, halfOperand, 0.5)) {
                return;
            }
            group.add(0, half);
            group.add(times);
        }
        Node fused = new Node(fusions.freshNodeName(NodePatterns.scope(erf.name()) + "Gelu"), "Gelu", "",
                List.of(x), List.of(group.getLast().output(0)), Map.of());
        fusions.replace(group, fused);
    }

    /** For {@code Div(x, √2)} or {@code Mul(x, 1/√2)} (either order): x; else null. */
    private static String scaledInput(Node n, Map<String, Tensor> constants) {
        if (is(n, "Div") && n.inputCount() == 2 && isFloatScalar(constants, n.input(1), SQRT2)) {
            return n.input(0);
        }
        if (is(n, "Mul") && n.inputCount() == 2) {
            if (isFloatScalar(constants, n.input(1), 1 / SQRT2)) {
                return n.input(0);
            }
            return isFloatScalar(constants, n.input(0), 1 / SQRT2) ? n.input(1) : null;
        }
        return null;
    }
}
