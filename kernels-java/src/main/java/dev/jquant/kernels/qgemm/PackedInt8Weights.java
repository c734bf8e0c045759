package dev.jquant.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code K×N} int8 weight matrix, symmetric per output column ({@code W_real[k][n] = w[k][n]·scale[n]}),
 * in the layout the quantized GEMM reads. Built by {@link Int8WeightPacking}; immutable.
 *
 * <p>Layout: columns are cut into panels of {@value #PANEL_COLUMNS}; a panel holds {@code ceil(K/2)}
 * blocks of 32 bytes, block {@code q} holding rows {@code 2q} and {@code 2q+1} interleaved: byte
 * {@code 2c + (k & 1)} is column {@code c} of the panel at row {@code k}. Every byte stores
 * {@code w + 128} (unsigned); the odd row past an odd K and the columns past N hold 128 (weight 0).
 * A vector kernel of {@code L} int lanes reads {@code 2L} consecutive bytes of a block as the 16-bit
 * pairs of {@code L} columns, so one layout serves 128-, 256- and 512-bit vectors.
 */
public final class PackedInt8Weights {

    /** Columns per panel: the int lanes of the widest (512-bit) vector. */
    public static final int PANEL_COLUMNS = 16;
    /** Bytes per K-pair block of a panel. */
    static final int BLOCK_BYTES = 2 * PANEL_COLUMNS;

    private final int k;
    private final int n;
    private final MemorySegment data;
    private final float[] scales;
    private final int[] columnSums;

    /** {@code scales} and {@code columnSums} padded with zeros to whole panels. */
    PackedInt8Weights(int k, int n, MemorySegment data, float[] scales, int[] columnSums) {
        this.k = k;
        this.n = n;
        this.data = data;
        this.scales = scales;
        this.columnSums = columnSums;
    }

    /** Rows of W: the inner dimension of the product. */
    public int k() {
        return k;
    }

    /** Columns of W: the output features. */
    public int n() {
        return n;
    }

    /** The int8 weight at row {@code k}, column {@code n}, read back from the packed layout. */
    public int weight(int k, int n) {
        long at = panelOffset(n / PANEL_COLUMNS) + (long) (k / 2) * BLOCK_BYTES + 2 * (n % PANEL_COLUMNS) + (k & 1);
        return (data.get(ValueLayout.JAVA_BYTE, at) & 0xFF) - 128;
    }

    /** The scale of output column {@code n}. */
    public float scale(int n) {
        return scales[n];
    }

    /** {@code Σ_k w[k][n]}: what a zero point of the activations costs column {@code n}. */
    public int columnSum(int n) {
        return columnSums[n];
    }

    /** Bytes of packed weight data (the scales and sums come on top: 8 bytes per column). */
    public long byteSize() {
        return data.byteSize();
    }

    int kPairs() {
        return (k + 1) / 2;
    }

    int panels() {
        return (n + PANEL_COLUMNS - 1) / PANEL_COLUMNS;
    }

    long panelOffset(int panel) {
        return (long) panel * kPairs() * BLOCK_BYTES;
    }

    MemorySegment data() {
        return data;
    }

    float[] paddedScales() {
        return scales;
    }

    int[] paddedColumnSums() {
        return columnSums;
    }

    @Override
    public String toString() {
        return "PackedInt8Weights[K=" + k + ", N=" + n + "]";
    }
}
