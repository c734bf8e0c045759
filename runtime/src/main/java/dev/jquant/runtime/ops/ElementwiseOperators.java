package dev.jquant.runtime.ops;

import java.util.Map;

/** Elementwise operators: unary math, binary arithmetic with broadcasting, comparisons, Where, Cast, reductions, Softmax, normalization. */
final class ElementwiseOperators {
    private ElementwiseOperators() {
    }

    static void registerAll(Map<String, OperatorFactory> into) {
    }
}
