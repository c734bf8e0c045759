package dev.jquant.runtime.ops;

import dev.jquant.kernels.conv.Pooling;
import dev.jquant.kernels.conv.Window;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

/**
 * ONNX MaxPool on X {@code [N, C, D1..Dr]}: {@code kernel_shape}, {@code strides}, {@code dilations},
 * {@code pads}, {@code auto_pad} and {@code ceil_mode}. Padding never wins. The optional Indices output
 * (INT64) gives the flat input index of each maximum, row-major or, with {@code storage_order=1}, with the
 * first spatial dimension fastest. FLOAT32 is pooled directly; INT8 and UINT8 (opset 12) are widened to
 * float in scratch memory, pooled and narrowed back, which is exact.
 */
final class MaxPool implements Operator {

    private static final Set<DType> SUPPORTED = Set.of(DType.FLOAT32, DType.INT8, DType.UINT8);

    private Window window;
    private int planes;
    private Pooling.IndexOrder order;
    private boolean wantIndices;
    private DType type;

    @Override
    public void prepare(PrepareContext ctx) {
        type = ctx.inputType(0);
        if (!SUPPORTED.contains(type)) {
            throw new UnsupportedVariantException("X (input 0) has element type " + type + "; supported: [FLOAT32, INT8, UINT8]");
        }
        long[] x = ctx.inputShape(0);
        if (x.length < 3) {
            throw new IllegalArgumentException("X (input 0) must be [N, C, D1, ...] with at least one spatial "
                    + "dimension, was " + NeuralOperators.show(x));
        }
        long storageOrder = ctx.node().attrInt("storage_order", 0);
        if (storageOrder != 0 && storageOrder != 1) {
            throw new IllegalArgumentException("attribute 'storage_order' must be 0 (row major) or 1 (column major), was "
                    + storageOrder);
        }
        order = storageOrder == 0 ? Pooling.IndexOrder.ROW_MAJOR : Pooling.IndexOrder.COLUMN_MAJOR;
        int[] kernel = WindowAttributes.kernel(ctx.node(), x.length - 2, null);
        window = WindowAttributes.forward(ctx.node(), WindowAttributes.spatial(x, "X"), kernel,
                ctx.node().attrInt("ceil_mode", 0) != 0);
        planes = NeuralOperators.toInt(x[0] * x[1], "N·C");
        long[] y = outputShape(x, window);
        ctx.setOutput(0, type, y);
        wantIndices = ctx.hasOutput(1);
        if (wantIndices) {
            ctx.setOutput(1, DType.INT64, y);
        }
        if (type != DType.FLOAT32) {
            ctx.reserveScratch(((long) window.inputSize() + window.outputSize()) * planes * Float.BYTES);
        }
    }

    /** {@code [N, C, output extents...]}. */
    static long[] outputShape(long[] x, Window window) {
        long[] y = new long[x.length];
        y[0] = x[0];
        y[1] = x[1];
        for (int d = 0; d < window.rank(); d++) {
            y[d + 2] = window.output(d);
        }
        return y;
    }

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment indices = wantIndices ? ctx.output(1).data() : null;
        if (type == DType.FLOAT32) {
            Pooling.max(window, planes, ctx.input(0).data(), ctx.output(0).data(), indices, order, ctx.parallel());
            return;
        }
        long inCount = (long) window.inputSize() * planes;
        long outCount = (long) window.outputSize() * planes;
        MemorySegment wide = ctx.scratch().asSlice(0, inCount * Float.BYTES);
        MemorySegment pooled = ctx.scratch().asSlice(inCount * Float.BYTES, outCount * Float.BYTES);
        MemorySegment x = ctx.input(0).data();
        boolean signed = type == DType.INT8;
        for (long i = 0; i < inCount; i++) {
            byte v = x.get(ValueLayout.JAVA_BYTE, i);
            wide.setAtIndex(Tensor.F32, i, signed ? v : Byte.toUnsignedInt(v));
        }
        Pooling.max(window, planes, wide, pooled, indices, order, ctx.parallel());
        MemorySegment y = ctx.output(0).data();
        for (long i = 0; i < outCount; i++) {
            y.set(ValueLayout.JAVA_BYTE, i, (byte) (int) pooled.getAtIndex(Tensor.F32, i));
        }
    }
}
