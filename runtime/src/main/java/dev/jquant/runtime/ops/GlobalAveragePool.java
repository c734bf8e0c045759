package dev.jquant.runtime.ops;

import dev.jquant.kernels.conv.Pooling;
import dev.jquant.runtime.DType;
import java.util.Arrays;

/** ONNX GlobalAveragePool on FLOAT32: X {@code [N, C, D1..Dr]} to Y {@code [N, C, 1, ..., 1]}, each plane's mean. */
final class GlobalAveragePool implements Operator {

    private int planes;
    private int planeSize;

    @Override
    public void prepare(PrepareContext ctx) {
        NeuralOperators.requireFloat32(ctx, 0, "X (input 0)");
        long[] x = ctx.inputShape(0);
        if (x.length < 2) {
            throw new IllegalArgumentException("X (input 0) must be [N, C, D1, ...], was " + NeuralOperators.show(x));
        }
        planes = NeuralOperators.toInt(x[0] * x[1], "N·C");
        long size = 1;
        for (int d = 2; d < x.length; d++) {
            size *= x[d];
        }
        planeSize = NeuralOperators.toInt(size, "the spatial size");
        long[] y = x.clone();
        Arrays.fill(y, 2, y.length, 1);
        ctx.setOutput(0, DType.FLOAT32, y);
    }

    @Override
    public void execute(ExecContext ctx) {
        Pooling.globalAverage(planes, planeSize, ctx.input(0).data(), ctx.output(0).data(), ctx.parallel());
    }
}
