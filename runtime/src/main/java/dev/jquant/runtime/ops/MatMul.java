package dev.jquant.runtime.ops;

import dev.jquant.kernels.gemm.GemmKernel;
import dev.jquant.kernels.gemm.GemmKernels;
import dev.jquant.kernels.gemm.GemmProblem;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.util.Arrays;

/**
 * ONNX MatMul on FLOAT32 with numpy semantics: a 1-D A is a row and a 1-D B a column (their unit
 * dimension dropped from the result); leading dimensions are batch dimensions, broadcast against each
 * other. When B has no batch of its own (a weight {@code [K, N]}), A's batch rows are stacked into one
 * tall product, {@code [batch·M, K]·[K, N]}; otherwise every batch entry is one product of a batched GEMM.
 *
 * <p>Also jquant's {@code FusedMatMul} (see {@link MatMulEpilogue}): the same product followed by a bias
 * and an activation, which the quantized kernels apply while each result is still in registers.
 */
final class MatMul implements Operator {

    private static final GemmKernel GEMM = GemmKernels.get();

    private final boolean fused;
    private GemmProblem problem;
    /** Set when B is a quantized weight with a kernel: A is quantized at run time. */
    private QuantizedProduct quantized;
    /** FusedMatMul without a quantized kernel: the float product goes to scratch, this writes Y from it. */
    private MatMulEpilogue epilogue;

    /** ONNX MatMul. */
    MatMul() {
        this(false);
    }

    /** {@code fused}: FusedMatMul, with a bias input and an {@code activation} attribute. */
    MatMul(boolean fused) {
        this.fused = fused;
    }

    @Override
    public void prepare(PrepareContext ctx) {
        NeuralOperators.requireFloat32(ctx, 0, "A (input 0)");
        NeuralOperators.requireFloat32(ctx, 1, "B (input 1)");
        long[] a = ctx.inputShape(0);
        long[] b = ctx.inputShape(1);
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("A and B must have rank >= 1, were " + NeuralOperators.show(a) + " and "
                    + NeuralOperators.show(b));
        }
        if (fused && b.length < 2) {
            throw new IllegalArgumentException("B must have rank >= 2 (the bias and activation act on its columns), "
                    + "was " + NeuralOperators.show(b));
        }
        long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
        long m = a2[a2.length - 2];
        long k = a2[a2.length - 1];
        long n = b2[b2.length - 1];
        if (b2[b2.length - 2] != k) {
            throw new IllegalArgumentException("A " + NeuralOperators.show(a) + " and B " + NeuralOperators.show(b)
                    + " cannot be multiplied: A has " + k + " columns, B has " + b2[b2.length - 2] + " rows");
        }
        long[] aBatch = Arrays.copyOf(a2, a2.length - 2);
        long[] bBatch = Arrays.copyOf(b2, b2.length - 2);
        long[] batch = broadcast(aBatch, bBatch, a, b);
        long batchCount = product(batch);

