package dev.jquant.runtime.ops;

import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * One pass of separable interpolation (Resize linear and cubic) over FLOAT32 data: the tensor seen as
 * {@code [outer, inLength, inner]} becomes {@code [outer, outLength, inner]}, output row {@code j} being a
 * weighted sum of input rows. N-linear or N-cubic resizing is one such pass per resized axis, from the last
 * axis to the first, which is also the order in which the ONNX reference applies extrapolation.
 */
final class ResampleAxis {

    private final long outer;
    private final long inLength;
    private final long outLength;
    private final long inner;
    private final int taps;
    private final long[] index;
    private final float[] weight;
    private final boolean[] outside;

    /**
     * @param index for output row {@code j}, the input rows {@code index[j * taps + t]} (already clamped)
     * @param weight their weights
     * @param outside output rows that take the extrapolation value instead
     */
    ResampleAxis(long[] shape, int axis, long outLength, int taps, long[] index, float[] weight, boolean[] outside) {
        this.outer = ShapeOperands.product(shape, 0, axis);
        this.inLength = shape[axis];
        this.outLength = outLength;
        this.inner = ShapeOperands.product(shape, axis + 1, shape.length);
        this.taps = taps;
        this.index = index;
        this.weight = weight;
        this.outside = outside;
    }

    /** True when every output row is its own input row with weight 1, so the pass can be skipped. */
    boolean isIdentity() {
        if (outLength != inLength) {
            return false;
        }
        for (int j = 0; j < outLength; j++) {
            if (outside[j]) {
                return false;
            }
            float sum = 0;
            for (int t = 0; t < taps; t++) {
                float w = weight[j * taps + t];
                if (w != 0 && index[j * taps + t] != j) {
                    return false;
                }
                sum += w;
            }
            if (sum != 1) {
                return false;
            }
        }
        return true;
    }

    void run(MemorySegment src, MemorySegment dst, float extrapolation) {
        for (long o = 0; o < outer; o++) {
            long srcBase = o * inLength * inner;
            long dstBase = o * outLength * inner;
            for (int j = 0; j < outLength; j++) {
                long dstRow = dstBase + j * inner;
                if (outside[j]) {
                    for (long i = 0; i < inner; i++) {
                        dst.setAtIndex(Tensor.F32, dstRow + i, extrapolation);
                    }
                } else if (inner == 1) {
                    float acc = 0;
                    for (int t = 0; t < taps; t++) {
                        acc += weight[j * taps + t] * src.getAtIndex(Tensor.F32, srcBase + index[j * taps + t]);
                    }
                    dst.setAtIndex(Tensor.F32, dstRow, acc);
                } else {
                    blendRows(src, srcBase, dst, dstRow, j);
                }
            }
        }
    }

    /** Output row {@code j} as the weighted sum of whole input rows: contiguous loops over {@code inner}. */
    private void blendRows(MemorySegment src, long srcBase, MemorySegment dst, long dstRow, int j) {
        long first = srcBase + index[j * taps] * inner;
        float w0 = weight[j * taps];
        for (long i = 0; i < inner; i++) {
            dst.setAtIndex(Tensor.F32, dstRow + i, w0 * src.getAtIndex(Tensor.F32, first + i));
        }
        for (int t = 1; t < taps; t++) {
            float w = weight[j * taps + t];
            long row = srcBase + index[j * taps + t] * inner;
            for (long i = 0; i < inner; i++) {
                long d = dstRow + i;
                dst.setAtIndex(Tensor.F32, d, dst.getAtIndex(Tensor.F32, d) + w * src.getAtIndex(Tensor.F32, row + i));
            }
        }
    }
}
