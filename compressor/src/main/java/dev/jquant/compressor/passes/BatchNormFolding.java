package dev.jquant.compressor.passes;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds an inference-mode BatchNormalization into the Conv that feeds it: with {@code s = scale / sqrt(var +
 * epsilon)} per output channel, {@code W' = W * s} and {@code B' = (B - mean) * s + bias}. The Conv then
 * writes the BatchNormalization's output directly. Applies only where the result is exact up to rounding:
 * float32 constants for the weights and all four statistics, and a Conv output read by nothing else.
 */
public final class BatchNormFolding implements GraphPass {

    public BatchNormFolding() {
        // stateless: one instance can serve any number of graphs
    }

    @Override
    public Graph apply(Graph graph) {
        ValueUses uses = new ValueUses(graph);
        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        Set<String> names = valueNames(graph);
        Map<Node, Node> foldedConvs = new IdentityHashMap<>();
        Set<Node> removed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node bn : graph.nodes()) {
            Node conv = foldableConv(bn, graph.opset(), uses, initializers);
            if (conv == null) {
                continue;
            }
            Tensor w = initializers.get(conv.input(1));
            int channels = Math.toIntExact(w.dim(0));
            float[] weights = w.toFloatArray();
            float[] convBias = conv.hasInput(2) ? initializers.get(conv.input(2)).toFloatArray() : new float[channels];
            float[] scale = initializers.get(bn.input(1)).toFloatArray();
            float[] beta = initializers.get(bn.input(2)).toFloatArray();
            float[] mean = initializers.get(bn.input(3)).toFloatArray();
            float[] var = initializers.get(bn.input(4)).toFloatArray();
            double epsilon = bn.attrFloat("epsilon", 1e-5f);
            int perChannel = weights.length / channels;
            float[] bias = new float[channels];
            for (int c = 0; c < channels; c++) {
                double s = scale[c] / Math.sqrt(var[c] + epsilon);
                for (int j = c * perChannel; j < (c + 1) * perChannel; j++) {
                    weights[j] = (float) (weights[j] * s);
                }
                bias[c] = (float) ((convBias[c] - mean[c]) * s + beta[c]);
            }
            String wName = fresh(conv.input(1) + "_bn_folded", names);
            String bName = fresh(conv.name() + "_bn_folded_bias", names);
            initializers.put(wName, Tensor.ofFloats(weights, w.shape()));
            initializers.put(bName, Tensor.ofFloats(bias, channels));
            foldedConvs.put(conv, new Node(conv.name(), conv.opType(), conv.domain(),
                    List.of(conv.input(0), wName, bName), List.of(bn.output(0)), conv.attributes()));
            removed.add(bn);
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!removed.contains(n)) {
                nodes.add(foldedConvs.getOrDefault(n, n));
            }
        }
        return graph.withNodes(nodes, initializers);
    }

    /** The Conv that {@code bn} can be folded into, or null. */
    private static Node foldableConv(Node bn, int opset, ValueUses uses, Map<String, Tensor> initializers) {
        if (!bn.opType().equals("BatchNormalization") || !bn.domain().isEmpty() || bn.inputCount() != 5
                || bn.attrInt("training_mode", 0) != 0 || (opset < 9 && bn.attrInt("spatial", 1) != 1)) {
            return null;
        }
        for (int i = 1; i < bn.outputs().size(); i++) {
            if (!bn.output(i).isEmpty() && uses.isUsed(bn.output(i))) {
                return null; // running statistics are wanted: training-mode semantics
            }
        }
        String x = bn.input(0);
        Node conv = uses.producer(x);
        if (conv == null || !conv.opType().equals("Conv") || !conv.domain().isEmpty() || uses.isGraphOutput(x)
                || uses.consumers(x).size() != 1 || conv.inputCount() < 2 || conv.outputs().size() != 1) {
            return null;
        }
        Tensor w = initializers.get(conv.input(1));
        if (w == null || w.dtype() != DType.FLOAT32 || w.rank() < 3 || w.dim(0) == 0) {
            return null;
        }
        long channels = w.dim(0);
        if (conv.hasInput(2) && !isVector(initializers.get(conv.input(2)), channels)) {
            return null;
        }
        for (int i = 1; i <= 4; i++) {
            if (!bn.hasInput(i) || !isVector(initializers.get(bn.input(i)), channels)) {
                return null;
            }
        }
        return conv;
    }

    private static boolean isVector(Tensor t, long length) {
        return t != null && t.dtype() == DType.FLOAT32 && t.rank() == 1 && t.dim(0) == length;
    }

    private static Set<String> valueNames(Graph graph) {
        Set<String> names = new HashSet<>(graph.initializers().keySet());
        graph.inputs().stream().map(ValueInfo::name).forEach(names::add);
        graph.outputs().stream().map(ValueInfo::name).forEach(names::add);
        for (Node n : graph.nodes()) {
            names.addAll(n.outputs());
        }
        return names;
    }

    /** {@code base}, or {@code base_<k>} when taken; reserves the name returned. */
    private static String fresh(String base, Set<String> names) {
        String name = base;
        for (int k = 1; names.contains(name); k++) {
            name = base + "_" + k;
        }
        names.add(name);
        return name;
    }
}
