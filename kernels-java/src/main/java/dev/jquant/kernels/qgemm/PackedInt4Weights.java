package dev.jquant.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code K×N} 4-bit weight matrix quantized per group of {@code groupSize} consecutive rows of K for
 * each column, {@code W_real[k][n] = (u[k][n] − z[g][n])·scale[g][n]} with {@code g = k / groupSize},
 * in the layout the quantized GEMM reads. Built by {@link Int4WeightPacking}; immutable.
 *
 * <p>Each weight is held as an unsigned nibble {@code u} with a zero point {@code z} in the same
 * unsigned form (a signed symmetric int4 {@code v} is stored as {@code u = v + 8, z = 8}). K is padded
 * to whole groups with {@code u = z}, so padding adds nothing. Columns are cut into panels of
 * {@value PackedInt8Weights#PANEL_COLUMNS}; a panel holds one 32-byte block per four rows of K, block
 * {@code t} holding rows {@code 4t..4t+3}: byte {@code 2c + e} is column {@code c} of the panel, its
 * low nibble at row {@code 4t + e} and its high nibble at row {@code 4t + 2 + e}. Widened to 16 bits,
 * the low and the high nibbles of {@code 2L} consecutive bytes are the K-pairs {@code 2t} and
 * {@code 2t+1} of {@code L} columns, the same interleaving as {@link PackedInt8Weights}.
 */
public final class PackedInt4Weights {

    static final int BLOCK_BYTES = 2 * PackedInt8Weights.PANEL_COLUMNS;
    /** Rows of K per block. */
    static final int BLOCK_ROWS = 4;

    private final int k;
    private final int n;
    private final int groupSize;
    private final MemorySegment data;
    private final float[] scales;
    private final int[] zeros;
    private final int[] groupSums;

    /**
     * Per-group arrays are {@code [group][column]} with the columns padded with zeros to whole panels;
     * {@code scales} has one more panel of zeros at the end.
     */
    PackedInt4Weights(int k, int n, int groupSize, MemorySegment data, float[] scales, int[] zeros, int[] groupSums) {
        this.k = k;
        this.n = n;
        this.groupSize = groupSize;
        this.data = data;
        this.scales = scales;
        this.zeros = zeros;
        this.groupSums = groupSums;
    }

    public int k() {
        return k;
    }

    public int n() {
        return n;
    }

    /** Rows of K sharing one scale and zero point per column. */
    public int groupSize() {
        return groupSize;
    }

    public int groups() {
        return (k + groupSize - 1) / groupSize;
    }

    /** The integer weight {@code u − z} at row {@code k}, column {@code n}, read back from the packed layout. */
    public int weight(int k, int n) {
        int t = k / BLOCK_ROWS;
        long at = panelOffset(n / PackedInt8Weights.PANEL_COLUMNS) + (long) t * BLOCK_BYTES
                + 2 * (n % PackedInt8Weights.PANEL_COLUMNS) + (k & 1);
        int b = data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
        int u = (k & 2) == 0 ? b & 0x0F : b >>> 4;
        return u - zeros[(k / groupSize) * paddedColumns() + n];
    }

    /** The scale of group {@code g} of column {@code n}. */
    public float scale(int g, int n) {
        return scales[g * paddedColumns() + n];
    }

    /** Bytes of packed weight data (the per-group scales, zero points and sums come on top: 12 bytes each). */
    public long byteSize() {
        return data.byteSize();
    }

    int paddedK() {
        return groups() * groupSize;
    }

    int panels() {
        return (n + PackedInt8Weights.PANEL_COLUMNS - 1) / PackedInt8Weights.PANEL_COLUMNS;
    }

    int paddedColumns() {
        return panels() * PackedInt8Weights.PANEL_COLUMNS;
    }

    long panelOffset(int panel) {
        return (long) panel * (paddedK() / BLOCK_ROWS) * BLOCK_BYTES;
    }

    MemorySegment data() {
        return data;
    }

    float[] paddedScales() {
        return scales;
    }

    /** Zero points in unsigned nibble form. */
    int[] paddedZeros() {
        return zeros;
    }

    /** {@code Σ (u − z)} over each group: what a zero point of the activations costs it. */
    int[] paddedGroupSums() {
        return groupSums;
    }

    @Override
    public String toString() {
        return "PackedInt4Weights[K=" + k + ", N=" + n + ", groupSize=" + groupSize + "]";
    }
}
