package dev.jquant.kernels.elementwise;

/**
 * Elementwise functions of one float. Two of them take parameters, passed as {@code alpha} and
 * {@code beta} to {@link FloatElementwise#unary}; the others ignore both.
 */
public enum UnaryOp {
    /** {@code max(0, x)}. */
    RELU,
    /** {@code x >= 0 ? x : alpha * x}. */
    LEAKY_RELU,
    /** {@code min(max(x, alpha), beta)}: alpha is the lower bound, beta the upper one. */
    CLIP,
    /** {@code 1 / (1 + exp(-x))}. */
    SIGMOID,
    /** {@code max(0, min(1, alpha * x + beta))}. */
    HARD_SIGMOID,
    /** {@code x * max(0, min(1, x / 6 + 1/2))}. */
    HARD_SWISH,
    TANH,
    /** The Gauss error function, within 2e-7 absolute (a fitted polynomial; the JDK has no erf). */
    ERF,
    /** {@code 0.5·x·(1 + erf(x/√2))}, the exact (erf) GELU, with ERF's approximation, in one pass. */
    GELU,
    ABS,
    NEG,
    SQRT,
    /** {@code 1 / x}. */
    RECIPROCAL,
    EXP,
    /** Natural logarithm. */
    LOG
}
