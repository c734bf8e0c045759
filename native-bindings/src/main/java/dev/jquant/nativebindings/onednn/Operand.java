package dev.jquant.nativebindings.onednn;

/**
 * One execution argument of a primitive: which input or output tensor it is, and the fp32 dimensions and
 * element strides in which oneDNN sees that tensor's memory.
 *
 * @param argument oneDNN's argument id, e.g. {@code DNNL_ARG_SRC}
 * @param source where the memory comes from
 * @param index the node's input or output index
 */
record Operand(int argument, Source source, int index, long[] dims, long[] strides) {

    enum Source {
        /** An input tensor, handed over by address on every run. */
        INPUT,
        /** An output tensor, handed over by address on every run. */
        OUTPUT,
        /** A constant input, reordered once into the layout the primitive prefers (see {@link PackedWeights}). */
        PACKED_INPUT
    }

    static Operand input(int argument, int index, long[] dims) {
        return new Operand(argument, Source.INPUT, index, dims, Dnnl.rowMajorStrides(dims));
    }

    static Operand input(int argument, int index, long[] dims, long[] strides) {
        return new Operand(argument, Source.INPUT, index, dims, strides);
    }

    static Operand output(int argument, int index, long[] dims) {
        return new Operand(argument, Source.OUTPUT, index, dims, Dnnl.rowMajorStrides(dims));
    }

    /** Input {@code index}, packed when it is constant, else handed over on every run like any input. */
    static Operand weights(int argument, int index, long[] dims, long[] strides, boolean constant) {
        return new Operand(argument, constant ? Source.PACKED_INPUT : Source.INPUT, index, dims, strides);
    }
}
