package dev.jquant.runtime.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator application. Inputs and outputs are value names; an empty name marks an optional input
 * or output that is absent, as in ONNX. Attributes are read through the typed getters, which say what
 * was expected when the model holds something else.
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
        Map<String, Attribute> attributes) {

    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        domain = domain == null ? "" : domain;
    }

    public Node(String name, String opType, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {
        this(name, opType, "", inputs, outputs, attributes);
    }

    /** Number of inputs, counting absent optional ones that precede present ones. */
    public int inputCount() {
        return inputs.size();
    }

    /** True when input {@code i} is given (not past the end and not an empty name). */
    public boolean hasInput(int i) {
        return i < inputs.size() && !inputs.get(i).isEmpty();
    }

    public String input(int i) {
        return inputs.get(i);
    }

    public String output(int i) {
        return outputs.get(i);
    }

    public boolean has(String attribute) {
        return attributes.containsKey(attribute);
    }

    public long attrInt(String attribute, long defaultValue) {
        Attribute a = attributes.get(attribute);
        if (a == null) {
            return defaultValue;
        }
        if (a instanceof Attribute.IntValue(long v)) {
            return v;
        }
        throw wrongKind(attribute, a, Attribute.Kind.INT);
    }

    public float attrFloat(String attribute, float defaultValue) {
        Attribute a = attributes.get(attribute);
        if (a == null) {
            return defaultValue;
        }
        if (a instanceof Attribute.FloatValue(float v)) {
            return v;
        }
        if (a instanceof Attribute.IntValue(long v)) {
            return v;
        }
        throw wrongKind(attribute, a, Attribute.Kind.FLOAT);
    }

    public String attrString(String attribute, String defaultValue) {
        Attribute a = attributes.get(attribute);
        if (a == null) {
            return defaultValue;
        }
        if (a instanceof Attribute.StringValue(String v)) {
            return v;
        }
        throw wrongKind(attribute, a, Attribute.Kind.STRING);
    }

    /** The INTS attribute, or {@code defaultValue} (may be null) when absent. */
    public long[] attrInts(String attribute, long[] defaultValue) {
        Attribute a = attributes.get(attribute);
        if (a == null) {
            return defaultValue == null ? null : defaultValue.clone();
        }
        if (a instanceof Attribute.IntsValue v) {
            return v.values();
        }
        throw wrongKind(attribute, a, Attribute.Kind.INTS);
    }

    public float[] attrFloats(String attribute, float[] defaultValue) {
        Attribute a = attributes.get(attribute);
        if (a == null) {
            return defaultValue == null ? null : defaultValue.clone();
        }
        if (a instanceof Attribute.FloatsValue v) {
            return v.values();
        }
        throw wrongKind(attribute, a, Attribute.Kind.FLOATS);
    }

    public dev.jquant.runtime.Tensor attrTensor(String attribute) {
        Attribute a = attributes.get(attribute);
        if (a == null) {
            return null;
        }
        if (a instanceof Attribute.TensorValue(dev.jquant.runtime.Tensor t)) {
            return t;
        }
        throw wrongKind(attribute, a, Attribute.Kind.TENSOR);
    }

    private IllegalArgumentException wrongKind(String attribute, Attribute a, Attribute.Kind expected) {
        return new IllegalArgumentException("attribute '" + attribute + "' of " + opType + " node '" + name
                + "' is " + a.kind() + ", expected " + expected);
    }

    /** A copy with other inputs; used by graph passes. */
    public Node withInputs(List<String> newInputs) {
        return new Node(name, opType, domain, newInputs, outputs, attributes);
    }

    /** A copy with one attribute added or replaced. */
    public Node withAttribute(String key, Attribute value) {
        Map<String, Attribute> m = new LinkedHashMap<>(attributes);
        m.put(key, value);
        return new Node(name, opType, domain, inputs, outputs, m);
    }

    /** A copy without one attribute. */
    public Node withoutAttribute(String key) {
        Map<String, Attribute> m = new LinkedHashMap<>(attributes);
        m.remove(key);
        return new Node(name, opType, domain, inputs, outputs, m);
    }

    public static List<String> names(String... names) {
        return new ArrayList<>(List.of(names));
    }
}
