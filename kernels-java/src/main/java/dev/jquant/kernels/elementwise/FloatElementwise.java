package dev.jquant.kernels.elementwise;

import java.lang.foreign.MemorySegment;

/**
 * Float32 elementwise kernels over {@code count} consecutive elements. Every method takes memory
 * segments with element indices (not byte offsets); outputs may alias inputs at the same index.
 * Implementations are stateless and thread-safe.
 */
public interface FloatElementwise {

    /** {@code y[i] = op(x[i])}; {@code alpha} and {@code beta} are the parameters {@link UnaryOp} names. */
    void unary(UnaryOp op, float alpha, float beta, MemorySegment x, long xIndex, MemorySegment y, long yIndex, int count);

    /** {@code y[i] = a[i] op b[i]}. */
    void binary(BinaryOp op, MemorySegment a, long aIndex, MemorySegment b, long bIndex,
            MemorySegment y, long yIndex, int count);

    /** {@code y[i] = a[i] op b}: the right operand broadcast from one value. */
    void binaryScalarRight(BinaryOp op, MemorySegment a, long aIndex, float b, MemorySegment y, long yIndex, int count);

    /** {@code y[i] = a op b[i]}: the left operand broadcast from one value. */
    void binaryScalarLeft(BinaryOp op, float a, MemorySegment b, long bIndex, MemorySegment y, long yIndex, int count);

    /** Sum of the elements; 0 when {@code count} is 0. */
    float sum(MemorySegment x, long xIndex, int count);

    /** Largest element (NaN if any is NaN); negative infinity when {@code count} is 0. */
    float max(MemorySegment x, long xIndex, int count);

    /** Smallest element (NaN if any is NaN); positive infinity when {@code count} is 0. */
    float min(MemorySegment x, long xIndex, int count);

    /** {@code y[i] = exp(x[i] - shift)}, returning the sum of the {@code y[i]}: the body of Softmax. */
    float expShifted(MemorySegment x, long xIndex, float shift, MemorySegment y, long yIndex, int count);

    /** {@code sum((x[i] - center)^2)}: the variance numerator of a normalization. */
    float sumSquaredDeviation(MemorySegment x, long xIndex, float center, int count);

    /**
     * {@code y[i] = (x[i] - mean) * invStdDev * scale[i] + bias[i]}: the affine step of
     * LayerNormalization. {@code bias} may be null for none.
     */
    void normalize(MemorySegment x, long xIndex, float mean, float invStdDev, MemorySegment scale, long scaleIndex,
            MemorySegment bias, long biasIndex, MemorySegment y, long yIndex, int count);
}
