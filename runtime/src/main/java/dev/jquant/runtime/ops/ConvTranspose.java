package dev.jquant.runtime.ops;

import dev.jquant.kernels.conv.ConvGeometry;
import dev.jquant.kernels.conv.ConvKernels;
import dev.jquant.kernels.conv.Convolution;
import dev.jquant.kernels.conv.Window;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.util.Arrays;

/**
 * ONNX ConvTranspose on FLOAT32: X {@code [N, C, D1..Dr]}, W {@code [C, M/group, k1..kr]}, optional bias
 * {@code [M]}; the output extent comes from {@code pads} and {@code output_padding}, or from
 * {@code output_shape} or {@code auto_pad} (which then set the pads), as the ONNX specification defines.
 */
final class ConvTranspose implements Operator {

    private Convolution convolution;

    @Override
    public void prepare(PrepareContext ctx) {
        NeuralOperators.requireFloat32(ctx, 0, "X (input 0)");
        NeuralOperators.requireFloat32(ctx, 1, "W (input 1)");
        long[] x = ctx.inputShape(0);
        long[] w = ctx.inputShape(1);
        if (x.length < 3) {
            throw new IllegalArgumentException("X (input 0) must be [N, C, D1, ...] with at least one spatial "
                    + "dimension, was " + NeuralOperators.show(x));
        }
        if (w.length != x.length) {
            throw new IllegalArgumentException("W (input 1) must have X's rank " + x.length + " ([C, M/group, k1, ...]), was "
                    + NeuralOperators.show(w));
        }
        int group = NeuralOperators.toInt(ctx.node().attrInt("group", 1), "group");
        if (group < 1) {
            throw new IllegalArgumentException("attribute 'group' must be >= 1, was " + group);
        }
        int channels = NeuralOperators.toInt(x[1], "C");
        if (w[0] != channels || channels % group != 0) {
            throw new IllegalArgumentException("X has " + channels + " channels but W " + NeuralOperators.show(w)
                    + " has " + w[0] + " input channels; they must be equal and a multiple of group=" + group);
        }
        int filters = NeuralOperators.toInt(w[1] * group, "M");
        if (ctx.hasInput(2)) {
            NeuralOperators.requireFloat32(ctx, 2, "B (input 2)");
            if (!Arrays.equals(ctx.inputShape(2), new long[] {filters})) {
                throw new IllegalArgumentException("B (input 2) must be [" + filters + "] (one per output channel), was "
                        + NeuralOperators.show(ctx.inputShape(2)));
            }
        }
        int[] kernel = WindowAttributes.kernel(ctx.node(), x.length - 2, WindowAttributes.spatial(w, "W"));
        Window window = WindowAttributes.transposed(ctx.node(), WindowAttributes.spatial(x, "X"), kernel);
        int batch = NeuralOperators.toInt(x[0], "N");
        convolution = ConvKernels.get().transposed(new ConvGeometry(batch, channels, filters, group, window));
        ctx.reserveScratch(convolution.scratchBytes());
        long[] y = new long[x.length];
        y[0] = batch;
        y[1] = filters;
        for (int d = 0; d < window.rank(); d++) {
            y[d + 2] = window.output(d);
        }
        ctx.setOutput(0, DType.FLOAT32, y);
    }

    @Override
    public void execute(ExecContext ctx) {
        Tensor bias = ctx.input(2);
        convolution.run(ctx.input(0).data(), ctx.input(1).data(), bias == null ? null : bias.data(),
                ctx.output(0).data(), ctx.scratch(), ctx.parallel());
    }
}
