package dev.jquant.kernels.qgemm;

import dev.jquant.kernels.Parallel;

/**
 * {@code C[M×N] = A[M×K] · W[K×N]} with quantized activations and pre-packed quantized weights,
 * accumulated exactly in int32 and finished by the epilogue {@link GemmOutput} describes. Implementations
 * differ only in speed: their int32 accumulators are identical, and so is every float they write.
 * Stateless apart from per-thread scratch; one instance serves concurrent callers.
 */
public interface QuantizedGemm {

    /** The product with int8 weights, symmetric per output column. */
    void multiply(QuantizedActivations a, PackedInt8Weights w, GemmOutput out, Parallel parallel);

    /**
     * The product with 4-bit weights quantized per group of K: each group's int32 accumulator is scaled by
     * its own weight scale ({@link GemmOutput.Int32} is refused, having no place for those scales).
     */
    void multiply(QuantizedActivations a, PackedInt4Weights w, GemmOutput out, Parallel parallel);

    /** A short name for diagnostics, e.g. {@code vector-256}. */
    String name();
}
