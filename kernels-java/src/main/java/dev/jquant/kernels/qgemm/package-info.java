/**
 * Quantized matrix multiplication: int8 and int4 weights times uint8/int8 activations with int32
 * accumulation, and the dynamic quantization of float activations that feeds it.
 *
 * <p>Weights are packed once per model load ({@link dev.jquant.kernels.qgemm.Int8WeightPacking},
 * {@link dev.jquant.kernels.qgemm.Int4WeightPacking}) into panels of 16 columns with K-pairs
 * interleaved, stored biased to unsigned ({@code w + 128}, or the nibble {@code w + 8}); activations
 * are widened to unsigned 16-bit pairs per call. The Vector API has no byte dot product (no
 * {@code vpmaddubsw}/VNNI), so the vector kernel multiplies 16-bit lanes and splits each 32-bit lane's
 * two products apart afterwards; biasing both operands to unsigned is what makes that split exact,
 * and the bias is removed again with row and column sums. The int32 accumulators therefore equal the
 * scalar reference's bit for bit, and every float epilogue does the same operations in the same order.
 *
 * <p>{@link dev.jquant.kernels.qgemm.QuantizedGemm} and
 * {@link dev.jquant.kernels.qgemm.ActivationQuantizer} are the two kernel families, each with a plain
 * scalar reference and a Vector API implementation per width; {@link dev.jquant.kernels.qgemm.QuantizedKernels}
 * chooses once per JVM as {@link dev.jquant.kernels.KernelConfig} says.
 */
package dev.jquant.kernels.qgemm;