        int mi = NeuralOperators.toInt(m, "M (rows of A)");
        int ki = NeuralOperators.toInt(k, "K (columns of A)");
        int ni = NeuralOperators.toInt(n, "N (columns of B)");
        MatMulEpilogue.Parameters fusedParameters = fused ? MatMulEpilogue.Parameters.of(ctx, ni) : null;
        if (product(bBatch) == 1 && product(aBatch) == batchCount) {
            int rows = NeuralOperators.toInt(batchCount * m, "the batch times M");
            problem = GemmProblem.builder(rows, ni, ki).build();
            QuantizedTensor qb = b.length == 2 ? ctx.quantizedInput(1) : null;
            if (qb != null) {
                if (QuantizedWeightPanels.whyNot(qb, false) == null) {
                    QuantizedWeightPanels panels = ctx.derivedFromInput(1, "qgemm-panels",
                            () -> QuantizedWeightPanels.pack(qb, false));
                    quantized = fused ? new QuantizedProduct(ctx.node(), panels, rows, ki, ni,
                            fusedParameters.bias(), fusedParameters.activation())
                            : new QuantizedProduct(ctx.node(), panels, rows, ki, ni, null);
                    ctx.reserveScratch(quantized.scratchBytes());
                } else {
                    ctx.constantInput(1); // no kernel for this scheme: the float kernel reads decoded weights
                }
            }
        } else {
            int count = NeuralOperators.toInt(batchCount, "the batch size");
            long[] aOffsets = new long[count];
            long[] bOffsets = new long[count];
            long[] cOffsets = new long[count];
            long[] aStrides = batchStrides(aBatch, batch.length, m * k);
            long[] bStrides = batchStrides(bBatch, batch.length, k * n);
            for (int i = 0; i < count; i++) {
                long rest = i;
                for (int d = batch.length - 1; d >= 0; d--) {
                    long index = rest % batch[d];
                    rest /= batch[d];
                    aOffsets[i] += index * aStrides[d];
                    bOffsets[i] += index * bStrides[d];
                }
                cOffsets[i] = i * m * n;
            }
            problem = GemmProblem.builder(mi, ni, ki).batches(aOffsets, bOffsets, cOffsets).build();
        }

        long[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = m;
        out[batch.length + 1] = n;
        if (b.length == 1) {
            out = Arrays.copyOf(out, out.length - 1);
        }
        if (a.length == 1) {
            long last = out[out.length - 1];
            out = Arrays.copyOf(out, out.length - 1);
            if (b.length != 1) {
                out[out.length - 1] = last;
            }
        }
        ctx.setOutput(0, DType.FLOAT32, out);
        if (fused && quantized == null) {
            epilogue = new MatMulEpilogue(fusedParameters, ni, Tensor.elementCount(out));
            ctx.reserveScratch(epilogue.scratchBytes());
        }
    }

    /** Numpy broadcast of the batch dimensions of A and B. */
    private static long[] broadcast(long[] x, long[] y, long[] a, long[] b) {
        int rank = Math.max(x.length, y.length);
        long[] out = new long[rank];
        for (int d = 0; d < rank; d++) {
            int dx = d - (rank - x.length);
            int dy = d - (rank - y.length);
            long sx = dx >= 0 ? x[dx] : 1;
            long sy = dy >= 0 ? y[dy] : 1;
            if (sx != sy && sx != 1 && sy != 1) {
                throw new IllegalArgumentException("the batch dimensions of A " + NeuralOperators.show(a) + " and B "
                        + NeuralOperators.show(b) + " cannot be broadcast: " + sx + " against " + sy);
            }
            out[d] = sx == 1 ? sy : sx;
        }
        return out;
    }

    /** Element strides of an operand with batch shape {@code shape} along the {@code rank} output batch dimensions, 0 where it repeats. */
    private static long[] batchStrides(long[] shape, int rank, long matrixSize) {
        long[] strides = new long[rank];
        long stride = matrixSize;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d + rank - shape.length] = shape[d] == 1 ? 0 : stride;
            stride *= shape[d];
        }
        return strides;
    }

    private static long product(long[] dims) {
        long p = 1;
        for (long d : dims) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    @Override
    public void execute(ExecContext ctx) {
        if (quantized != null) {
            quantized.run(ctx.input(0).data(), ctx.output(0).data(), ctx.scratch(), ctx.parallel());
            return;
        }
        if (epilogue != null) {
            GEMM.multiply(problem, ctx.input(0).data(), ctx.input(1).data(), ctx.scratch(), ctx.parallel());
            epilogue.apply(ctx.scratch(), ctx.output(0).data(), ctx.parallel());
            return;
        }
        GEMM.multiply(problem, ctx.input(0).data(), ctx.input(1).data(), ctx.output(0).data(), ctx.parallel());
    }
}
