package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ShapeOperands.show;

import dev.jquant.runtime.DType;
import java.lang.foreign.MemorySegment;

/** ONNX Concat: the inputs joined along {@code axis}; all other dimensions must agree. */
final class Concat implements Operator {

    private long outer;
    private long[] chunkBytes;
    private long outChunkBytes;

    @Override
    public void prepare(PrepareContext ctx) {
        int n = ctx.inputCount();
        if (n == 0) {
            throw new IllegalArgumentException("needs at least one input");
        }
        long[] first = ctx.inputShape(0);
        DType dtype = ctx.inputType(0);
        if (!ctx.node().has("axis")) {
            throw new IllegalArgumentException("attribute 'axis' is required");
        }
        int axis = ShapeOperands.axis(ctx.node().attrInt("axis", 0), first.length, "axis");
        long[] out = first.clone();
        out[axis] = 0;
        long inner = ShapeOperands.product(first, axis + 1, first.length) * ElementBytes.of(dtype);
        chunkBytes = new long[n];
        for (int i = 0; i < n; i++) {
            if (!ctx.hasInput(i)) {
                throw new IllegalArgumentException("input " + i + " is missing; Concat has no optional inputs");
            }
            long[] s = ctx.inputShape(i);
            if (ctx.inputType(i) != dtype) {
                throw new IllegalArgumentException("input " + i + " is " + ctx.inputType(i) + ", input 0 is " + dtype);
            }
            for (int d = 0; d < first.length; d++) {
                if (s.length != first.length || (d != axis && s[d] != first[d])) {
                    throw new IllegalArgumentException("input " + i + " has shape " + show(s) + ", input 0 has "
                            + show(first) + ": all dimensions but axis " + axis + " must agree");
                }
            }
            out[axis] += s[axis];
            chunkBytes[i] = s[axis] * inner;
        }
        outer = ShapeOperands.product(first, 0, axis);
        outChunkBytes = out[axis] * inner;
        ctx.setOutput(0, dtype, out);
    }

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment dst = ctx.output(0).data();
        long offset = 0;
        for (int i = 0; i < chunkBytes.length; i++) {
            MemorySegment src = ctx.input(i).data();
            long bytes = chunkBytes[i];
            for (long o = 0; o < outer; o++) {
                MemorySegment.copy(src, o * bytes, dst, o * outChunkBytes + offset, bytes);
            }
            offset += bytes;
        }
    }
}
