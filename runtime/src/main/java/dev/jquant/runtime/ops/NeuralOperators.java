package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import java.util.Arrays;
import java.util.Map;

/** Compute-heavy network operators on kernels-java: MatMul, Gemm, Conv, ConvTranspose, pooling, BatchNormalization. */
final class NeuralOperators {
    private NeuralOperators() {
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        into.put("MatMul", (node, opset) -> new MatMul());
        into.put("Gemm", (node, opset) -> new Gemm());
        into.put("Conv", (node, opset) -> new Conv());
        into.put("ConvTranspose", (node, opset) -> new ConvTranspose());
        into.put("MaxPool", (node, opset) -> new MaxPool());
        into.put("AveragePool", (node, opset) -> new AveragePool());
        into.put("GlobalAveragePool", (node, opset) -> new GlobalAveragePool());
        into.put("BatchNormalization", (node, opset) -> new BatchNormalization());
    }

    /** Throws unless input {@code i} is FLOAT32, the only type these operators compute in. */
    static void requireFloat32(PrepareContext ctx, int i, String operand) {
        DType t = ctx.inputType(i);
        if (t != DType.FLOAT32) {
            throw new UnsupportedVariantException(operand + " has element type " + t + "; supported: [FLOAT32]");
        }
    }

    /** {@code value} as an int, or an exception naming what is too large. */
    static int toInt(long value, String what) {
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is " + value + ", more than the " + Integer.MAX_VALUE
                    + " this operator supports");
        }
        return (int) value;
    }

    static String show(long[] shape) {
        return Arrays.toString(shape);
    }
}
