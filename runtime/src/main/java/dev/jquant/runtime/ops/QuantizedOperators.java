package dev.jquant.runtime.ops;

import java.util.Map;

/**
 * The operators of pre-quantized ONNX models: QDQ (QuantizeLinear, DequantizeLinear) and QOperator
 * (DynamicQuantizeLinear, MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv), as ONNX Runtime's
 * quantization tools write them.
 */
final class QuantizedOperators {
    private QuantizedOperators() {
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        into.put("QuantizeLinear", (node, opset) -> new QuantizeLinear());
        into.put("DequantizeLinear", (node, opset) -> new DequantizeLinear());
        into.put("DynamicQuantizeLinear", (node, opset) -> new DynamicQuantizeLinear());
        into.put("MatMulInteger", (node, opset) -> new MatMulInteger());
        into.put("ConvInteger", (node, opset) -> new ConvInteger());
        into.put("QLinearMatMul", (node, opset) -> new QLinearMatMul());
        into.put("QLinearConv", (node, opset) -> new QLinearConv());
    }
}
