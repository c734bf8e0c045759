package dev.jquant.runtime.ops;

import java.util.Map;

/** Data-movement and shape operators: Reshape, Transpose, Concat, Slice, Gather, Shape, Pad, Resize and friends. */
final class TensorOperators {
    private TensorOperators() {
    }

    static void registerAll(Map<String, OperatorFactory> into) {
    }
}
