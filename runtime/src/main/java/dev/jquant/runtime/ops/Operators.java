package dev.jquant.runtime.ops;

import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Node;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Java backend's operator registry: ONNX op type (default domain) to factory, and jquant's own fused
 * operators in domain {@value #JQUANT_DOMAIN}, which the compressor writes.
 */
public final class Operators {

    /** The domain of the fused operators that jquant's compressor writes: {@code FusedMatMul}, {@code Attention}. */
    public static final String JQUANT_DOMAIN = "dev.jquant";

    private static final Map<String, OperatorFactory> FACTORIES;
    private static final Map<String, OperatorFactory> JQUANT_FACTORIES = Map.of(
            "FusedMatMul", (node, opset) -> new MatMul(true),
            "Attention", (node, opset) -> new Attention());

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

    /** Default-domain op types the Java backend runs, sorted. */
    public static Set<String> supported() {
        return FACTORIES.keySet();
    }

    public static boolean isSupported(Node node) {
        return factory(node) != null;
    }

    private static OperatorFactory factory(Node node) {
        if (isDefaultDomain(node.domain())) {
            return FACTORIES.get(node.opType());
        }
        return node.domain().equals(JQUANT_DOMAIN) ? JQUANT_FACTORIES.get(node.opType()) : null;
    }

    static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    public static Operator create(Node node, int opset) throws UnsupportedOperatorException {
        OperatorFactory f = factory(node);
        if (f == null) {
            String op = node.domain().isEmpty() ? node.opType() : node.domain() + ":" + node.opType();
            throw new UnsupportedOperatorException(op, node.name(), opset, null, supported());
        }
        return f.create(node, opset);
    }
}
