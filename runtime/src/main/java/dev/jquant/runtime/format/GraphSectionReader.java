package dev.jquant.runtime.format;

import static dev.jquant.runtime.format.SectionCursor.quote;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes the METADATA and GRAPH sections (layouts in docs/format.md). */
final class GraphSectionReader {

    /** The GRAPH section's content; initializers and metadata come from other sections. */
    record GraphSection(String name, int opset, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Node> nodes) {
    }

    // Smallest encodings, which bound every count by the bytes left.
    private static final int MIN_METADATA_ENTRY = 8;
    private static final int MIN_VALUE_INFO = 12;
    private static final int MIN_NODE = 24;
    private static final int MIN_ATTRIBUTE = 12;
    private static final int MIN_STRING = 4;

    private static final ValueLayout.OfFloat F32 = Tensor.F32;
    private static final ValueLayout.OfLong I64 = Tensor.I64;

    private GraphSectionReader() {
    }

    static Map<String, String> readMetadata(SectionCursor in, boolean newerMinor) throws ModelFormatException {
        int count = in.count("METADATA count", MIN_METADATA_ENTRY);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long at = in.fileOffset();
            String key = in.string("METADATA entry " + i + " key");
            String value = in.string("METADATA entry " + i + " value");
            if (metadata.put(key, value) != null) {
                throw in.errorAt(at, "METADATA entry " + i + " key", "duplicate key " + quote(key));
            }
        }
        if (!newerMinor) {
            in.requireEnd("METADATA");
        }
        return metadata;
    }

    static GraphSection readGraph(SectionCursor in, boolean newerMinor) throws ModelFormatException {
        String name = in.string("GRAPH name");
        long opsetAt = in.fileOffset();
        long opset = in.u32("GRAPH opset");
        if (opset < 1 || opset > Integer.MAX_VALUE) {
            throw in.errorAt(opsetAt, "GRAPH opset", opset + " is not an ONNX opset version (1 or more)");
        }
        List<ValueInfo> inputs = readValueInfos(in, "GRAPH input");
        List<ValueInfo> outputs = readValueInfos(in, "GRAPH output");
        int nodeCount = in.count("GRAPH node count", MIN_NODE);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(readNode(in, "GRAPH node " + i));
        }
        if (!newerMinor) {
            in.requireEnd("GRAPH");
        }
        return new GraphSection(name, (int) opset, inputs, outputs, nodes);
    }

    private static List<ValueInfo> readValueInfos(SectionCursor in, String what) throws ModelFormatException {
        int count = in.count(what + " count", MIN_VALUE_INFO);
        List<ValueInfo> infos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String field = what + " " + i;
            String name = in.string(field + " name");
            field += " " + quote(name);
            DType dtype = in.dtype(field + " dtype", true);
            long rankAt = in.fileOffset();
            int rank = in.i32(field + " rank");
            List<Dim> shape = null;
            if (rank != JqmFormat.RANK_UNKNOWN) {
                if (rank < 0 || rank > JqmFormat.MAX_RANK) {
                    throw in.errorAt(rankAt, field + " rank", rank + " must be -1 (undeclared) or 0.." + JqmFormat.MAX_RANK);
                }
                shape = new ArrayList<>();
                for (int d = 0; d < rank; d++) {
                    shape.add(readDim(in, field + " dim " + d));
                }
            }
            infos.add(new ValueInfo(name, dtype, shape));
        }
        return infos;
    }

    private static Dim readDim(SectionCursor in, String field) throws ModelFormatException {
        long tagAt = in.fileOffset();
        long tag = in.u32(field + " tag");
        if (tag == JqmFormat.DIM_FIXED) {
            long sizeAt = in.fileOffset();
            long size = in.i64(field + " size");
            if (size < 0) {
                throw in.errorAt(sizeAt, field + " size", size + "; fixed dimensions are >= 0");
            }
            return Dim.fixed(size);
        }
        if (tag == JqmFormat.DIM_SYMBOLIC) {
            return Dim.symbolic(in.string(field + " symbol"));
        }
        throw in.errorAt(tagAt, field + " tag", "unknown tag " + tag + "; valid: " + JqmFormat.DIM_FIXED
                + " (fixed), " + JqmFormat.DIM_SYMBOLIC + " (symbolic)");
    }

    private static Node readNode(SectionCursor in, String field) throws ModelFormatException {
        String name = in.string(field + " name");
        field += " " + quote(name);
        String opType = in.string(field + " opType");
        String domain = in.string(field + " domain");
        List<String> inputs = readStrings(in, field + " inputs");
        List<String> outputs = readStrings(in, field + " outputs");
        int count = in.count(field + " attribute count", MIN_ATTRIBUTE);
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long at = in.fileOffset();
            String attrName = in.string(field + " attribute " + i + " name");
            String attrField = field + " attribute " + quote(attrName);
            Attribute value = readAttribute(in, attrField);
            if (attributes.put(attrName, value) != null) {
                throw in.errorAt(at, attrField, "appears twice in the node");
            }
        }
        return new Node(name, opType, domain, inputs, outputs, attributes);
    }

    private static Attribute readAttribute(SectionCursor in, String field) throws ModelFormatException {
        long kindAt = in.fileOffset();
        long code = in.u32(field + " kind");
        Attribute.Kind kind = JqmFormat.attributeKind((int) code).orElseThrow(() ->
                in.errorAt(kindAt, field + " kind", "unknown attribute kind " + code + "; valid: "
                        + Arrays.stream(Attribute.Kind.values()).map(k -> JqmFormat.attributeCode(k) + " " + k).toList()));
        return switch (kind) {
            case FLOAT -> new Attribute.FloatValue(in.f32(field + " value"));
            case INT -> new Attribute.IntValue(in.i64(field + " value"));
            case STRING -> new Attribute.StringValue(in.string(field + " value"));
            case TENSOR -> new Attribute.TensorValue(readInlineTensor(in, field));
            case FLOATS -> {
                int n = in.count(field + " count", 4);
                yield new Attribute.FloatsValue(in.slice(4L * n, field + " values").toArray(F32));
            }
            case INTS -> {
                int n = in.count(field + " count", 8);
                yield new Attribute.IntsValue(in.slice(8L * n, field + " values").toArray(I64));
            }
            case STRINGS -> new Attribute.StringsValue(readStrings(in, field));
        };
    }

    /** A small tensor stored in the graph: dtype, rank, dims, byte length, bytes (viewed in place, not copied). */
    private static Tensor readInlineTensor(SectionCursor in, String field) throws ModelFormatException {
        DType dtype = in.dtype(field + " dtype", false);
        int rank = in.rank(field + " rank");
        long[] dims = in.dims(rank, field + " dims");
        long lengthAt = in.fileOffset();
        long length = in.u64(field + " byteLength");
        long expected = SectionCursor.byteSize(dtype, dims);
        if (length != expected) {
            throw in.errorAt(lengthAt, field + " byteLength", length + " bytes, but " + dtype + " of shape "
                    + Arrays.toString(dims) + (expected < 0 ? " exceeds 2^63 bytes" : " needs " + expected));
        }
        return Tensor.of(dtype, dims, in.slice(length, field + " bytes"));
    }

    private static List<String> readStrings(SectionCursor in, String field) throws ModelFormatException {
        int n = in.count(field + " count", MIN_STRING);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            strings.add(in.string(field + " " + i));
        }
        return strings;
    }
}
