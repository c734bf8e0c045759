package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * ReduceSum, ReduceMean, ReduceMax and ReduceMin. The axes come from the {@code axes} attribute until
 * the op took them as input 1 (ReduceSum at opset 13, the others at 18); that input must be known
 * while planning. No axes reduce everything, or nothing when {@code noop_with_empty_axes} is set. An
 * empty reduction gives 0 for a sum, NaN for a float mean, and the type's lowest (highest) value for
 * a max (min).
 *
 * <p>Adjacent axes that are reduced alike are merged first. Reducing trailing axes, the case of
 * transformers, is then one vectorized kernel call per output element, in parallel; other layouts
 * accumulate whole input rows into the output. Types other than FLOAT32 accumulate in double or long
 * scratch memory.
 */
final class Reduce implements Operator {

    private enum Kind { SUM, MEAN, MAX, MIN }

    private static final FloatElementwise KERNELS = ElementwiseKernels.floats();

    private final Kind kind;
    private final int axesInputSince;
    private final Parallel.RangeTask task = this::reduceRows;

    private DType type;
    private boolean identity;
    /** The merged dimensions before the innermost one, outermost first, and their output strides (0 if reduced). */
    private long[] rowDims;
    private long[] rowOutStrides;
    private long rowLength;
    private boolean rowReduced;
    /** True when only the trailing merged dimension is reduced: each output element reduces one input row. */
    private boolean trailing;
    private long reducedCount;
    private long outputCount;
    private MemorySegment x;
    private MemorySegment y;

    private Reduce(Kind kind, int axesInputSince) {
        this.kind = kind;
        this.axesInputSince = axesInputSince;
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        into.put("ReduceSum", (node, opset) -> new Reduce(Kind.SUM, 13));
        into.put("ReduceMean", (node, opset) -> new Reduce(Kind.MEAN, 18));
        into.put("ReduceMax", (node, opset) -> new Reduce(Kind.MAX, 18));
        into.put("ReduceMin", (node, opset) -> new Reduce(Kind.MIN, 18));
    }

