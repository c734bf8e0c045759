package dev.jquant.runtime.ops;

import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Node;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The Java backend's operator registry: ONNX op type (default domain) to factory. */
public final class Operators {

    private static final Map<String, OperatorFactory> FACTORIES;

    static {
        Map<String, OperatorFactory> m = new TreeMap<>();
        ElementwiseOperators.registerAll(m);
        TensorOperators.registerAll(m);
        NeuralOperators.registerAll(m);
        QuantizedOperators.registerAll(m);
        FACTORIES = Collections.unmodifiableMap(m);
    }

    private Operators() {
    }

    /** Op types the Java backend runs, sorted. */
    public static Set<String> supported() {
        return FACTORIES.keySet();
    }

    public static boolean isSupported(Node node) {
        return isDefaultDomain(node.domain()) && FACTORIES.containsKey(node.opType());
    }

    static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    public static Operator create(Node node, int opset) throws UnsupportedOperatorException {
        OperatorFactory f = isDefaultDomain(node.domain()) ? FACTORIES.get(node.opType()) : null;
        if (f == null) {
            String op = node.domain().isEmpty() ? node.opType() : node.domain() + ":" + node.opType();
            throw new UnsupportedOperatorException(op, node.name(), opset, null, supported());
        }
        return f.create(node, opset);
    }
}
