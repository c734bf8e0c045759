package dev.jquant.kernels.gemm;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;

/** A single-precision matrix multiplication kernel; implementations differ only in speed and rounding. */
public interface GemmKernel {

    /**
     * For every batch entry of {@code problem}: {@code C ← alpha·op(A)·op(B) + beta·C}. With
     * {@code beta == 0} the old contents of C are ignored (NaNs there do not propagate), as in BLAS.
     * A and B are only read, so they may be read-only views of a mapped model file.
     */
    void multiply(GemmProblem problem, MemorySegment a, MemorySegment b, MemorySegment c, Parallel parallel);

    /** A short name for diagnostics, e.g. {@code vector-256}. */
    String name();
}
