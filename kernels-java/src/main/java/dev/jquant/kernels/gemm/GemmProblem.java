package dev.jquant.kernels.gemm;

import java.util.Arrays;

/**
 * The shape of one (batched) matrix multiplication {@code C[M×N] ← alpha·op(A)[M×K]·op(B)[K×N] + beta·C}:
 * dimensions, transposes, row strides and the element offset of each batch entry's A, B and C. Built
 * once while planning (see {@link #builder}) and reused on every run; immutable.
 *
 * <p>Element {@code (i, p)} of {@code op(A)} is {@code A[i·lda + p]}, or {@code A[p·lda + i]} when A is
 * transposed; likewise for B. C is always row-major: {@code C[i·ldc + j]}. All offsets and strides
 * count floats, not bytes.
 */
public final class GemmProblem {

    private final int m;
    private final int n;
    private final int k;
    private final boolean transA;
    private final boolean transB;
    private final int lda;
    private final int ldb;
    private final int ldc;
    private final float alpha;
    private final float beta;
    private final long[] aOffsets;
    private final long[] bOffsets;
    private final long[] cOffsets;

    private GemmProblem(Builder b) {
        this.m = b.m;
        this.n = b.n;
        this.k = b.k;
        this.transA = b.transA;
        this.transB = b.transB;
        this.lda = b.lda >= 0 ? b.lda : Math.max(1, transA ? m : k);
        this.ldb = b.ldb >= 0 ? b.ldb : Math.max(1, transB ? k : n);
        this.ldc = b.ldc >= 0 ? b.ldc : Math.max(1, n);
        this.alpha = b.alpha;
        this.beta = b.beta;
        this.aOffsets = b.aOffsets;
        this.bOffsets = b.bOffsets;
        this.cOffsets = b.cOffsets;
        requireStride("lda", lda, transA ? m : k);
        requireStride("ldb", ldb, transB ? k : n);
        requireStride("ldc", ldc, n);
    }

    private static void requireStride(String name, int stride, int rowLength) {
        if (stride < Math.max(rowLength, 1)) {
            throw new IllegalArgumentException(name + " must be at least the row length " + Math.max(rowLength, 1)
                    + ", was " + stride);
        }
    }

    /** Starts a problem of {@code M×K} times {@code K×N}, contiguous, untransposed, alpha 1, beta 0, one batch entry. */
    public static Builder builder(int m, int n, int k) {
        return new Builder(m, n, k);
    }

    public int m() { return m; }
    public int n() { return n; }
    public int k() { return k; }
    public boolean transA() { return transA; }
    public boolean transB() { return transB; }
    public int lda() { return lda; }
    public int ldb() { return ldb; }
    public int ldc() { return ldc; }
    public float alpha() { return alpha; }
    public float beta() { return beta; }

    public int batchCount() {
        return aOffsets.length;
    }

    /** Element offset of batch entry {@code i}'s A. */
    public long aOffset(int i) {
        return aOffsets[i];
    }

    public long bOffset(int i) {
        return bOffsets[i];
    }

    public long cOffset(int i) {
        return cOffsets[i];
    }

    @Override
    public String toString() {
        return "GemmProblem[" + m + "x" + k + (transA ? "ᵀ" : "") + " · " + k + "x" + n + (transB ? "ᵀ" : "")
                + ", ld=" + lda + "/" + ldb + "/" + ldc + ", alpha=" + alpha + ", beta=" + beta
                + ", batches=" + aOffsets.length + "]";
    }

    /** Collects the parts of a {@link GemmProblem}; strides left unset default to contiguous rows. */
    public static final class Builder {
        private final int m;
        private final int n;
        private final int k;
        private boolean transA;
        private boolean transB;
        private int lda = -1;
        private int ldb = -1;
        private int ldc = -1;
        private float alpha = 1f;
        private float beta = 0f;
        private long[] aOffsets = {0};
        private long[] bOffsets = {0};
        private long[] cOffsets = {0};

        private Builder(int m, int n, int k) {
            if (m < 0 || n < 0 || k < 0) {
                throw new IllegalArgumentException("matrix dimensions must be >= 0, were M=" + m + " N=" + n + " K=" + k);
            }
            this.m = m;
            this.n = n;
            this.k = k;
        }

        /** A is stored as {@code K×M} (row stride lda); op(A) is its transpose. */
        public Builder transposeA(boolean value) {
            transA = value;
            return this;
        }

        /** B is stored as {@code N×K} (row stride ldb); op(B) is its transpose. */
        public Builder transposeB(boolean value) {
            transB = value;
            return this;
        }

        /** Row strides of A, B (as stored) and C, in floats. */
        public Builder strides(int lda, int ldb, int ldc) {
            this.lda = lda;
            this.ldb = ldb;
            this.ldc = ldc;
            return this;
        }

        public Builder scale(float alpha, float beta) {
            this.alpha = alpha;
            this.beta = beta;
            return this;
        }

        /** One entry per product: the element offsets of its A, B and C (arrays of equal length). */
        public Builder batches(long[] aOffsets, long[] bOffsets, long[] cOffsets) {
            if (aOffsets.length != bOffsets.length || aOffsets.length != cOffsets.length) {
                throw new IllegalArgumentException("batch offset arrays differ in length: " + aOffsets.length + ", "
                        + bOffsets.length + ", " + cOffsets.length);
            }
            for (long[] offsets : new long[][] {aOffsets, bOffsets, cOffsets}) {
                if (Arrays.stream(offsets).anyMatch(o -> o < 0)) {
                    throw new IllegalArgumentException("batch offsets must be >= 0: " + Arrays.toString(offsets));
                }
            }
            this.aOffsets = aOffsets.clone();
            this.bOffsets = bOffsets.clone();
            this.cOffsets = cOffsets.clone();
            return this;
        }

        public GemmProblem build() {
            return new GemmProblem(this);
        }
    }
}
