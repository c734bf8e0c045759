package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.lang.foreign.MemorySegment;

/**
 * ONNX Gather: picks slices of the data along {@code axis} by index (negative indices count from the end).
 * The output's shape is {@code data[:axis] + indices + data[axis+1:]}. The hot case is an embedding
 * lookup (a [vocab, hidden] table, token ids [batch, sequence]): each index copies one whole row.
 * Indices are data, so they are checked here in execute, once each, before anything is copied.
 */
final class Gather implements Operator {

    private static final long PARALLEL_MIN_BYTES = 1 << 20;

    private final Parallel.RangeTask slices = this::copySlices;
    private int axis;
    private long outer;
    private long axisDim;
    private long indexCount;
    private long sliceBytes;
    private int elementBytes;
    private boolean int32Indices;
    /** A quantized table gathered along axis 0: only the rows read are decoded. */
    private QuantizedTensor quantizedData;
    // This run's tensors, for the chunks of a parallel copy (fields, so that the loop allocates nothing).
    private MemorySegment runSrc;
    private MemorySegment runIndices;
    private MemorySegment runDst;

    @Override
    public void prepare(PrepareContext ctx) {
        long[] data = ctx.inputShape(0);
        long[] indices = ctx.inputShape(1);
        DType indexType = ctx.inputType(1);
        if (indexType != DType.INT64 && indexType != DType.INT32) {
            throw new IllegalArgumentException("indices must be INT32 or INT64, got " + indexType);
        }
        if (data.length == 0) {
            throw new IllegalArgumentException("data must have rank >= 1, got a scalar");
        }
        axis = ShapeOperands.axis(ctx.node().attrInt("axis", 0), data.length, "axis");
        quantizedData = axis == 0 ? ctx.quantizedInput(0) : null;
        elementBytes = ElementBytes.of(ctx.inputType(0));
        int32Indices = indexType == DType.INT32;
        outer = ShapeOperands.product(data, 0, axis);
        axisDim = data[axis];
        indexCount = Tensor.elementCount(indices);
        sliceBytes = ShapeOperands.product(data, axis + 1, data.length) * elementBytes;
        long[] out = new long[data.length - 1 + indices.length];
        System.arraycopy(data, 0, out, 0, axis);
        System.arraycopy(indices, 0, out, axis, indices.length);
        System.arraycopy(data, axis + 1, out, axis + indices.length, data.length - axis - 1);
        ctx.setOutput(0, ctx.inputType(0), out);
    }

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment indices = ctx.input(1).data();
        for (long k = 0; k < indexCount; k++) {
            long i = index(indices, k);
            if (i < -axisDim || i >= axisDim) {
                throw new IndexOutOfBoundsException("Gather index " + i + " (element " + k + " of the indices) is out of "
                        + "range for axis " + axis + " of size " + axisDim + "; valid: " + -axisDim + ".." + (axisDim - 1));
            }
        }
        MemorySegment dst = ctx.output(0).data();
        if (quantizedData != null) {
            decodeRows(indices, dst);
            return;
        }
        MemorySegment src = ctx.input(0).data();
        if (outer == 1 && ctx.parallel().threads() > 1 && indexCount * sliceBytes >= PARALLEL_MIN_BYTES) {
            int grain = (int) Math.max(1, PARALLEL_MIN_BYTES / 4 / Math.max(1, sliceBytes));
            runSrc = src;
            runIndices = indices;
            runDst = dst;
            ctx.parallel().forRange(Math.toIntExact(indexCount), grain, slices);
        } else {
            for (long o = 0; o < outer; o++) {
                copy(src, indices, dst, o, 0, indexCount);
            }
        }
    }

    private void decodeRows(MemorySegment indices, MemorySegment dst) {
        long rowElements = sliceBytes / Float.BYTES;
        for (long k = 0; k < indexCount; k++) {
            long i = index(indices, k);
            quantizedData.decode((i < 0 ? i + axisDim : i) * rowElements, rowElements, dst, k * rowElements);
        }
    }

    private long index(MemorySegment indices, long k) {
        return int32Indices ? indices.getAtIndex(Tensor.I32, k) : indices.getAtIndex(Tensor.I64, k);
    }

    private void copySlices(int from, int to) {
        copy(runSrc, runIndices, runDst, 0, from, to);
    }

    /** Copies the slices picked by indices {@code [from, to)} for outer index {@code o}. */
    private void copy(MemorySegment src, MemorySegment indices, MemorySegment dst, long o, long from, long to) {
        long srcBase = o * axisDim * sliceBytes;
        long dstBase = o * indexCount * sliceBytes;
        for (long k = from; k < to; k++) {
            long i = index(indices, k);
            long srcOffset = srcBase + (i < 0 ? i + axisDim : i) * sliceBytes;
            if (sliceBytes == elementBytes) {
                ElementBytes.copy(src, srcOffset, dst, dstBase + k * sliceBytes, elementBytes);
            } else {
                MemorySegment.copy(src, srcOffset, dst, dstBase + k * sliceBytes, sliceBytes);
            }
        }
    }
}
