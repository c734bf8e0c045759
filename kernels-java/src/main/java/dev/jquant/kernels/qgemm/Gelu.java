package dev.jquant.kernels.qgemm;

import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.kernels.elementwise.UnaryOp;
import java.lang.foreign.MemorySegment;

/**
 * GELU applied in place to a finished row segment of a GEMM result, in five elementwise passes that
 * reuse the elementwise erf, so that the scalar and vector GEMMs round identically (both call this).
 * It runs once per output element against K multiply-adds, so the passes cost little.
 */
final class Gelu {

    private static final float INV_SQRT2 = 0.70710677f;

    private Gelu() {
    }

    /** {@code y[i] = 0.5·(y[i]·(1 + erf(y[i]·(1/√2))))} for {@code count} floats from index {@code yIndex}. */
    static void apply(MemorySegment y, long yIndex, int count, MemorySegment scratch) {
        FloatElementwise f = ElementwiseKernels.floats();
        f.binaryScalarRight(BinaryOp.MUL, y, yIndex, INV_SQRT2, scratch, 0, count);
        f.unary(UnaryOp.ERF, 0f, 0f, scratch, 0, scratch, 0, count);
        f.binaryScalarRight(BinaryOp.ADD, scratch, 0, 1f, scratch, 0, count);
        f.binary(BinaryOp.MUL, y, yIndex, scratch, 0, scratch, 0, count);
        f.binaryScalarRight(BinaryOp.MUL, scratch, 0, 0.5f, y, yIndex, count);
    }
}
