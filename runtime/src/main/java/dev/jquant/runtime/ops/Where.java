package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

/**
 * ONNX Where: {@code condition ? X : Y} elementwise, the three inputs broadcast together. Elements are
 * moved by their width in bytes, so every byte-aligned type takes the same path.
 */
final class Where implements Operator {

    private final Parallel.RangeTask task = this::run;

    private int width;
    private Broadcast plan;
    private MemorySegment condition;
    private MemorySegment x;
    private MemorySegment z;
    private MemorySegment y;

    @Override
    public void prepare(PrepareContext ctx) {
        ElementTypes.require("condition (input 0)", ctx.inputType(0), Set.of(DType.BOOL));
        DType type = ctx.inputType(1);
        ElementTypes.require("X (input 1)", type, ElementTypes.ALL);
        ElementTypes.requireSame("X (input 1)", type, "Y (input 2)", ctx.inputType(2));
        width = type.byteSize();
        long[] sc = ctx.inputShape(0);
        long[] sx = ctx.inputShape(1);
        long[] sy = ctx.inputShape(2);
        long[] shape = Broadcast.shapeOf(sc, sx, sy);
        plan = Broadcast.of(shape, sc, sx, sy);
        OutputDeclaration.declare(ctx, type, shape);
    }

    @Override
    public void execute(ExecContext ctx) {
        condition = ctx.input(0).data();
        x = ctx.input(1).data();
        z = ctx.input(2).data();
        y = ctx.output(0).data();
        ctx.parallel().forRange(plan.pieces(), plan.grain(), task);
    }

    private void run(int from, int to) {
        for (int p = from; p < to; p++) {
            long row = plan.row(p);
            long start = plan.start(p);
            long ci = plan.inputIndex(0, row, start);
            long xi = plan.inputIndex(1, row, start);
            long zi = plan.inputIndex(2, row, start);
            long yi = plan.outputIndex(row, start);
            int cStep = plan.repeatedInRow(0) ? 0 : 1;
            int xStep = plan.repeatedInRow(1) ? 0 : 1;
            int zStep = plan.repeatedInRow(2) ? 0 : 1;
            int n = plan.length(p);
            switch (width) {
                case 1 -> {
                    for (int j = 0; j < n; j++) {
                        boolean c = condition.get(ValueLayout.JAVA_BYTE, ci + (long) j * cStep) != 0;
                        y.set(ValueLayout.JAVA_BYTE, yi + j, c ? x.get(ValueLayout.JAVA_BYTE, xi + (long) j * xStep)
                                : z.get(ValueLayout.JAVA_BYTE, zi + (long) j * zStep));
                    }
                }
                case 2 -> {
                    for (int j = 0; j < n; j++) {
                        boolean c = condition.get(ValueLayout.JAVA_BYTE, ci + (long) j * cStep) != 0;
                        y.setAtIndex(Tensor.I16, yi + j, c ? x.getAtIndex(Tensor.I16, xi + (long) j * xStep)
                                : z.getAtIndex(Tensor.I16, zi + (long) j * zStep));
                    }
                }
                case 4 -> {
                    for (int j = 0; j < n; j++) {
                        boolean c = condition.get(ValueLayout.JAVA_BYTE, ci + (long) j * cStep) != 0;
                        y.setAtIndex(Tensor.I32, yi + j, c ? x.getAtIndex(Tensor.I32, xi + (long) j * xStep)
                                : z.getAtIndex(Tensor.I32, zi + (long) j * zStep));
                    }
                }
                default -> {
                    for (int j = 0; j < n; j++) {
                        boolean c = condition.get(ValueLayout.JAVA_BYTE, ci + (long) j * cStep) != 0;
                        y.setAtIndex(Tensor.I64, yi + j, c ? x.getAtIndex(Tensor.I64, xi + (long) j * xStep)
                                : z.getAtIndex(Tensor.I64, zi + (long) j * zStep));
                    }
                }
            }
        }
    }
}
