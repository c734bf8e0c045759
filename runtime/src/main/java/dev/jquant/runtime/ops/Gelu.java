package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.kernels.elementwise.ScalarElementwise;
import dev.jquant.kernels.elementwise.UnaryOp;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * ONNX Gelu (opset 20): {@code y = 0.5·x·(1 + erf(x/√2))}, or with {@code approximate="tanh"}
 * {@code y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. The compressor writes it for the erf GELU that
 * exporters spell as five nodes (Div, Erf, Add, Mul, Mul), whatever the model's opset. FLOAT32 runs on the
 * one-pass GELU kernel; the tanh form as vectorized passes over pieces small enough to stay in the L1
 * cache, Y holding the intermediate values. The other float types are computed in double.
 */
final class Gelu implements Operator {

    private static final float SQRT_2_OVER_PI = 0.7978846f;
    private static final float CUBIC = 0.044715f;
    /** Elements per piece: X's and Y's pieces together (16 KiB) stay in a 32 KiB L1 data cache for the tanh form. */
    private static final int PIECE = 2048;

    private final Parallel.RangeTask task = this::run;

    private boolean tanh;
    private DType type;
    private long count;
    private FloatElementwise kernels;
    private MemorySegment x;
    private MemorySegment y;

    @Override
    public void prepare(PrepareContext ctx) {
        String approximate = ctx.node().attrString("approximate", "none");
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("approximate '" + approximate + "' is not a GELU form; expected one of "
                    + "[none, tanh]");
        }
        tanh = approximate.equals("tanh");
        type = ctx.inputType(0);
        ElementTypes.require("X (input 0)", type, ElementTypes.FLOATS);
        long[] shape = ctx.inputShape(0);
        count = Tensor.elementCount(shape);
        kernels = ElementwiseKernels.floatsFor(count);
        OutputDeclaration.declare(ctx, type, shape);
    }

    @Override
    public void execute(ExecContext ctx) {
        x = ctx.input(0).data();
        y = ctx.output(0).data();
        long pieces = (count + PIECE - 1) / PIECE;
        ctx.parallel().forRange(Math.toIntExact(pieces), Math.max(1, Broadcast.PIECE / PIECE), task);
    }

    private void run(int fromPiece, int toPiece) {
        for (long p = fromPiece; p < toPiece; p++) {
            long i = p * PIECE;
            int n = (int) Math.min(PIECE, count - i);
            if (type != DType.FLOAT32) {
                for (long j = i; j < i + n; j++) {
                    NumericElements.setDouble(type, y, j, scalar(NumericElements.getDouble(type, x, j)));
                }
            } else if (tanh) {
                tanhForm(kernels, x, i, y, i, n);
            } else {
                kernels.unary(UnaryOp.GELU, 0f, 0f, x, i, y, i, n);
            }
        }
    }

    private double scalar(double v) {
        return tanh ? 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + CUBIC * v * v * v)))
                : ScalarElementwise.apply(UnaryOp.GELU, 0, 0, v);
    }

    /** {@code y[i] = 0.5·(x[i]·(1 + tanh(x[i]·(√(2/π)·0.044715·x[i]² + √(2/π)))))}; X and Y must not overlap. */
    private static void tanhForm(FloatElementwise f, MemorySegment x, long xIndex, MemorySegment y, long yIndex,
            int count) {
        f.binary(BinaryOp.MUL, x, xIndex, x, xIndex, y, yIndex, count);
        f.binaryScalarRight(BinaryOp.MUL, y, yIndex, CUBIC * SQRT_2_OVER_PI, y, yIndex, count);
        f.binaryScalarRight(BinaryOp.ADD, y, yIndex, SQRT_2_OVER_PI, y, yIndex, count);
        f.binary(BinaryOp.MUL, x, xIndex, y, yIndex, y, yIndex, count);
        f.unary(UnaryOp.TANH, 0f, 0f, y, yIndex, y, yIndex, count);
        f.binaryScalarRight(BinaryOp.ADD, y, yIndex, 1f, y, yIndex, count);
        f.binary(BinaryOp.MUL, x, xIndex, y, yIndex, y, yIndex, count);
        f.binaryScalarRight(BinaryOp.MUL, y, yIndex, 0.5f, y, yIndex, count);
    }
}
