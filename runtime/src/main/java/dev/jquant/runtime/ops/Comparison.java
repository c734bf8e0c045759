package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Set;

/**
 * Equal, Less and Greater with multidirectional broadcasting, giving BOOL. Integers compare as longs
 * (exactly, where doubles would round large INT64 values), floats as doubles, so NaN equals nothing.
 */
final class Comparison implements Operator {

    private enum Relation { EQUAL, LESS, GREATER }

    private final Relation relation;
    private final Set<DType> types;
    private final Parallel.RangeTask task = this::run;

    private DType type;
    private Broadcast plan;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment y;

    private Comparison(Relation relation, Set<DType> types) {
        this.relation = relation;
        this.types = types;
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        Set<DType> equatable = ElementTypes.union(ElementTypes.NUMERIC, Set.of(DType.BOOL));
        into.put("Equal", (node, opset) -> new Comparison(Relation.EQUAL, equatable));
        into.put("Less", (node, opset) -> new Comparison(Relation.LESS, ElementTypes.NUMERIC));
        into.put("Greater", (node, opset) -> new Comparison(Relation.GREATER, ElementTypes.NUMERIC));
    }

    @Override
    public void prepare(PrepareContext ctx) {
        type = ctx.inputType(0);
        ElementTypes.require("A (input 0)", type, types);
        ElementTypes.requireSame("A (input 0)", type, "B (input 1)", ctx.inputType(1));
        long[] sa = ctx.inputShape(0);
        long[] sb = ctx.inputShape(1);
        long[] shape = Broadcast.shapeOf(sa, sb);
        plan = Broadcast.of(shape, sa, sb);
        OutputDeclaration.declare(ctx, DType.BOOL, shape);
    }

    @Override
    public void execute(ExecContext ctx) {
        a = ctx.input(0).data();
        b = ctx.input(1).data();
        y = ctx.output(0).data();
        ctx.parallel().forRange(plan.pieces(), plan.grain(), task);
    }

    private void run(int from, int to) {
        boolean integer = ElementTypes.isInteger(type);
        for (int p = from; p < to; p++) {
            long row = plan.row(p);
            long start = plan.start(p);
            long ai = plan.inputIndex(0, row, start);
            long bi = plan.inputIndex(1, row, start);
            long yi = plan.outputIndex(row, start);
            int aStep = plan.repeatedInRow(0) ? 0 : 1;
            int bStep = plan.repeatedInRow(1) ? 0 : 1;
            for (int j = 0, n = plan.length(p); j < n; j++) {
                long ia = ai + (long) j * aStep;
                long ib = bi + (long) j * bStep;
                int order = integer
                        ? Long.compare(NumericElements.getLong(type, a, ia), NumericElements.getLong(type, b, ib))
                        : compare(NumericElements.getDouble(type, a, ia), NumericElements.getDouble(type, b, ib));
                y.set(ValueLayout.JAVA_BYTE, yi + j, (byte) (holds(order) ? 1 : 0));
            }
        }
    }

    /** Like {@link Double#compare} for ordered values, but unordered (NaN) satisfies no relation and -0 == 0. */
    private static int compare(double x, double z) {
        return x < z ? -1 : x > z ? 1 : x == z ? 0 : Integer.MIN_VALUE;
    }

    private boolean holds(int order) {
        return switch (relation) {
            case EQUAL -> order == 0;
            case LESS -> order == -1;
            case GREATER -> order == 1;
        };
    }
}
