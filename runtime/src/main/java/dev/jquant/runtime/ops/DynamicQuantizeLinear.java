package dev.jquant.runtime.ops;

import dev.jquant.kernels.qgemm.ActivationQuantizer;
import dev.jquant.kernels.qgemm.QuantizedKernels;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.Set;

/**
 * ONNX DynamicQuantizeLinear (opset 11): FLOAT32 x to UINT8 y with a scale and zero point chosen from x's
 * range widened to include 0 — {@code y_scale = (max − min) / 255},
 * {@code y_zero_point = saturate(rint(−min / y_scale))} — then quantized as QuantizeLinear does. An all-zero
 * x gets scale 1 (the specification would divide by zero; ONNX Runtime does the same). Runs on the
 * activation quantizer of {@code kernels-java}.
 */
final class DynamicQuantizeLinear implements Operator {

    private static final ActivationQuantizer QUANTIZER = QuantizedKernels.quantizer();

    private final float[] scale = new float[1];
    private final int[] zeroPoint = new int[1];
    /** x seen as rows of its last dimension, so that each count fits an int. */
    private int rows;
    private int columns;

    @Override
    public void prepare(PrepareContext ctx) {
        QuantizedElements.require(ctx, 0, "x (input 0)", Set.of(DType.FLOAT32));
        long[] shape = ctx.inputShape(0);
        long count = Tensor.elementCount(shape);
        long last = shape.length == 0 ? 1 : shape[shape.length - 1];
        columns = NeuralOperators.toInt(last, "the last dimension of x");
        rows = count == 0 ? 0 : NeuralOperators.toInt(count / last, "the number of rows of x");
        // The quantized values land in scratch when only the scale or zero point is wanted.
        OutputDeclaration.declare(ctx, new DType[] {DType.UINT8, DType.FLOAT32, DType.UINT8},
                new long[][] {shape, {}, {}}, ctx.hasOutput(0) ? 0 : count);
    }

    @Override
    public void execute(ExecContext ctx) {
        Tensor y = ctx.output(0);
        QUANTIZER.quantizeDynamic(ctx.input(0).data(), columns, rows, columns, false, false,
                y == null ? ctx.scratch() : y.data(), columns, scale, zeroPoint);
        if (ctx.output(1) != null) {
            ctx.output(1).data().setAtIndex(Tensor.F32, 0, scale[0]);
        }
        if (ctx.output(2) != null) {
            ctx.output(2).data().set(ValueLayout.JAVA_BYTE, 0, (byte) zeroPoint[0]);
        }
    }
}
