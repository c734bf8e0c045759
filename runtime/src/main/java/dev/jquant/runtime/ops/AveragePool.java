package dev.jquant.runtime.ops;

import dev.jquant.kernels.conv.Pooling;
import dev.jquant.kernels.conv.Window;
import dev.jquant.runtime.DType;

/**
 * ONNX AveragePool on FLOAT32 X {@code [N, C, D1..Dr]}: {@code kernel_shape}, {@code strides},
 * {@code dilations}, {@code pads}, {@code auto_pad}, {@code ceil_mode} and {@code count_include_pad}
 * (padding counted in the divisor, but not the part of a ceil-mode window beyond the end padding).
 */
final class AveragePool implements Operator {

    private Window window;
    private int planes;
    private boolean countIncludePad;

    @Override
    public void prepare(PrepareContext ctx) {
        NeuralOperators.requireFloat32(ctx, 0, "X (input 0)");
        long[] x = ctx.inputShape(0);
        if (x.length < 3) {
            throw new IllegalArgumentException("X (input 0) must be [N, C, D1, ...] with at least one spatial "
                    + "dimension, was " + NeuralOperators.show(x));
        }
        int[] kernel = WindowAttributes.kernel(ctx.node(), x.length - 2, null);
        window = WindowAttributes.forward(ctx.node(), WindowAttributes.spatial(x, "X"), kernel,
                ctx.node().attrInt("ceil_mode", 0) != 0);
        countIncludePad = ctx.node().attrInt("count_include_pad", 0) != 0;
        planes = NeuralOperators.toInt(x[0] * x[1], "N·C");
        ctx.setOutput(0, DType.FLOAT32, MaxPool.outputShape(x, window));
    }

    @Override
    public void execute(ExecContext ctx) {
        Pooling.average(window, planes, countIncludePad, ctx.input(0).data(), ctx.output(0).data(), ctx.parallel());
    }
}
