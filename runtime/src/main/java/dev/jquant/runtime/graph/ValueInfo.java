package dev.jquant.runtime.graph;

import dev.jquant.runtime.DType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A graph input or output: its name, element type and declared shape. {@code shape} is null when the
 * model does not declare a rank.
 */
public record ValueInfo(String name, DType dtype, List<Dim> shape) {

    public ValueInfo {
        shape = shape == null ? null : List.copyOf(shape);
    }

    public boolean hasShape() {
        return shape != null;
    }

    /** e.g. {@code input_ids: INT64[batch, sequence]}. */
    @Override
    public String toString() {
        return name + ": " + dtype + (shape == null ? "[?]"
                : shape.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]")));
    }
}
