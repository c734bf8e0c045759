/**
 * The two products of one attention head, {@code S = scale·Q·Kᵀ} and {@code Y = P·V}, over heads stored side by
 * side in the rows of multi-head projections. {@link dev.jquant.kernels.attention.ScalarAttention} is the
 * reference; {@link dev.jquant.kernels.attention.VectorAttention} computes the same sums in the same order with
 * register tiles; {@link dev.jquant.kernels.attention.AttentionKernels} picks one per JVM.
 */
package dev.jquant.kernels.attention;
