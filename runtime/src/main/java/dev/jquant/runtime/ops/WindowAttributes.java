package dev.jquant.runtime.ops;

import dev.jquant.kernels.conv.Window;
import dev.jquant.runtime.graph.Node;
import java.util.Arrays;

/**
 * The sliding-window attributes of Conv, ConvTranspose, MaxPool and AveragePool ({@code kernel_shape},
 * {@code strides}, {@code dilations}, {@code pads}, {@code auto_pad}, {@code ceil_mode},
 * {@code output_padding}, {@code output_shape}) turned into a {@link Window} with the output extents and
 * pads the ONNX specification defines.
 */
final class WindowAttributes {

    private WindowAttributes() {
    }

    /** Spatial extents {@code shape[2:]} of an {@code [N, C, D1, ...]} tensor, as ints. */
    static int[] spatial(long[] shape, String operand) {
        int[] s = new int[shape.length - 2];
        for (int d = 0; d < s.length; d++) {
            s[d] = NeuralOperators.toInt(shape[d + 2], operand + " spatial dimension " + d);
        }
        return s;
    }

    /**
     * The INTS attribute {@code name} with one value per spatial dimension ({@code count} values), each at
     * least {@code min}, or {@code defaultValue} everywhere when absent.
     */
    static int[] ints(Node node, String name, int count, int defaultValue, int min) {
        long[] values = node.attrInts(name, null);
        int[] out = new int[count];
        if (values == null) {
            Arrays.fill(out, defaultValue);
            return out;
        }
        if (values.length != count) {
            throw new IllegalArgumentException("attribute '" + name + "' must have " + count + " values, was "
                    + Arrays.toString(values));
        }
        for (int i = 0; i < count; i++) {
            if (values[i] < min || values[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("attribute '" + name + "' values must be >= " + min + ", was "
                        + Arrays.toString(values));
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    /** {@code kernel_shape}, which must be present (pooling) or agree with the weight's spatial extents (convolution). */
    static int[] kernel(Node node, int rank, int[] fromWeight) {
        if (!node.has("kernel_shape")) {
            if (fromWeight == null) {
                throw new IllegalArgumentException("attribute 'kernel_shape' is required");
            }
            return fromWeight;
        }
        int[] kernel = ints(node, "kernel_shape", rank, 1, 1);
        if (fromWeight != null && !Arrays.equals(kernel, fromWeight)) {
            throw new IllegalArgumentException("attribute 'kernel_shape' " + Arrays.toString(kernel)
                    + " does not match the weight's spatial dimensions " + Arrays.toString(fromWeight));
        }
        return kernel;
    }

    private enum AutoPad { NOTSET, SAME_UPPER, SAME_LOWER, VALID }

    private static AutoPad autoPad(Node node) {
        String value = node.attrString("auto_pad", "NOTSET");
        for (AutoPad a : AutoPad.values()) {
            if (a.name().equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException("attribute 'auto_pad' is '" + value + "'; expected one of "
                + Arrays.toString(AutoPad.values()));
    }

    /**
     * The window of a convolution or pool over spatial extents {@code input}: {@code pads} or
     * {@code auto_pad} decide the padding, and the output extent is
     * {@code floor((input + pads − span) / stride) + 1}, or with {@code ceilMode} the ceiling, dropping a
     * last window that would start in the end padding.
     */
    static Window forward(Node node, int[] input, int[] kernel, boolean ceilMode) {
        int rank = input.length;
        int[] strides = ints(node, "strides", rank, 1, 1);
        int[] dilations = ints(node, "dilations", rank, 1, 1);
        int[] begin = new int[rank];
        int[] end = new int[rank];
        int[] output = new int[rank];
        AutoPad autoPad = autoPad(node);
        if (autoPad == AutoPad.NOTSET) {
            int[] pads = ints(node, "pads", 2 * rank, 0, 0);
            System.arraycopy(pads, 0, begin, 0, rank);
            System.arraycopy(pads, rank, end, 0, rank);
        }
        for (int d = 0; d < rank; d++) {
            long span = (long) dilations[d] * (kernel[d] - 1) + 1;
            if (autoPad == AutoPad.SAME_UPPER || autoPad == AutoPad.SAME_LOWER) {
                long out = ((long) input[d] + strides[d] - 1) / strides[d];
                long total = Math.max(0, (out - 1) * strides[d] + span - input[d]);
                long small = total / 2;
                begin[d] = (int) (autoPad == AutoPad.SAME_UPPER ? small : total - small);
                end[d] = (int) (total - begin[d]);
                output[d] = (int) out;
                continue;
            }
            long room = (long) input[d] + begin[d] + end[d] - span;
            if (room < 0) {
                throw new IllegalArgumentException("the window spans " + span + " along spatial dimension " + d
                        + " (kernel " + kernel[d] + ", dilation " + dilations[d] + ") but the padded input has only "
                        + ((long) input[d] + begin[d] + end[d]));
            }
            long out = ceilMode ? Math.ceilDiv(room, strides[d]) + 1 : room / strides[d] + 1;
            if (ceilMode && (out - 1) * strides[d] >= (long) input[d] + begin[d]) {
                out--;
            }
            output[d] = NeuralOperators.toInt(out, "output spatial dimension " + d);
        }
        return Window.builder(input).output(output).kernel(kernel).strides(strides).dilations(dilations)
                .pads(begin, end).build();
    }

    /**
     * The window of a transposed convolution from spatial extents {@code input}: the output extent is
     * {@code stride·(input − 1) + output_padding + span − pads}, or {@code output_shape} when given (pads
     * then derived from it), or {@code input·stride} under SAME_UPPER / SAME_LOWER.
     */
    static Window transposed(Node node, int[] input, int[] kernel) {
        int rank = input.length;
        int[] strides = ints(node, "strides", rank, 1, 1);
        int[] dilations = ints(node, "dilations", rank, 1, 1);
        int[] outputPadding = ints(node, "output_padding", rank, 0, 0);
        AutoPad autoPad = autoPad(node);
        long[] outputShape = node.attrInts("output_shape", null);
        if (outputShape != null && outputShape.length == rank + 2) {
            outputShape = Arrays.copyOfRange(outputShape, 2, rank + 2);
        }
        if (outputShape != null && outputShape.length != rank) {
            throw new IllegalArgumentException("attribute 'output_shape' must have " + rank + " values (or " + (rank + 2)
                    + " with N and C), was " + Arrays.toString(node.attrInts("output_shape", null)));
        }
        int[] begin = new int[rank];
        int[] end = new int[rank];
        int[] output = new int[rank];
        int[] pads = autoPad == AutoPad.NOTSET && outputShape == null ? ints(node, "pads", 2 * rank, 0, 0) : null;
        for (int d = 0; d < rank; d++) {
            long span = (long) dilations[d] * (kernel[d] - 1) + 1;
            long full = (long) strides[d] * (input[d] - 1) + outputPadding[d] + span;
            long out;
            if (pads != null) {
                begin[d] = pads[d];
                end[d] = pads[d + rank];
                out = full - begin[d] - end[d];
            } else {
                out = outputShape != null ? outputShape[d] : (long) input[d] * strides[d];
                // Extra output beyond the natural extent receives only the bias.
                long total = Math.max(0, full - out);
                long small = total / 2;
                begin[d] = (int) (autoPad == AutoPad.SAME_UPPER ? small : total - small);
                end[d] = (int) (total - begin[d]);
            }
            if (out < 0 || (input[d] > 0 && out < 1)) {
                throw new IllegalArgumentException("the output extent along spatial dimension " + d + " would be " + out
                        + "; the pads " + begin[d] + "+" + end[d] + " remove more than stride·(input−1)+span = " + full
                        + " provides");
            }
            output[d] = NeuralOperators.toInt(out, "output spatial dimension " + d);
        }
        return Window.builder(input).output(output).kernel(kernel).strides(strides).dilations(dilations)
                .pads(begin, end).build();
    }
}
