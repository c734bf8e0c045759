package dev.jquant.runtime.ops;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.util.Arrays;

/**
 * How QuantizeLinear and DequantizeLinear pair the elements of x with entries of their scale and zero
 * point: one pair for the whole tensor; one per index of {@code axis} (a 1-D scale, opset 13); or, with
 * {@code block_size} (opset 21), one per block of {@code block_size} consecutive indices along
 * {@code axis}, the scale then having x's shape with that dimension cut to {@code ceil(D / block_size)}.
 *
 * <p>Elements are visited in runs that share one pair, so the per-tensor and per-axis cases cost one
 * lookup per run rather than per element.
 */
final class QuantizationAxis {

    private enum Kind { PER_TENSOR, PER_AXIS, BLOCKED }

    private final Kind kind;
    /** Size of the quantization axis of x, and the elements of x after it (one step along the axis). */
    private final long axisSize;
    private final long inner;
    private final long blockSize;
    /** Blocks along the axis: the scale's size there. */
    private final long blocks;

    private QuantizationAxis(Kind kind, long axisSize, long inner, long blockSize) {
        this.kind = kind;
        this.axisSize = axisSize;
        this.inner = inner;
        this.blockSize = blockSize;
        this.blocks = blockSize == 0 ? 0 : Math.ceilDiv(axisSize, blockSize);
    }

    /**
     * The pairing of x of shape {@code x} with a scale of shape {@code scale}, from the node's {@code axis}
     * (default 1) and {@code block_size} (default 0) attributes.
     *
     * @param scaleName the scale operand's name for messages, e.g. {@code y_scale (input 1)}
     */
    static QuantizationAxis of(long[] x, long[] scale, Node node, int opset, String scaleName) {
        long blockSize = node.attrInt("block_size", 0);
        if (blockSize < 0) {
            throw new IllegalArgumentException("attribute 'block_size' must be >= 0 (0: per tensor or per axis), was "
                    + blockSize);
        }
        String shapes = scaleName + " " + ShapeOperands.show(scale) + " for x " + ShapeOperands.show(x);
        if (blockSize == 0) {
            if (Tensor.elementCount(scale) == 1 && scale.length <= 1) {
                return new QuantizationAxis(Kind.PER_TENSOR, 1, 1, 0);
            }
            if (scale.length != 1) {
                throw new IllegalArgumentException(shapes + ": expected a scalar (per tensor) or a 1-D tensor (per axis)"
                        + (opset >= 21 ? ", or x's rank with attribute 'block_size' (blocked)" : ""));
            }
            if (opset < 13) {
                throw new IllegalArgumentException(shapes + ": opset " + opset + " quantizes per tensor only; "
                        + "per-axis scales need opset 13");
            }
            int axis = ShapeOperands.axis(node.attrInt("axis", 1), x.length, "attribute 'axis'");
            if (scale[0] != x[axis]) {
                throw new IllegalArgumentException(shapes + ": a per-axis scale needs one value per index of axis "
                        + axis + ", " + x[axis] + " values");
            }
            return new QuantizationAxis(Kind.PER_AXIS, x[axis], ShapeOperands.product(x, axis + 1, x.length), 0);
        }
        if (opset < 21) {
            throw new IllegalArgumentException("attribute 'block_size' needs opset 21, the model has opset " + opset);
        }
        int axis = ShapeOperands.axis(node.attrInt("axis", 1), x.length, "attribute 'axis'");
        long blocks = Math.ceilDiv(x[axis], blockSize);
        boolean matches = scale.length == x.length;
        for (int d = 0; matches && d < x.length; d++) {
            matches = scale[d] == (d == axis ? blocks : x[d]);
        }
        if (!matches) {
            long[] expected = x.clone();
            expected[axis] = blocks;
            throw new IllegalArgumentException(shapes + " with block_size=" + blockSize + " along axis " + axis
                    + ": a blocked scale must have shape " + ShapeOperands.show(expected));
        }
        return new QuantizationAxis(Kind.BLOCKED, x[axis], ShapeOperands.product(x, axis + 1, x.length), blockSize);
    }

    /** Throws unless the zero point has the scale's shape (a scalar and a one-element 1-D tensor count as one). */
    static void requireZeroPointShape(long[] scale, long[] zeroPoint, String scaleName, String zeroPointName) {
        boolean bothSingle = Tensor.elementCount(scale) == 1 && Tensor.elementCount(zeroPoint) == 1
                && scale.length <= 1 && zeroPoint.length <= 1;
        if (!bothSingle && !Arrays.equals(scale, zeroPoint)) {
            throw new IllegalArgumentException(zeroPointName + " " + ShapeOperands.show(zeroPoint) + " must have the shape of "
                    + scaleName + " " + ShapeOperands.show(scale));
        }
    }

    /** The index into the scale and zero point of element {@code i} of x. */
    long parameter(long i) {
        return switch (kind) {
            case PER_TENSOR -> 0;
            case PER_AXIS -> i / inner % axisSize;
            case BLOCKED -> {
                long outer = i / (axisSize * inner);
                long along = i / inner % axisSize;
                yield (outer * blocks + along / blockSize) * inner + i % inner;
            }
        };
    }

    /** The end of the run of elements from {@code i} (exclusive, at most {@code end}) that share element i's parameters. */
    long runEnd(long i, long end) {
        long runEnd = switch (kind) {
            case PER_TENSOR -> end;
            case PER_AXIS -> (i / inner + 1) * inner;
            case BLOCKED -> {
                if (inner != 1) {
                    yield i + 1; // neighbours along the last dimension belong to different blocks
                }
                long along = i % axisSize;
                yield i - along + Math.min(axisSize, (along / blockSize + 1) * blockSize);
            }
        };
        return Math.min(end, runEnd);
    }
}
