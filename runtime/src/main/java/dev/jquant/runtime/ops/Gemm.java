package dev.jquant.runtime.ops;

import dev.jquant.kernels.gemm.GemmKernel;
import dev.jquant.kernels.gemm.GemmKernels;
import dev.jquant.kernels.gemm.GemmProblem;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.lang.foreign.MemorySegment;

/**
 * ONNX Gemm on FLOAT32: {@code Y = alpha·A'·B' + beta·C}, with A' and B' the 2-D inputs transposed when
 * {@code transA} / {@code transB} is set, and the optional C broadcast to {@code [M, N]} (a scalar, a row
 * {@code [N]} or {@code [1, N]}, a column {@code [M, 1]}, or the full matrix). C is first written into Y
 * and the kernel then accumulates into it with {@code beta}.
 */
final class Gemm implements Operator {

    private static final GemmKernel GEMM = GemmKernels.get();

    private GemmProblem problem;
    private boolean fillFromC;
    private int m;
    private int n;
    /** Element strides of C along Y's rows and columns, 0 where C repeats. */
    private long cRowStride;
    private long cColumnStride;
    /** Set when B is a quantized weight with a kernel: A is quantized at run time. */
    private QuantizedProduct quantized;

    @Override
    public void prepare(PrepareContext ctx) {
        NeuralOperators.requireFloat32(ctx, 0, "A (input 0)");
        NeuralOperators.requireFloat32(ctx, 1, "B (input 1)");
        long[] a = ctx.inputShape(0);
        long[] b = ctx.inputShape(1);
        if (a.length != 2 || b.length != 2) {
            throw new IllegalArgumentException("A and B must be 2-D, were " + NeuralOperators.show(a) + " and "
                    + NeuralOperators.show(b));
        }
        boolean transA = flag(ctx, "transA");
        boolean transB = flag(ctx, "transB");
        float alpha = ctx.node().attrFloat("alpha", 1f);
        float beta = ctx.node().attrFloat("beta", 1f);
        m = NeuralOperators.toInt(transA ? a[1] : a[0], "M");
        int k = NeuralOperators.toInt(transA ? a[0] : a[1], "K");
        int kb = NeuralOperators.toInt(transB ? b[1] : b[0], "K");
        n = NeuralOperators.toInt(transB ? b[0] : b[1], "N");
        if (k != kb) {
            throw new IllegalArgumentException("A " + NeuralOperators.show(a) + (transA ? " (transposed)" : "") + " and B "
                    + NeuralOperators.show(b) + (transB ? " (transposed)" : "") + " cannot be multiplied: A' has " + k
                    + " columns, B' has " + kb + " rows");
        }
        fillFromC = ctx.hasInput(2) && beta != 0f;
        if (ctx.hasInput(2)) {
            NeuralOperators.requireFloat32(ctx, 2, "C (input 2)");
            broadcastC(ctx.inputShape(2));
        }
        problem = GemmProblem.builder(m, n, k).transposeA(transA).transposeB(transB)
                .scale(alpha, fillFromC ? beta : 0f).build();
        ctx.setOutput(0, DType.FLOAT32, m, n);
        QuantizedTensor qb = ctx.quantizedInput(1);
        if (qb != null) {
            float[] bias = transA || alpha != 1f ? null : constantRowBias(ctx, beta);
            if (bias != null && QuantizedWeightPanels.whyNot(qb, transB) == null) {
                QuantizedWeightPanels panels = ctx.derivedFromInput(1, transB ? "qgemm-panels-transposed"
                        : "qgemm-panels", () -> QuantizedWeightPanels.pack(qb, transB));
                quantized = new QuantizedProduct(ctx.node(), panels, m, k, n, bias);
                ctx.reserveScratch(quantized.scratchBytes());
            } else {
                ctx.constantInput(1); // no quantized kernel for this form: the float kernel reads decoded weights
            }
        }
    }

    /**
     * {@code beta·C} as one bias per output column when C is absent or a constant that is the same for every
     * row (a scalar, {@code [N]}, {@code [1, N]}); null otherwise.
     */
    private float[] constantRowBias(PrepareContext ctx, float beta) {
        float[] bias = new float[n];
        if (!fillFromC) {
            return bias;
        }
        Tensor c = ctx.constantInput(2);
        if (c == null || cRowStride != 0) {
            return null;
        }
        for (int j = 0; j < n; j++) {
            bias[j] = beta * c.getFloat(j * cColumnStride);
        }
        return bias;
    }

    private static boolean flag(PrepareContext ctx, String name) {
        long v = ctx.node().attrInt(name, 0);
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException("attribute '" + name + "' must be 0 or 1, was " + v);
        }
        return v == 1;
    }

    /** Checks that C broadcasts to [M, N] one way (C's dimensions are 1 or equal Y's) and records its strides. */
    private void broadcastC(long[] c) {
        if (c.length > 2) {
            throw new IllegalArgumentException("C " + NeuralOperators.show(c) + " must have rank <= 2 to broadcast to [M, N] = ["
                    + m + ", " + n + "]");
        }
        long rows = c.length == 2 ? c[0] : 1;
        long columns = c.length >= 1 ? c[c.length - 1] : 1;
        if ((rows != 1 && rows != m) || (columns != 1 && columns != n)) {
            throw new IllegalArgumentException("C " + NeuralOperators.show(c) + " does not broadcast to [M, N] = [" + m
                    + ", " + n + "]; each dimension must be 1 or match");
        }
        cColumnStride = columns == 1 ? 0 : 1;
        cRowStride = rows == 1 ? 0 : columns;
    }

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment y = ctx.output(0).data();
        if (quantized != null) {
            quantized.run(ctx.input(0).data(), y, ctx.scratch(), ctx.parallel());
            return;
        }
        if (fillFromC) {
            MemorySegment c = ctx.input(2).data();
            for (int i = 0; i < m; i++) {
                long row = (long) i * n;
                if (cColumnStride == 1) {
                    MemorySegment.copy(c, i * cRowStride * Float.BYTES, y, row * Float.BYTES, (long) n * Float.BYTES);
                } else {
                    float v = c.getAtIndex(Tensor.F32, i * cRowStride);
                    for (int j = 0; j < n; j++) {
                        y.setAtIndex(Tensor.F32, row + j, v);
                    }
                }
            }
        }
        GEMM.multiply(problem, ctx.input(0).data(), ctx.input(1).data(), y, ctx.parallel());
    }
}
