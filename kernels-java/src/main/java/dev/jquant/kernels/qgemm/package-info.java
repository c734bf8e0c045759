/**
 * Quantized matrix multiplication: int8 and int4 weights times uint8/int8 activations with exact integer
 * accumulation, and the dynamic quantization of float activations that feeds it.
 *
 * <p>Weights are packed once per model load ({@link dev.jquant.kernels.qgemm.Int8WeightPacking},
 * {@link dev.jquant.kernels.qgemm.Int4WeightPacking}) into panels of 16 columns with K-pairs
 * interleaved, stored biased to unsigned ({@code w + 128}, or the nibble {@code w + 8}). The Vector API
 * has no byte dot product (no {@code vpmaddubsw}/VNNI), so the vector kernel takes one of two routes to
 * the same sums: from a few rows of A on it converts A and each L1-sized sliver of weights to small
 * integers held in floats and multiplies with FMAs, every partial sum staying below 2^24 and therefore
 * exact; for a GEMV it multiplies 16-bit lanes and splits each 32-bit lane's two products apart
 * afterwards, exact because both operands are biased to unsigned. Either way the int32 accumulators
 * (int4: each group's) equal the scalar reference's bit for bit, and every float epilogue does the same
 * operations in the same order.
 *
 * <p>{@link dev.jquant.kernels.qgemm.QuantizedGemm} and
 * {@link dev.jquant.kernels.qgemm.ActivationQuantizer} are the two kernel families, each with a plain
 * scalar reference and a Vector API implementation per width; {@link dev.jquant.kernels.qgemm.QuantizedKernels}
 * chooses once per JVM as {@link dev.jquant.kernels.KernelConfig} says.
 */
package dev.jquant.kernels.qgemm;
