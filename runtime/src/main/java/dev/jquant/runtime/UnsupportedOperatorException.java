package dev.jquant.runtime;

import java.util.Collection;
import java.util.TreeSet;

/** A model uses an operator (or an operator variant) that jquant cannot run. */
public class UnsupportedOperatorException extends Exception {
    private final String opType;
    private final String nodeName;
    private final int opset;

    public UnsupportedOperatorException(String opType, String nodeName, int opset, String detail,
            Collection<String> supported) {
        super("unsupported operator " + opType + " (opset " + opset + ") at node '" + nodeName + "'"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail)
                + (supported == null ? "" : "; supported operators: " + String.join(", ", new TreeSet<>(supported))));
        this.opType = opType;
        this.nodeName = nodeName;
        this.opset = opset;
    }

    public String opType() {
        return opType;
    }

    public String nodeName() {
        return nodeName;
    }

    public int opset() {
        return opset;
    }
}
