/**
 * Single-precision matrix multiplication, {@code C ← alpha·op(A)·op(B) + beta·C}, over little-endian
 * {@link java.lang.foreign.MemorySegment}s with row strides, optional transposes and batches described
 * by a {@link dev.jquant.kernels.gemm.GemmProblem} built once while planning.
 * {@link dev.jquant.kernels.gemm.ScalarGemm} is the reference; {@link dev.jquant.kernels.gemm.VectorGemm}
 * is the cache-blocked Vector API version; {@link dev.jquant.kernels.gemm.GemmKernels} picks one per JVM.
 */
package dev.jquant.kernels.gemm;
