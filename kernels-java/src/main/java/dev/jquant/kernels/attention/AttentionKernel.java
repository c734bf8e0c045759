package dev.jquant.kernels.attention;

import java.lang.foreign.MemorySegment;

/**
 * One head of scaled dot-product attention, in the two products around the softmax that the caller runs
 * on the scores: {@code S = scale·Q·Kᵀ}, then {@code Y = P·V}. Q, K, V and Y are row-major with row strides
 * (a head's columns inside wider rows, as multi-head projections store them); all offsets and strides count
 * floats of little-endian segments. Implementations differ only in speed; each output element is summed in
 * the same order (by fused multiply-adds over the inner index, first to last), so they agree exactly.
 */
public interface AttentionKernel {

    /**
     * The row stride the score matrix needs for {@code keys} keys: {@link #scores} may write this many
     * floats per row (those past {@code keys} are padding, left undefined).
     */
    int scoreStride(int keys);

    /**
     * {@code S[i, j] = scale·Σ_c Q[i, c]·K[j, c]} for {@code i < queries}, {@code j < keys}, {@code c < headSize};
     * S's rows are {@code lds >= scoreStride(keys)} apart.
     */
    void scores(MemorySegment q, long qOffset, int ldq, MemorySegment k, long kOffset, int ldk, int queries, int keys,
            int headSize, float scale, MemorySegment s, long sOffset, int lds);

    /** {@code Y[i, e] = Σ_j P[i, j]·V[j, e]} for {@code i < queries}, {@code j < keys}, {@code e < valueSize}. */
    void mix(MemorySegment p, long pOffset, int ldp, MemorySegment v, long vOffset, int ldv, int queries, int keys,
            int valueSize, MemorySegment y, long yOffset, int ldy);

    /** A short name for diagnostics, e.g. {@code vector-256}. */
    String name();
}
