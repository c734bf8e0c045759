package dev.jquant.runtime.plan;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.quant.QuantizedTensor;

/** What the planner knows about one named value for one input-shape signature. */
final class Value {
    final String name;
    final DType dtype;
    final long[] shape;
    /** Known while planning (initializer or folded); such values take no arena space. */
    final Tensor constant;
    /** A quantized initializer (then {@link #constant} is null): its float values are decoded only on request. */
    final QuantizedTensor quantized;
    private final ModelConstants constants;
    /** Step that writes it; -1 for graph inputs and constants. */
    int producer = -1;
    /** Last step that reads it; -1 when nothing reads it. */
    int lastUse = -1;
    /** The arena view bound while laying out the arena. */
    Tensor bound;
    /** Graph inputs (by index) whose contents this value is computed from. */
    final java.util.BitSet inputDependencies = new java.util.BitSet();

    Value(String name, DType dtype, long[] shape, Tensor constant) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.constant = constant;
        this.quantized = null;
        this.constants = null;
    }

    /** A quantized initializer: a FLOAT32 constant of its logical shape. */
    Value(QuantizedTensor quantized, ModelConstants constants) {
        this.name = quantized.name();
        this.dtype = DType.FLOAT32;
        this.shape = quantized.logicalShape();
        this.constant = null;
        this.quantized = quantized;
        this.constants = constants;
    }

    boolean isConstant() {
        return constant != null || quantized != null;
    }

    /** The value when known while planning (decoding a quantized initializer), else null. */
    Tensor constantValue() {
        return quantized != null ? constants.decoded(name) : constant;
    }

    long bytes() {
        return dtype.byteSize(Tensor.elementCount(shape));
    }

    Tensor tensor() {
        return isConstant() ? constantValue() : bound;
    }

    @Override
    public String toString() {
        return dtype + java.util.Arrays.toString(shape);
    }
}
