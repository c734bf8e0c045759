package dev.jquant.kernels.conv;

import java.util.Arrays;

/**
 * The spatial geometry of a sliding window over {@code r} dimensions: input and output extents, window
 * extent, strides, dilations and the padding before and after each dimension. Output position {@code o}
 * of a convolution or pool reads input positions {@code o·stride + t·dilation − padBegin} for window taps
 * {@code t}; a transposed convolution writes them. Built with {@link #builder}; immutable.
 */
public final class Window {

    private final int[] input;
    private final int[] output;
    private final int[] kernel;
    private final int[] strides;
    private final int[] dilations;
    private final int[] padsBegin;
    private final int[] padsEnd;

    private Window(Builder b) {
        int rank = b.input.length;
        this.input = b.input;
        this.output = require("output", b.output, rank, 0);
        this.kernel = require("kernel", b.kernel, rank, 1);
        this.strides = b.strides == null ? filled(rank, 1) : require("strides", b.strides, rank, 1);
        this.dilations = b.dilations == null ? filled(rank, 1) : require("dilations", b.dilations, rank, 1);
        this.padsBegin = b.padsBegin == null ? filled(rank, 0) : require("padsBegin", b.padsBegin, rank, 0);
        this.padsEnd = b.padsEnd == null ? filled(rank, 0) : require("padsEnd", b.padsEnd, rank, 0);
    }

    private static int[] filled(int rank, int value) {
        int[] a = new int[rank];
        Arrays.fill(a, value);
        return a;
    }

    private static int[] require(String name, int[] values, int rank, int min) {
        if (values == null || values.length != rank) {
            throw new IllegalArgumentException(name + " must have " + rank + " values (one per spatial dimension), was "
                    + Arrays.toString(values));
        }
        for (int v : values) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + Arrays.toString(values));
            }
        }
        return values;
    }

    /** Starts a window over spatial input extents {@code input} (one per dimension, each >= 0). */
    public static Builder builder(int... input) {
        return new Builder(input);
    }

    public int rank() {
        return input.length;
    }

    public int input(int d) {
        return input[d];
    }

    public int output(int d) {
        return output[d];
    }

    public int kernel(int d) {
        return kernel[d];
    }

    public int stride(int d) {
        return strides[d];
    }

    public int dilation(int d) {
        return dilations[d];
    }

    public int padBegin(int d) {
        return padsBegin[d];
    }

    public int padEnd(int d) {
        return padsEnd[d];
    }

    /** Number of input positions (product of the input extents). */
    public int inputSize() {
        return product(input);
    }

    public int outputSize() {
        return product(output);
    }

    /** Number of window taps (product of the kernel extents). */
    public int kernelSize() {
        return product(kernel);
    }

    private static int product(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** True when every output position reads exactly the input position with the same index (1×1, stride 1, no pads). */
    public boolean isPointwise() {
        for (int d = 0; d < rank(); d++) {
            if (kernel[d] != 1 || strides[d] != 1 || padsBegin[d] != 0 || output[d] != input[d]) {
                return false;
            }
        }
        return true;
    }

    /** The least {@code o >= 0} with {@code o·stride + offset >= 0}: where a tap at {@code offset} first reads inside. */
    static int firstInside(int offset, int stride) {
        return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    }

    /** One past the largest {@code o < count} with {@code o·stride + offset < limit}, at least 0. */
    static int endInside(int offset, int stride, int limit, int count) {
        long last = Math.floorDiv((long) limit - 1 - offset, stride);
        return (int) Math.max(0, Math.min(count, last + 1));
    }

    @Override
    public String toString() {
        return "Window[input=" + Arrays.toString(input) + ", output=" + Arrays.toString(output) + ", kernel="
                + Arrays.toString(kernel) + ", strides=" + Arrays.toString(strides) + ", dilations="
                + Arrays.toString(dilations) + ", pads=" + Arrays.toString(padsBegin) + "/" + Arrays.toString(padsEnd)
                + "]";
    }

    /** Collects a {@link Window}; strides and dilations default to 1, pads to 0. */
    public static final class Builder {
        private final int[] input;
        private int[] output;
        private int[] kernel;
        private int[] strides;
        private int[] dilations;
        private int[] padsBegin;
        private int[] padsEnd;

        private Builder(int[] input) {
            this.input = require("input", input.clone(), input.length, 0);
        }

        public Builder output(int... values) {
            output = values.clone();
            return this;
        }

        public Builder kernel(int... values) {
            kernel = values.clone();
            return this;
        }

        public Builder strides(int... values) {
            strides = values.clone();
            return this;
        }

        public Builder dilations(int... values) {
            dilations = values.clone();
            return this;
        }

        public Builder pads(int[] begin, int[] end) {
            padsBegin = begin.clone();
            padsEnd = end.clone();
            return this;
        }

        public Window build() {
            return new Window(this);
        }
    }
}
