package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.kernels.elementwise.ScalarElementwise;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Add, Sub, Mul, Div and Pow with multidirectional broadcasting. FLOAT32 runs on the vector kernels
 * (the scalar ones below {@link ElementwiseKernels#SMALL_TENSOR} elements), one call per broadcast row; other float types are computed in double; integer types in long
 * arithmetic, wrapping to their width, with Div truncating toward zero as C does. Pow's exponent may
 * have another numeric type than its base; the result has the base's type.
 */
final class BinaryArithmetic implements Operator {

    private final BinaryOp op;
    private final Parallel.RangeTask task = this::run;

    private DType type;
    private DType exponentType;
    private FloatElementwise kernels;
    private Broadcast plan;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment y;

    private BinaryArithmetic(BinaryOp op) {
        this.op = op;
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        into.put("Add", (node, opset) -> new BinaryArithmetic(BinaryOp.ADD));
        into.put("Sub", (node, opset) -> new BinaryArithmetic(BinaryOp.SUB));
        into.put("Mul", (node, opset) -> new BinaryArithmetic(BinaryOp.MUL));
        into.put("Div", (node, opset) -> new BinaryArithmetic(BinaryOp.DIV));
        into.put("Pow", (node, opset) -> new BinaryArithmetic(BinaryOp.POW));
    }

    @Override
    public void prepare(PrepareContext ctx) {
        type = ctx.inputType(0);
        exponentType = ctx.inputType(1);
        ElementTypes.require("A (input 0)", type, ElementTypes.NUMERIC);
        if (op == BinaryOp.POW) {
            ElementTypes.require("exponent B (input 1)", exponentType, ElementTypes.NUMERIC_WITH_UINT64);
        } else {
            ElementTypes.requireSame("A (input 0)", type, "B (input 1)", exponentType);
        }
        long[] sa = ctx.inputShape(0);
        long[] sb = ctx.inputShape(1);
        long[] shape = Broadcast.shapeOf(sa, sb);
        plan = Broadcast.of(shape, sa, sb);
        kernels = ElementwiseKernels.floatsFor(Tensor.elementCount(shape));
        OutputDeclaration.declare(ctx, type, shape);
    }

    @Override
    public void execute(ExecContext ctx) {
        a = ctx.input(0).data();
        b = ctx.input(1).data();
        y = ctx.output(0).data();
        ctx.parallel().forRange(plan.pieces(), plan.grain(), task);
    }

    private void run(int from, int to) {
        for (int p = from; p < to; p++) {
            long row = plan.row(p);
            long start = plan.start(p);
            long ai = plan.inputIndex(0, row, start);
            long bi = plan.inputIndex(1, row, start);
            long yi = plan.outputIndex(row, start);
            int n = plan.length(p);
            if (type == DType.FLOAT32 && exponentType == DType.FLOAT32) {
                if (plan.repeatedInRow(1)) {
                    kernels.binaryScalarRight(op, a, ai, b.getAtIndex(Tensor.F32, bi), y, yi, n);
                } else if (plan.repeatedInRow(0)) {
                    kernels.binaryScalarLeft(op, a.getAtIndex(Tensor.F32, ai), b, bi, y, yi, n);
                } else {
                    kernels.binary(op, a, ai, b, bi, y, yi, n);
                }
            } else {
                generic(ai, plan.repeatedInRow(0) ? 0 : 1, bi, plan.repeatedInRow(1) ? 0 : 1, yi, n);
            }
        }
    }

    private void generic(long ai, int aStep, long bi, int bStep, long yi, int n) {
        boolean integer = ElementTypes.isInteger(type) && op != BinaryOp.POW;
        for (int j = 0; j < n; j++) {
            if (integer) {
                long va = NumericElements.getLong(type, a, ai + (long) j * aStep);
                long vb = NumericElements.getLong(type, b, bi + (long) j * bStep);
                NumericElements.setLong(type, y, yi + j, integer(va, vb));
            } else {
                double va = NumericElements.getDouble(type, a, ai + (long) j * aStep);
                double vb = NumericElements.getDouble(exponentType, b, bi + (long) j * bStep);
                NumericElements.setDouble(type, y, yi + j, ScalarElementwise.apply(op, va, vb));
            }
        }
    }

    private long integer(long va, long vb) {
        return switch (op) {
            case ADD -> va + vb;
            case SUB -> va - vb;
            case MUL -> va * vb;
            case DIV -> {
                if (vb == 0) {
                    throw new ArithmeticException("integer division by zero in Div (" + type + ")");
                }
                yield va / vb;
            }
            default -> throw new IllegalStateException(op + " is not integer arithmetic");
        };
    }
}
