package dev.jquant.compressor.quantize;

import dev.jquant.compressor.calibration.ActivationQuantization;
import dev.jquant.compressor.calibration.CalibratedValue;
import dev.jquant.compressor.calibration.CalibrationResult;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.quant.StaticInputAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Static activation quantization: gives every MatMul and Gemm whose weight is quantized the calibrated
 * uint8 parameters of its input, as the node attributes {@link StaticInputAttributes} names. The runtime
 * then quantizes that input with them instead of measuring each row's range at run time.
 */
public final class StaticActivations {

    private StaticActivations() {
    }

    /**
     * @param calibration ranges of the activation inputs, on the unsigned 8-bit affine scheme
     * @throws IllegalArgumentException when the calibration used another scheme
     */
    public static QuantizedGraph apply(QuantizedGraph quantized, CalibrationResult calibration) {
        if (calibration.options().scheme().symmetric() || calibration.options().scheme().bits() != 8) {
            throw new IllegalArgumentException("static activations are stored as uint8 with a zero point; calibrate "
                    + "with the uint8 scheme, not " + calibration.options().scheme());
        }
        List<Node> nodes = new ArrayList<>();
        for (Node node : quantized.graph().nodes()) {
            CalibratedValue input = isQuantizedProduct(node, quantized) ? calibration.values().get(node.input(0)) : null;
            if (input == null) {
                nodes.add(node);
                continue;
            }
            ActivationQuantization q = input.quantization();
            nodes.add(node.withAttribute(StaticInputAttributes.SCALE, new Attribute.FloatValue(q.scale()))
                    .withAttribute(StaticInputAttributes.ZERO_POINT, new Attribute.IntValue(q.zeroPoint())));
        }
        return new QuantizedGraph(quantized.graph().withNodes(nodes, quantized.graph().initializers()),
                quantized.descriptors(), quantized.layers());
    }

    private static boolean isQuantizedProduct(Node node, QuantizedGraph quantized) {
        return node.domain().isEmpty() && (node.opType().equals("MatMul") || node.opType().equals("Gemm"))
                && node.hasInput(1) && quantized.descriptors().containsKey(node.input(1));
    }
}
