package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.util.function.Supplier;

/** What an operator sees while it is prepared: its node, the concrete input types and shapes. */
public interface PrepareContext {

    Node node();

    /** The default-domain opset of the model. */
    int opset();

    /** Number of input slots of the node, absent optional ones included. */
    int inputCount();

    /** True when input {@code i} exists and is not an absent optional input. */
    boolean hasInput(int i);

    DType inputType(int i);

    /** Concrete shape of input {@code i} (a copy). */
    long[] inputShape(int i);

    /** The value of input {@code i} when it is known while planning (an initializer or a folded value), else null. */
    Tensor constantInput(int i);

    /**
     * The value of input {@code i}, which must be known while planning (e.g. Reshape's shape); otherwise an
     * {@link IllegalArgumentException} naming the input.
     */
    default Tensor requireConstantInput(int i, String what) {
        Tensor t = hasInput(i) ? constantInput(i) : null;
        if (t == null) {
            throw new IllegalArgumentException(what + " (input " + i + ") must be known before the model runs "
                    + "(a constant or computed from shapes); data-dependent shapes are not supported");
        }
        return t;
    }

    /**
     * The quantized initializer behind input {@code i}, or null when the input is not one. An operator with
     * a kernel for the codes takes them here instead of calling {@link #constantInput}; at run time its
     * {@link ExecContext#input} for that slot is then null (unless it asked for the float values too), so
     * the weights are never decoded. {@link #constantInput} still decodes them for operators that need floats.
     */
    default QuantizedTensor quantizedInput(int i) {
        return null;
    }

    /**
     * Data derived from the constant input {@code i} alone (e.g. weights repacked for a kernel), computed by
     * {@code compute} once per model and shared by every plan and session of it. {@code kind} names the
     * derivation and everything else it depends on, e.g. {@code "int8-panels/transposed"}.
     */
    default <T> T derivedFromInput(int i, String kind, Supplier<T> compute) {
        return compute.get();
    }

    int outputCount();

    /** True when output {@code i} is wanted (present and not an empty name). */
    boolean hasOutput(int i);

    void setOutput(int i, DType dtype, long... shape);

    /**
     * Declares output {@code i} as known while planning, e.g. the result of Shape. When every output of a
     * node is constant, the node does not run at inference time.
     */
    void setConstantOutput(int i, Tensor value);

    /** Asks for {@code bytes} of 64-byte-aligned scratch memory, available in {@link ExecContext#scratch()}. */
    void reserveScratch(long bytes);
}
