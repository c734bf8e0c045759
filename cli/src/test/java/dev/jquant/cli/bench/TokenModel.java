package dev.jquant.cli.bench;

import dev.jquant.compressor.onnx.OnnxTensors;
import dev.jquant.compressor.onnx.proto.OnnxProto.AttributeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.GraphProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ModelProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.NodeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TensorShapeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TypeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ValueInfoProto;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small ONNX models for the bench tests. The token model is transformer-shaped: token inputs named and
 * dimensioned like all-MiniLM-L6-v2's ({@code [batch, batch]}), a position input, a float input with named
 * dimensions, and an embedding table of {@value #VOCAB} rows that {@code input_ids} indexes.
 */
final class TokenModel {

    static final int VOCAB = 50;

    private TokenModel() {
    }

    /** Writes the token model to {@code dir/tokens.onnx}. */
    static Path write(Path dir) throws IOException {
        float[] table = new float[VOCAB * 4];
        for (int i = 0; i < table.length; i++) {
            table[i] = i * 0.01f;
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName("tokens")
                .addInput(value("input_ids", DType.INT64, "batch", "batch"))
                .addInput(value("attention_mask", DType.INT64, "batch", "batch"))
                .addInput(value("token_type_ids", DType.INT64, "batch", "batch"))
                .addInput(value("position_ids", DType.INT64, "batch", "sequence"))
                .addInput(value("x", DType.FLOAT32, "batch", "sequence", 4L))
                .addInitializer(OnnxTensors.toProto("embeddings", Tensor.ofFloats(table, VOCAB, 4)))
                .addNode(node("Gather", List.of("embeddings", "input_ids"), "hidden", intAttr("axis", 0)))
                .addNode(node("Cast", List.of("attention_mask"), "mask", intAttr("to", DType.FLOAT32.code())))
                .addNode(node("Add", List.of("token_type_ids", "position_ids"), "type_plus_position"))
                .addNode(node("Relu", List.of("x"), "y"))
                .addOutput(value("hidden", DType.FLOAT32, "batch", "sequence", 4L))
                .addOutput(value("mask", DType.FLOAT32, "batch", "sequence"))
                .addOutput(value("type_plus_position", DType.INT64, "batch", "sequence"))
                .addOutput(value("y", DType.FLOAT32, "batch", "sequence", 4L));
        return write(dir.resolve("tokens.onnx"), g);
    }

    /** y = Relu(z), z: FLOAT32[batch, 4]: a model whose input is none of the token model's. */
    static Path writeOther(Path file) throws IOException {
        return write(file, GraphProto.newBuilder().setName("other")
                .addInput(value("z", DType.FLOAT32, "batch", 4L))
                .addNode(node("Relu", List.of("z"), "y"))
                .addOutput(value("y", DType.FLOAT32, "batch", 4L)));
    }

    private static Path write(Path file, GraphProto.Builder graph) throws IOException {
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build();
        return Files.write(file, model.toByteArray());
    }

    private static NodeProto node(String opType, List<String> inputs, String output, AttributeProto... attributes) {
        return NodeProto.newBuilder().setName(output).setOpType(opType).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attributes)).build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A tensor value; each dim is a Long (fixed) or a String (symbolic). */
    private static ValueInfoProto value(String name, DType dtype, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof Long size ? TensorShapeProto.Dimension.newBuilder().setDimValue(size)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam((String) d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(dtype.code()).setShape(shape))).build();
    }
}
