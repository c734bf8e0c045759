package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ShapeOperands.show;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ONNX Split: cuts the input along {@code axis} into the outputs. Part sizes come from the {@code split}
 * attribute (before opset 13) or input 1 (from 13); without them the parts are equal, or, with
 * {@code num_outputs} (opset 18), equal but for a smaller last part.
 */
final class Split implements Operator {

    private long outer;
    private long inChunkBytes;
    private long[] partBytes;
    private long[] partOffsetBytes;

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        int axis = ShapeOperands.axis(ctx.node().attrInt("axis", 0), in.length, "axis");
        long dim = in[axis];
        int parts = ctx.outputCount();
        long[] sizes = ShapeOperands.inputOrAttribute(ctx, 1, "split");
        if (sizes == null && ctx.node().has("num_outputs")) {
            long count = ctx.node().attrInt("num_outputs", 0);
            if (count != parts) {
                throw new IllegalArgumentException("num_outputs=" + count + " but the node has " + parts + " outputs");
            }
            sizes = partsWithSmallerLast(dim, parts);
        } else if (sizes == null) {
            sizes = equalParts(dim, parts);
        }
        if (sizes.length != parts) {
            throw new IllegalArgumentException("split " + Arrays.toString(sizes) + " has " + sizes.length
                    + " parts, the node has " + parts + " outputs");
        }
        long total = 0;
        for (long s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split " + Arrays.toString(sizes) + " has a negative part");
            }
            total += s;
        }
        if (total != dim) {
            throw new IllegalArgumentException("split " + Arrays.toString(sizes) + " adds up to " + total
                    + ", axis " + axis + " of " + show(in) + " has " + dim);
        }
        long inner = ShapeOperands.product(in, axis + 1, in.length) * ElementBytes.of(ctx.inputType(0));
        outer = ShapeOperands.product(in, 0, axis);
        inChunkBytes = dim * inner;
        partBytes = new long[parts];
        partOffsetBytes = new long[parts];
        long offset = 0;
        for (int i = 0; i < parts; i++) {
            partBytes[i] = sizes[i] * inner;
            partOffsetBytes[i] = offset;
            offset += partBytes[i];
            long[] out = in.clone();
            out[axis] = sizes[i];
            if (ctx.hasOutput(i)) {
                ctx.setOutput(i, ctx.inputType(0), out);
            }
        }
    }

    private static long[] equalParts(long dim, int parts) {
        if (dim % parts != 0) {
            throw new IllegalArgumentException("cannot split " + dim + " into " + parts + " equal parts; give 'split' sizes");
        }
        long[] sizes = new long[parts];
        Arrays.fill(sizes, dim / parts);
        return sizes;
    }

    private static long[] partsWithSmallerLast(long dim, int parts) {
        long part = Math.ceilDiv(dim, parts);
        long last = dim - part * (parts - 1);
        if (last < 0) {
            throw new IllegalArgumentException("cannot split " + dim + " into " + parts + " parts of " + part
                    + " and a smaller last part");
        }
        long[] sizes = new long[parts];
        Arrays.fill(sizes, part);
        sizes[parts - 1] = last;
        return sizes;
    }

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment src = ctx.input(0).data();
        for (int i = 0; i < partBytes.length; i++) {
            if (ctx.output(i) == null) {
                continue;
            }
            MemorySegment dst = ctx.output(i).data();
            long bytes = partBytes[i];
            for (long o = 0; o < outer; o++) {
                MemorySegment.copy(src, o * inChunkBytes + partOffsetBytes[i], dst, o * bytes, bytes);
            }
        }
    }
}
