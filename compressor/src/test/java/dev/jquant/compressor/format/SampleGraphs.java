package dev.jquant.compressor.format;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.format.QuantizationDescriptor.Sparsity;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small graphs that use every attribute kind, symbolic dimensions and tensors of many dtypes and sizes. */
final class SampleGraphs {

    private SampleGraphs() {
    }

    /** A graph with every attribute kind, symbolic and undeclared shapes, and odd-sized tensors of many dtypes. */
    static Graph mixed() {
        Random random = new Random(42);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("conv.weight", randomTensor(DType.FLOAT32, random, 8, 3, 3, 3));
        tensors.put("conv.bias", randomTensor(DType.FLOAT32, random, 8));
        tensors.put("scalar", Tensor.scalarLong(-7));
        tensors.put("empty", Tensor.allocate(DType.FLOAT32, 0, 4));
        tensors.put("half", randomTensor(DType.FLOAT16, random, 5));
        tensors.put("nibbles", randomTensor(DType.INT4, random, 7));
        tensors.put("bytes", randomTensor(DType.UINT8, random, 3));
        tensors.put("brain", randomTensor(DType.BFLOAT16, random, 2, 3));
        tensors.put("doubles", randomTensor(DType.FLOAT64, random, 2));
        tensors.put("flags", randomTensor(DType.BOOL, random, 5));
        tensors.put("ints", Tensor.ofInts(new int[] {1, -2, Integer.MAX_VALUE}, 3));
        tensors.put("empty scalar-ish", Tensor.allocate(DType.INT64, 1, 0, 1));
        // on the Java heap over a float[], which has no ByteBuffer view
        tensors.put("heap floats", Tensor.of(DType.FLOAT32, new long[] {3},
                MemorySegment.ofArray(new float[] {0.25f, -1e30f, Float.MIN_VALUE})));

        Map<String, Attribute> convAttrs = new LinkedHashMap<>();
        convAttrs.put("kernel_shape", new Attribute.IntsValue(new long[] {3, 3}));
        convAttrs.put("pads", new Attribute.IntsValue(new long[] {1, 1, 1, 1}));
        convAttrs.put("group", new Attribute.IntValue(1));
        convAttrs.put("auto_pad", new Attribute.StringValue("NOTSET"));
        Node conv = new Node("conv1", "Conv", List.of("x", "conv.weight", "conv.bias"), List.of("c1"), convAttrs);

        Node leaky = new Node("act", "LeakyRelu", List.of("c1"), List.of("a1"),
                Map.of("alpha", new Attribute.FloatValue(0.01f)));
        Map<String, Attribute> constAttrs = new LinkedHashMap<>();
        constAttrs.put("value", new Attribute.TensorValue(Tensor.ofFloats(new float[] {1f, -2f, 3.5f, Float.NaN}, 2, 2)));
        constAttrs.put("scalar_value", new Attribute.TensorValue(Tensor.scalarLong(Long.MIN_VALUE)));
        constAttrs.put("nibble_value", new Attribute.TensorValue(randomTensor(DType.UINT4, random, 3)));
        Node constant = new Node("const", "Constant", List.of(), List.of("k"), constAttrs);
        Map<String, Attribute> customAttrs = new LinkedHashMap<>();
        customAttrs.put("floats", new Attribute.FloatsValue(new float[] {1.5f, -0f, Float.NaN, Float.NEGATIVE_INFINITY}));
        customAttrs.put("strings", new Attribute.StringsValue(List.of("a", "β-ünïcødé ✓", "")));
        customAttrs.put("no_ints", new Attribute.IntsValue(new long[0]));
        customAttrs.put("no_floats", new Attribute.FloatsValue(new float[0]));
        customAttrs.put("nan", new Attribute.FloatValue(Float.intBitsToFloat(0x7fc0_1234)));
        customAttrs.put("empty_tensor", new Attribute.TensorValue(Tensor.allocate(DType.FLOAT32, 0)));
        Node custom = new Node("custom", "Fancy", "com.example", List.of("a1", "", "k"), List.of("y", ""), customAttrs);
        Node unnamed = new Node("", "Identity", List.of("y"), List.of("z"), Map.of());

        List<ValueInfo> inputs = List.of(
                new ValueInfo("x", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(3), Dim.symbolic("height"),
                        Dim.fixed(4))),
                new ValueInfo("mask", DType.BOOL, null),
                new ValueInfo("ids", DType.INT64, List.of(Dim.symbolic(""))),
                new ValueInfo("anything", null, List.of()));
        List<ValueInfo> outputs = List.of(new ValueInfo("y", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(8))),
                new ValueInfo("z", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(0))));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("producer", "jquant test");
        metadata.put("language", "ключ → значение");
        metadata.put("", "empty key");
        return new Graph("tiny-net", 17, inputs, outputs, List.of(conv, leaky, constant, custom, unnamed), tensors,
                metadata);
    }

    /** The initializers and descriptors of one tensor per quantization scheme and sparsity layout. */
    record Quantized(Graph graph, Map<String, QuantizationDescriptor> descriptors) {
    }

    static Quantized quantized() {
        Random random = new Random(7);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, QuantizationDescriptor> q = new LinkedHashMap<>();
        // int8 per output channel, asymmetric
        tensors.put("wq", randomTensor(DType.INT8, random, 4, 6));
        tensors.put("wq.scale", randomTensor(DType.FLOAT32, random, 4));
        tensors.put("wq.zero", randomTensor(DType.INT8, random, 4));
        q.put("wq", QuantizationDescriptor.linear(8, true, 0, 0, "wq.scale", "wq.zero", new long[] {4, 6}));
        // int4 in blocks of 4 along the input axis, symmetric
        tensors.put("w4", randomTensor(DType.INT4, random, 4, 8));
        tensors.put("w4.scale", randomTensor(DType.FLOAT16, random, 4, 2));
        q.put("w4", QuantizationDescriptor.linear(4, true, 1, 4, "w4.scale", null, new long[] {4, 8}));
        // 2-bit codebook, packed in bytes
        tensors.put("wc", randomTensor(DType.UINT8, random, 6));
        tensors.put("wc.codebook", randomTensor(DType.FLOAT32, random, 4));
        q.put("wc", QuantizationDescriptor.codebook(2, "wc.codebook", new long[] {4, 6}));
        // CSR float values of a 3x5 matrix with 3 nonzeros
        tensors.put("ws", randomTensor(DType.FLOAT32, random, 3));
        tensors.put("ws.rows", Tensor.ofInts(new int[] {0, 1, 1, 3}, 4));
        tensors.put("ws.columns", Tensor.ofLongs(new long[] {4, 0, 2}, 3));
        q.put("ws", QuantizationDescriptor.sparse(Sparsity.csr("ws.rows", "ws.columns"), new long[] {3, 5}));
        // 2:4 sparse int8 with a per-tensor scale
        tensors.put("wn", randomTensor(DType.INT8, random, 4));
        tensors.put("wn.positions", Tensor.of(DType.UINT8, new long[] {4}, MemorySegment.ofArray(new byte[] {0, 2, 1, 3})));
        tensors.put("wn.scale", Tensor.ofFloats(new float[] {0.5f}));
        q.put("wn", QuantizationDescriptor.linear(8, true, QuantizationDescriptor.PER_TENSOR, 0, "wn.scale", null,
                new long[] {2, 4}).withSparsity(Sparsity.nOfM(2, 4, "wn.positions")));
        Graph graph = new Graph("quantized", 21, List.of(), List.of(), List.of(), tensors, Map.of());
        return new Quantized(graph, q);
    }

    static Tensor randomTensor(DType dtype, Random random, long... shape) {
        long bytes = dtype.byteSize(Tensor.elementCount(shape));
        byte[] data = new byte[(int) bytes];
        random.nextBytes(data);
        MemorySegment segment = Arena.ofAuto().allocate(Math.max(bytes, 1)).asSlice(0, bytes);
        MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_BYTE, 0, data.length);
        return Tensor.of(dtype, shape, segment);
    }
}
