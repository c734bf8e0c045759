package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

/** ONNX Not: logical negation of a BOOL tensor (any non-zero byte counts as true). */
final class Not implements Operator {

    @Override
    public void prepare(PrepareContext ctx) {
        ElementTypes.require("input", ctx.inputType(0), Set.of(DType.BOOL));
        OutputDeclaration.declare(ctx, DType.BOOL, ctx.inputShape(0));
    }

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment x = ctx.input(0).data();
        MemorySegment y = ctx.output(0).data();
        for (long i = 0, n = x.byteSize(); i < n; i++) {
            y.set(ValueLayout.JAVA_BYTE, i, (byte) (x.get(ValueLayout.JAVA_BYTE, i) == 0 ? 1 : 0));
        }
    }
}
