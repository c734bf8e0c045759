package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.NodePatterns.is;
import static dev.jquant.compressor.passes.NodePatterns.isFloatVector;
import static dev.jquant.compressor.passes.NodePatterns.onlyReader;
import static dev.jquant.compressor.passes.NodePatterns.otherInput;

import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.Operators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses a MatMul that reads a quantized weight {@code [K, N]}, the Add of a constant float32 bias {@code [N]}
 * after it, and a Relu after that if there is one, into one jquant {@code FusedMatMul} (domain
 * {@value Operators#JQUANT_DOMAIN}, inputs A, W, bias, attribute {@code activation}): the quantized kernels
 * add the bias and apply the Relu in their epilogue, while each result is in registers, instead of more
 * passes over the product. The fused node keeps the MatMul's name and attributes (calibrated input ranges
 * among them).
 *
 * <p>A Gelu stays a node of its own: erf dominates its cost wherever it runs, and the one-pass Gelu kernel
 * costs what the kernels' GELU epilogue does at best (MiniLM's first FFN layers, 1 thread: 15.2 ms fused
 * against 11.7 ms + 3.5 ms apart, with a native scratch in the epilogue; 28 ms with today's heap one).
 *
 * <p>It runs after quantization, on the quantized weights only: a node that reads one runs on the Java
 * backend anyway, whereas a float MatMul may run on a backend that knows no FusedMatMul (oneDNN) and would
 * otherwise lose it. Intermediate values must be read only inside the pattern.
 */
public final class MatMulEpilogueFusion implements GraphPass {

    private final Map<String, QuantizationDescriptor> quantized;

    /** Fuses the MatMuls that read the weights in {@code quantized} (initializer name to its descriptor). */
    public MatMulEpilogueFusion(Map<String, QuantizationDescriptor> quantized) {
        this.quantized = Map.copyOf(quantized);
    }

    @Override
    public Graph apply(Graph graph) {
        ValueUses uses = new ValueUses(graph);
        Fusions fusions = new Fusions(graph);
        for (Node n : graph.nodes()) {
            if (is(n, "MatMul") && n.inputCount() == 2 && n.outputs().size() == 1) {
                match(n, graph, uses, fusions);
            }
        }
        return fusions.apply(graph);
    }

    private void match(Node matMul, Graph graph, ValueUses uses, Fusions fusions) {
        QuantizationDescriptor weight = quantized.get(matMul.input(1));
        long[] shape = weight == null ? null : weight.logicalShape();
        if (shape == null || shape.length != 2) {
            return;
        }
        Node add = onlyReader(uses, matMul.output(0));
        String bias = is(add, "Add") ? otherInput(add, matMul.output(0)) : null;
        if (bias == null || quantized.containsKey(bias) || !isFloatVector(graph.initializers(), bias, shape[1])) {
            return;
        }
        List<Node> group = new ArrayList<>(List.of(matMul, add));
        String activation = "none";
        Node next = onlyReader(uses, add.output(0));
        if (is(next, "Relu")) {
            group.add(next);
            activation = "relu";
        }
        Map<String, Attribute> attributes = new LinkedHashMap<>(matMul.attributes());
        attributes.put("activation", new Attribute.StringValue(activation));
        fusions.replace(group, new Node(matMul.name(), "FusedMatMul", Operators.JQUANT_DOMAIN,
                List.of(matMul.input(0), matMul.input(1), bias), List.of(group.getLast().output(0)), attributes));
    }
}
