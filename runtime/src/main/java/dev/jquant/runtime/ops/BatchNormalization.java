package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ONNX BatchNormalization in inference mode on FLOAT32: X {@code [N, C, D...]} with per-channel
 * {@code scale}, {@code B}, {@code input_mean} and {@code input_var}, each {@code [C]}. Folded to one
 * multiply-add per element, {@code y = x·a + b} with {@code a = scale / sqrt(var + epsilon)} and
 * {@code b = B − mean·a}; the coefficients are computed while planning when the four are constants.
 * {@code training_mode=1} and the training-only outputs are rejected.
 */
final class BatchNormalization implements Operator {

    private static final String[] OPERANDS = {"X (input 0)", "scale (input 1)", "B (input 2)",
            "input_mean (input 3)", "input_var (input 4)"};

    private final Parallel.RangeTask task = this::normalizePlanes;

    private float epsilon;
    private int channels;
    private int planeSize;
    private float[] multiplier;
    private float[] offset;
    private boolean coefficientsKnown;
    private MemorySegment x;
    private MemorySegment y;

    @Override
    public void prepare(PrepareContext ctx) {
        if (ctx.node().attrInt("training_mode", 0) != 0) {
            throw new UnsupportedVariantException("training_mode=1 is not supported; the Java backend runs inference only");
        }
        for (int i = 1; i < ctx.outputCount(); i++) {
            if (ctx.hasOutput(i)) {
                throw new UnsupportedVariantException("output " + i + " (running or saved statistics) exists only in "
                        + "training mode, which is not supported; only Y (output 0) may be requested");
            }
        }
        if (ctx.inputCount() != OPERANDS.length) {
            throw new IllegalArgumentException("expected 5 inputs (X, scale, B, input_mean, input_var), got "
                    + ctx.inputCount());
        }
        for (int i = 0; i < OPERANDS.length; i++) {
            if (!ctx.hasInput(i)) {
                throw new IllegalArgumentException(OPERANDS[i] + " is required");
            }
            NeuralOperators.requireFloat32(ctx, i, OPERANDS[i]);
        }
        long[] shape = ctx.inputShape(0);
        if (shape.length < 2) {
            throw new IllegalArgumentException("X (input 0) must be [N, C, ...], was " + NeuralOperators.show(shape));
        }
        channels = NeuralOperators.toInt(shape[1], "C");
        for (int i = 1; i < OPERANDS.length; i++) {
            if (!Arrays.equals(ctx.inputShape(i), new long[] {channels})) {
                throw new IllegalArgumentException(OPERANDS[i] + " must be [" + channels + "] (one per channel of X "
                        + NeuralOperators.show(shape) + "), was " + NeuralOperators.show(ctx.inputShape(i)));
            }
        }
        long size = 1;
        for (int d = 2; d < shape.length; d++) {
            size *= shape[d];
        }
        planeSize = NeuralOperators.toInt(size, "the spatial size");
        NeuralOperators.toInt(shape[0] * channels, "N·C");
        epsilon = ctx.node().attrFloat("epsilon", 1e-5f);
        multiplier = new float[channels];
        offset = new float[channels];
        Tensor[] parameters = {ctx.constantInput(1), ctx.constantInput(2), ctx.constantInput(3), ctx.constantInput(4)};
        coefficientsKnown = Arrays.stream(parameters).allMatch(t -> t != null);
        if (coefficientsKnown) {
            fold(parameters[0].data(), parameters[1].data(), parameters[2].data(), parameters[3].data());
        }
        ctx.setOutput(0, DType.FLOAT32, shape);
    }

    private void fold(MemorySegment scale, MemorySegment bias, MemorySegment mean, MemorySegment variance) {
        for (int c = 0; c < channels; c++) {
            double a = scale.getAtIndex(Tensor.F32, c) / Math.sqrt((double) variance.getAtIndex(Tensor.F32, c) + epsilon);
            multiplier[c] = (float) a;
            offset[c] = (float) (bias.getAtIndex(Tensor.F32, c) - mean.getAtIndex(Tensor.F32, c) * a);
        }
    }

    @Override
    public void execute(ExecContext ctx) {
        if (!coefficientsKnown) {
            fold(ctx.input(1).data(), ctx.input(2).data(), ctx.input(3).data(), ctx.input(4).data());
        }
        x = ctx.input(0).data();
        y = ctx.output(0).data();
        ctx.parallel().forRange((int) (ctx.input(0).elementCount() / Math.max(1, planeSize)), 1, task);
    }

    /** Planes {@code [start, end)} of {@code [N·C, planeSize]}. */
    private void normalizePlanes(int start, int end) {
        for (int plane = start; plane < end; plane++) {
            float a = multiplier[plane % channels];
            float b = offset[plane % channels];
            long base = (long) plane * planeSize;
            for (long i = base; i < base + planeSize; i++) {
                y.setAtIndex(Tensor.F32, i, x.getAtIndex(Tensor.F32, i) * a + b);
            }
        }
    }
}
