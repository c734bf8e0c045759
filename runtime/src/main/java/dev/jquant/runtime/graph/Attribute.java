package dev.jquant.runtime.graph;

import dev.jquant.runtime.Tensor;
import java.util.Arrays;
import java.util.List;

/** A node attribute, with ONNX's kinds of values. Arrays are copied in and out; attributes are immutable. */
public sealed interface Attribute {

    enum Kind { FLOAT, INT, STRING, TENSOR, FLOATS, INTS, STRINGS }

    Kind kind();

    record FloatValue(float value) implements Attribute {
        public Kind kind() { return Kind.FLOAT; }
    }

    record IntValue(long value) implements Attribute {
        public Kind kind() { return Kind.INT; }
    }

    record StringValue(String value) implements Attribute {
        public Kind kind() { return Kind.STRING; }
    }

    /** A small constant tensor, e.g. ConstantOfShape's {@code value}. */
    record TensorValue(Tensor value) implements Attribute {
        public Kind kind() { return Kind.TENSOR; }
    }

    record FloatsValue(float[] values) implements Attribute {
        public FloatsValue { values = values.clone(); }
        public float[] values() { return values.clone(); }
        public Kind kind() { return Kind.FLOATS; }
        @Override public String toString() { return Arrays.toString(values); }
    }

    record IntsValue(long[] values) implements Attribute {
        public IntsValue { values = values.clone(); }
        public long[] values() { return values.clone(); }
        public Kind kind() { return Kind.INTS; }
        @Override public String toString() { return Arrays.toString(values); }
    }

    record StringsValue(List<String> values) implements Attribute {
        public StringsValue { values = List.copyOf(values); }
        public Kind kind() { return Kind.STRINGS; }
    }
}
