package dev.jquant.compressor.quantize;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a float graph's weights — initializers that only MatMul/Gemm/Conv read as their weight or Gather
 * reads as its table — and stores each at the precision {@link WeightQuantization} asks for. Integer
 * precisions become codes with a {@code .jqm} quantization descriptor (the graph is unchanged);
 * fp16/bf16 weights become a half-size initializer and a Cast back to float, which the runtime folds
 * once per model.
 */
public final class WeightQuantizer {

    private WeightQuantizer() {
    }

    /** Rounds every weight to nearest. */
    public static QuantizedGraph quantize(Graph graph, WeightQuantization options) {
        return quantize(graph, options, null);
    }

    /**
     * @param correlations input statistics from calibration data: with them, 4-bit MatMul weights are
     *        rounded with error feedback ({@link Gptq}); null rounds every weight to nearest
     */
    public static QuantizedGraph quantize(Graph graph, WeightQuantization options, InputCorrelations correlations) {
        Map<String, List<Node>> readers = new LinkedHashMap<>();
        Map<String, WeightRole> roles = new LinkedHashMap<>();
        Map<String, Boolean> eligible = new LinkedHashMap<>();
        for (Node node : graph.nodes()) {
            for (int i = 0; i < node.inputCount(); i++) {
                String name = node.input(i);
                Tensor t = graph.initializers().get(name);
                if (t == null || name.isEmpty()) {
                    continue;
                }
                readers.computeIfAbsent(name, k -> new ArrayList<>()).add(node);
                WeightRole role = roleOf(node, i, t);
                WeightRole seen = roles.putIfAbsent(name, role);
                eligible.merge(name, role != null && (seen == null || seen == role), Boolean::logicalAnd);
            }
        }
        for (ValueInfo output : graph.outputs()) {
            eligible.computeIfPresent(output.name(), (k, v) -> false); // a graph output must keep its values
        }

        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        Map<String, QuantizationDescriptor> descriptors = new LinkedHashMap<>();
        List<Node> casts = new ArrayList<>();
        List<LayerReport> layers = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : eligible.entrySet()) {
            String name = e.getKey();
            Tensor w = graph.initializers().get(name);
            if (!e.getValue() || w.dtype() != DType.FLOAT32 || w.elementCount() < WeightQuantization.MIN_ELEMENTS) {
                continue;
            }
            List<Node> nodes = readers.get(name);
            WeightRole role = roles.get(name);
            Precision precision = precisionFor(nodes, role, options);
            float[] values = w.toFloatArray();
            switch (precision) {
                case FP32 -> {
                    continue;
                }
                case FP16, BF16 -> {
                    Tensor half = halfPrecision(values, w.shape(), precision);
                    String stored = name + "." + precision.label();
                    initializers.remove(name);
                    initializers.put(stored, half);
                    casts.add(new Node(name + "/cast", "Cast", Node.names(stored), Node.names(name),
                            Map.of("to", new Attribute.IntValue(DType.FLOAT32.code()))));
                    layers.add(report(name, nodes, w, precision.label(), half.byteSize(),
                            decodedHalf(half, precision)));
                }
                case INT8, INT4 -> {
                    float[] h = correlations == null || role != WeightRole.MATMUL_B || nodes.size() != 1 ? null
                            : correlations.of(nodes.getFirst().input(0));
                    QuantizedWeight q = precision == Precision.INT8
                            ? LinearQuantizer.int8(name, values, w.shape(), role.channelAxis(),
                                    int8Limit(options, role))
                            : h != null
                            ? Gptq.int4(name, values, (int) w.dim(0), (int) w.dim(1), h, options.groupSize(),
                                    options.symmetric())
                            : LinearQuantizer.int4(name, values, w.shape(), role.reductionAxis(), options.groupSize(),
                                    options.symmetric());
                    initializers.put(name, q.codes());
                    initializers.put(q.descriptor().scale(), q.scale());
                    if (q.zeroPoint() != null) {
                        initializers.put(q.descriptor().zeroPoint(), q.zeroPoint());
                    }
                    descriptors.put(name, q.descriptor());
                    String scheme = precision == Precision.INT8 ? "int8 per channel"
                            : (options.symmetric() ? "int4" : "uint4") + " g" + options.groupSize()
                                    + (h != null ? " gptq" : "");
                    layers.add(report(name, nodes, w, scheme, q.storedBytes(), decoded(name, q)));
                }
            }
        }
        List<Node> nodes = new ArrayList<>(casts);
        nodes.addAll(graph.nodes());
        return new QuantizedGraph(graph.withNodes(nodes, initializers), descriptors, layers);
    }

    /** The role of initializer {@code t} as input {@code i} of {@code node}, or null when it is not a weight there. */
    private static WeightRole roleOf(Node node, int i, Tensor t) {
        if (!node.domain().isEmpty() || t.rank() < 2) {
            return null;
        }
        return switch (node.opType()) {
            case "MatMul" -> i == 1 && t.rank() == 2 ? WeightRole.MATMUL_B : null;
            case "Gemm" -> i != 1 ? null : node.attrInt("transB", 0) == 1 ? WeightRole.GEMM_B_TRANSPOSED : WeightRole.GEMM_B;
            case "Conv" -> i == 1 ? WeightRole.CONV_WEIGHT : null;
            case "Gather" -> i == 0 && t.rank() == 2 && node.attrInt("axis", 0) == 0 ? WeightRole.EMBEDDING : null;
            default -> null;
        };
    }

    private static Precision precisionFor(List<Node> nodes, WeightRole role, WeightQuantization options) {
        Precision p = role == WeightRole.EMBEDDING ? options.embeddings() : options.precision();
        for (Node n : nodes) {
            if (options.excludedNodes().contains(n.name())) {
                return Precision.FP32;
            }
            p = options.byOpType().getOrDefault(n.opType(), p);
        }
        // 4-bit groups are laid out for matrices; convolution weights keep one int8 scale per channel.
        return p == Precision.INT4 && role == WeightRole.CONV_WEIGHT ? Precision.INT8 : p;
    }

    private static Tensor halfPrecision(float[] values, long[] shape, Precision p) {
        Tensor t = Tensor.allocate(p == Precision.FP16 ? DType.FLOAT16 : DType.BFLOAT16, shape);
        for (int i = 0; i < values.length; i++) {
            short bits = p == Precision.FP16 ? Float.floatToFloat16(values[i]) : bfloat16(values[i]);
            t.data().setAtIndex(Tensor.I16, i, bits);
        }
        return t;
    }

    /** Round to nearest even, as ONNX Runtime and PyTorch cast to bfloat16 (NaN stays NaN). */
    private static short bfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    private static float[] decodedHalf(Tensor half, Precision p) {
        float[] out = new float[Math.toIntExact(half.elementCount())];
        for (int i = 0; i < out.length; i++) {
            short bits = half.data().getAtIndex(Tensor.I16, i);
            out[i] = p == Precision.FP16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat((bits & 0xFFFF) << 16);
        }
        return out;
    }

    /** The values the runtime will see, decoded by the runtime's own decoder. */
    private static float[] decoded(String name, QuantizedWeight q) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(name, q.codes());
        tensors.put(q.descriptor().scale(), q.scale());
        if (q.zeroPoint() != null) {
            tensors.put(q.descriptor().zeroPoint(), q.zeroPoint());
        }
        return QuantizedTensor.of(name, q.descriptor(), tensors).decodeAll().toFloatArray();
    }

    private static LayerReport report(String name, List<Node> nodes, Tensor original, String scheme, long bytesAfter,
            float[] decoded) {
        float[] w = original.toFloatArray();
        double signal = 0;
        double noise = 0;
        double dot = 0;
        double decodedNorm = 0;
        for (int i = 0; i < w.length; i++) {
            double d = w[i] - decoded[i];
            signal += (double) w[i] * w[i];
            noise += d * d;
            dot += (double) w[i] * decoded[i];
            decodedNorm += (double) decoded[i] * decoded[i];
        }
        double sqnr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
        double cosine = signal == 0 || decodedNorm == 0 ? 1 : dot / Math.sqrt(signal * decodedNorm);
        return new LayerReport(name, nodes.stream().map(Node::name).toList(), nodes.getFirst().opType(),
                original.shape(), scheme, 8.0 * bytesAfter / w.length, original.byteSize(), bytesAfter, sqnr, cosine);
    }

    /** ±127, or ±64 with reduced range where a product reads the weight (a Gather only decodes its rows). */
    private static int int8Limit(WeightQuantization options, WeightRole role) {
        return options.reducedRange() && role != WeightRole.EMBEDDING ? WeightQuantization.REDUCED_INT8_LIMIT : 127;
    }
}
