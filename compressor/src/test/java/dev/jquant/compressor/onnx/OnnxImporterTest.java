package dev.jquant.compressor.onnx;

import static dev.jquant.compressor.onnx.OnnxModels.floatAttr;
import static dev.jquant.compressor.onnx.OnnxModels.floatsAttr;
import static dev.jquant.compressor.onnx.OnnxModels.graph;
import static dev.jquant.compressor.onnx.OnnxModels.graphAttr;
import static dev.jquant.compressor.onnx.OnnxModels.intAttr;
import static dev.jquant.compressor.onnx.OnnxModels.intsAttr;
import static dev.jquant.compressor.onnx.OnnxModels.model;
import static dev.jquant.compressor.onnx.OnnxModels.node;
import static dev.jquant.compressor.onnx.OnnxModels.stringAttr;
import static dev.jquant.compressor.onnx.OnnxModels.stringsAttr;
import static dev.jquant.compressor.onnx.OnnxModels.tensorAttr;
import static dev.jquant.compressor.onnx.OnnxModels.tensorValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.jquant.compressor.onnx.proto.OnnxProto.AttributeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.GraphProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ModelProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.NodeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TensorProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TypeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ValueInfoProto;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.Operators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImporterTest {

    /** Op types the hand-built models use, standing in for the runtime's registry. */
    private static final Set<String> OPS = Set.of("Add", "Relu", "Conv", "ConstantOfShape", "Identity", "If");

    @TempDir
    Path dir;

    private static Graph load(ModelProto model) throws IOException, UnsupportedOperatorException {
        return OnnxImporter.importModel(model.toByteArray(), null, OPS);
    }

    private static ValueInfoProto x() {
        return tensorValue("x", DType.FLOAT32, "batch", 4L);
    }

    private static ValueInfoProto y() {
        return tensorValue("y", DType.FLOAT32, "batch", 4L);
    }

    @Test
    void inputsOutputsAndDimensionsAsDeclared() throws Exception {
        GraphProto.Builder g = graph("g").addInput(tensorValue("x", DType.INT64, "batch", 7L, null))
                .addInput(tensorValue("w", DType.FLOAT32, 3L)) // an initializer listed as input, as before IR 4
                .addInitializer(OnnxTensors.toProto("w", Tensor.ofFloats(new float[] {1, 2, 3}, 3)))
                .addNode(node("n", "Relu", List.of("x"), List.of("y")))
                .addOutput(tensorValue("y", DType.INT64, -1L, 7L))
                .addOutput(ValueInfoProto.newBuilder().setName("w").setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(DType.FLOAT32.code()))));

        Graph graph = load(model(13, g));

        assertEquals(List.of(new ValueInfo("x", DType.INT64, List.of(Dim.symbolic("batch"), Dim.fixed(7), Dim.symbolic("")))),
                graph.inputs());
        assertEquals(new ValueInfo("y", DType.INT64, List.of(Dim.symbolic(""), Dim.fixed(7))), graph.outputs().get(0));
        assertNull(graph.outputs().get(1).shape(), "no shape declared");
        assertArrayEquals(new float[] {1, 2, 3}, graph.initializers().get("w").toFloatArray());
        assertEquals(13, graph.opset());
        assertEquals("g", graph.name());
        assertEquals("jquant-test", graph.metadata().get("onnx.producer_name"));
    }

    @Test
    void constantNodesBecomeInitializers() throws Exception {
        GraphProto.Builder g = graph("g").addInput(x())
                .addNode(node("", "Constant", List.of(), List.of("t"), tensorAttr("value", Tensor.ofInts(new int[] {5, 6}, 2))))
                .addNode(node("", "Constant", List.of(), List.of("f"), floatAttr("value_float", 0.5f)))
                .addNode(node("", "Constant", List.of(), List.of("fs"), floatsAttr("value_floats", 1, 2)))
                .addNode(node("", "Constant", List.of(), List.of("i"), intAttr("value_int", 9)))
                .addNode(node("", "Constant", List.of(), List.of("is"), intsAttr("value_ints", 3, 4, 5)))
                .addNode(node("", "Relu", List.of("x"), List.of("y"))).addOutput(y());

        Graph graph = load(model(13, g));

        assertEquals(List.of("Relu"), graph.nodes().stream().map(Node::opType).toList());
        assertArrayEquals(new int[] {5, 6}, graph.initializers().get("t").toIntArray());
        assertEquals(0, graph.initializers().get("f").rank());
        assertArrayEquals(new float[] {0.5f}, graph.initializers().get("f").toFloatArray());
        assertArrayEquals(new float[] {1, 2}, graph.initializers().get("fs").toFloatArray());
        assertArrayEquals(new long[] {9}, graph.initializers().get("i").toLongArray());
        assertEquals(0, graph.initializers().get("i").rank());
        assertArrayEquals(new long[] {3, 4, 5}, graph.initializers().get("is").toLongArray());
    }

    @Test
    void stringConstantsAreRefusedAtTheirNode() {
        GraphProto.Builder g = graph("g").addInput(x())
                .addNode(node("words", "Constant", List.of(), List.of("s"), stringAttr("value_string", "hi")))
                .addNode(node("", "Relu", List.of("x"), List.of("y"))).addOutput(y());

        var e = assertThrows(UnsupportedOperatorException.class, () -> load(model(13, g)));
        assertEquals("unsupported operator Constant (opset 13) at node 'words': constant attribute 'value_string' "
                + "is not supported; jquant reads value, value_float, value_floats, value_int and value_ints",
                e.getMessage());
    }

    @Test
    void everyAttributeKindIsConverted() throws Exception {
        AttributeProto untyped = AttributeProto.newBuilder().setName("old").setI(3).build(); // before IR 3: no type
        GraphProto.Builder g = graph("g").addInput(x()).addNode(node("n", "Relu", List.of("x"), List.of("y"),
                floatAttr("f", 1.5f), intAttr("i", -2), stringAttr("s", "nearest"), intsAttr("is", 1, 2),
                floatsAttr("fs", 0.5f), stringsAttr("ss", "a", "b"), tensorAttr("t", Tensor.scalarLong(4)), untyped))
                .addOutput(y());

        Node n = load(model(13, g)).nodes().getFirst();

        assertEquals(1.5f, n.attrFloat("f", 0));
        assertEquals(-2, n.attrInt("i", 0));
        assertEquals("nearest", n.attrString("s", null));
        assertArrayEquals(new long[] {1, 2}, n.attrInts("is", null));
        assertArrayEquals(new float[] {0.5f}, n.attrFloats("fs", null));
        assertEquals(new Attribute.StringsValue(List.of("a", "b")), n.attributes().get("ss"));
        assertArrayEquals(new long[] {4}, n.attrTensor("t").toLongArray());
        assertEquals(3, n.attrInt("old", 0));
    }

    @Test
    void unsupportedOperatorNamesOpNodeAndTheSupportedOnes() {
        GraphProto.Builder g = graph("g").addInput(x())
                .addNode(node("r", "Relu", List.of("x"), List.of("a")))
                .addNode(node("", "TopK", List.of("a", "k"), List.of("b", "idx")))
                .addNode(node("", "Unique", List.of("b"), List.of("y")))
                .addNode(node("", "TopK", List.of("a", "k"), List.of("c", "idx2")))
                .addInitializer(OnnxTensors.toProto("k", Tensor.ofLongs(new long[] {2}, 1))).addOutput(y());

        var e = assertThrows(UnsupportedOperatorException.class, () -> load(model(11, g)));

        assertEquals("unsupported operator TopK (opset 11) at node 'TopK_1': the model also uses unsupported Unique; "
                + "supported operators: Add, ConstantOfShape, Conv, Identity, If, Relu", e.getMessage());
        assertEquals("TopK", e.opType());
        assertEquals("TopK_1", e.nodeName());
        assertEquals(11, e.opset());
    }

    @Test
    void theRuntimeRegistryDecidesWhatIsSupported() {
        GraphProto.Builder g = graph("g").addInput(x())
                .addNode(node("n", "StringNormalizer", List.of("x"), List.of("y"))).addOutput(y());

        var e = assertThrows(UnsupportedOperatorException.class,
                () -> OnnxImporter.importModel(model(13, g).toByteArray()));

        assertEquals("unsupported operator StringNormalizer (opset 13) at node 'n'; supported operators: "
                + String.join(", ", Operators.supported()), e.getMessage());
    }

    @Test
    void subgraphAttributesAreRefused() {
        GraphProto branch = graph("then").addNode(node("", "Identity", List.of("x"), List.of("z")))
                .addOutput(tensorValue("z", DType.FLOAT32)).build();
        GraphProto.Builder g = graph("g").addInput(x()).addInput(tensorValue("cond", DType.BOOL))
                .addNode(node("choose", "If", List.of("cond"), List.of("y"), graphAttr("then_branch", branch),
                        graphAttr("else_branch", branch)))
                .addOutput(y());

        var e = assertThrows(UnsupportedOperatorException.class, () -> load(model(13, g)));

        assertEquals("unsupported operator If (opset 13) at node 'choose': attribute 'then_branch' holds a subgraph "
                + "(GRAPH); operators with subgraphs (If, Loop, Scan) are not supported", e.getMessage());
    }

    @Test
    void otherDomainsAreRefused() {
        NodeProto fused = node("", "FusedMatMul", List.of("x", "x"), List.of("y")).toBuilder()
                .setDomain("com.microsoft").build();
        GraphProto.Builder g = graph("g").addInput(x()).addNode(fused).addOutput(y());

        ModelProto m = model(13, g).toBuilder().addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1)).build();

        var e = assertThrows(UnsupportedOperatorException.class, () -> load(m));

        assertTrue(e.getMessage().startsWith("unsupported operator com.microsoft:FusedMatMul (opset 1) at node "
                + "'FusedMatMul_0': domain 'com.microsoft' is not supported; jquant runs operators of the default "
                + "ONNX domain; supported operators: Add, "), e.getMessage());
    }

    @Test
    void opsetsOutsideTheSupportedRangeAreRefused() {
        for (int opset : new int[] {6, 22}) {
            GraphProto.Builder g = graph("g").addInput(x()).addNode(node("", "Relu", List.of("x"), List.of("y")))
                    .addOutput(y());
            var e = assertThrows(UnsupportedOperatorException.class, () -> load(model(opset, g)));
            assertEquals("unsupported operator Relu (opset " + opset + ") at node 'Relu_0': the model imports opset "
                    + opset + " of the default ONNX domain; jquant reads opsets 7 to 21", e.getMessage());
        }

        ModelProto empty = model(30, graph("g").addInput(x()).addOutput(tensorValue("x", DType.FLOAT32)));
        var e = assertThrows(OnnxImportException.class, () -> load(empty));
        assertTrue(e.getMessage().endsWith("opset 30 of the default ONNX domain; jquant reads opsets 7 to 21"),
                e.getMessage());

        ModelProto noOpset = model(13, graph("g")).toBuilder().clearOpsetImport().build();
        var none = assertThrows(OnnxImportException.class, () -> load(noOpset));
        assertTrue(none.getMessage().contains("imports no opset of the default ONNX domain"), none.getMessage());
    }

    @Test
    void valuesOfTypesJquantLacksAreRefusedAtTheNodeThatUsesThem() {
        TensorProto words = TensorProto.newBuilder().setName("words").setDataType(TensorProto.DataType.STRING_VALUE)
                .addDims(1).addStringData(ByteString.copyFromUtf8("a")).build();
        GraphProto.Builder g = graph("g").addInput(x()).addInitializer(words)
                .addNode(node("join", "Add", List.of("x", "words"), List.of("y"))).addOutput(y());
        var init = assertThrows(UnsupportedOperatorException.class, () -> load(model(13, g)));
        assertTrue(init.getMessage().startsWith("unsupported operator Add (opset 13) at node 'join': initializer "
                + "'words' has element type STRING; jquant supports FLOAT, "), init.getMessage());

        ValueInfoProto sequence = ValueInfoProto.newBuilder().setName("seq").setType(TypeProto.newBuilder()
                .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))))).build();
        GraphProto.Builder s = graph("g").addInput(sequence)
                .addNode(node("pass", "Identity", List.of("seq"), List.of("y"))).addOutput(y());
        var seq = assertThrows(UnsupportedOperatorException.class, () -> load(model(13, s)));
        assertEquals("unsupported operator Identity (opset 13) at node 'pass': graph input 'seq' is a sequence; "
                + "jquant runs dense tensors only", seq.getMessage());

        GraphProto.Builder o = graph("g").addInput(x()).addNode(node("out", "Relu", List.of("x"), List.of("y")))
                .addOutput(tensorValue("y", DType.FLOAT32).toBuilder().setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.COMPLEX64_VALUE))));
        var out = assertThrows(UnsupportedOperatorException.class, () -> load(model(13, o)));
        assertTrue(out.getMessage().startsWith("unsupported operator Relu (opset 13) at node 'out': graph output 'y' "
                + "has element type COMPLEX64"), out.getMessage());
    }

    @Test
    void emptyAndDuplicateNodeNamesBecomeUnique() throws Exception {
        GraphProto.Builder g = graph("g").addInput(x())
                .addNode(node("", "Relu", List.of("x"), List.of("a")))
                .addNode(node("Relu_0", "Relu", List.of("a"), List.of("b")))
                .addNode(node("dup", "Relu", List.of("b"), List.of("c")))
                .addNode(node("dup", "Relu", List.of("c"), List.of("y")))
                .addOutput(y());

        List<String> names = load(model(13, g)).nodes().stream().map(Node::name).toList();

        assertEquals(List.of("Relu_0_1", "Relu_0", "dup", "dup_1"), names);
    }

    @Test
    void nodesComeOutInTopologicalOrder() throws Exception {
        GraphProto.Builder g = graph("g").addInput(x())
                .addNode(node("second", "Relu", List.of("a"), List.of("y")))
                .addNode(node("first", "Relu", List.of("x"), List.of("a")))
                .addOutput(y());

        assertEquals(List.of("first", "second"), load(model(13, g)).nodes().stream().map(Node::name).toList());
    }

    @Test
    void undefinedValuesAndCyclesAreImportErrors() {
        GraphProto.Builder undefined = graph("g").addInput(x())
                .addNode(node("n", "Add", List.of("x", "nowhere"), List.of("y"))).addOutput(y());
        var e = assertThrows(OnnxImportException.class, () -> load(model(13, undefined)));
        assertEquals("<memory>: node 'n' (Add) reads 'nowhere', which no node, initializer or graph input defines",
                e.getMessage());

        GraphProto.Builder cycle = graph("g").addInput(x())
                .addNode(node("a", "Add", List.of("x", "d"), List.of("c")))
                .addNode(node("b", "Relu", List.of("c"), List.of("d")))
                .addNode(node("c", "Relu", List.of("c"), List.of("y"))).addOutput(y());
        var c = assertThrows(OnnxImportException.class, () -> load(model(13, cycle)));
        assertEquals("<memory>: the graph has a cycle through node 'a' (Add)", c.getMessage());

        GraphProto.Builder twice = graph("g").addInput(x())
                .addNode(node("a", "Relu", List.of("x"), List.of("y")))
                .addNode(node("b", "Relu", List.of("x"), List.of("y"))).addOutput(y());
        var t = assertThrows(OnnxImportException.class, () -> load(model(13, twice)));
        assertEquals("<memory>: value 'y' written by node 'b' is also written by node 'a'", t.getMessage());
    }

    @Test
    void notAModel() {
        var e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.importModel(new byte[] {(byte) 0xFF, (byte) 0xFF, 1}));
        assertTrue(e.getMessage().startsWith("<memory>: not an ONNX model: "), e.getMessage());
    }

    @Test
    void externalDataIsReadBesideTheModelFile() throws Exception {
        Tensor w = Tensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 4);
        Files.write(dir.resolve("model.onnx.data"), w.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        TensorProto external = TensorProto.newBuilder().setName("w").setDataType(DType.FLOAT32.code()).addDims(1)
                .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("model.onnx.data"))
                .build();
        ModelProto m = model(13, graph("g").addInput(x()).addInitializer(external)
                .addNode(node("", "Add", List.of("x", "w"), List.of("y"))).addOutput(y()));
        Path file = dir.resolve("model.onnx");
        Files.write(file, m.toByteArray());

        Graph graph = OnnxImporter.importModel(Files.readAllBytes(file), file, OPS);
        assertArrayEquals(new float[] {1, 2, 3, 4}, graph.initializers().get("w").toFloatArray());

        var memory = assertThrows(OnnxImportException.class, () -> load(m));
        assertTrue(memory.getMessage().endsWith("import the model from its path"), memory.getMessage());
    }
}
