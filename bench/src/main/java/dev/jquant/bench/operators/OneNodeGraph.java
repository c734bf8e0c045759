package dev.jquant.bench.operators;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A graph of one node whose weights are initializers, as a compressed model holds them, with the shape of
 * its one input and the floating-point operations one run does (two per multiply-add).
 */
record OneNodeGraph(Graph graph, DType inputType, long[] inputShape, long flops) {

    static final String INPUT = "x";
    static final String OUTPUT = "y";
    static final String NODE = "node";
    private static final int OPSET = 17;

    /** {@code Y[M×N] = X[M×K]·W[K×N]} with {@code W} an initializer. */
    static OneNodeGraph matMul(int m, int k, int n) {
        Map<String, Tensor> weights = Map.of("w", random(2, k, n));
        Node node = new Node(NODE, "MatMul", Node.names(INPUT, "w"), Node.names(OUTPUT), Map.of());
        long[] input = {m, k};
        return new OneNodeGraph(graph(node, DType.FLOAT32, input, DType.FLOAT32, weights), DType.FLOAT32, input,
                2L * m * k * n);
    }

    /** A 3×3 convolution with bias, stride 1, pad 1, batch 1, over a square {@code image}. */
    static OneNodeGraph conv3x3(int inChannels, int outChannels, int groups, int image) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(2, outChannels, inChannels / groups, 3, 3));
        weights.put("b", random(3, outChannels));
        Node node = new Node(NODE, "Conv", Node.names(INPUT, "w", "b"), Node.names(OUTPUT), window3x3(groups));
        long[] input = {1, inChannels, image, image};
        return new OneNodeGraph(graph(node, DType.FLOAT32, input, DType.FLOAT32, weights), DType.FLOAT32, input,
                conv3x3Flops(inChannels, outChannels, groups, image));
    }

    /**
     * {@link #conv3x3} quantized as ONNX Runtime's QOperator format writes a CNN: QLinearConv of uint8 x (zero
     * point 128) by int8 weights within ±64 (reduced range, one scale per output channel), with an int32 bias,
     * requantized to uint8. Its "flops" count the multiply-adds in integers alike.
     */
    static OneNodeGraph qlinearConv3x3(int inChannels, int outChannels, int image) {
        SplittableRandom random = new SplittableRandom(2);
        Tensor w = Tensor.allocate(DType.INT8, outChannels, inChannels, 3, 3);
        for (long i = 0; i < w.elementCount(); i++) {
            w.data().set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(-64, 65));
        }
        float[] wScales = new float[outChannels];
        int[] bias = new int[outChannels];
        for (int m = 0; m < outChannels; m++) {
            wScales[m] = (float) (0.002 + 0.002 * random.nextDouble());
            bias[m] = random.nextInt(-5000, 5001);
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("x_scale", Tensor.ofFloats(new float[] {1f / 255}));
        weights.put("x_zero_point", byteScalar(DType.UINT8, 128));
        weights.put("w", w);
        weights.put("w_scale", Tensor.ofFloats(wScales, outChannels));
        weights.put("y_scale", Tensor.ofFloats(new float[] {0.05f}));
        weights.put("y_zero_point", byteScalar(DType.UINT8, 128));
        weights.put("b", Tensor.ofInts(bias, outChannels));
        Node node = new Node(NODE, "QLinearConv", Node.names(INPUT, "x_scale", "x_zero_point", "w", "w_scale", "",
                "y_scale", "y_zero_point", "b"), Node.names(OUTPUT), window3x3(1));
        long[] input = {1, inChannels, image, image};
        return new OneNodeGraph(graph(node, DType.UINT8, input, DType.UINT8, weights), DType.UINT8, input,
                conv3x3Flops(inChannels, outChannels, 1, image));
    }

    private static Map<String, Attribute> window3x3(int groups) {
        return Map.of("kernel_shape", new Attribute.IntsValue(new long[] {3, 3}),
                "pads", new Attribute.IntsValue(new long[] {1, 1, 1, 1}),
                "strides", new Attribute.IntsValue(new long[] {1, 1}),
                "group", new Attribute.IntValue(groups));
    }

    private static long conv3x3Flops(int inChannels, int outChannels, int groups, int image) {
        return 2L * outChannels * image * image * (inChannels / groups) * 9;
    }

    /** The input, filled reproducibly. */
    Tensor input() {
        if (inputType == DType.UINT8) {
            Tensor t = Tensor.allocate(DType.UINT8, inputShape);
            SplittableRandom random = new SplittableRandom(1);
            for (long i = 0; i < t.elementCount(); i++) {
                t.data().set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
            }
            return t;
        }
        return random(1, inputShape);
    }

    private static Graph graph(Node node, DType inputType, long[] inputShape, DType outputType, Map<String, Tensor> weights) {
        List<Dim> dims = Arrays.stream(inputShape).mapToObj(Dim::fixed).toList();
        return new Graph(node.opType() + "-bench", OPSET, List.of(new ValueInfo(INPUT, inputType, dims)),
                List.of(new ValueInfo(OUTPUT, outputType, List.of())), List.of(node), weights, Map.of());
    }

    private static Tensor byteScalar(DType type, int value) {
        Tensor t = Tensor.allocate(type);
        t.data().set(ValueLayout.JAVA_BYTE, 0, (byte) value);
        return t;
    }

    /** Floats drawn uniformly from {@code [-1, 1)} with {@code seed}. */
    private static Tensor random(long seed, long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < t.elementCount(); i++) {
            t.data().setAtIndex(Tensor.F32, i, (float) (random.nextDouble() * 2 - 1));
        }
        return t;
    }
}
