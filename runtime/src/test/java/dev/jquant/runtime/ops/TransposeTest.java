package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.runDynamic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransposeTest {

    /** Index by index: output element at multi-index o is input element at o permuted back. */
    static byte[] reference(Tensor in, long[] perm) {
        long[] shape = in.shape();
        int rank = shape.length;
        int eb = in.dtype().byteSize();
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = shape[(int) perm[i]];
        }
        long[] inStrides = ShapeOperands.strides(shape);
        byte[] src = in.data().toArray(ValueLayout.JAVA_BYTE);
        byte[] dst = new byte[src.length];
        long[] o = new long[rank];
        for (long flat = 0; flat < in.elementCount(); flat++) {
            long rest = flat;
            long srcIndex = 0;
            for (int i = rank - 1; i >= 0; i--) {
                o[i] = rest % out[i];
                rest /= out[i];
                srcIndex += o[i] * inStrides[(int) perm[i]];
            }
            System.arraycopy(src, (int) (srcIndex * eb), dst, (int) (flat * eb), eb);
        }
        return dst;
    }

    static Tensor random(DType dtype, long[] shape, long seed) {
        Tensor t = Tensor.allocate(dtype, shape);
        byte[] bytes = new byte[(int) t.byteSize()];
        new Random(seed).nextBytes(bytes);
        t.data().copyFrom(java.lang.foreign.MemorySegment.ofArray(bytes));
        return t;
    }

    private static void check(Tensor in, long[] perm, Parallel parallel) throws UnsupportedOperatorException {
        Tensor out = NodeEvaluator.evaluate(node("Transpose", 1, 1, "perm", perm), 13, new Tensor[] {in}, false,
                parallel)[0];
        assertArrayEquals(reference(in, perm), out.data().toArray(ValueLayout.JAVA_BYTE),
                () -> in + " perm " + java.util.Arrays.toString(perm));
    }

    @Test
    void everyPermutationOfRank4AtEveryElementWidth() throws UnsupportedOperatorException {
        for (DType dtype : new DType[] {DType.INT8, DType.FLOAT16, DType.FLOAT32, DType.INT64}) {
            Tensor in = random(dtype, new long[] {2, 3, 5, 7}, 42);
            for (long[] perm : permutations(4)) {
                check(in, perm, Parallel.SERIAL);
            }
        }
    }

    @Test
    void unitAxesAndScalars() throws UnsupportedOperatorException {
        check(random(DType.FLOAT32, new long[] {1, 5, 1, 3}, 1), new long[] {3, 2, 0, 1}, Parallel.SERIAL);
        check(random(DType.FLOAT32, new long[] {}, 2), new long[] {}, Parallel.SERIAL);
        check(random(DType.FLOAT32, new long[] {0, 3}, 3), new long[] {1, 0}, Parallel.SERIAL);
    }

    @Test
    void attentionHeadShapesLargeEnoughToSplitAcrossThreads() throws UnsupportedOperatorException {
        // [B, S, heads, headDim] -> [B, heads, S, headDim], and the key transpose [B, heads, S, d] -> [B, heads, d, S].
        Tensor q = random(DType.FLOAT32, new long[] {3, 257, 12, 32}, 7);
        check(q, new long[] {0, 2, 1, 3}, TensorOpTesting.CHUNKED);
        Tensor k = random(DType.FLOAT32, new long[] {3, 12, 257, 33}, 8);
        check(k, new long[] {0, 1, 3, 2}, TensorOpTesting.CHUNKED);
        check(k, new long[] {0, 1, 3, 2}, Parallel.SERIAL);
        check(random(DType.FLOAT32, new long[] {67, 45}, 9), new long[] {1, 0}, Parallel.SERIAL);
    }

    @Test
    void defaultPermutationReversesTheAxes() {
        Tensor out = runDynamic(node("Transpose", 1, 1), 13, iota(2, 3))[0];
        assertArrayEquals(new long[] {3, 2}, out.shape());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, out.toFloatArray());
    }

    @Test
    void invalidPermutationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runDynamic(node("Transpose", 1, 1, "perm", new long[] {0, 0}), 13, iota(2, 3)));
        assertTrue(e.getMessage().contains("name axis 0 twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> runDynamic(node("Transpose", 1, 1, "perm", new long[] {1, 0}), 13, iota(2, 3, 4)));
        assertTrue(e.getMessage().contains("has 2 entries, the input has rank 3"), e.getMessage());
    }

    @Test
    void packedTypesAreRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runDynamic(node("Transpose", 1, 1), 13, Tensor.allocate(DType.INT4, 2, 4)));
        assertTrue(e.getMessage().contains("INT4 packs 2 values per byte"), e.getMessage());
    }

    static List<long[]> permutations(int n) {
        List<long[]> out = new ArrayList<>();
        permute(new long[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(long[] current, boolean[] used, int depth, List<long[]> out) {
        if (depth == current.length) {
            out.add(current.clone());
            return;
        }
        for (int i = 0; i < current.length; i++) {
            if (!used[i]) {
                used[i] = true;
                current[depth] = i;
                permute(current, used, depth + 1, out);
                used[i] = false;
            }
        }
    }
}
