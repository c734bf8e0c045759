package dev.jquant.compressor.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

/** Deep, bit-exact equality of graphs: records compare arrays and tensors by identity, so this walks them. */
final class GraphAssertions {

    private GraphAssertions() {
    }

    static void assertGraphEquals(Graph expected, Graph actual) {
        assertEquals(expected.name(), actual.name(), "graph name");
        assertEquals(expected.opset(), actual.opset(), "opset");
        assertEquals(expected.inputs(), actual.inputs(), "inputs");
        assertEquals(expected.outputs(), actual.outputs(), "outputs");
        assertEquals(List.copyOf(expected.metadata().entrySet()), List.copyOf(actual.metadata().entrySet()), "metadata");
        assertEquals(expected.nodes().size(), actual.nodes().size(), "node count");
        for (int i = 0; i < expected.nodes().size(); i++) {
            assertNodeEquals(expected.nodes().get(i), actual.nodes().get(i));
        }
        assertEquals(List.copyOf(expected.initializers().keySet()), List.copyOf(actual.initializers().keySet()),
                "initializer names in order");
        for (Map.Entry<String, Tensor> e : expected.initializers().entrySet()) {
            assertTensorEquals(e.getValue(), actual.initializers().get(e.getKey()), "initializer " + e.getKey());
        }
    }

    static void assertNodeEquals(Node expected, Node actual) {
        String where = "node '" + expected.name() + "'";
        assertEquals(expected.name(), actual.name(), where);
        assertEquals(expected.opType(), actual.opType(), where);
        assertEquals(expected.domain(), actual.domain(), where);
        assertEquals(expected.inputs(), actual.inputs(), where);
        assertEquals(expected.outputs(), actual.outputs(), where);
        assertEquals(List.copyOf(expected.attributes().keySet()), List.copyOf(actual.attributes().keySet()), where);
        for (Map.Entry<String, Attribute> e : expected.attributes().entrySet()) {
            String attr = where + " attribute " + e.getKey();
            Attribute a = actual.attributes().get(e.getKey());
            assertEquals(e.getValue().kind(), a.kind(), attr);
            switch (e.getValue()) {
                case Attribute.FloatValue(float v) ->
                        assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(((Attribute.FloatValue) a).value()), attr);
                case Attribute.FloatsValue v -> assertArrayEquals(rawBits(v.values()),
                        rawBits(((Attribute.FloatsValue) a).values()), attr);
                case Attribute.IntsValue v -> assertArrayEquals(v.values(), ((Attribute.IntsValue) a).values(), attr);
                case Attribute.TensorValue(Tensor t) -> assertTensorEquals(t, ((Attribute.TensorValue) a).value(), attr);
                default -> assertEquals(e.getValue(), a, attr);
            }
        }
    }

    static void assertTensorEquals(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what + " dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        assertArrayEquals(expected.data().toArray(ValueLayout.JAVA_BYTE), actual.data().toArray(ValueLayout.JAVA_BYTE),
                what + " bytes");
    }

    private static int[] rawBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
