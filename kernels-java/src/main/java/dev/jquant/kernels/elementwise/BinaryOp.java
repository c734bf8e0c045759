package dev.jquant.kernels.elementwise;

/** Elementwise functions of two floats {@code a op b}. MAX and MIN propagate NaN as {@link Math#max} does. */
public enum BinaryOp {
    ADD,
    SUB,
    MUL,
    DIV,
    /** {@code a} raised to the power {@code b}, as {@link Math#pow} rounded to float. */
    POW,
    MAX,
    MIN
}
