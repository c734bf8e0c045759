package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.kernels.elementwise.ScalarElementwise;
import dev.jquant.kernels.elementwise.UnaryOp;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The elementwise functions of one tensor: Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish,
 * Tanh, Erf, Abs, Neg, Sqrt, Reciprocal, Exp, Log. FLOAT32 runs on the vector kernels (the scalar
 * ones below {@link ElementwiseKernels#SMALL_TENSOR} elements); the other float types are computed in
 * double, and the integer types that ONNX allows for Relu, Clip, Abs and Neg in long arithmetic,
 * wrapping as C does.
 *
 * <p>Clip takes its bounds from the {@code min}/{@code max} attributes before opset 11 and from the
 * optional scalar inputs 1 and 2 from opset 11 on; the inputs may change from run to run.
 */
final class UnaryMath implements Operator {

    private final UnaryOp op;
    private final Set<DType> types;
    /** The parameters of LeakyRelu and HardSigmoid; Clip keeps its bounds in {@link #low} and {@link #high}. */
    private final float alpha;
    private final float beta;
    private final boolean boundsFromInputs;
    private final Parallel.RangeTask task = this::run;

    private DType type;
    private FloatElementwise kernels;
    private Broadcast pieces;
    // Clip's bounds for this run: as doubles for float types, as longs for integer types.
    private double low;
    private double high;
    private long lowInteger;
    private long highInteger;
    private MemorySegment x;
    private MemorySegment y;

    private UnaryMath(UnaryOp op, Set<DType> types, float alpha, float beta, boolean boundsFromInputs) {
        this.op = op;
        this.types = types;
        this.alpha = alpha;
        this.beta = beta;
        this.boundsFromInputs = boundsFromInputs;
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        Set<DType> floats = ElementTypes.FLOATS;
        Set<DType> signed = ElementTypes.union(floats, ElementTypes.SIGNED_INTEGERS);
        into.put("Relu", (node, opset) -> new UnaryMath(UnaryOp.RELU, signed, 0, 0, false));
        into.put("LeakyRelu", (node, opset) -> new UnaryMath(UnaryOp.LEAKY_RELU, floats,
                node.attrFloat("alpha", 0.01f), 0, false));
        into.put("Clip", UnaryMath::clip);
        into.put("Sigmoid", (node, opset) -> new UnaryMath(UnaryOp.SIGMOID, floats, 0, 0, false));
        into.put("HardSigmoid", (node, opset) -> new UnaryMath(UnaryOp.HARD_SIGMOID, floats,
                node.attrFloat("alpha", 0.2f), node.attrFloat("beta", 0.5f), false));
        into.put("HardSwish", (node, opset) -> new UnaryMath(UnaryOp.HARD_SWISH, floats, 0, 0, false));
        into.put("Tanh", (node, opset) -> new UnaryMath(UnaryOp.TANH, floats, 0, 0, false));
        into.put("Erf", (node, opset) -> new UnaryMath(UnaryOp.ERF, floats, 0, 0, false));
        into.put("Abs", (node, opset) -> new UnaryMath(UnaryOp.ABS, ElementTypes.NUMERIC, 0, 0, false));
        into.put("Neg", (node, opset) -> new UnaryMath(UnaryOp.NEG, signed, 0, 0, false));
        into.put("Sqrt", (node, opset) -> new UnaryMath(UnaryOp.SQRT, floats, 0, 0, false));
        into.put("Reciprocal", (node, opset) -> new UnaryMath(UnaryOp.RECIPROCAL, floats, 0, 0, false));
        into.put("Exp", (node, opset) -> new UnaryMath(UnaryOp.EXP, floats, 0, 0, false));
        into.put("Log", (node, opset) -> new UnaryMath(UnaryOp.LOG, floats, 0, 0, false));
    }

    private static UnaryMath clip(Node node, int opset) {
        if (opset >= 11) {
            return new UnaryMath(UnaryOp.CLIP, ElementTypes.NUMERIC, 0, 0, true);
        }
        // Clip-6: the bounds default to the float range, not to infinity.
        UnaryMath clip = new UnaryMath(UnaryOp.CLIP, ElementTypes.FLOATS, 0, 0, false);
        clip.low = node.attrFloat("min", -Float.MAX_VALUE);
        clip.high = node.attrFloat("max", Float.MAX_VALUE);
        return clip;
    }

    @Override
    public void prepare(PrepareContext ctx) {
        type = ctx.inputType(0);
        ElementTypes.require("input", type, types);
        if (boundsFromInputs) {
            for (int i = 1; i <= 2; i++) {
                if (ctx.hasInput(i)) {
                    String name = i == 1 ? "min (input 1)" : "max (input 2)";
                    ElementTypes.requireSame("input", type, name, ctx.inputType(i));
                    if (Tensor.elementCount(ctx.inputShape(i)) != 1) {
                        throw new IllegalArgumentException(name + " must be a scalar, got shape "
                                + Arrays.toString(ctx.inputShape(i)));
                    }
                }
            }
        }
        long[] shape = ctx.inputShape(0);
        pieces = Broadcast.of(shape, shape);
        kernels = ElementwiseKernels.floatsFor(Tensor.elementCount(shape));
        OutputDeclaration.declare(ctx, type, shape);
    }

    @Override
    public void execute(ExecContext ctx) {
        if (boundsFromInputs) {
            readBounds(ctx.input(1), ctx.input(2));
        }
        x = ctx.input(0).data();
        y = ctx.output(0).data();
        ctx.parallel().forRange(pieces.pieces(), pieces.grain(), task);
    }

    private void readBounds(Tensor min, Tensor max) {
        if (ElementTypes.isInteger(type)) {
            lowInteger = min == null ? Long.MIN_VALUE : NumericElements.getLong(type, min.data(), 0);
            highInteger = max == null ? Long.MAX_VALUE : NumericElements.getLong(type, max.data(), 0);
        } else {
            low = min == null ? Double.NEGATIVE_INFINITY : NumericElements.getDouble(type, min.data(), 0);
            high = max == null ? Double.POSITIVE_INFINITY : NumericElements.getDouble(type, max.data(), 0);
        }
    }

    private void run(int from, int to) {
        for (int p = from; p < to; p++) {
            long i = pieces.outputIndex(pieces.row(p), pieces.start(p));
            int n = pieces.length(p);
            if (type == DType.FLOAT32) {
                boolean clip = op == UnaryOp.CLIP;
                kernels.unary(op, clip ? (float) low : alpha, clip ? (float) high : beta, x, i, y, i, n);
            } else if (ElementTypes.isInteger(type)) {
                for (long j = i; j < i + n; j++) {
                    NumericElements.setLong(type, y, j, integer(NumericElements.getLong(type, x, j)));
                }
            } else {
                for (long j = i; j < i + n; j++) {
                    double v = NumericElements.getDouble(type, x, j);
                    NumericElements.setDouble(type, y, j, op == UnaryOp.CLIP ? Math.min(Math.max(v, low), high)
                            : ScalarElementwise.apply(op, alpha, beta, v));
                }
            }
        }
    }

    private long integer(long v) {
        return switch (op) {
            case RELU -> Math.max(0, v);
            case ABS -> Math.abs(v);
            case NEG -> -v;
            case CLIP -> Math.min(Math.max(v, lowInteger), highInteger);
            default -> throw new IllegalStateException(op + " has no integer form; prepare admits only float types");
        };
    }
}
