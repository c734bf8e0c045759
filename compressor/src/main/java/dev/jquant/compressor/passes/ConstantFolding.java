package dev.jquant.compressor.passes;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.NodeEvaluator;
import dev.jquant.runtime.ops.Operators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates nodes whose inputs are all constant and replaces them by initializers holding their outputs,
 * with the runtime's own operators ({@link NodeEvaluator}). This folds weight preprocessing (Transpose,
 * Cast of constants) and shape sub-graphs built on constants.
 *
 * <p>Nodes are visited in topological order, so a value folded here is already constant for every later
 * reader: one sweep reaches the fixpoint.
 */
public final class ConstantFolding implements GraphPass {

    /**
     * A folded result may exceed the size of its inputs only up to this many bytes: Expand, Tile or
     * ConstantOfShape of a constant would otherwise write large, redundant tensors into the model file.
     */
    static final long MAX_GROWTH_BYTES = 1 << 20;

    /** Operators that must draw new values on every run. */
    private static final Set<String> NONDETERMINISTIC = Set.of("RandomNormal", "RandomUniform",
            "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli");

    public ConstantFolding() {
        // stateless: one instance can serve any number of graphs
    }

    @Override
    public Graph apply(Graph graph) {
        Map<String, Tensor> constants = new LinkedHashMap<>(graph.initializers());
        List<Node> kept = new ArrayList<>();
        for (Node n : graph.nodes()) {
            Tensor[] outputs = isFoldable(n, constants) ? fold(n, graph.opset(), constants) : null;
            if (outputs == null) {
                kept.add(n);
                continue;
            }
            for (int i = 0; i < outputs.length; i++) {
                if (!n.output(i).isEmpty()) {
                    constants.put(n.output(i), outputs[i]);
                }
            }
        }
        return graph.withNodes(kept, constants);
    }

    private static boolean isFoldable(Node n, Map<String, Tensor> constants) {
        if (!Operators.isSupported(n) || NONDETERMINISTIC.contains(n.opType())) {
            return false; // left for the runtime, which reports what it cannot run
        }
        for (String in : n.inputs()) {
            if (!in.isEmpty() && !constants.containsKey(in)) {
                return false;
            }
        }
        return true;
    }

    /** The node's outputs, or null when they are too large to be worth storing. */
    private static Tensor[] fold(Node n, int opset, Map<String, Tensor> constants) {
        Tensor[] inputs = new Tensor[n.inputCount()];
        long inputBytes = 0;
        for (int i = 0; i < inputs.length; i++) {
            if (n.hasInput(i)) {
                inputs[i] = constants.get(n.input(i));
                inputBytes += inputs[i].byteSize();
            }
        }
        Tensor[] outputs;
        try {
            outputs = NodeEvaluator.evaluate(n, opset, inputs, true, Parallel.SERIAL);
        } catch (UnsupportedOperatorException e) {
            throw new IllegalStateException("registry changed while folding " + n.opType() + " node '" + n.name() + "'", e);
        }
        long outputBytes = 0;
        for (Tensor t : outputs) {
            outputBytes += t == null ? 0 : t.byteSize();
        }
        return outputBytes <= Math.max(inputBytes, MAX_GROWTH_BYTES) ? outputs : null;
    }
}
