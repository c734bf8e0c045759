package dev.jquant.compressor.passes;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.util.Map;

/** The small questions that fusion passes ask of a node and its neighbours while matching a pattern. */
final class NodePatterns {

    private NodePatterns() {
    }

    /** True for an ONNX default-domain node of this op type. */
    static boolean is(Node n, String opType) {
        return n != null && n.opType().equals(opType) && (n.domain().isEmpty() || n.domain().equals("ai.onnx"));
    }

    /**
     * The one node that reads {@code value}, in one input slot, when nothing else does and the graph does not
     * return it; else null. A value that only this reader sees can disappear into a fused node.
     */
    static Node onlyReader(ValueUses uses, String value) {
        if (uses.isGraphOutput(value)) {
            return null;
        }
        var readers = uses.consumers(value);
        return readers.size() == 1 ? readers.getFirst() : null;
    }

    /** For a node with two inputs one of which is {@code value}: the other one; else null. */
    static String otherInput(Node n, String value) {
        if (n.inputCount() != 2 || n.outputs().size() != 1) {
            return null;
        }
        if (n.input(0).equals(value)) {
            return n.input(1);
        }
        return n.input(1).equals(value) ? n.input(0) : null;
    }

    /** The value of a one-element numeric initializer, or null when {@code name} is none. */
    static Double scalar(Map<String, Tensor> initializers, String name) {
        Tensor t = initializers.get(name);
        if (t == null || t.elementCount() != 1) {
            return null;
        }
        return switch (t.dtype()) {
            case FLOAT32 -> (double) t.getFloat(0);
            case FLOAT64 -> t.data().get(Tensor.F64, 0);
            case INT64, INT32 -> (double) t.toLongArrayWidening()[0];
            default -> null;
        };
    }

    /** True when {@code name} is a FLOAT32 initializer holding one value within a relative 1e-6 of {@code expected}. */
    static boolean isFloatScalar(Map<String, Tensor> initializers, String name, double expected) {
        Tensor t = initializers.get(name);
        return t != null && t.dtype() == DType.FLOAT32 && t.elementCount() == 1
                && Math.abs(t.getFloat(0) - expected) <= 1e-6 * Math.abs(expected);
    }

    /** True when {@code name} is a FLOAT32 initializer of shape {@code [length]}. */
    static boolean isFloatVector(Map<String, Tensor> initializers, String name, long length) {
        Tensor t = initializers.get(name);
        return t != null && t.dtype() == DType.FLOAT32 && t.rank() == 1 && t.dim(0) == length;
    }

    /** {@code name} up to its last '/' (an exporter's scope, e.g. {@code /encoder/layer.0/output/LayerNorm/}), or "". */
    static String scope(String name) {
        return name.substring(0, name.lastIndexOf('/') + 1);
    }
}
