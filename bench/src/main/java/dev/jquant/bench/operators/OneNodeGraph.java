package dev.jquant.bench.operators;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A graph of one node whose weights are initializers, as a compressed model holds them, with the shape of
 * its one input and the floating-point operations one run does (two per multiply-add).
 */
record OneNodeGraph(Graph graph, long[] inputShape, long flops) {

    static final String INPUT = "x";
    static final String OUTPUT = "y";
    static final String NODE = "node";
    private static final int OPSET = 17;

    /** {@code Y[M×N] = X[M×K]·W[K×N]} with {@code W} an initializer. */
    static OneNodeGraph matMul(int m, int k, int n) {
        Map<String, Tensor> weights = Map.of("w", random(2, k, n));
        Node node = new Node(NODE, "MatMul", Node.names(INPUT, "w"), Node.names(OUTPUT), Map.of());
        long[] input = {m, k};
        return new OneNodeGraph(graph(node, input, weights), input, 2L * m * k * n);
    }

    /** A 3×3 convolution with bias, stride 1, pad 1, batch 1, over a square {@code image}. */
    static OneNodeGraph conv3x3(int inChannels, int outChannels, int groups, int image) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(2, outChannels, inChannels / groups, 3, 3));
        weights.put("b", random(3, outChannels));
        Map<String, Attribute> attributes = Map.of(
                "kernel_shape", new Attribute.IntsValue(new long[] {3, 3}),
                "pads", new Attribute.IntsValue(new long[] {1, 1, 1, 1}),
                "strides", new Attribute.IntsValue(new long[] {1, 1}),
                "group", new Attribute.IntValue(groups));
        Node node = new Node(NODE, "Conv", Node.names(INPUT, "w", "b"), Node.names(OUTPUT), attributes);
        long[] input = {1, inChannels, image, image};
        long flops = 2L * outChannels * image * image * (inChannels / groups) * 9;
        return new OneNodeGraph(graph(node, input, weights), input, flops);
    }

    /** The input, filled reproducibly. */
    Tensor input() {
        return random(1, inputShape);
    }

    private static Graph graph(Node node, long[] inputShape, Map<String, Tensor> weights) {
        List<Dim> dims = Arrays.stream(inputShape).mapToObj(Dim::fixed).toList();
        return new Graph(node.opType() + "-bench", OPSET, List.of(new ValueInfo(INPUT, DType.FLOAT32, dims)),
                List.of(new ValueInfo(OUTPUT, DType.FLOAT32, List.of())), List.of(node), weights, Map.of());
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