    @Override
    public void prepare(PrepareContext ctx) {
        type = ctx.inputType(0);
        ElementTypes.require("data", type, ElementTypes.NUMERIC);
        long[] in = ctx.inputShape(0);
        int rank = in.length;
        long[] axes;
        if (ctx.opset() >= axesInputSince) {
            if (ctx.node().has("axes")) {
                throw new IllegalArgumentException("from opset " + axesInputSince + " the axes are input 1, not an "
                        + "attribute (the model's opset is " + ctx.opset() + ")");
            }
            axes = ctx.hasInput(1) ? ShapeOperands.ints(ctx.requireConstantInput(1, "axes"), "axes") : null;
        } else {
            if (ctx.hasInput(1)) {
                throw new IllegalArgumentException("before opset " + axesInputSince + " the axes are the 'axes' "
                        + "attribute, not input 1 (the model's opset is " + ctx.opset() + ")");
            }
            axes = ctx.node().attrInts("axes", null);
        }
        boolean keepDims = ctx.node().attrInt("keepdims", 1) != 0;
        boolean[] reduced = new boolean[rank];
        identity = (axes == null || axes.length == 0) && ctx.node().attrInt("noop_with_empty_axes", 0) != 0;
        if (identity) {
            outputCount = Tensor.elementCount(in);
            OutputDeclaration.declare(ctx, type, in);
            return;
        }
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, true);
        } else {
            for (int a : ShapeOperands.axes(axes, rank, "axis")) {
                reduced[a] = true;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (!reduced[d]) {
                out.add(in[d]);
            } else if (keepDims) {
                out.add(1L);
            }
        }
        long[] outShape = out.stream().mapToLong(Long::longValue).toArray();
        outputCount = Tensor.elementCount(outShape);
        merge(in, reduced);
        boolean floats = type == DType.FLOAT32;
        OutputDeclaration.declare(ctx, new DType[] {type}, new long[][] {outShape}, floats ? 0 : outputCount * 8);
    }

    /** Merges neighbouring dimensions reduced alike, dropping those of size 1, and derives the row layout. */
    private void merge(long[] in, boolean[] reduced) {
        List<long[]> groups = new ArrayList<>(); // {size, reduced ? 1 : 0}
        reducedCount = 1;
        for (int d = 0; d < in.length; d++) {
            if (reduced[d]) {
                reducedCount *= in[d];
            }
            if (in[d] == 1) {
                continue;
            }
            int flag = reduced[d] ? 1 : 0;
            if (!groups.isEmpty() && groups.getLast()[1] == flag) {
                groups.getLast()[0] *= in[d];
            } else {
                groups.add(new long[] {in[d], flag});
            }
        }
        if (groups.isEmpty()) {
            groups.add(new long[] {1, 1});
        }
        long[] last = groups.removeLast();
        rowLength = last[0];
        rowReduced = last[1] == 1;
        trailing = rowReduced && groups.size() <= 1;
        rowDims = new long[groups.size()];
        rowOutStrides = new long[groups.size()];
        long stride = rowReduced ? 1 : rowLength;
        for (int g = groups.size() - 1; g >= 0; g--) {
            rowDims[g] = groups.get(g)[0];
            if (groups.get(g)[1] == 0) {
                rowOutStrides[g] = stride;
                stride *= rowDims[g];
            }
        }
        if (trailing && outputCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the output has " + outputCount + " elements; at most "
                    + Integer.MAX_VALUE + " are supported");
        }
    }

    @Override
    public void execute(ExecContext ctx) {
        x = ctx.input(0).data();
        y = ctx.output(0).data();
        if (identity) {
            MemorySegment.copy(x, 0, y, 0, y.byteSize());
        } else if (type == DType.FLOAT32 && trailing) {
            int grain = (int) Math.max(1, Broadcast.PIECE / Math.max(1, rowLength));
            ctx.parallel().forRange((int) outputCount, grain, task);
        } else if (type == DType.FLOAT32) {
            accumulateFloats();
        } else {
            accumulateGeneric(ctx.scratch());
        }
    }

    /** Output elements {@code [from, to)}, each the reduction of one contiguous input row. */
    private void reduceRows(int from, int to) {
        int n = (int) rowLength;
        for (int r = from; r < to; r++) {
            long xi = r * rowLength;
            float v = switch (kind) {
                case SUM -> KERNELS.sum(x, xi, n);
                case MEAN -> KERNELS.sum(x, xi, n) / n;
                case MAX -> KERNELS.max(x, xi, n);
                case MIN -> KERNELS.min(x, xi, n);
            };
            y.setAtIndex(Tensor.F32, r, v);
        }
    }

    private float floatIdentity() {
        return switch (kind) {
            case SUM, MEAN -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
    }

    /** Any layout in FLOAT32: each input row is folded into its output element, or its output row. */
    private void accumulateFloats() {
        for (long o = 0; o < outputCount; o++) {
            y.setAtIndex(Tensor.F32, o, floatIdentity());
        }
        BinaryOp combine = switch (kind) {
            case SUM, MEAN -> BinaryOp.ADD;
            case MAX -> BinaryOp.MAX;
            case MIN -> BinaryOp.MIN;
        };
        long rows = Tensor.elementCount(rowDims);
        for (long r = 0; r < rows; r++) {
            long o = outputIndex(r);
            long xi = r * rowLength;
            for (long done = 0; done < rowLength; done += Broadcast.PIECE) {
                int n = (int) Math.min(Broadcast.PIECE, rowLength - done);
                if (rowReduced) {
                    float v = switch (kind) {
                        case SUM, MEAN -> KERNELS.sum(x, xi + done, n);
                        case MAX -> KERNELS.max(x, xi + done, n);
                        case MIN -> KERNELS.min(x, xi + done, n);
                    };
                    y.setAtIndex(Tensor.F32, o, combine(combine, y.getAtIndex(Tensor.F32, o), v));
                } else {
                    KERNELS.binary(combine, y, o + done, x, xi + done, y, o + done, n);
                }
            }
        }
        if (kind == Kind.MEAN) {
            for (long o = 0; o < outputCount; o++) {
                y.setAtIndex(Tensor.F32, o, y.getAtIndex(Tensor.F32, o) / reducedCount);
            }
        }
    }

    private static float combine(BinaryOp op, float a, float b) {
        return switch (op) {
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            default -> a + b;
        };
    }

    /** Other types, one element at a time into double (float types) or long (integers) accumulators. */
    private void accumulateGeneric(MemorySegment acc) {
        boolean integer = ElementTypes.isInteger(type);
        for (long o = 0; o < outputCount; o++) {
            if (integer) {
                acc.setAtIndex(Tensor.I64, o, switch (kind) {
                    case SUM, MEAN -> 0L;
                    case MAX -> ElementTypes.lowest(type);
                    case MIN -> ElementTypes.highest(type);
                });
            } else {
                acc.setAtIndex(Tensor.F64, o, floatIdentity());
            }
        }
        long rows = Tensor.elementCount(rowDims);
        for (long r = 0; r < rows; r++) {
            long o = outputIndex(r);
            long xi = r * rowLength;
            for (long j = 0; j < rowLength; j++) {
                long oj = rowReduced ? o : o + j;
                if (integer) {
                    long v = NumericElements.getLong(type, x, xi + j);
                    long a = acc.getAtIndex(Tensor.I64, oj);
                    acc.setAtIndex(Tensor.I64, oj, switch (kind) {
                        case SUM, MEAN -> a + v;
                        case MAX -> Math.max(a, v);
                        case MIN -> Math.min(a, v);
                    });
                } else {
                    double v = NumericElements.getDouble(type, x, xi + j);
                    double a = acc.getAtIndex(Tensor.F64, oj);
                    acc.setAtIndex(Tensor.F64, oj, switch (kind) {
                        case SUM, MEAN -> a + v;
                        case MAX -> Math.max(a, v);
                        case MIN -> Math.min(a, v);
                    });
                }
            }
        }
        for (long o = 0; o < outputCount; o++) {
            if (integer) {
                long a = acc.getAtIndex(Tensor.I64, o);
                NumericElements.setLong(type, y, o, kind == Kind.MEAN ? (reducedCount == 0 ? 0 : a / reducedCount) : a);
            } else {
                double a = acc.getAtIndex(Tensor.F64, o);
                NumericElements.setDouble(type, y, o, kind == Kind.MEAN ? a / reducedCount : a);
            }
        }
    }

    /** Output element (or start of the output row) that input row {@code r} folds into. */
    private long outputIndex(long r) {
        long o = 0;
        for (int g = rowDims.length - 1; g >= 0; g--) {
            o += (r % rowDims[g]) * rowOutStrides[g];
            r /= rowDims[g];
        }
        return o;
    }
}
