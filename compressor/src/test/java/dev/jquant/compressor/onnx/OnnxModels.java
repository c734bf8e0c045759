package dev.jquant.compressor.onnx;

import com.google.protobuf.ByteString;
import dev.jquant.compressor.onnx.proto.OnnxProto.AttributeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import dev.jquant.compressor.onnx.proto.OnnxProto.GraphProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ModelProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.NodeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TensorShapeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TypeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ValueInfoProto;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds small ONNX models with the generated protobuf builders, for importer and pass tests. */
public final class OnnxModels {

    private OnnxModels() {
    }

    /** A default-domain node; {@code name} may be empty. */
    public static NodeProto node(String name, String opType, List<String> inputs, List<String> outputs,
            AttributeProto... attributes) {
        return NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs).addAllOutput(outputs)
                .addAllAttribute(List.of(attributes)).build();
    }

    public static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    public static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
    }

    public static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static AttributeProto floatsAttr(String name, float... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOATS);
        for (float v : values) {
            b.addFloats(v);
        }
        return b.build();
    }

    public static AttributeProto stringsAttr(String name, String... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.STRINGS);
        for (String v : values) {
            b.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8));
        }
        return b.build();
    }

    public static AttributeProto tensorAttr(String name, Tensor value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR)
                .setT(OnnxTensors.toProto("", value)).build();
    }

    public static AttributeProto graphAttr(String name, GraphProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.GRAPH).setG(value).build();
    }

    /**
     * A tensor-typed value; each dim is a Long (dim_value), a String (dim_param) or null (neither). No dims
     * at all declares a scalar.
     */
    public static ValueInfoProto tensorValue(String name, DType dtype, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else if (d instanceof String s) {
                dim.setDimParam(s);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(dtype.code()).setShape(shape))).build();
    }

    /** A model importing {@code opset} of the default domain. */
    public static ModelProto model(int opset, GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("jquant-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    public static GraphProto.Builder graph(String name) {
        return GraphProto.newBuilder().setName(name);
    }
}
