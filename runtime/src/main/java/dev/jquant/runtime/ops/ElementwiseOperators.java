package dev.jquant.runtime.ops;

import java.util.Map;

/** Elementwise operators: unary math, binary arithmetic with broadcasting, comparisons, Where, Cast, reductions, Softmax, normalization. */
final class ElementwiseOperators {
    private ElementwiseOperators() {
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        UnaryMath.registerAll(into);
        BinaryArithmetic.registerAll(into);
        Comparison.registerAll(into);
        into.put("Not", (node, opset) -> new Not());
        into.put("Where", (node, opset) -> new Where());
        Cast.registerAll(into);
        Reduce.registerAll(into);
        Softmax.registerAll(into);
        into.put("LayerNormalization", (node, opset) -> new LayerNormalization());
        into.put("Gelu", (node, opset) -> new Gelu());
        ArgMaxMin.registerAll(into);
    }
}
