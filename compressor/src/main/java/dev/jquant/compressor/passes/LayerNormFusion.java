package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.NodePatterns.is;
import static dev.jquant.compressor.passes.NodePatterns.isFloatVector;
import static dev.jquant.compressor.passes.NodePatterns.onlyReader;
import static dev.jquant.compressor.passes.NodePatterns.otherInput;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Replaces layer normalization spelled out in nine nodes, as PyTorch exports it before opset 17,
 * <pre>
 *   mean = ReduceMean(x, axes=[-1]);  d = Sub(x, mean);  var = ReduceMean(Pow(d, 2), axes=[-1])
 *   y = Add(Mul(Div(d, Sqrt(Add(var, epsilon))), gamma), beta)
 * </pre>
 * ({@code Mul(d, d)} for the square, either operand order for the Adds and the Mul, and the final Add
 * optional) with one ONNX LayerNormalization ({@code axis=-1}), which the runtime computes in one pass per row
 * instead of nine over the whole tensor. The node keeps the graph's opset: the runtime's LayerNormalization
 * does not depend on it.
 *
 * <p>It applies only where the result stays the same up to rounding: epsilon a float32 constant scalar, gamma
 * and beta float32 constant vectors of one length (greater than 1), and every intermediate value read only
 * inside the pattern. A normalized dimension that is not gamma's length (only 1 could broadcast) makes the
 * fused node fail when the model is planned, naming the shapes, rather than compute something else.
 */
public final class LayerNormFusion implements GraphPass {

    public LayerNormFusion() {
        // stateless: one instance can serve any number of graphs
    }

    @Override
    public Graph apply(Graph graph) {
        ValueUses uses = new ValueUses(graph);
        Fusions fusions = new Fusions(graph);
        for (Node n : graph.nodes()) {
            if (!fusions.taken(n)) {
                match(n, graph, uses, fusions);
            }
        }
        return fusions.apply(graph);
    }

    /** Records the fusion that starts at {@code mean} (the first ReduceMean), if the pattern is all there. */
    private static void match(Node mean, Graph graph, ValueUses uses, Fusions fusions) {
        Map<String, Tensor> constants = graph.initializers();
        if (!reducesLastAxis(mean, constants)) {
            return;
        }
        String x = mean.input(0);
        Node sub = onlyReader(uses, mean.output(0));
        if (!is(sub, "Sub") || sub.inputCount() != 2 || !sub.input(0).equals(x) || !sub.input(1).equals(mean.output(0))) {
            return;
        }
        String d = sub.output(0);
        if (uses.isGraphOutput(d)) {
            return;
        }
        Node square = null;
        Node div = null;
        for (Node reader : uses.consumers(d)) {
            if (is(reader, "Div") && reader.inputCount() == 2 && reader.input(0).equals(d) && !reader.input(1).equals(d)) {
                div = div == null ? reader : div;
            } else if (isSquare(reader, d, constants)) {
                square = reader;
            } else {
                return;
            }
        }
        int squareReads = square != null && is(square, "Mul") ? 2 : 1;
        if (square == null || div == null || uses.consumers(d).size() != squareReads + 1) {
            return;
        }
        Node variance = onlyReader(uses, square.output(0));
        if (variance == null || !reducesLastAxis(variance, constants) || !variance.input(0).equals(square.output(0))) {
            return;
        }
        Node addEpsilon = onlyReader(uses, variance.output(0));
        String epsilon = is(addEpsilon, "Add") ? otherInput(addEpsilon, variance.output(0)) : null;
        Tensor eps = epsilon == null ? null : constants.get(epsilon);
        if (eps == null || eps.dtype() != DType.FLOAT32 || eps.elementCount() != 1) {
            return;
        }
        Node sqrt = onlyReader(uses, addEpsilon.output(0));
        if (!is(sqrt, "Sqrt") || onlyReader(uses, sqrt.output(0)) != div || !div.input(1).equals(sqrt.output(0))) {
            return;
        }
        Node scale = onlyReader(uses, div.output(0));
        String gamma = is(scale, "Mul") ? otherInput(scale, div.output(0)) : null;
        Tensor g = gamma == null ? null : constants.get(gamma);
        if (g == null || g.rank() != 1 || g.dim(0) < 2 || !isFloatVector(constants, gamma, g.dim(0))) {
            return;
        }
        List<Node> group = new ArrayList<>(List.of(mean, sub, square, variance, addEpsilon, sqrt, div, scale));
        List<String> inputs = new ArrayList<>(List.of(x, gamma));
        Node shift = onlyReader(uses, scale.output(0));
        String beta = is(shift, "Add") ? otherInput(shift, scale.output(0)) : null;
        if (beta != null && isFloatVector(constants, beta, g.dim(0))) {
            group.add(shift);
            inputs.add(beta);
        }
        Node fused = new Node(fusions.freshNodeName(NodePatterns.scope(mean.name()) + "LayerNormalization"),
                "LayerNormalization", "", inputs, List.of(group.getLast().output(0)),
                Map.of("axis", new Attribute.IntValue(-1), "epsilon", new Attribute.FloatValue(eps.getFloat(0))));
        fusions.replace(group, fused);
    }

    /** A ReduceMean over the last axis only, keeping it, with the axes as an attribute or a constant input. */
    private static boolean reducesLastAxis(Node n, Map<String, Tensor> constants) {
        if (!is(n, "ReduceMean") || n.outputs().size() != 1 || n.attrInt("keepdims", 1) != 1) {
            return false;
        }
        long[] axes = n.attrInts("axes", null);
        if (n.inputCount() > 1 && n.hasInput(1)) {
            Tensor t = constants.get(n.input(1));
            axes = t == null || axes != null ? null : t.toLongArrayWidening();
        }
        return axes != null && Arrays.equals(axes, new long[] {-1});
    }

    /** {@code Pow(d, 2)} or {@code Mul(d, d)}. */
    private static boolean isSquare(Node n, String d, Map<String, Tensor> constants) {
        if (n.inputCount() != 2 || n.outputs().size() != 1 || !n.input(0).equals(d)) {
            return false;
        }
        if (is(n, "Mul")) {
            return n.input(1).equals(d);
        }
        Double exponent = NodePatterns.scalar(constants, n.input(1));
        return is(n, "Pow") && exponent != null && exponent == 2.0;
    }
}
