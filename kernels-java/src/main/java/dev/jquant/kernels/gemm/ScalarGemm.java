package dev.jquant.kernels.gemm;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The reference GEMM: one dot product per element of C, summed in order of {@code p} in float. Kept
 * plain on purpose; it is the ground truth the vector kernel is tested against and the fallback when
 * the Vector API is absent. Rows are spread over the threads, which does not change any result.
 */
public final class ScalarGemm implements GemmKernel {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static final ScalarGemm INSTANCE = new ScalarGemm();

    private ScalarGemm() {
    }

    @Override
    public void multiply(GemmProblem p, MemorySegment a, MemorySegment b, MemorySegment c, Parallel parallel) {
        int m = p.m();
        int rows = Math.multiplyExact(p.batchCount(), m);
        if (m == 0 || p.n() == 0) {
            return;
        }
        parallel.forRange(rows, 16, (start, end) -> {
            for (int row = start; row < end; row++) {
                multiplyRow(p, row / m, row % m, a, b, c);
            }
        });
    }

    private static void multiplyRow(GemmProblem p, int batch, int i, MemorySegment a, MemorySegment b, MemorySegment c) {
        long aRow = p.transA() ? 1 : p.lda();
        long aCol = p.transA() ? p.lda() : 1;
        long bRow = p.transB() ? 1 : p.ldb();
        long bCol = p.transB() ? p.ldb() : 1;
        long aBase = p.aOffset(batch) + i * aRow;
        long cBase = p.cOffset(batch) + (long) i * p.ldc();
        for (int j = 0; j < p.n(); j++) {
            long bBase = p.bOffset(batch) + j * bCol;
            float sum = 0f;
            for (int q = 0; q < p.k(); q++) {
                sum += a.getAtIndex(F32, aBase + q * aCol) * b.getAtIndex(F32, bBase + q * bRow);
            }
            float old = p.beta() == 0f ? 0f : p.beta() * c.getAtIndex(F32, cBase + j);
            c.setAtIndex(F32, cBase + j, p.alpha() * sum + old);
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
