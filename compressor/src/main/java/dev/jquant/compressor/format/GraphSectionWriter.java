package dev.jquant.compressor.format;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.JqmFormat;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.List;
import java.util.Map;

/** Encodes the METADATA and GRAPH sections (layouts in docs/format.md). */
final class GraphSectionWriter {

    private GraphSectionWriter() {
    }

    static SectionBuffer metadata(Map<String, String> metadata) {
        SectionBuffer out = new SectionBuffer("METADATA");
        out.count(metadata.size(), "metadata");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            out.string(e.getKey(), "metadata key");
            out.string(e.getValue(), "metadata value of '" + e.getKey() + "'");
        }
        return out;
    }

    static SectionBuffer graph(Graph graph) {
        if (graph.opset() < 1) {
            throw new IllegalArgumentException("graph opset must be 1 or more, was " + graph.opset());
        }
        SectionBuffer out = new SectionBuffer("GRAPH");
        out.string(graph.name(), "graph name");
        out.u32(graph.opset());
        valueInfos(out, graph.inputs(), "graph input");
        valueInfos(out, graph.outputs(), "graph output");
        out.count(graph.nodes().size(), "graph nodes");
        for (int i = 0; i < graph.nodes().size(); i++) {
            node(out, graph.nodes().get(i), "node " + i);
        }
        return out;
    }

    private static void valueInfos(SectionBuffer out, List<ValueInfo> infos, String what) {
        out.count(infos.size(), what + "s");
        for (ValueInfo v : infos) {
            String field = what + " '" + v.name() + "'";
            out.string(v.name(), what + " name");
            out.u32(v.dtype() == null ? JqmFormat.DTYPE_UNDEFINED : v.dtype().code());
            if (!v.hasShape()) {
                out.u32(JqmFormat.RANK_UNKNOWN);
                continue;
            }
            requireRank(v.shape().size(), field);
            out.u32(v.shape().size());
            for (Dim d : v.shape()) {
                if (d.isFixed()) {
                    out.u32(JqmFormat.DIM_FIXED).i64(d.size());
                } else {
                    out.u32(JqmFormat.DIM_SYMBOLIC).string(d.symbol(), field + " dimension symbol");
                }
            }
        }
    }

    private static void node(SectionBuffer out, Node node, String what) {
        out.string(node.name(), what + " name");
        String field = what + " '" + node.name() + "' (" + node.opType() + ")";
        out.string(node.opType(), field + " opType");
        out.string(node.domain(), field + " domain");
        strings(out, node.inputs(), field + " inputs");
        strings(out, node.outputs(), field + " outputs");
        out.count(node.attributes().size(), field + " attributes");
        for (Map.Entry<String, Attribute> e : node.attributes().entrySet()) {
            String attr = field + " attribute '" + e.getKey() + "'";
            out.string(e.getKey(), attr + " name");
            Attribute a = e.getValue();
            out.u32(JqmFormat.attributeCode(a.kind()));
            switch (a) {
                case Attribute.FloatValue(float v) -> out.f32(v);
                case Attribute.IntValue(long v) -> out.i64(v);
                case Attribute.StringValue(String v) -> out.string(v, attr);
                case Attribute.TensorValue(Tensor t) -> inlineTensor(out, t, attr);
                case Attribute.FloatsValue v -> {
                    float[] values = v.values();
                    out.count(values.length, attr);
                    for (float f : values) {
                        out.f32(f);
                    }
                }
                case Attribute.IntsValue v -> {
                    long[] values = v.values();
                    out.count(values.length, attr);
                    for (long l : values) {
                        out.i64(l);
                    }
                }
                case Attribute.StringsValue(List<String> values) -> strings(out, values, attr);
            }
        }
    }

    private static void inlineTensor(SectionBuffer out, Tensor t, String what) {
        requireRank(t.rank(), what);
        out.u32(t.dtype().code()).u32(t.rank());
        for (long d : t.shape()) {
            out.i64(d);
        }
        out.i64(t.byteSize()).bytes(t.data());
    }

    private static void strings(SectionBuffer out, List<String> strings, String what) {
        out.count(strings.size(), what);
        for (String s : strings) {
            out.string(s, what);
        }
    }

    static void requireRank(int rank, String what) {
        if (rank > JqmFormat.MAX_RANK) {
            throw new IllegalArgumentException(what + ": rank " + rank + " exceeds the format's maximum "
                    + JqmFormat.MAX_RANK);
        }
    }
}
