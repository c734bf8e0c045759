package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * One execution argument of a primitive: which tensor it is, and the element type, dimensions and element
 * strides in which oneDNN sees that tensor's memory.
 *
 * @param argument oneDNN's argument id, e.g. {@code DNNL_ARG_SRC}
 * @param source where the memory comes from
 * @param index the node's input or output index; for {@link Source#SCRATCH}, the byte offset in the step's scratch
 * @param dataType oneDNN's element type, e.g. {@code dnnl_f32}
 */
record Operand(int argument, Source source, int index, long[] dims, long[] strides, int dataType) {

    enum Source {
        /** An input tensor, handed over by address on every run. */
        INPUT,
        /** An output tensor, handed over by address on every run. */
        OUTPUT,
        /** A constant input, reordered once into the layout the primitive prefers (see {@link PackedWeights}). */
        PACKED_INPUT,
        /** The operator's own data in the step's scratch memory (e.g. a quantized copy of an input). */
        SCRATCH
    }

    static Operand input(int argument, int index, long[] dims) {
        return new Operand(argument, Source.INPUT, index, dims, Dnnl.rowMajorStrides(dims), dnnl_f32);
    }

    static Operand input(int argument, int index, long[] dims, long[] strides) {
        return new Operand(argument, Source.INPUT, index, dims, strides, dnnl_f32);
    }

    static Operand output(int argument, int index, long[] dims) {
        return new Operand(argument, Source.OUTPUT, index, dims, Dnnl.rowMajorStrides(dims), dnnl_f32);
    }

    /** Output {@code index} seen through element {@code strides}, e.g. one head's columns. */
    static Operand output(int argument, int index, long[] dims, long[] strides) {
        return new Operand(argument, Source.OUTPUT, index, dims, strides, dnnl_f32);
    }

    /** Input {@code index}, packed when it is constant, else handed over on every run like any input. */
    static Operand weights(int argument, int index, long[] dims, long[] strides, boolean constant) {
        return new Operand(argument, constant ? Source.PACKED_INPUT : Source.INPUT, index, dims, strides, dnnl_f32);
    }

    /** Row-major data of {@code dataType} at byte {@code offset} of the step's scratch memory. */
    static Operand scratch(int argument, long offset, long[] dims, int dataType) {
        return new Operand(argument, Source.SCRATCH, Math.toIntExact(offset), dims, Dnnl.rowMajorStrides(dims), dataType);
    }

    /** Data of {@code dataType} with element {@code strides} at byte {@code offset} of the step's scratch memory. */
    static Operand scratch(int argument, long offset, long[] dims, long[] strides, int dataType) {
        return new Operand(argument, Source.SCRATCH, Math.toIntExact(offset), dims, strides, dataType);
    }

    /** This operand as the argument {@code id}, e.g. a reorder's {@code DNNL_ARG_FROM}. */
    Operand at(int id) {
        return new Operand(id, source, index, dims, strides, dataType);
    }

    /** This operand seen as elements of {@code type}, e.g. int8 codes or int32 accumulators. */
    Operand as(int type) {
        return new Operand(argument, source, index, dims, strides, type);
    }
}
