package dev.jquant.runtime.ops;

import java.util.Map;

/** Compute-heavy network operators on kernels-java: MatMul, Gemm, Conv, ConvTranspose, pooling, BatchNormalization. */
final class NeuralOperators {
    private NeuralOperators() {
    }

    static void registerAll(Map<String, OperatorFactory> into) {
    }
}
