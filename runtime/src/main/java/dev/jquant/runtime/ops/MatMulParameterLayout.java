package dev.jquant.runtime.ops;

import dev.jquant.runtime.Tensor;
import java.util.Arrays;

/**
 * Where a zero point or scale of one operand of MatMulInteger or QLinearMatMul applies, as ONNX allows:
 * to the whole tensor (one value); to each row of A or column of B, shared by all batch entries (a 1-D
 * tensor of M or N values); or to each row (column) of each of the operand's own batch entries (A's
 * shape with K replaced by 1, B's shape with K replaced by 1).
 */
final class MatMulParameterLayout {

    private enum Kind { PER_TENSOR, PER_LINE, PER_BATCH_LINE }

    static final MatMulParameterLayout PER_TENSOR = new MatMulParameterLayout(Kind.PER_TENSOR, 1, 1);

    private final Kind kind;
    /** Rows of A or columns of B. */
    private final int lines;
    private final int count;

    private MatMulParameterLayout(Kind kind, int lines, int count) {
        this.kind = kind;
        this.lines = lines;
        this.count = count;
    }

    /**
     * The layout of parameter shape {@code parameter} for an operand of shape {@code operand}.
     *
     * @param rowsOfA true for A (parameters per row), false for B (per column)
     */
    static MatMulParameterLayout of(long[] operand, long[] parameter, boolean rowsOfA, String operandName,
            String parameterName) {
        if (Tensor.elementCount(parameter) == 1) {
            return PER_TENSOR;
        }
        if (operand.length >= 2) {
            int lineAxis = operand.length - (rowsOfA ? 2 : 1);
            int lines = NeuralOperators.toInt(operand[lineAxis], rowsOfA ? "M" : "N");
            if (parameter.length == 1 && parameter[0] == lines) {
                return new MatMulParameterLayout(Kind.PER_LINE, lines, lines);
            }
            if (Arrays.equals(parameter, batchedShape(operand, rowsOfA))) {
                return new MatMulParameterLayout(Kind.PER_BATCH_LINE, lines,
                        NeuralOperators.toInt(Tensor.elementCount(parameter), parameterName + "'s size"));
            }
        }
        String line = rowsOfA ? "row" : "column";
        String expected = operand.length < 2 ? "one value (per tensor), as " + operandName + " is 1-D"
                : "one value (per tensor), [" + operand[operand.length - (rowsOfA ? 2 : 1)] + "] (per " + line + ") or "
                        + ShapeOperands.show(batchedShape(operand, rowsOfA)) + " (per " + line + " of each batch entry)";
        throw new IllegalArgumentException(parameterName + " has shape " + ShapeOperands.show(parameter) + "; for "
                + operandName + " " + ShapeOperands.show(operand) + " expected " + expected);
    }

    /** The operand's shape with K replaced by 1. */
    private static long[] batchedShape(long[] operand, boolean rowsOfA) {
        long[] batched = operand.clone();
        batched[operand.length - (rowsOfA ? 1 : 2)] = 1;
        return batched;
    }

    boolean perTensor() {
        return kind == Kind.PER_TENSOR;
    }

    /** Number of values. */
    int count() {
        return count;
    }

    /** The value index for row (column) {@code line} of the operand's own batch entry {@code entry}. */
    int index(int entry, int line) {
        return switch (kind) {
            case PER_TENSOR -> 0;
            case PER_LINE -> line;
            case PER_BATCH_LINE -> entry * lines + line;
        };
    }
}
