package dev.jquant.kernels.qgemm;

/** The activation a quantized GEMM applies to its float result before storing (or requantizing) it. */
public enum Activation {
    NONE,
    /** {@code max(x, 0)}. */
    RELU,
    /**
     * {@code 0.5·x·(1 + erf(x/√2))}, the exact (erf) form of GELU, with erf from
     * {@link dev.jquant.kernels.elementwise.ElementwiseKernels} (within 2e-7 absolute).
     */
    GELU
}
