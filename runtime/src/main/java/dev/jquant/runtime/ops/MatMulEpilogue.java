package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.kernels.elementwise.UnaryOp;
import dev.jquant.kernels.qgemm.Activation;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The tail of jquant's {@code FusedMatMul} (domain {@value Operators#JQUANT_DOMAIN}): {@code Y =
 * activation(MatMul(A, B) + bias)}. Inputs A and B as for ONNX MatMul (B of rank 2 or more), and an
 * optional {@code bias}, a constant FLOAT32 {@code [N]} added to every row; attribute {@code activation}
 * is {@code none} (the default), {@code relu} or {@code gelu} (the exact erf form, ONNX Gelu's
 * {@code approximate="none"}). The compressor writes it where a MatMul reads a quantized weight, which the
 * quantized kernels multiply and then finish in their epilogue, with the result still in registers.
 * A product on the float kernels goes to scratch memory first, and this class writes Y from there in one
 * pass per row.
 */
final class MatMulEpilogue {

    /** What a FusedMatMul node asks for after the product. */
    record Parameters(float[] bias, MemorySegment biasData, Activation activation) {

        /** Reads and checks the bias (input 2) and the activation of a FusedMatMul whose product has N columns. */
        static Parameters of(PrepareContext ctx, int n) {
            String name = ctx.node().attrString("activation", "none");
            Activation activation = switch (name) {
                case "none" -> Activation.NONE;
                case "relu" -> Activation.RELU;
                case "gelu" -> Activation.GELU;
                default -> throw new IllegalArgumentException("activation '" + name
                        + "' is not supported; expected one of [none, relu, gelu]");
            };
            if (!ctx.hasInput(2)) {
                return new Parameters(null, null, activation);
            }
            NeuralOperators.requireFloat32(ctx, 2, "bias (input 2)");
            long[] shape = ctx.inputShape(2);
            if (shape.length != 1 || shape[0] != n) {
                throw new IllegalArgumentException("bias (input 2) must have shape [" + n + "] (N, the columns of B), "
                        + "was " + Arrays.toString(shape));
            }
            Tensor bias = ctx.constantInput(2);
            if (bias == null) {
                throw new IllegalArgumentException("bias (input 2) must be a constant, known before the model runs");
            }
            return new Parameters(bias.toFloatArray(), bias.data(), activation);
        }
    }

    private final Parameters parameters;
    private final int n;
    private final long rows;
    private final FloatElementwise kernels;
    private final Parallel.RangeTask task = this::run;
    private MemorySegment product;
    private MemorySegment y;

    /** The epilogue of a product of {@code elements} floats in rows of {@code n}. */
    MatMulEpilogue(Parameters parameters, int n, long elements) {
        this.parameters = parameters;
        this.n = n;
        this.rows = n == 0 ? 0 : elements / n;
        this.kernels = ElementwiseKernels.floatsFor(elements);
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a fused product of " + rows + " rows exceeds 2^31 rows");
        }
    }

    /** Scratch for the product: as large as Y. */
    long scratchBytes() {
        return DType.FLOAT32.byteSize(rows * n);
    }

    /** Writes Y from the product (in scratch, overwritten). */
    void apply(MemorySegment product, MemorySegment y, Parallel parallel) {
        this.product = product;
        this.y = y;
        parallel.forRange((int) rows, Math.max(1, Broadcast.PIECE / Math.max(1, n)), task);
    }

    private void run(int fromRow, int toRow) {
        MemorySegment bias = parameters.biasData();
        Activation activation = parameters.activation();
        // Without an activation the bias sum is Y; with one, it stays in scratch for the activation to read.
        MemorySegment sum = activation == Activation.NONE ? y : product;
        for (long r = fromRow; r < toRow; r++) {
            long i = r * n;
            if (bias != null) {
                kernels.binary(BinaryOp.ADD, product, i, bias, 0, sum, i, n);
            } else if (activation == Activation.NONE) {
                MemorySegment.copy(product, i * Float.BYTES, y, i * Float.BYTES, (long) n * Float.BYTES);
            }
            switch (activation) {
                case NONE -> { }
                case RELU -> kernels.unary(UnaryOp.RELU, 0f, 0f, product, i, y, i, n);
                case GELU -> kernels.unary(UnaryOp.GELU, 0f, 0f, product, i, y, i, n);
            }
        }
    }
}
